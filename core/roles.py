"""Roles are Django groups. An admin is also a moderator; a superuser is everything.

What a role may do in the Django admin is given here, not by hand in the admin: the admin role
holds every permission of every model registered in the admin, the moderator role the permissions
of `MODERATOR_MODEL_ACTIONS`. `role_permissions_sync` writes those onto the groups after every
`migrate` (core's post_migrate receiver), so a model registered later is covered by the next migrate.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

MODERATOR = "moderator"
ADMIN = "admin"
ROLE_IMPLIES = {ADMIN: {ADMIN, MODERATOR}, MODERATOR: {MODERATOR}}

# Where members' published words live (profiles anyone can open, room chat): a moderator reads
# them and can correct a profile or remove a message. Accounts, roles, private resumes and the
# judge's content stay with admins.
MODERATOR_MODEL_ACTIONS: dict[str, tuple[str, ...]] = {
    "accounts.profile": ("view", "change"),
    "collaboration.room": ("view",),
    "collaboration.roommessage": ("view", "delete"),
    # Moderators author learning playlists (challenges/playlist_services.py) and look after reviews.
    "challenges.playlist": ("view", "add", "change"),
    "challenges.lesson": ("view", "add", "change", "delete"),
    "challenges.playlistcategory": ("view", "add", "change"),
    "challenges.challengereview": ("view", "delete"),
    "challenges.reviewreply": ("view", "delete"),
    "community.post": ("view",),
    "community.comment": ("view",),
    "community.flag": ("view",),
    "community.suspension": ("view",),
    "community.codetemplate": ("view",),
    # The messenger: moderators read and act through the admin actions (services), never edit rows.
    "chat.chat": ("view",),
    "chat.message": ("view",),
    "chat.messagereport": ("view",),
    "chat.membership": ("view",),
    "chat.invitelink": ("view",),
    # Peer interviews: moderators read reports and feedback, and suspend or lift through the actions.
    "interviews.peerreport": ("view",),
    "interviews.peerfeedback": ("view",),
    "interviews.peersuspension": ("view",),
}


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return {ADMIN, MODERATOR}
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = set()
        for name in user.groups.values_list("name", flat=True):
            cached |= ROLE_IMPLIES.get(name, set())
        user._role_cache = cached
    return cached


def user_has_role(user, role: str) -> bool:
    return role in user_roles(user)


def role_required(role: str):
    """View decorator: 403 for anyone signed in without the role; anonymous users log in first."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not user_has_role(request.user, role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def role_permission_codenames() -> dict[str, set[tuple[str, str]]]:
    """(app_label, codename) pairs each role's group holds: the admin every permission of every
    model registered in the admin site, the moderator the listed actions on its models."""
    from django.apps import apps
    from django.contrib import admin
    from django.contrib.auth import get_permission_codename

    admin_pairs: set[tuple[str, str]] = set()
    for model in apps.get_models():
        if admin.site.is_registered(model):
            opts = model._meta
            admin_pairs |= {(opts.app_label, get_permission_codename(action, opts))
                            for action in opts.default_permissions}
    moderator_pairs: set[tuple[str, str]] = set()
    for label, actions in MODERATOR_MODEL_ACTIONS.items():
        opts = apps.get_model(label)._meta
        moderator_pairs |= {(opts.app_label, get_permission_codename(action, opts)) for action in actions}
    return {ADMIN: admin_pairs, MODERATOR: moderator_pairs}


def role_permissions_sync() -> dict[str, int]:
    """Makes each role group hold exactly its permissions (creating the group when missing);
    idempotent. Returns the number of permissions per role. Permissions not yet in the database
    (their app's post_migrate has not run yet) are skipped: the next call adds them."""
    from django.contrib.auth.models import Group, Permission
    from django.db import transaction
    from django.db.models import Q

    counts = {}
    with transaction.atomic():
        for role, pairs in role_permission_codenames().items():
            group, _ = Group.objects.get_or_create(name=role)
            wanted = Q(pk__in=[])
            for app_label, codename in pairs:
                wanted |= Q(content_type__app_label=app_label, codename=codename)
            permissions = list(Permission.objects.filter(wanted))
            group.permissions.set(permissions)
            counts[role] = len(permissions)
    return counts

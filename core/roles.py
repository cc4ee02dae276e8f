"""Roles are Django groups. An admin is also a moderator; a superuser is everything."""

from functools import wraps

from django.core.exceptions import PermissionDenied

MODERATOR = "moderator"
ADMIN = "admin"
ROLE_IMPLIES = {ADMIN: {ADMIN, MODERATOR}, MODERATOR: {MODERATOR}}


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

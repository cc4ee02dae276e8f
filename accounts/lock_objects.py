"""Row locks of the accounts domain (order: core.locks). A user's own rows may be missing (users
made by createsuperuser or the admin): locking one creates it first, in the caller's
transaction, since only writers lock."""

from core.locks import lock_for_update

from .models import Notification, Preferences, Profile, Progress


def lock_profile_for_update(user) -> Profile:
    Profile.objects.get_or_create(user_id=user.id)
    return lock_for_update(Profile.objects.filter(user_id=user.id)).get()


def lock_preferences_for_update(user) -> Preferences:
    Preferences.objects.get_or_create(user_id=user.id)
    return lock_for_update(Preferences.objects.filter(user_id=user.id)).get()


def lock_progress_for_update(user_id: int) -> Progress:
    Progress.objects.get_or_create(user_id=user_id)
    return lock_for_update(Progress.objects.filter(user_id=user_id)).get()


def lock_notification_for_update(notification_id: int) -> Notification | None:
    """With its user joined in (not locked)."""
    return lock_for_update(Notification.objects.filter(id=notification_id).select_related("user")).first()

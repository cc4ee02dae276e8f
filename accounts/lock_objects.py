"""Row locks of the accounts domain (order: core.locks). A user's own rows may be missing (users
made by createsuperuser or the admin): locking one creates it first, in the caller's
transaction, since only writers lock."""

from core.locks import lock_for_update

from .models import Notification, Preferences, Profile, Progress


def _lock_users_row(model, user_id: int):
    row = lock_for_update(model.objects.filter(user_id=user_id)).first()
    if row is None:  # one query in the usual case; a missing row is made, then locked
        model.objects.get_or_create(user_id=user_id)
        row = lock_for_update(model.objects.filter(user_id=user_id)).get()
    return row


def lock_profile_for_update(user) -> Profile:
    return _lock_users_row(Profile, user.id)


def lock_preferences_for_update(user) -> Preferences:
    return _lock_users_row(Preferences, user.id)


def lock_progress_for_update(user_id: int) -> Progress:
    return _lock_users_row(Progress, user_id)


def lock_notification_for_update(notification_id: int) -> Notification | None:
    """With its user joined in (not locked)."""
    return lock_for_update(Notification.objects.filter(id=notification_id).select_related("user")).first()

"""Every write of the accounts domain. Interfaces call these; they never write models themselves."""

from .deletion import account_delete
from .follows import follow_create, follow_delete
from .notifications import (
    announcement_broadcast,
    announcement_deliver,
    notification_delete,
    notification_email_deliver,
    notification_emails_recover,
    notification_mark_read,
    notification_send,
    notification_to_dict,
    notifications_mark_all_read,
    notifications_purge_expired,
)
from .profiles import (
    preferences_update,
    profile_avatar_set,
    profile_update,
    user_create,
    user_defaults_create,
)
from .progression import (
    achievement_catalog_sync,
    achievements_evaluate,
    progress_record_activity,
    progress_record_event,
)
from .sessions import sessions_revoked

__all__ = [
    "account_delete",
    "achievement_catalog_sync",
    "achievements_evaluate",
    "announcement_broadcast",
    "announcement_deliver",
    "follow_create",
    "follow_delete",
    "notification_delete",
    "notification_email_deliver",
    "notification_emails_recover",
    "notification_mark_read",
    "notification_send",
    "notification_to_dict",
    "notifications_mark_all_read",
    "notifications_purge_expired",
    "preferences_update",
    "profile_avatar_set",
    "profile_update",
    "progress_record_activity",
    "progress_record_event",
    "sessions_revoked",
    "user_create",
    "user_defaults_create",
]

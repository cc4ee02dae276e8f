from core.roles import ADMIN, MODERATOR, user_roles

from .selectors import notification_badge


def viewer_context(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"theme": "system"}
    roles = user_roles(user)
    unread, newest = notification_badge(user_id=user.id)
    return {
        "theme": user.preferences.theme,
        "unread_notifications": unread,
        "last_notification_id": newest,
        "viewer_is_moderator": MODERATOR in roles,
        "viewer_is_admin": ADMIN in roles,
    }

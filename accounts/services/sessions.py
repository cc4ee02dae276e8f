from core.realtime import SESSION_REVOKED, publish_on_commit, session_group, user_sessions_group

from ..models import User


def sessions_revoked(*, user: User, session_key: str | None = None) -> None:
    """A sign-in ended: after commit, every open WebSocket of that session (session_key given:
    a logout) or of every session of the user (None: the password changed or was reset) closes
    with 4401. Covers browser sockets (session cookie) and app sockets (access token issued for
    that session) alike; see core.websocket_auth.SignInBoundConnection."""
    group = session_group(session_key) if session_key else user_sessions_group(user.id)
    publish_on_commit(group, {"type": SESSION_REVOKED})

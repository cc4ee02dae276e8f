"""Real-time publishing. Events are JSON `{"type": "<entity>.<op>", ...}` sent to a group
after the surrounding transaction commits, so that no client hears of a row that was rolled back."""

import hashlib
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

# The consumer method that receives every published event (see core.consumers).
DISPATCH_TYPE = "realtime.event"


def user_group(user_id: int) -> str:
    """Every connection of one user (all tabs, all devices)."""
    return f"user.{user_id}"


# Sent to the two groups below when sign-ins end: every socket in them closes (core.websocket_auth).
SESSION_REVOKED = "session.revoked"


def session_group(session_key: str) -> str:
    """Every connection opened with one session (its cookie, or an app token issued for it). The
    key is hashed so that it never travels to the channel layer."""
    return f"session.{hashlib.sha256(session_key.encode()).hexdigest()[:40]}"


def user_sessions_group(user_id: int) -> str:
    """Every signed-in connection of one user, whatever the session."""
    return f"sessions.{user_id}"


def publish_now(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(group, {"type": DISPATCH_TYPE, "event": event})


def publish_on_commit(group: str, event: dict | Callable[[], dict]) -> None:
    """Send `event` to `group` once the current transaction commits (at once outside one).

    `event` may be a callable that builds the event at commit time, so it can read state that is
    only final then (an unread count, say)."""

    def send():
        payload = event() if callable(event) else event
        publish_now(group, payload)

    transaction.on_commit(send, robust=True)

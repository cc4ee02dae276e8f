"""The base every PrepForge consumer builds on: authentication required, JSON messages with a
size and rate limit, and clear close codes. Subclasses say which groups to join and how to
handle each client message type."""

import json

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from core.rate_limits import TokenBucket


class CloseCode:
    UNAUTHENTICATED = 4401
    FORBIDDEN = 4403
    BAD_MESSAGE = 4400
    MESSAGE_TOO_BIG = 4413
    RATE_LIMITED = 4429


def sends_nothing_after_close(send):
    """The ASGI `send` of one socket, dropping whatever comes after its close. A consumer that
    closed a socket keeps running until the client answers (group events, queued frames still
    arrive); sent on, daphne raises "Attempt to send on a closed protocol" into the consumer and
    uvicorn an unexpected-message error, and granian drops it. Nothing can reach the client
    then, so nothing is sent."""
    closed = False

    async def guarded(message):
        nonlocal closed
        if closed:
            return
        if message.get("type") == "websocket.close":
            closed = True
        await send(message)

    return guarded


def call_message_of(raw) -> dict | None:
    """The parsed message when a frame is call signalling (`call.*`), else None. Rooms and chats
    give signalling a rate bound of its own (a connection trickles a burst of ICE candidates
    when a call starts, which must not use up the budget of chat and controls), so they look at
    the type before the shared bucket does."""
    try:
        message = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    kind = message.get("type") if isinstance(message, dict) else None
    return message if isinstance(kind, str) and kind.startswith("call.") else None


class AuthenticatedJsonConsumer(AsyncWebsocketConsumer):
    max_message_bytes: int | None = None  # None: settings.WEBSOCKET_MAX_MESSAGE_BYTES

    async def __call__(self, scope, receive, send):
        # Every socket, a guest's too (the sign-in guard of core.websocket_auth wraps signed-in
        # ones only).
        return await super().__call__(scope, receive, sends_nothing_after_close(send))
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Accept then close so that the client sees our code, not a bare handshake failure.
            await self.accept()
            await self.close(code=CloseCode.UNAUTHENTICATED)
            return
        self.user = user
        capacity, per_seconds = settings.WEBSOCKET_RATE
        self.bucket = TokenBucket(capacity, per_seconds)
        self.groups_joined: list[str] = []
        for group in await self.groups_for_user():
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        await self.accept()
        await self.on_connected()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        raw = text_data if text_data is not None else bytes_data
        if raw is None or len(raw) > (self.max_message_bytes or settings.WEBSOCKET_MAX_MESSAGE_BYTES):
            await self.close(code=CloseCode.MESSAGE_TOO_BIG)
            return
        if not self.bucket.allow():
            await self.close(code=CloseCode.RATE_LIMITED)
            return
        try:
            message = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            await self.close(code=CloseCode.BAD_MESSAGE)
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.close(code=CloseCode.BAD_MESSAGE)
            return
        handler = self.client_handlers().get(message["type"])
        if handler is None:
            await self.send_json({"type": "error", "code": "unknown_type",
                                  "message": f"Unknown message type {message['type']!r}."})
            return
        await handler(message)

    async def send_json(self, content: dict):
        await self.send(text_data=json.dumps(content, default=str))

    async def realtime_event(self, message):
        """Every event published with core.realtime arrives here."""
        await self.send_json(message["event"])

    # --- for subclasses ---
    async def groups_for_user(self) -> list[str]:
        return []

    async def on_connected(self):
        pass

    def client_handlers(self) -> dict:
        return {"ping": self.handle_ping}

    async def handle_ping(self, message):
        await self.send_json({"type": "pong"})

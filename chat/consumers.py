"""`/ws/chat/?last_id=N`: the messenger's one socket per tab.

It only subscribes the socket to its user's chat events and hands client messages to services.
Delivery is exactly once and in order: every stored event carries the user's next event number
(chat.events); the socket remembers the last number it sent, drops what it already sent, and when
a number arrives early (another web process published later events first) it reads the gap from
the database before sending on. A reconnecting client sends the last number it saw and gets the
rest; without one it starts from now (`chat.ready` says from where).

Client messages: ping, typing {chat_id}, read {chat_id, up_to?}, status {status}, replay {last_id}.
Flooding closes with 4429, bad JSON or fields with 4400, oversized frames with 4413."""

import time
from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from core.consumers import AuthenticatedJsonConsumer, CloseCode
from core.exceptions import ApplicationError
from core.query_params import parse_int

from . import selectors, services
from .events import REPLAY_LIMIT, event_frame
from .models import ChatKind
from .realtime import chat_user_group

TYPING_EVERY_SECONDS = 2.0


class ChatConsumer(AuthenticatedJsonConsumer):
    last_sent: int = 0

    async def groups_for_user(self):
        return [chat_user_group(self.user.id)]

    async def on_connected(self):
        self.typing_sent: dict[int, float] = {}
        raw = parse_qs(self.scope.get("query_string", b"").decode("latin1")).get("last_id", [None])[0]
        since = None
        if raw is not None:
            since = parse_int(raw)
            if since is None or since < 0:
                await self.close(code=CloseCode.BAD_MESSAGE)
                return
        await database_sync_to_async(services.presence_connect)(user=self.user)
        self.presence_counted = True
        if since is None:
            self.last_sent = await database_sync_to_async(selectors.last_event_id)(user_id=self.user.id)
        else:
            await self.replay(since)
        await self.send_json({"type": "chat.ready", "last_id": self.last_sent})

    async def disconnect(self, code):
        await super().disconnect(code)
        if getattr(self, "presence_counted", False):
            self.presence_counted = False
            await database_sync_to_async(services.presence_disconnect)(user=self.user)

    async def replay(self, since: int):
        current, missed = await self._backlog(since)
        if len(missed) > REPLAY_LIMIT:
            # Too far behind to catch up event by event: the client reloads what it shows.
            self.last_sent = current
            await self.send_json({"type": "chat.resync", "last_id": current})
            return
        self.last_sent = min(since, current)
        for frame in missed:
            await self._send_numbered(frame, replayed=True)

    @database_sync_to_async
    def _backlog(self, since):
        current = selectors.last_event_id(user_id=self.user.id)
        events = selectors.events_after(user_id=self.user.id, last_id=since, limit=REPLAY_LIMIT + 1)
        return current, [event_frame(e) for e in events]

    async def realtime_event(self, message):
        frame = message["event"]
        number = frame.get("id")
        if number is None:  # typing, presence: not numbered, not replayed
            await self.send_json(frame)
            return
        if number <= self.last_sent:
            return  # already sent (replayed, or filled in from a gap)
        if number > self.last_sent + 1:
            gap = await database_sync_to_async(selectors.events_between)(
                user_id=self.user.id, after=self.last_sent, up_to=number - 1)
            for event in gap:
                await self._send_numbered(event_frame(event))
        await self._send_numbered(frame)

    async def _send_numbered(self, frame: dict, replayed: bool = False):
        if frame["id"] <= self.last_sent:
            return
        self.last_sent = frame["id"]
        await self.send_json({**frame, "replayed": True} if replayed else frame)
        if frame["type"] == "message.new":
            message = frame["message"]
            sender = message.get("sender") or {}
            if sender.get("id") != self.user.id and await self._shows_delivered(message["chat_id"]):
                await database_sync_to_async(services.chat_mark_delivered)(
                    user=self.user, chat_id=message["chat_id"], up_to_message_id=message["id"])

    async def _shows_delivered(self, chat_id: int) -> bool:
        """Only a private chat shows "delivered" (chat.selectors.receipt_for). Marking it in a
        group was a write per member per message, awaited before the socket's next event, on the
        one thread all sockets share: tests/bench/test_chat_roundtrip.py's delivery bench."""
        if not hasattr(self, "chat_kinds"):
            self.chat_kinds: dict[int, str | None] = {}
        if chat_id not in self.chat_kinds:  # a chat's kind never changes
            self.chat_kinds[chat_id] = await database_sync_to_async(selectors.chat_kind)(chat_id=chat_id)
        return self.chat_kinds[chat_id] == ChatKind.PRIVATE

    def client_handlers(self):
        return {**super().client_handlers(), "typing": self.handle_typing, "read": self.handle_read,
                "status": self.handle_status, "replay": self.handle_replay}

    async def _int_field(self, message, name, required=True):
        value = message.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > 2**62:
            await self.close(code=CloseCode.BAD_MESSAGE)
            return False
        return value

    async def handle_typing(self, message):
        chat_id = await self._int_field(message, "chat_id")
        if chat_id is False:
            return
        now = time.monotonic()
        if now - self.typing_sent.get(chat_id, 0.0) < TYPING_EVERY_SECONDS:
            return  # the others still show the last one
        self.typing_sent[chat_id] = now
        ok = await database_sync_to_async(services.typing_signal)(user=self.user, chat_id=chat_id)
        if not ok:
            await self.send_json({"type": "error", "code": "not_found", "message": "No such chat."})

    async def handle_read(self, message):
        chat_id = await self._int_field(message, "chat_id")
        up_to = await self._int_field(message, "up_to", required=False)
        if chat_id is False or up_to is False:
            return
        await self._service_call(self._mark_read, chat_id, up_to)

    def _mark_read(self, chat_id, up_to):
        chat, _ = selectors.chat_get_for_user(user=self.user, chat_id=chat_id)
        services.chat_mark_read(user=self.user, chat=chat, up_to_message_id=up_to)

    async def handle_status(self, message):
        status = message.get("status")
        if not isinstance(status, str):
            await self.close(code=CloseCode.BAD_MESSAGE)
            return
        await self._service_call(lambda: services.presence_set_status(user=self.user, status=status))

    async def handle_replay(self, message):
        last_id = await self._int_field(message, "last_id")
        if last_id is False:
            return
        # Everything after last_id that this socket has not sent yet.
        self.last_sent = max(self.last_sent, last_id)
        current, missed = await self._backlog(self.last_sent)
        for frame in missed[:REPLAY_LIMIT]:
            await self._send_numbered(frame, replayed=True)
        await self.send_json({"type": "chat.ready", "last_id": self.last_sent})

    async def _service_call(self, function, *args):
        try:
            await database_sync_to_async(function)(*args)
        except ApplicationError as error:
            await self.send_json({"type": "error", "code": error.code, "message": error.message})

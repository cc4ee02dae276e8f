"""Room sockets.

`/ws/rooms/<id>/doc` speaks the y-websocket binary protocol (what y-websocket's WebsocketProvider
expects): sync step 1/2 and updates for the shared document, awareness for cursors. Updates are
stored before they are broadcast.

`/ws/rooms/<id>/events/` is JSON: people and presence, chat (replayed from `last_id` on
reconnect), runs, language, lock, timer, end; client commands go to the services."""

import os
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from core.consumers import AuthenticatedJsonConsumer, CloseCode
from core.exceptions import ApplicationError, NotFound
from core.query_params import parse_int
from core.rate_limits import TokenBucket

from . import selectors, services
from .documents import document_open, document_release
from .models import Role
from .realtime import room_doc_group, room_events_group

PROCESS_ID = f"{os.getpid()}-{id(object())}"
SYNC, AWARENESS = 0, 1
STEP1, STEP2, UPDATE = 0, 1, 2


class RoomClose:
    READ_ONLY = 4409
    ENDED = 4410
    TOO_LARGE = 4413


def read_var_uint(data: bytes, offset: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        if offset >= len(data) or shift > 35:
            raise ValueError("truncated varint")
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, offset
        shift += 7


def write_var_uint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def read_payload(data: bytes, offset: int) -> bytes:
    length, offset = read_var_uint(data, offset)
    if offset + length > len(data):
        raise ValueError("truncated payload")
    return data[offset:offset + length]


def sync_message(kind: int, payload: bytes) -> bytes:
    return bytes([SYNC, kind]) + write_var_uint(len(payload)) + payload


def awareness_removal(message: bytes | None) -> bytes | None:
    """An awareness message that removes the clients announced in `message` (state null, clock
    one higher), or None when there is nothing to remove."""
    if not message:
        return None
    try:
        payload = read_payload(message, 1)
        count, offset = read_var_uint(payload, 0)
        entries = []
        for _ in range(count):
            client_id, offset = read_var_uint(payload, offset)
            clock, offset = read_var_uint(payload, offset)
            state_length, offset = read_var_uint(payload, offset)
            offset += state_length
            entries.append((client_id, clock))
    except ValueError:
        return None
    body = write_var_uint(len(entries))
    for client_id, clock in entries:
        body += write_var_uint(client_id) + write_var_uint(clock + 1) + write_var_uint(4) + b"null"
    return bytes([AWARENESS]) + write_var_uint(len(body)) + body


@database_sync_to_async
def _seat(room_id, user, session):
    room, participant = selectors.room_for_participant(room_id=room_id, user=user, session=session)
    return room, participant


class RoomDocumentConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.room_id = str(self.scope["url_route"]["kwargs"]["room_id"])
        self.document = None
        await self.accept()
        try:
            self.room, self.participant = await _seat(self.room_id, self.scope.get("user"), self.scope.get("session"))
        except NotFound:
            code = CloseCode.FORBIDDEN if await _known(self.scope) else CloseCode.UNAUTHENTICATED
            await self.close(code=code)
            return
        if not self.room.is_open:
            await self.close(code=RoomClose.ENDED)
            return
        self.bucket = TokenBucket(*settings.ROOM_UPDATE_RATE)
        self.last_awareness = None
        self.group = room_doc_group(self.room_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.document = await document_open(self.room_id)
        # Our state vector: the client answers with whatever we lack.
        await self.send(bytes_data=sync_message(STEP1, self.document.doc.get_state()))
        # Ask the others for their cursors, so that a late joiner sees everyone at once.
        await self.channel_layer.group_send(self.group, {"type": "awareness.query", "reply_to": self.channel_name})

    async def disconnect(self, code):
        if getattr(self, "document", None) is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            document_release(self.room_id)
            self.document = None
            gone = awareness_removal(self.last_awareness)
            if gone:
                # A dropped connection's cursor disappears at once for the others.
                await self.channel_layer.group_send(self.group, {
                    "type": "awareness.relay", "data": gone, "sender": self.channel_name})

    async def receive(self, text_data=None, bytes_data=None):
        if self.document is None:
            return
        if bytes_data is None:
            await self.close(code=CloseCode.BAD_MESSAGE)
            return
        if len(bytes_data) > settings.ROOM_MAX_UPDATE_BYTES:
            await self.close(code=RoomClose.TOO_LARGE)
            return
        if not self.bucket.allow():
            await self.close(code=CloseCode.RATE_LIMITED)
            return
        try:
            await self.handle(bytes_data)
        except (ValueError, IndexError, RuntimeError, OverflowError):
            # Malformed protocol bytes (or an update pycrdt cannot apply): this client goes, the
            # room and the others stay.
            await self.close(code=CloseCode.BAD_MESSAGE)

    async def handle(self, data: bytes):
        kind = data[0]
        if kind == SYNC:
            step = data[1]
            payload = read_payload(data, 2)
            if step == STEP1:
                await self.send(bytes_data=sync_message(STEP2, self.document.doc.get_update(payload)))
            elif step in (STEP2, UPDATE):
                await self.accept_update(payload)
            else:
                raise ValueError("unknown sync step")
        elif kind == AWARENESS:
            read_payload(data, 1)
            self.last_awareness = data
            await self.channel_layer.group_send(self.group, {
                "type": "awareness.relay", "data": data, "sender": self.channel_name})
        else:
            raise ValueError("unknown message type")

    async def accept_update(self, update: bytes):
        if update in (b"", b"\x00\x00"):
            return
        if not self.participant.can_edit or (self.room.editor_locked and self.participant.role != Role.INTERVIEWER):
            # Read-only here. A Yjs client keeps a refused change and would send it again after an
            # unlock, so it is closed with a code that makes it reload the server's document.
            await self.close(code=RoomClose.READ_ONLY)
            return
        if self.document.length() + len(update) > settings.ROOM_MAX_DOCUMENT_CHARS:
            await self.close(code=RoomClose.TOO_LARGE)
            return
        self.document.apply(update)  # raises on garbage, before anything is stored
        await database_sync_to_async(services.document_update_record)(
            room_id=self.room_id, participant_id=self.participant.id, update=update)
        await self.channel_layer.group_send(self.group, {
            "type": "doc.update", "update": update, "sender": self.channel_name, "process": PROCESS_ID})

    # --- group events -------------------------------------------------------------------------
    async def doc_update(self, event):
        if event["process"] != PROCESS_ID and self.document is not None:
            self.document.apply(event["update"])
        if event["sender"] != self.channel_name:
            await self.send(bytes_data=sync_message(UPDATE, event["update"]))

    async def awareness_relay(self, event):
        # Everyone, the sender included: y-websocket clients take silence as a dead connection.
        await self.send(bytes_data=event["data"])

    async def awareness_query(self, event):
        if event["reply_to"] != self.channel_name and self.last_awareness:
            await self.channel_layer.send(event["reply_to"], {
                "type": "awareness.relay", "data": self.last_awareness, "sender": self.channel_name})

    async def realtime_event(self, event):
        if event["event"].get("type") == "room.ended":
            await self.close(code=RoomClose.ENDED)
        elif event["event"].get("type") == "room.lock":
            self.room.editor_locked = event["event"]["locked"]


@database_sync_to_async
def _known(scope) -> bool:
    """Signed in, or a guest of some room: refused with 4403 rather than 4401. (Reading the
    session may touch the database, hence the thread.)"""
    user = scope.get("user")
    session = scope.get("session")
    return bool(user is not None and user.is_authenticated) or bool(
        session is not None and session.get(selectors.GUEST_SESSION_KEY))


class RoomEventsConsumer(AuthenticatedJsonConsumer):
    """JSON events of one room. Guests (no account) connect with the session that joined them."""

    # Runs carry the whole document, notes and input can be long: room-sized messages.
    max_message_bytes = 256 * 1024

    async def connect(self):
        self.room_id = str(self.scope["url_route"]["kwargs"]["room_id"])
        self.participant = None
        try:
            self.room, self.participant = await _seat(self.room_id, self.scope.get("user"), self.scope.get("session"))
        except NotFound:
            await self.accept()
            await self.close(code=CloseCode.FORBIDDEN if await _known(self.scope) else CloseCode.UNAUTHENTICATED)
            return
        self.user = self.scope.get("user")
        capacity, per_seconds = settings.WEBSOCKET_RATE
        self.bucket = TokenBucket(capacity, per_seconds)
        self.groups_joined = [room_events_group(self.room_id)]
        await self.channel_layer.group_add(self.groups_joined[0], self.channel_name)
        await self.accept()
        await database_sync_to_async(services.presence_change)(participant=self.participant, delta=1)
        await self.send_json({"type": "room.state", **await self.state()})

    async def disconnect(self, code):
        await super().disconnect(code)
        if self.participant is not None:
            await database_sync_to_async(services.presence_change)(participant=self.participant, delta=-1)

    @database_sync_to_async
    def state(self):
        raw = parse_qs(self.scope.get("query_string", b"").decode("latin1")).get("last_id", ["0"])[0]
        last_id = parse_int(raw, default=0)
        room = selectors.room_get(room_id=self.room_id)
        state = {
            "room": {"id": str(room.id), "title": room.title, "language": room.language, "status": room.status,
                     "locked": room.editor_locked, "stdin": room.stdin, "timer": services.timer_payload(room),
                     "challenge": {"slug": room.challenge.slug, "title": room.challenge.title,
                                   "starter": room.challenge.starter_code} if room.challenge else None},
            "me": services.participant_payload(self.participant),
            "participants": [services.participant_payload(p) for p in selectors.participants_of(room)],
            "messages": [services.message_payload(m) for m in selectors.messages_after(room=room, last_id=last_id)],
            "runs": [services.run_payload(r) for r in room.runs.select_related("participant__user")[:5]],
        }
        if self.participant.role == Role.INTERVIEWER:
            state["notes"] = room.note.text if hasattr(room, "note") else ""
        return state

    def client_handlers(self):
        return {
            **super().client_handlers(),
            "chat.send": self.command(lambda room, p, m: services.chat_send(room=room, by=p, text=str(m.get("text", "")))),
            # Runs take seconds: off the shared database thread, so that edits keep flowing.
            "run": self.command(lambda room, p, m: services.room_run(room=room, by=p, source=str(m.get("source", ""))),
                                own_thread=True),
            "language.set": self.command(lambda room, p, m: services.room_set_language(room=room, by=p, language=str(m.get("language", "")))),
            "stdin.set": self.command(lambda room, p, m: services.room_set_stdin(room=room, by=p, stdin=str(m.get("stdin", "")))),
            "lock.set": self.command(lambda room, p, m: services.room_set_lock(room=room, by=p, locked=bool(m.get("locked")))),
            "timer.set": self.command(lambda room, p, m: services.room_timer(room=room, by=p, running=bool(m.get("running")))),
            "notes.save": self.command(lambda room, p, m: services.notes_save(room=room, by=p, text=str(m.get("text", ""))),
                                       ack="notes.saved"),
            "end": self.command(lambda room, p, m: services.room_end(room=room, by=p)),
        }

    def command(self, action, ack: str | None = None, own_thread: bool = False):
        async def handler(message):
            def run():
                room = selectors.room_get(room_id=self.room_id)
                return action(room, self.participant, message)

            try:
                await database_sync_to_async(run, thread_sensitive=not own_thread)()
            except ApplicationError as error:
                await self.send_json({"type": "error", "code": error.code, "message": error.message})
                return
            if ack:
                await self.send_json({"type": ack})

        return handler

    async def realtime_event(self, message):
        await self.send_json(message["event"])



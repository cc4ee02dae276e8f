"""Room sockets.

`/ws/rooms/<id>/doc` speaks the y-websocket binary protocol (what y-websocket's WebsocketProvider
expects): sync step 1/2 and updates for the shared document, awareness for cursors. Updates are
relayed at once and stored in batches (collaboration.persistence says what a crash can lose and
how reconnecting clients bring it back); documents.py relays and tracks awareness.

`/ws/rooms/<id>/events/` is JSON: people and presence, chat (replayed from `last_id` on
reconnect), runs, language, lock, timer, end; client commands go to the services."""

import asyncio
import contextlib
import time
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from pycrdt import Decoder, YMessageType, YSyncMessageType, create_sync_message, write_message

from core.call_peers import CallPeer, call_peer_add, call_peer_get, call_peer_remove, new_peer_id
from core.consumers import (
    AuthenticatedJsonConsumer,
    CloseCode,
    call_message_of,
    sends_nothing_after_close,
)
from core.exceptions import ApplicationError, NotFound
from core.query_params import parse_int
from core.rate_limits import TokenBucket
from core.webrtc_signalling import SignalRejected, signal_read

from . import selectors, services
from .documents import EMPTY_UPDATE, DocumentRefused, coalesce, document_open, document_release
from .models import Role
from .persistence import update_batcher
from .realtime import room_call_group, room_events_group, room_participant_group


class RoomClose:
    TOO_SLOW = 4408  # could not keep up with the room: reconnect, and sync resends what was missed
    READ_ONLY = 4409
    ENDED = 4410
    TOO_LARGE = 4413


REFUSAL_CODES = {"TOO_LARGE": RoomClose.TOO_LARGE, "FOREIGN_ROOT": CloseCode.BAD_MESSAGE}


def message_payload(data: bytes, offset: int) -> bytes:
    """The length-prefixed payload at `offset`; ValueError when it is truncated or followed by junk."""
    decoder = Decoder(data[offset:])
    payload = decoder.read_message()
    if payload is None or decoder.length != 0:
        raise ValueError("malformed y-websocket message")
    return payload


@database_sync_to_async
def _seat(room_id, user, session):
    room, participant = selectors.room_for_participant(room_id=room_id, user=user, session=session)
    return room, participant


class RoomDocumentConsumer(AsyncWebsocketConsumer):
    """One y-websocket connection. Whatever it is sent waits in a bounded queue; a connection
    that lets it fill up (it cannot keep up with the room) is closed with 4408, never skipped
    silently, and the client's reconnect resynchronises the whole document."""

    async def __call__(self, scope, receive, send):
        """The connection's messages, one after the other, straight from the ASGI server.
        Channels' own loop would also give every connection a channel of the layer and race two
        new tasks per message; nothing is ever sent to a document connection's channel (room
        events come through its document, a sign-out through the security stack's receive)."""
        self.scope = scope
        self.channel_layer = None
        self.base_send = sends_nothing_after_close(send)
        with contextlib.suppress(StopConsumer):
            while True:
                await self.dispatch(await receive())

    async def dispatch(self, message):
        # Channels closes stale database connections before every message, on the one shared
        # sync thread: a thread hop (and a wait behind every query) per keystroke. Nothing here
        # touches the database but through database_sync_to_async, which cleans up itself.
        if message["type"] == "websocket.receive":
            text = message.get("text")
            await self.receive(text_data=text, bytes_data=message.get("bytes") if text is None else None)
            return
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        self.room_id = str(self.scope["url_route"]["kwargs"]["room_id"])
        self.document = None
        self.closing = False
        self.client_ids: set[int] = set()
        self.last_sent_at = 0.0
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
        # Changes (document updates, cursor moves) are limited; messages that change nothing
        # (the official client echoes every remote cursor move back) only by a far larger bound.
        self.bucket = TokenBucket(*settings.ROOM_UPDATE_RATE)
        self.message_bucket = TokenBucket(*settings.ROOM_MESSAGE_RATE)
        # A list and one future to wake the writer: asyncio.Queue's bookkeeping per message is
        # measurable at thousands of relayed messages a second.
        self.outbox: list[bytes] = []
        self.outbox_ready: asyncio.Future | None = None
        self.writer = asyncio.create_task(self._write())
        self.document = await document_open(self.room_id, self)
        # Our state vector: the client answers with whatever we lack.
        self.enqueue(create_sync_message(self.document.doc))
        # Everyone's cursors, so that a late joiner sees them at once.
        everyone = self.document.awareness_of_everyone()
        if everyone:
            self.enqueue(everyone)

    async def _write(self):
        loop = asyncio.get_running_loop()
        with contextlib.suppress(Exception):
            while True:
                if not self.outbox:
                    self.outbox_ready = loop.create_future()
                    await self.outbox_ready
                waiting, self.outbox = self.outbox, []
                for message in coalesce(waiting):
                    await self.send(bytes_data=message)

    def enqueue(self, message: bytes) -> None:
        if self.closing:
            return
        if len(self.outbox) >= settings.ROOM_SEND_QUEUE:
            self.closing = True  # nothing more is queued; one close
            asyncio.get_running_loop().create_task(self.give_up(RoomClose.TOO_SLOW, already_closing=True))
            return
        self.outbox.append(message)
        self.last_sent_at = time.monotonic()
        ready = self.outbox_ready
        if ready is not None and not ready.done():
            ready.set_result(None)

    def on_room_event(self, event: dict) -> None:
        if event.get("type") == "room.ended":
            asyncio.get_running_loop().create_task(self.give_up(RoomClose.ENDED))
        elif event.get("type") == "room.lock":
            self.room.editor_locked = event["locked"]
        elif event.get("type") == "room.roles":
            # A swap: the lock exemption follows the interviewer's seat.
            role = event["roles"].get(str(self.participant.id))
            if role:
                self.participant.role = role

    async def give_up(self, code: int, already_closing: bool = False) -> None:
        """Close this connection: out of the room at once (its cursors go everywhere), then the
        close frame."""
        if self.closing and not already_closing:
            return
        self.closing = True
        await self.leave_document()
        if getattr(self, "writer", None) is not None:
            self.writer.cancel()  # what is still queued is not sent: the reconnect resyncs it
        await self.close(code=code)

    async def leave_document(self):
        document, self.document = self.document, None
        if document is not None:
            await document_release(self.room_id, self)

    async def disconnect(self, code):
        self.closing = True
        await self.leave_document()
        writer = getattr(self, "writer", None)
        if writer is not None:
            writer.cancel()

    async def receive(self, text_data=None, bytes_data=None):
        if self.document is None or self.closing:
            return
        if bytes_data is None:
            await self.give_up(CloseCode.BAD_MESSAGE)
            return
        if len(bytes_data) > settings.ROOM_MAX_UPDATE_BYTES:
            await self.give_up(RoomClose.TOO_LARGE)
            return
        if not self.message_bucket.allow():
            await self.give_up(CloseCode.RATE_LIMITED)
            return
        try:
            await self.handle(bytes_data)
        except (ValueError, IndexError, RuntimeError, OverflowError):
            # Malformed protocol bytes (or an update pycrdt cannot apply): this client goes, the
            # room and the others stay.
            await self.give_up(CloseCode.BAD_MESSAGE)

    async def handle(self, data: bytes):
        kind = data[0]
        if kind == YMessageType.SYNC:
            step = data[1]
            payload = message_payload(data, 2)
            if step == YSyncMessageType.SYNC_STEP1:
                self.enqueue(bytes([YMessageType.SYNC, YSyncMessageType.SYNC_STEP2])
                             + write_message(self.document.doc.get_update(payload)))
            elif step in (YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE):
                await self.accept_update(payload)
            else:
                raise ValueError("unknown sync step")
        elif kind == YMessageType.AWARENESS:
            if await self.document.awareness_from(message_payload(data, 1), self):
                await self.count_change()
        else:
            raise ValueError("unknown message type")

    async def count_change(self) -> bool:
        if self.bucket.allow():
            return True
        await self.give_up(CloseCode.RATE_LIMITED)
        return False

    async def accept_update(self, update: bytes):
        if update in (b"", EMPTY_UPDATE):
            return
        if not self.participant.can_edit or (self.room.editor_locked and self.participant.role != Role.INTERVIEWER):
            # Read-only here. A Yjs client keeps a refused change and would send it again after an
            # unlock, so it is closed with a code that makes it reload the server's document.
            await self.give_up(RoomClose.READ_ONLY)
            return
        if not await self.count_change():
            return
        document = self.document
        try:
            changed, released_others = document.accept(update)
        except DocumentRefused as refused:
            if refused.reason == "FOREIGN_ROOT":
                await document.rebuild()  # the refused update was applied: gone before anyone reads it
            await self.give_up(REFUSAL_CODES[refused.reason])
            return
        if changed == EMPTY_UPDATE:
            return  # known already (a late sync step 2), or pending: stored once it integrates
        # Only what changed: a sync step 2 that repeats part of the document is not stored twice.
        update_batcher().submit(self.room_id, self.participant.id, changed)
        await document.relay_update(changed, sender=None if released_others else self)


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
        self.groups_joined = [room_events_group(self.room_id),
                              room_participant_group(self.room_id, self.participant.id)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        self.call_peer_id: str | None = None
        self.call_scope = f"room:{self.room_id}"
        self.call_bucket = TokenBucket(*settings.ROOM_CALL_SIGNAL_RATE)
        await self.accept()
        await database_sync_to_async(services.presence_change)(participant=self.participant, delta=1)
        await self.send_json({"type": "room.state", **await self.state()})

    async def disconnect(self, code):
        await self.call_leave()
        await super().disconnect(code)
        if self.participant is not None:
            await database_sync_to_async(services.presence_change)(participant=self.participant, delta=-1)

    @database_sync_to_async
    def state(self):
        raw = parse_qs(self.scope.get("query_string", b"").decode("latin1")).get("last_id", ["0"])[0]
        return selectors.room_state(room_id=self.room_id, participant=self.participant,
                                    last_id=parse_int(raw, default=0))

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
            "challenge.attach": self.attach_challenge,
            "panel.search": self.panel_search,
            "panel.pick": self.command(lambda room, p, m: services.room_question_pick(room=room, by=p,
                                                                                   slug=str(m.get("slug") or ""))),
            "roles.swap": self.command(lambda room, p, m: services.room_roles_swap(room=room, by=p)),
        }

    async def receive(self, text_data=None, bytes_data=None):
        """Call signalling (`call.*`) has a rate bound of its own: a connection trickles a burst of
        ICE candidates when a call starts, which must not use up the budget of chat and controls."""
        raw = text_data if text_data is not None else bytes_data
        if self.participant is None or raw is None or len(raw) > self.max_message_bytes:
            await super().receive(text_data=text_data, bytes_data=bytes_data)
            return
        message = call_message_of(raw)
        if message is None:
            await super().receive(text_data=text_data, bytes_data=bytes_data)
            return
        kind = message["type"]
        if not self.call_bucket.allow():
            await self.close(code=CloseCode.RATE_LIMITED)
            return
        handler = {"call.join": self.call_join, "call.leave": self.call_leave_request,
                   "call.signal": self.call_signal}.get(kind)
        if handler is None:
            await self.send_error("unknown_type", f"Unknown message type {kind!r}.")
            return
        await handler(message)

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})

    # --- the call: signalling relayed to one addressed peer -------------------------------------------

    async def call_join(self, message):
        """Join the room's call (interviewer and candidate; observers watch the code). The joiner
        gets `call.ready` with its peer id; those already in the call hear `call.peer_joined` and
        send it their offers."""
        _, seat = await database_sync_to_async(selectors.seat_get)(room_id=self.room_id,
                                                                   participant_id=self.participant.id)
        if not seat.can_edit:
            await self.send_error("call_observer", "Observers are not part of the call; they follow the code and chat.")
            return
        if self.call_peer_id is None:
            self.call_peer_id = new_peer_id()
            await call_peer_add(scope=self.call_scope, peer=CallPeer(self.call_peer_id, self.channel_name, seat.id))
            await self.channel_layer.group_add(room_call_group(self.room_id), self.channel_name)
            await self.channel_layer.group_send(room_call_group(self.room_id), {"type": "realtime.event", "event": {
                "type": "call.peer_joined", "peer_id": self.call_peer_id,
                "participant": {"id": seat.id, "name": seat.display_name, "role": seat.role}}})
        await self.send_json({"type": "call.ready", "peer_id": self.call_peer_id})

    async def call_leave_request(self, message):
        await self.call_leave()
        await self.send_json({"type": "call.left"})

    async def call_leave(self):
        peer_id, self.call_peer_id = getattr(self, "call_peer_id", None), None
        if peer_id is None:
            return
        await call_peer_remove(scope=self.call_scope, peer_id=peer_id)
        await self.channel_layer.group_discard(room_call_group(self.room_id), self.channel_name)
        await self.channel_layer.group_send(room_call_group(self.room_id), {"type": "realtime.event", "event": {
            "type": "call.peer_left", "peer_id": peer_id}})

    async def call_signal(self, message):
        """An offer, answer or ICE candidate for one peer of this room's call: checked
        (core.webrtc_signalling; a malformed one closes with 4400, an oversized one 4413) and
        sent to that peer's connection only."""
        try:
            signal = signal_read(message)
        except SignalRejected as rejected:
            await self.send_error("bad_signal", rejected.reason)
            await self.close(code=rejected.close_code)
            return
        if self.call_peer_id is None:
            await self.send_error("call_not_joined", "Join the call before you signal.")
            return
        target = await call_peer_get(scope=self.call_scope, peer_id=signal.to)
        if target is None or target.peer_id == self.call_peer_id:
            await self.send_error("call_peer_gone", "That person is no longer in the call.")
            return
        await self.channel_layer.send(target.channel, {
            "type": "call.relay", "room": self.room_id, "to": target.peer_id,
            "event": {"type": "call.signal", "from": self.call_peer_id, "from_participant": self.participant.id,
                      **signal.payload}})

    async def call_relay(self, message):
        # Only while this connection is still that peer of this room's call.
        if self.call_peer_id is not None and message.get("room") == self.room_id and message.get("to") == self.call_peer_id:
            await self.send_json(message["event"])

    # --- the interviewer's private panel ------------------------------------------------------------------

    async def panel_search(self, message):
        """Questions of the bank for the interviewer's picker, to the asking connection only."""
        def search():
            _, seat = selectors.seat_get(room_id=self.room_id, participant_id=self.participant.id)
            return selectors.panel_question_search_for(
                participant=seat, category=str(message.get("category") or "")[:32],
                difficulty=str(message.get("difficulty") or "")[:16], search=str(message.get("search") or ""))

        try:
            questions = await database_sync_to_async(search)()
        except ApplicationError as error:
            await self.send_error(error.code, error.message)
            return
        await self.send_json({"type": "panel.questions", "questions": questions})

    async def attach_challenge(self, message):
        """Attach a challenge (or none): everyone hears `room.challenge`; the one who attached it
        hears `challenge.attached`, and their page loads the starter into the shared code."""
        slug = str(message.get("slug") or "")

        @database_sync_to_async
        def attach():
            from challenges.selectors import challenge_get

            challenge = challenge_get(user=self.user, slug=slug) if slug else None
            services.room_attach_challenge(room=selectors.room_get(room_id=self.room_id), by=self.participant,
                                           challenge=challenge)
            return selectors.challenge_payload(challenge)

        try:
            payload = await attach()
        except ApplicationError as error:
            await self.send_json({"type": "error", "code": error.code, "message": error.message})
            return
        await self.send_json({"type": "challenge.attached", "challenge": payload})

    def command(self, action, ack: str | None = None, own_thread: bool = False):
        async def handler(message):
            def run():
                # The seat as it is now: a role swap changes it under an open connection.
                room, self.participant = selectors.seat_get(room_id=self.room_id, participant_id=self.participant.id)
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
        event = message["event"]
        if event.get("type") == "call.peer_joined" and event.get("peer_id") == self.call_peer_id:
            return  # our own joining
        await self.send_json(event)



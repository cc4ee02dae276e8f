"""The rooms' shared documents, kept in memory per process while someone in this process is
connected, and rebuilt from the last checkpoint and the stored updates after it when the first
connection arrives (after a restart, or on another web process).

Relaying: an update or awareness change goes straight to this process's other connections of the
room (each has a bounded outgoing queue, see RoomConnection), and once to the room's channel-layer
group, where each process that has the room open listens with one channel per room. Every process
applies what it hears, so its copy stays current for the next person who joins. Group messages
carry a sequence number per sender; a gap (a full channel layer queue drops silently) makes the
process catch up from storage instead of staying diverged.

Awareness (cursors) is pycrdt's `Awareness`, one per room and process: states per Yjs client id,
relayed only when a client's clock advanced or its state was removed. A client id belongs to the
connection that announced it first (as in the reference y-websocket server); when that
connection goes, exactly its client ids are removed, at once, everywhere."""

import asyncio
import itertools
import json
import logging
import time
from typing import NamedTuple, Protocol

from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from pycrdt import (
    Awareness,
    Decoder,
    Doc,
    Encoder,
    Text,
    create_awareness_message,
    create_update_message,
    get_state,
    merge_updates,
    read_message,
    write_var_uint,
)

from . import selectors
from .persistence import update_batcher
from .realtime import room_doc_group

TEXT_NAME = "code"  # the Y.Text the editors bind to; the only root type a room accepts
EMPTY_UPDATE = b"\x00\x00"
UPDATE_PREFIX = b"\x00\x02"  # y-websocket: sync, update
AWARENESS_PREFIX = b"\x01"
SILENCE_SECONDS = 10.0
logger = logging.getLogger(__name__)


def state_vector(state: bytes) -> dict[int, int]:
    """A Yjs state vector (client id -> next clock) as a dict."""
    decoder = Decoder(state)
    return {decoder.read_var_uint(): decoder.read_var_uint() for _ in range(decoder.read_var_uint())}


def covers(state: bytes, other: bytes) -> bool:
    """Whether a document at `state` holds every item of a document (or update) at `other`."""
    have = state_vector(state)
    return all(have.get(client_id, 0) >= clock for client_id, clock in state_vector(other).items())


class Accepted(NamedTuple):
    changed: bytes  # what the update changed in the document; EMPTY_UPDATE when nothing
    # It let updates that waited for it in: what changed holds other people's edits too, which
    # its sender may lack, so the sender is sent it as well.
    released_others: bool


class DocumentRefused(Exception):
    """A client's update that the room does not take; `reason` is a close code name."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class RoomConnection(Protocol):
    """What a document needs of a connection (the document consumer)."""

    client_ids: set[int]
    last_sent_at: float  # time.monotonic() of the last message queued for it

    def enqueue(self, message: bytes) -> None: ...

    def on_room_event(self, event: dict) -> None: ...


def awareness_raw_entries(payload: bytes) -> list[tuple[int, int, bytes]]:
    """The `(client id, clock, JSON state bytes)` entries of an awareness update, unparsed;
    ValueError when the framing is malformed."""
    decoder = Decoder(payload)
    entries = []
    for _ in range(decoder.read_var_uint()):
        client_id = decoder.read_var_uint()
        clock = decoder.read_var_uint()
        raw = decoder.read_message()
        if raw is None or decoder.length < 0:
            raise ValueError("truncated awareness update")
        entries.append((client_id, clock, raw))
    if decoder.length != 0:
        raise ValueError("trailing bytes in awareness update")
    return entries


def awareness_entries(payload: bytes, *, is_new=lambda client_id, clock, has_state: True
                      ) -> list[tuple[int, int, object]]:
    """The `(client id, clock, state)` entries of an awareness update for which `is_new` holds.
    States are parsed (JSON) only for those entries: the official client echoes every remote
    change back, and those echoes must stay cheap."""
    return [(client_id, clock, json.loads(raw.decode("utf-8")) if raw else None)
            for client_id, clock, raw in awareness_raw_entries(payload)
            if is_new(client_id, clock, raw not in (b"", b"null"))]


def awareness_encode(entries) -> bytes:
    """An awareness update of `(client id, clock, JSON state bytes)` entries."""
    out = [write_var_uint(len(entries))]
    for client_id, clock, raw in entries:
        out += [write_var_uint(client_id), write_var_uint(clock), write_var_uint(len(raw)), raw]
    return b"".join(out)


def coalesce(messages: list[bytes]) -> list[bytes]:
    """Several y-websocket messages waiting for one connection as fewer: the document updates
    merged into one, the awareness entries into one message (the newest clock per client), the
    rest as they are. A client that falls behind gets one frame of each instead of hundreds."""
    if len(messages) < 2:
        return messages
    others, updates, cursors = [], [], {}
    for message in messages:
        if message[:2] == UPDATE_PREFIX:
            updates.append(read_message(message[2:]))
        elif message[:1] == AWARENESS_PREFIX:
            for client_id, clock, raw in awareness_raw_entries(read_message(message[1:])):
                if client_id not in cursors or cursors[client_id][0] <= clock:
                    cursors[client_id] = (clock, raw)
        else:
            others.append(message)
    if len(updates) > 1:
        updates = [merge_updates(*updates)]
    return (others + [create_update_message(update) for update in updates]
            + ([create_awareness_message(awareness_encode([(c, clock, raw) for c, (clock, raw) in cursors.items()]))]
               if cursors else []))


class RoomDocument:
    def __init__(self, room_id: str | None = None):
        self.room_id = room_id
        self._changes: list[bytes] = []
        self.waiting: list[bytes] = []  # updates pycrdt holds until a missing dependency arrives
        self._new_doc()
        self.awareness = Awareness(self.doc)
        self.awareness.set_local_state(None)  # the server has no cursor of its own
        self._awareness_events: list[dict] = []
        self.awareness.observe(self._on_awareness)
        self.connections: set[RoomConnection] = set()
        self.stored_bytes = 0
        self.through_update_id = 0
        self.layer = None
        self.channel: str | None = None
        self.listener: asyncio.Task | None = None
        self.sequence = itertools.count(1)
        self.published = 0  # the last sequence number this process sent to the group
        self.trailer: asyncio.Task | None = None
        self.heard: dict[str, int] = {}
        self.catching_up: asyncio.Task | None = None
        self.catch_up_again = False  # a gap noticed while a catch-up was already under way
        self.loop = None

    # --- the document -----------------------------------------------------------------------
    def _new_doc(self) -> None:
        self.doc = Doc()
        self.text = self.doc.get(TEXT_NAME, type=Text)
        # Each committed transaction's own update: exactly what it changed in this document.
        self.doc.observe(lambda event: self._changes.append(event.update))

    def apply(self, update: bytes) -> bytes:
        """Apply an update; return what it changed here, EMPTY_UPDATE when nothing: all of it
        was known already (a client's late sync step 2 repeats what it was sent), or it waits for
        a dependency this document lacks (pycrdt keeps it pending, and the update that brings the
        dependency then changes both)."""
        self._changes.clear()
        self.doc.apply_update(update)
        changes, self._changes = self._changes, []
        if not changes:
            return EMPTY_UPDATE
        return changes[0] if len(changes) == 1 else merge_updates(*changes)

    def value(self) -> str:
        return str(self.text)

    def length(self) -> int:
        return len(self.text)

    def load(self, stored: selectors.StoredDocument) -> None:
        for update in stored.updates:
            self.apply(update)
        self.stored_bytes = stored.stored_bytes
        self.through_update_id = stored.through_update_id

    def accept(self, update: bytes) -> Accepted:
        """Apply a client's update and say what it changed (what is to be stored and relayed),
        or raise DocumentRefused. A foreign root type is only seen once applied: then the
        document must be rebuilt (see `rebuild`) before anyone reads it."""
        held = sum(len(waiting) for waiting in self.waiting)  # pending counts against the cap too
        if self.stored_bytes + held + len(update) > settings.ROOM_MAX_DOCUMENT_BYTES:
            raise DocumentRefused("TOO_LARGE", "This room's history is full.")
        if self.length() + len(update) > settings.ROOM_MAX_DOCUMENT_CHARS:
            raise DocumentRefused("TOO_LARGE", "The document is too long.")
        changed = self.apply(update)  # raises on garbage, before anything is stored or relayed
        if any(name != TEXT_NAME for name in self.doc.keys()):
            raise DocumentRefused("FOREIGN_ROOT", f"Only the {TEXT_NAME!r} text is shared here.")
        released = False
        state = self.doc.get_state()
        if not covers(state, get_state(update)):
            # Partly pending: what waits is stored once its dependency comes; until then it is
            # kept here too, for a rebuild meanwhile.
            self.waiting.append(update)
        elif changed != EMPTY_UPDATE and self.waiting:
            still = [held for held in self.waiting if not covers(state, get_state(held))]
            released, self.waiting = len(still) < len(self.waiting), still
        self.stored_bytes += len(changed)
        return Accepted(changed, released)

    async def rebuild(self) -> None:
        """Start again from what is stored and queued (after a refused update was applied)."""
        batcher = update_batcher()
        await batcher.flush_room(self.room_id)
        stored = await database_sync_to_async(selectors.document_stored)(room_id=self.room_id)
        self._new_doc()
        self.load(stored)
        for update in batcher.pending_for(self.room_id) + self.waiting:
            self.apply(update)
        self._catch_up_soon()  # other processes' updates that are not stored yet

    # --- relaying ---------------------------------------------------------------------------
    def relay_local(self, message: bytes, *, skip: RoomConnection | None = None) -> None:
        for connection in list(self.connections):
            if connection is not skip:
                connection.enqueue(message)

    async def relay_update(self, update: bytes, *, sender: RoomConnection | None) -> None:
        self.relay_local(create_update_message(update), skip=sender)
        await self._publish({"type": "doc.update", "update": update})

    async def awareness_from(self, payload: bytes, connection: RoomConnection) -> bool:
        """A connection's awareness update: apply it, and relay only the entries that changed
        (clock advanced, or removed) to the others here and to the other processes; to the sender
        too when it has heard nothing for SILENCE_SECONDS (a y-websocket client takes 30 s of
        silence for a dead connection, and renews its own state every 15 s). Whether it changed
        anything."""
        changed = self._awareness_apply(payload, origin=connection)
        if changed:
            message = self.awareness.encode_awareness_update(changed)
            quiet = time.monotonic() - connection.last_sent_at >= SILENCE_SECONDS
            self.relay_local(create_awareness_message(message), skip=None if quiet else connection)
            await self._publish({"type": "doc.awareness", "payload": message})
        return bool(changed)

    def awareness_of_everyone(self) -> bytes | None:
        """One awareness message with every known state: what a new connection is sent first."""
        client_ids = list(self.awareness.states)
        return create_awareness_message(self.awareness.encode_awareness_update(client_ids)) if client_ids else None

    async def connection_gone(self, connection: RoomConnection) -> None:
        """Remove exactly this connection's client ids, at once, here and in the other processes."""
        self.connections.discard(connection)
        gone = [client_id for client_id in connection.client_ids if client_id in self.awareness.states]
        connection.client_ids.clear()
        if not gone:
            return
        self.awareness.remove_awareness_states(gone, origin=None)
        message = self.awareness.encode_awareness_update(gone)
        self.relay_local(create_awareness_message(message))
        await self._publish({"type": "doc.awareness", "payload": message})

    def _on_awareness(self, topic: str, event) -> None:
        if topic == "update":
            self._awareness_events.append(event[0])

    def _advances(self, client_id: int, clock: int, has_state: bool) -> bool:
        """Whether pycrdt's Awareness would take this entry (y-protocols' rule)."""
        meta = self.awareness.meta.get(client_id)
        current = meta["clock"] if meta else 0
        return current < clock or (current == clock and not has_state and client_id in self.awareness.states)

    def _awareness_apply(self, payload: bytes, origin: RoomConnection | None) -> list[int]:
        """Apply the entries of an awareness update that advance; the client ids that changed.
        A message with nothing new (an echo) costs a scan of its framing, nothing more."""
        entries = awareness_entries(payload, is_new=self._advances)  # ValueError before anything changes
        if not entries:
            return []
        fresh = Encoder()
        fresh.write_var_uint(len(entries))
        for client_id, clock, state in entries:
            fresh.write_var_uint(client_id)
            fresh.write_var_uint(clock)
            fresh.write_var_string(json.dumps(state, separators=(",", ":")))
        self._awareness_events.clear()
        self.awareness.apply_awareness_update(fresh.to_bytes(), origin)
        changed: list[int] = []
        for event in self._awareness_events:
            changed += event["added"] + event["updated"] + event["removed"]
            if origin is not None:
                # Whoever advances a client's clock is that client (a reconnect moves it here).
                for client_id in event["added"] + event["updated"]:
                    for other in self.connections:
                        if other is not origin:
                            other.client_ids.discard(client_id)
                    origin.client_ids.add(client_id)
                origin.client_ids.difference_update(event["removed"])
        self._awareness_events.clear()
        return list(dict.fromkeys(changed))

    # --- other processes --------------------------------------------------------------------
    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.layer = get_channel_layer()
        if self.layer is None:
            return
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(room_doc_group(self.room_id), self.channel)
        self.listener = asyncio.create_task(self._listen())
        # Cursors of people connected to other processes, for the late joiner.
        await self.layer.group_send(room_doc_group(self.room_id), {
            "type": "awareness.query", "source": self.channel})

    async def stop(self) -> None:
        for task in (self.listener, self.catching_up, self.trailer):
            if task is not None:
                task.cancel()
        if self.layer is not None and self.channel is not None:
            await self.layer.group_discard(room_doc_group(self.room_id), self.channel)

    async def _publish(self, event: dict) -> None:
        if self.layer is None or isinstance(self.layer, InMemoryChannelLayer):
            return  # one process only: everyone is a local connection, already served
        self.published = next(self.sequence)
        event.update(source=self.channel, sequence=self.published)
        await self.layer.group_send(room_doc_group(self.room_id), event)
        if self.trailer is None or self.trailer.done():
            self.trailer = asyncio.create_task(self._send_trailer())

    async def _send_trailer(self) -> None:
        """A gap shows only when a later message arrives: if the last one of a burst is dropped,
        nothing follows it. So while this process publishes, and once after, it also says which
        sequence number it is at ("doc.sequence"), and a listener behind that number catches up."""
        sent = -1
        while sent != self.published:
            await asyncio.sleep(settings.ROOM_SEQUENCE_TRAILER_SECONDS)
            sent = self.published
            await self.layer.group_send(room_doc_group(self.room_id), {
                "type": "doc.sequence", "source": self.channel, "last": sent})

    async def _listen(self) -> None:
        while True:
            message = await self.layer.receive(self.channel)
            try:
                await self._on_group_message(message)
            except (ValueError, RuntimeError, IndexError) as error:
                logger.warning("room %s: bad group message %s: %s", self.room_id, message.get("type"), error)

    async def _on_group_message(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "realtime.event":  # room.ended, room.lock (published by the services)
            for connection in list(self.connections):
                connection.on_room_event(message["event"])
            return
        source = message.get("source")
        if source == self.channel:
            return  # our own, already relayed here
        if "sequence" in message:
            last = self.heard.get(source)
            if last is not None and message["sequence"] != last + 1:
                self._catch_up_soon()
            self.heard[source] = message["sequence"]
        if kind == "doc.sequence":
            if message["last"] > self.heard.get(source, 0):
                self._catch_up_soon()
                self.heard[source] = message["last"]
        elif kind == "doc.update":
            changed = self.apply(message["update"])
            self.stored_bytes += len(message["update"])  # the other process stores it
            if changed != EMPTY_UPDATE:  # a catch-up from storage may have brought it already
                self.relay_local(create_update_message(changed))
        elif kind == "doc.awareness":
            changed = self._awareness_apply(message["payload"], origin=None)
            if changed:
                self.relay_local(create_awareness_message(self.awareness.encode_awareness_update(changed)))
        elif kind == "awareness.query":
            everyone = list(self.awareness.states)
            if everyone:
                await self.layer.send(source, {"type": "doc.awareness", "source": self.channel,
                                               "payload": self.awareness.encode_awareness_update(everyone)})

    def _catch_up_soon(self) -> None:
        if self.catching_up is None or self.catching_up.done():
            self.catching_up = asyncio.create_task(self._catch_up())
        else:
            # The running catch-up may already have read storage before the update this gap
            # stands for was stored: go round once more when it ends.
            self.catch_up_again = True

    async def _catch_up(self) -> None:
        """A relayed update was missed: after the other processes' next store, apply what is
        stored and send this process's connections whatever they lacked. Repeats while new gaps
        were noticed during a round."""
        while True:
            self.catch_up_again = False
            await asyncio.sleep(settings.ROOM_FLUSH_SECONDS * 4 + 0.1)
            updates, last = await database_sync_to_async(selectors.document_updates_after)(
                room_id=self.room_id, update_id=self.through_update_id, overlap_seconds=2.0)
            before = self.doc.get_state()
            for update in updates:
                self.apply(update)
            self.through_update_id = last
            missing = self.doc.get_update(before)
            if missing != EMPTY_UPDATE:
                logger.warning("room %s: caught up %d missed bytes from storage", self.room_id, len(missing))
                self.relay_local(create_update_message(missing))
            if not self.catch_up_again:
                return


_documents: dict[str, RoomDocument] = {}
_loading: dict[str, tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = {}


def _lock_for(key: str) -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    held = _loading.get(key)
    if held is None or held[0] is not loop:
        held = _loading[key] = (loop, asyncio.Lock())
    return held[1]


async def document_open(room_id, connection: RoomConnection) -> RoomDocument:
    key = str(room_id)
    async with _lock_for(key):
        document = _documents.get(key)
        if document is not None and document.loop is not asyncio.get_running_loop():
            document = None  # left by another event loop (tests); this one starts afresh
        if document is None:
            batcher = update_batcher()
            await batcher.flush_room(key)  # what the previous copy here had not stored yet
            stored = await database_sync_to_async(selectors.document_stored)(room_id=key)
            document = RoomDocument(key)
            document.load(stored)
            batcher.note_loaded(key, stored.since_checkpoint)
            await document.start()
            # What other processes relayed between our load and our joining the group is not
            # stored yet either: fetch it once their window has been stored.
            document._catch_up_soon()
            _documents[key] = document
        document.connections.add(connection)
        return document


async def document_release(room_id, connection: RoomConnection) -> None:
    key = str(room_id)
    document = _documents.get(key)
    if document is None:
        return
    await document.connection_gone(connection)
    if not document.connections and _documents.get(key) is document:
        _documents.pop(key, None)  # frees the memory; the updates are stored (or being stored)
        await document.stop()
        await update_batcher().flush_room(key)


def document_if_open(room_id) -> RoomDocument | None:
    return _documents.get(str(room_id))


def open_document_count() -> int:
    return len(_documents)

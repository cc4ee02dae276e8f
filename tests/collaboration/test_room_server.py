"""The rooms server under the load and abuse the official client showed: cursors per Yjs client id,
awareness dedupe, foreign root types, the per-room byte cap, checkpoints, batched storage with its
crash story, and no silent drop."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from pycrdt import (
    Awareness,
    Doc,
    Map,
    Text,
    create_awareness_message,
    create_update_message,
    handle_sync_message,
    read_message,
    write_message,
)

from collaboration import documents, persistence, selectors, services
from collaboration.consumers import RoomClose
from collaboration.models import DocumentCheckpoint, DocumentUpdate, Room
from collaboration.persistence import update_batcher
from collaboration.realtime import room_doc_group
from core.consumers import CloseCode

from .conftest import YClient, cookie_of, settle, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


class CursorClient(YClient):
    """A YClient with pycrdt's Awareness, behaving as y-websocket's provider does: it applies
    what it hears and sends the states that changed, its own and (like the official client) other
    people's too."""

    def __init__(self, room, cookie, name: str):
        super().__init__(room, cookie)
        self.awareness = Awareness(self.doc)
        self.awareness.set_local_state({"user": {"name": name}})
        self.awareness_frames = 0
        self.echo: list[int] = []
        self.awareness.observe(lambda topic, event: self.echo.extend(
            event[0]["added"] + event[0]["updated"] + event[0]["removed"])
            if topic == "update" and event[1] == "server" else None)

    async def connect(self):
        await super().connect()
        await self.announce()

    async def announce(self):
        await self.ws.send_to(bytes_data=create_awareness_message(
            self.awareness.encode_awareness_update([self.awareness.client_id])))

    async def move(self, cursor: int):
        self.awareness.set_local_state_field("cursor", cursor)
        await self.announce()

    def on_awareness(self, frame: bytes) -> None:
        self.awareness_frames += 1
        self.awareness.apply_awareness_update(read_message(frame[1:]), "server")

    async def send_echo(self):
        """What y-websocket does with remote changes: send them back to the server."""
        if self.echo:
            ids, self.echo = list(dict.fromkeys(self.echo)), []
            await self.ws.send_to(bytes_data=create_awareness_message(self.awareness.encode_awareness_update(ids)))

    def others(self) -> dict[int, dict]:
        return {cid: state for cid, state in self.awareness.states.items() if cid != self.awareness.client_id}


async def seats(room, count, make_user):
    @database_sync_to_async
    def make():
        token = services.invite_token(room=room, role="candidate")
        return [services.room_join(room=room, token=token, user=make_user()) for _ in range(count)]

    return await make()


# --- awareness ---------------------------------------------------------------------------------


async def test_a_late_joiner_sees_everyones_cursor_and_a_drop_removes_exactly_its_ids(room, make_user):
    people = await seats(room, 4, make_user)
    a, b, c = [CursorClient(room, await cookie_of(p), name) for p, name in zip(people[:3], "ABC", strict=True)]
    for client in (a, b, c):
        await client.connect()
    await a.move(5)
    await settle(a, b, c)  # b and c echo a's state back, as the official client does
    late = CursorClient(room, await cookie_of(people[3]), "Late")
    await late.connect()  # connect() returns once the cursors sent at connect are handled
    ids = {client.awareness.client_id for client in (a, b, c)}
    assert set(late.others()) == ids  # everyone's cursor at once, not only the last message per connection
    assert late.others()[a.awareness.client_id] == {"user": {"name": "A"}, "cursor": 5}

    await b.ws.disconnect()  # b re-sent a's and c's states: only b's own id may go
    for client in (a, c, late):
        await client.pump_until(lambda client=client: b.awareness.client_id not in client.awareness.states,
                                "b's cursor to go")
    await settle(a, c, late)  # and nothing else goes after it
    everyone = ids | {late.awareness.client_id}
    for client in (a, c, late):
        assert set(client.others()) == everyone - {b.awareness.client_id, client.awareness.client_id}
    for client in (a, c, late):
        await client.close()


async def test_unchanged_awareness_is_not_relayed(room, make_user):
    people = await seats(room, 6, make_user)
    clients = [CursorClient(room, await cookie_of(p), f"P{i}") for i, p in enumerate(people)]
    for client in clients:
        await client.connect()
    await settle(*clients, rounds=4)
    frames_before = sum(client.awareness_frames for client in clients)
    # Everyone sends every state it knows again, unchanged (the official client's echo).
    for client in clients:
        await client.ws.send_to(bytes_data=create_awareness_message(
            client.awareness.encode_awareness_update(list(client.awareness.states))))
    await settle(*clients)
    assert sum(client.awareness_frames for client in clients) == frames_before
    # A real move reaches each of the five others once (the mover heard from the room lately).
    await clients[0].move(3)
    await settle(*clients)
    assert sum(client.awareness_frames for client in clients) == frames_before + len(clients) - 1
    assert all(c.others().get(clients[0].awareness.client_id, {}).get("cursor") == 3 for c in clients[1:])
    for client in clients:
        await client.close()


# --- what the room refuses -------------------------------------------------------------------


async def test_other_root_types_are_refused_and_never_reach_anyone(room, interviewer_seat, candidate):
    a = YClient(room, await cookie_of(interviewer_seat))
    b = YClient(room, await cookie_of(candidate))
    await a.connect()
    await b.connect()
    await a.type(0, "shared code")
    await settle(a, b)
    b.doc.get("stash", type=Map)["blob"] = "x" * 1000
    await b.flush()
    assert await b.closed() == CloseCode.BAD_MESSAGE
    late = YClient(room, await cookie_of(candidate))
    await late.connect()
    assert "stash" not in list(late.doc.keys()) and late.value == "shared code"
    await a.round_trip()
    assert "stash" not in list(a.doc.keys())
    await update_batcher().flush()
    stored = await database_sync_to_async(selectors.document_stored)(room_id=room.id)
    rebuilt = Doc()
    for update in stored.updates:
        rebuilt.apply_update(update)
    assert list(rebuilt.keys()) == ["code"]
    await a.close()
    await late.close()


async def test_insert_delete_churn_cannot_grow_a_room_past_its_byte_cap(room, interviewer_seat, settings):
    settings.ROOM_MAX_DOCUMENT_BYTES = 20_000
    settings.ROOM_UPDATE_RATE = (10_000, 1.0)
    a = YClient(room, await cookie_of(interviewer_seat))
    await a.connect()
    for _ in range(100):  # the text stays empty; the history grows with each round
        a.text.insert(0, "y" * 500)
        del a.text[0:500]
        await a.flush()  # what comes after the cap is ignored by the closing connection
    assert await a.closed() == RoomClose.TOO_LARGE
    await update_batcher().flush()
    stored = await database_sync_to_async(Room.objects.values_list("document_bytes", flat=True).get)(id=room.id)
    assert 10_000 < stored <= 20_000


# --- checkpoints -----------------------------------------------------------------------------------


async def test_checkpoints_rebuild_what_full_replay_does_and_keep_per_edit_history(room, interviewer_seat, candidate,
                                                                                   settings):
    settings.ROOM_CHECKPOINT_EVERY = 10
    settings.ROOM_UPDATE_RATE = (10_000, 1.0)
    a = YClient(room, await cookie_of(interviewer_seat))
    b = YClient(room, await cookie_of(candidate))
    await a.connect()
    await b.connect()
    for i in range(35):
        writer = (a, b)[i % 2]
        writer.text.insert(len(writer.text) // 2, f"<{i}>")
        if i % 7 == 6:
            del writer.text[0:2]
        await writer.flush()
        await settle(a, b, rounds=1)
    await settle(a, b)
    await a.close()
    await b.close()
    await update_batcher().flush()

    @database_sync_to_async
    def check():
        checkpoints = list(DocumentCheckpoint.objects.filter(room=room).order_by("position"))
        assert len(checkpoints) >= 2
        rows = list(DocumentUpdate.objects.filter(room=room).order_by("id").values_list("id", "data"))
        full = Doc()
        for _, data in rows:
            full.apply_update(bytes(data))
        stored = selectors.document_stored(room_id=room.id)
        assert stored.updates[0] == bytes(checkpoints[-1].data) and len(stored.updates) < len(rows) + 1
        from_checkpoint = Doc()
        for update in stored.updates:
            from_checkpoint.apply_update(update)
        assert str(from_checkpoint.get("code", type=Text)) == str(full.get("code", type=Text)) == a.value
        for checkpoint in checkpoints:  # each is exactly the first `position` edits
            prefix = Doc()
            for _, data in rows[:checkpoint.position]:
                prefix.apply_update(bytes(data))
            alone = Doc()
            alone.apply_update(bytes(checkpoint.data))
            assert str(alone.get("code", type=Text)) == str(prefix.get("code", type=Text))
            assert rows[checkpoint.position - 1][0] == checkpoint.through_update_id
        replay = selectors.replay_of(room=room)
        assert len(replay) == len(rows) and all(step["by"] for step in replay)  # every edit, with its author
        return len(rows)

    await check()
    documents._documents.clear()
    c = YClient(room, await cookie_of(candidate))
    await c.connect()  # opened from the last checkpoint and the updates after it
    assert c.value == a.value
    await c.close()


# --- storage: batched, and what a crash loses comes back ---------------------------------------


async def test_updates_are_relayed_before_they_are_stored_and_stored_in_batches(room, interviewer_seat, candidate,
                                                                                settings):
    a = YClient(room, await cookie_of(interviewer_seat))
    b = YClient(room, await cookie_of(candidate))
    await a.connect()
    await b.connect()
    settings.ROOM_FLUSH_SECONDS = 2  # long enough for the relay to be seen on a loaded machine
    for i in range(5):
        await a.type(i, "x")
    await b.pump_until(lambda: b.value == "xxxxx", "a's five edits at b")  # relayed at once
    count = database_sync_to_async(DocumentUpdate.objects.filter(room=room).count)
    assert await count() == 0  # not yet stored: the window is open
    assert len(update_batcher().pending_for(room.id)) == 5
    deadline = asyncio.get_running_loop().time() + 10
    while await count() < 5 and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)  # the window closes by itself: no flush is asked for
    assert await count() == 5
    await a.close()
    await b.close()


async def test_updates_lost_in_a_crash_come_back_when_a_client_reconnects(room, interviewer_seat, candidate, settings):
    settings.ROOM_FLUSH_SECONDS = 5  # the crash comes before the window closes
    a = YClient(room, await cookie_of(interviewer_seat))
    b = YClient(room, await cookie_of(candidate))
    await a.connect()
    await b.connect()
    await a.type(0, "typed just before the crash\n")
    await b.pump_until(lambda: b.value == "typed just before the crash\n", "a's edit at b")
    # The process dies: its queue and its documents are gone, the clients keep theirs.
    dead = update_batcher()
    dead.task.cancel()
    dead.pending.clear()
    persistence._batchers[asyncio.get_running_loop()] = persistence.UpdateBatcher()  # the new process's
    documents._documents.clear()
    assert not await database_sync_to_async(DocumentUpdate.objects.filter(room=room).exists)()
    settings.ROOM_FLUSH_SECONDS = 0.05
    # b reconnects to the new process (y-websocket keeps its document): sync step 1/2 sends back
    # whatever the server lacks.
    again = YClient(room, await cookie_of(candidate))
    again.doc, again.text = b.doc, b.text
    await again.connect()  # its sync step 2 answers the server's step 1 before the round trip ends
    await again.close()  # its last connection here: the room's queue is flushed
    documents._documents.clear()
    fresh = YClient(room, await cookie_of(interviewer_seat))
    await fresh.connect()
    assert fresh.value == "typed just before the crash\n"
    await fresh.close()


# --- only what changed is stored and relayed -------------------------------------------------------


def sync_step2(update: bytes) -> bytes:
    return bytes([0, 1]) + write_message(update)


async def stored_rows(room) -> list[bytes]:
    await update_batcher().flush()
    return await database_sync_to_async(
        lambda: [bytes(u) for u in DocumentUpdate.objects.filter(room=room).order_by("id").values_list("data", flat=True)])()


async def test_a_late_sync_step_2_that_repeats_the_document_is_stored_and_relayed_to_nobody(
        room, interviewer_seat, candidate):
    a = YClient(room, await cookie_of(interviewer_seat))
    b = YClient(room, await cookie_of(candidate))
    await a.connect()
    await b.connect()
    await a.type(0, "def solve():\n")
    await a.type(0, "# one\n")
    await settle(a, b)
    assert b.value == "# one\ndef solve():\n"
    assert len(await stored_rows(room)) == 2
    # What a slow client does when the server's sync step 1 reaches it late: it answers with
    # everything it holds, all of which the server has.
    await b.ws.send_to(bytes_data=sync_step2(b.doc.get_update()))
    assert await a.hears_nothing_new(action_by=b)  # b's round trip: the server has handled it
    assert await b.hears_nothing_new()
    assert len(await stored_rows(room)) == 2
    await a.close()
    await b.close()


async def test_an_update_that_is_partly_known_is_stored_and_relayed_as_only_its_new_part(
        room, interviewer_seat, candidate):
    a = YClient(room, await cookie_of(interviewer_seat))
    b = YClient(room, await cookie_of(candidate))
    await a.connect()
    await b.connect()
    await a.type(0, "x" * 500)
    await settle(a, b)
    b.applying = True  # typed "offline": sent below as one sync step 2 with the known part
    b.text.insert(0, "new ")
    b.applying = False
    whole = b.doc.get_update()
    await b.ws.send_to(bytes_data=sync_step2(whole))
    await a.pump_until(lambda: a.value == "new " + "x" * 500, "b's new part at a")
    rows = await stored_rows(room)
    assert len(rows) == 2 and len(rows[1]) < 100 < len(whole)  # the 4 new characters, not the 500 known
    replay = Doc()
    for row in rows:
        replay.apply_update(row)
    assert str(replay.get("code", type=Text)) == a.value
    await a.close()
    await b.close()


async def test_an_update_waiting_for_its_dependency_is_stored_and_relayed_once_that_arrives(
        room, interviewer_seat, candidate, make_user):
    a = YClient(room, await cookie_of(interviewer_seat))
    b = YClient(room, await cookie_of(candidate))
    await a.connect()
    await b.connect()
    # Two peers that synced with each other, not with the server: b's edit builds on a's.
    offline_a, offline_b = Doc(), Doc()
    offline_a.get("code", type=Text).insert(0, "base")
    first = offline_a.get_update()
    offline_b.apply_update(first)
    before = offline_b.get_state()
    offline_b.get("code", type=Text).insert(4, " + more")
    second = offline_b.get_update(before)
    await b.ws.send_to(bytes_data=create_update_message(second))  # its dependency is missing here
    assert await a.hears_nothing_new(action_by=b)
    assert await stored_rows(room) == []
    await a.ws.send_to(bytes_data=create_update_message(first))
    await a.pump_until(lambda: a.value == "base + more", "b's part, once a sent its dependency")
    await b.pump_until(lambda: b.value == "base + more", "a's dependency at b")  # a, who sent only the dependency, hears b's part too
    replay = Doc()
    for row in await stored_rows(room):
        replay.apply_update(row)
    assert str(replay.get("code", type=Text)) == "base + more"
    await a.close()
    await b.close()


# --- no silent drop ---------------------------------------------------------------------------------


async def test_fifty_clients_in_one_room_each_get_every_edit(room, make_user, settings):
    settings.ROOM_UPDATE_RATE = (10_000, 1.0)
    people = await seats(room, 50, make_user)
    clients = [YClient(room, await cookie_of(p)) for p in people]
    for client in clients:
        await client.connect()
    edits = 5
    for round_ in range(edits):
        for index, client in enumerate(clients):
            client.text.insert(0, f"[{index}.{round_}]")
            await client.flush()
    expected = [f"[{i}.{r}]" for i in range(50) for r in range(edits)]
    for client in clients:  # pump_until fails on a close: nobody was closed to resync
        await client.pump_until(lambda client=client: all(part in client.value for part in expected),
                                "all 250 edits", seconds=30)
    values = {client.value for client in clients}
    assert len(values) == 1
    value = values.pop()
    assert all(f"[{i}.{r}]" in value for i in range(50) for r in range(edits))  # all 250, with no resync
    for client in clients:
        await client.close()
    await update_batcher().flush()
    assert await database_sync_to_async(DocumentUpdate.objects.filter(room=room).count)() == 50 * edits


async def test_a_slow_connection_is_closed_not_skipped_and_recovers_the_whole_document(
        room, interviewer_seat, candidate, settings):
    settings.ROOM_SEND_QUEUE = 8
    settings.ROOM_UPDATE_RATE = (10_000, 1.0)
    a = YClient(room, await cookie_of(interviewer_seat))
    slow = YClient(room, await cookie_of(candidate))
    await a.connect()
    await slow.connect()
    slow_consumer = [c for c in documents.document_if_open(room.id).connections if c.participant.id == candidate.id][0]
    # The slow client's socket stops draining: its sends block, as a real server's do under
    # TCP backpressure.
    blocked = asyncio.Event()
    original_send = slow_consumer.send

    async def stuck_send(*args, **kwargs):
        await blocked.wait()
        return await original_send(*args, **kwargs)

    slow_consumer.send = stuck_send
    for i in range(40):
        await a.type(i, "z")
    await a.synced()
    await wait_for(lambda: slow_consumer.closing and slow_consumer not in documents.document_if_open(room.id).connections,
                   "the slow connection to be dropped from the room")
    blocked.set()
    assert await slow.closed() == RoomClose.TOO_SLOW  # handles the frames before the close, then the close
    assert slow.value != a.value  # it did miss edits...
    again = YClient(room, await cookie_of(candidate))
    again.doc, again.text = slow.doc, slow.text
    await again.connect()
    assert again.value == a.value == "z" * 40  # ...and the reconnect brought back all of them
    await a.close()
    await again.close()


async def test_a_process_that_misses_a_relayed_update_catches_up_from_storage(room, interviewer_seat, candidate):
    a = YClient(room, await cookie_of(interviewer_seat))
    await a.connect()
    other = Doc()
    other.get("code", type=Text).insert(0, "from another process\n")
    lost = other.get_update()
    # Another process stored an update whose relay the channel layer dropped; the next one from
    # that process arrives with a gap in its sequence numbers.
    await database_sync_to_async(services.document_updates_store)(updates=[(str(room.id), candidate.id, lost)])
    before = other.get_state()
    other.get("code", type=Text).insert(0, "# ")
    delivered = other.get_update(before)
    layer = get_channel_layer()
    for sequence, update in ((1, b"\x00\x00"), (3, delivered)):  # number 2 never arrives
        await layer.group_send(room_doc_group(room.id), {"type": "doc.update", "update": update,
                                                         "source": "specific.elsewhere", "sequence": sequence})
    await a.pump_until(lambda: a.value == "# from another process\n", "the catch-up from storage")
    await a.close()


async def test_a_gap_noticed_during_a_catch_up_gets_a_round_of_its_own(room, interviewer_seat, candidate):
    """The second gap's update is stored only after the running catch-up has read storage: it
    must still arrive (before, a gap noticed while a catch-up ran was forgotten)."""
    a = YClient(room, await cookie_of(interviewer_seat))
    await a.connect()
    other = Doc()
    text = other.get("code", type=Text)
    layer = get_channel_layer()

    async def relay(sequence, update):
        await layer.group_send(room_doc_group(room.id), {"type": "doc.update", "update": update,
                                                         "source": "specific.elsewhere", "sequence": sequence})

    def edit(insert):
        before = other.get_state()
        text.insert(len(str(text)), insert)
        return other.get_update(before)

    store = database_sync_to_async(services.document_updates_store)
    first_lost = edit("first\n")
    await store(updates=[(str(room.id), candidate.id, first_lost)])
    await relay(1, b"\x00\x00")
    await relay(3, edit("seen\n"))  # number 2 (first_lost) never arrives: a catch-up starts
    second_lost = edit("second\n")
    await relay(5, edit("also seen\n"))  # number 4 (second_lost) is lost too, while it runs
    # Until the first round has read storage and sent what it found.
    await a.pump_until(lambda: "first" in a.value, "the first catch-up round")
    assert "second" not in a.value
    await store(updates=[(str(room.id), candidate.id, second_lost)])  # stored only now
    await a.pump_until(lambda: a.value == "first\nseen\nsecond\nalso seen\n", "the second catch-up round")
    await a.close()


async def test_a_dropped_last_relay_of_a_burst_is_noticed_by_the_sequence_trailer(room, interviewer_seat, candidate):
    a = YClient(room, await cookie_of(interviewer_seat))
    await a.connect()
    other = Doc()
    other.get("code", type=Text).insert(0, "the last edit of a burst\n")
    lost = other.get_update()
    await database_sync_to_async(services.document_updates_store)(updates=[(str(room.id), candidate.id, lost)])
    layer = get_channel_layer()
    group = room_doc_group(room.id)
    await layer.group_send(group, {"type": "doc.update", "update": b"\x00\x00", "source": "specific.elsewhere",
                                   "sequence": 1})
    # Number 2 (`lost`) never arrives and nothing follows it but the sender's trailer.
    await layer.group_send(group, {"type": "doc.sequence", "source": "specific.elsewhere", "last": 2})
    await a.pump_until(lambda: a.value == "the last edit of a burst\n", "the catch-up the trailer starts")
    await a.close()


async def test_awareness_entries_refuse_malformed_payloads():
    from collaboration.documents import awareness_entries

    for payload in (b"", b"\x01", b"\x01\x05", b"\x01\x05\x01\x09{}", b"\x01\x05\x01\x02{x", b"\x01\x05\x01\x02{}junk"):
        with pytest.raises((ValueError, RuntimeError, IndexError)):
            awareness_entries(payload)
    assert awareness_entries(b"\x01\x05\x01\x02{}") == [(5, 1, {})]


async def test_waiting_for_one_rooms_updates_does_not_wait_for_other_busy_rooms(room, make_user):
    busy_room = await database_sync_to_async(services.room_create)(interviewer=await database_sync_to_async(make_user)())
    batcher = update_batcher()
    typing = True

    async def type_in_the_busy_room():
        doc = Doc()
        text = doc.get("code", type=Text)
        while typing:
            before = doc.get_state()
            text.insert(0, "b")
            for _ in range(10):  # about 1,000 updates a second, which storage keeps up with
                batcher.submit(str(busy_room.id), None, doc.get_update(before))
            await asyncio.sleep(0.01)

    busy = asyncio.create_task(type_in_the_busy_room())
    await asyncio.sleep(0.2)
    doc = Doc()
    doc.get("code", type=Text).insert(0, "quiet")
    batcher.submit(str(room.id), None, doc.get_update())
    started = asyncio.get_running_loop().time()
    await asyncio.wait_for(batcher.flush_room(str(room.id)), timeout=5)
    waited = asyncio.get_running_loop().time() - started
    typing = False
    await busy
    assert waited < 0.5
    assert await database_sync_to_async(DocumentUpdate.objects.filter(room=room).count)() == 1
    await batcher.flush()


async def test_messages_waiting_for_a_connection_are_coalesced_without_losing_anything():
    from pycrdt import create_update_message

    from collaboration.documents import awareness_entries, awareness_raw_entries, coalesce

    doc = Doc()
    text = doc.get("code", type=Text)
    waiting, cursors = [], Awareness(Doc())
    for i in range(30):
        before = doc.get_state()
        text.insert(len(text), f"{i},")
        waiting.append(create_update_message(doc.get_update(before)))
        cursors.set_local_state_field("cursor", i)
        waiting.append(create_awareness_message(cursors.encode_awareness_update([cursors.client_id])))
    frames = coalesce(waiting)
    assert len(frames) == 2  # one update, one awareness message, instead of 60 frames
    peer = Doc()
    handle_sync_message(frames[0][1:], peer)
    assert str(peer.get("code", type=Text)) == str(text)
    entries = awareness_entries(read_message(frames[1][1:]))
    assert len(entries) == 1 and entries[0][0] == cursors.client_id and entries[0][2]["cursor"] == 29
    assert awareness_raw_entries(read_message(frames[1][1:]))[0][1] == cursors.meta[cursors.client_id]["clock"]


async def test_a_connection_that_heard_nothing_for_a_while_hears_its_own_cursor(room, interviewer_seat, monkeypatch):
    """y-websocket closes a connection that received nothing for 30 s; alone in a room, its own
    cursor renewals (every 15 s) keep it alive."""
    alone = CursorClient(room, await cookie_of(interviewer_seat), "Alone")
    await alone.connect()
    frames = alone.awareness_frames
    await alone.move(1)
    assert await alone.hears_nothing_new()  # it had just heard from the server
    assert alone.awareness_frames == frames
    monkeypatch.setattr(documents, "SILENCE_SECONDS", 0.0)
    await alone.move(2)
    await alone.pump_until(lambda: alone.awareness_frames == frames + 1, "its own cursor, after the silence")
    assert await alone.hears_nothing_new() and alone.awareness_frames == frames + 1
    await alone.close()

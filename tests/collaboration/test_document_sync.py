"""The shared document over the y-websocket protocol, with pycrdt documents as the clients."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from collaboration import documents, services
from collaboration.consumers import RoomClose
from collaboration.models import DocumentUpdate
from core.consumers import CloseCode

from .conftest import WAIT_SECONDS, YClient, cookie_of, settle, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_two_clients_converge_with_concurrent_edits(room, interviewer_seat, candidate):
    a = YClient(room, await cookie_of(interviewer_seat))
    b = YClient(room, await cookie_of(candidate))
    await a.connect()
    await b.connect()
    await a.type(0, "def solve():\n    pass\n")
    await settle(a, b)
    assert b.value == "def solve():\n    pass\n"
    # Both type at the same place at the same time.
    a.text.insert(4, "AAA")
    b.text.insert(4, "BBB")
    await settle(a, b)
    assert a.value == b.value and "AAA" in a.value and "BBB" in a.value
    await a.close()
    await b.close()


async def test_three_clients_converge(room, interviewer_seat, candidate, make_user):
    observer_user = await database_sync_to_async(make_user)()
    third = await database_sync_to_async(services.room_join)(
        room=room, token=services.invite_token(room=room, role="candidate"), user=observer_user)
    clients = [YClient(room, await cookie_of(p)) for p in (interviewer_seat, candidate, third)]
    for client in clients:
        await client.connect()
    for index, client in enumerate(clients):
        client.text.insert(0, f"[{index}]")
    await settle(*clients, rounds=4)
    assert len({c.value for c in clients}) == 1
    assert all(f"[{i}]" in clients[0].value for i in range(3))
    for client in clients:
        await client.close()


async def test_late_joiner_gets_the_whole_document(room, interviewer_seat, candidate):
    a = YClient(room, await cookie_of(interviewer_seat))
    await a.connect()
    await a.type(0, "print('hello')\n")
    await a.type(15, "print('again')\n")
    await a.synced()
    late = YClient(room, await cookie_of(candidate))
    await late.connect()
    assert late.value == "print('hello')\nprint('again')\n"
    await a.close()
    await late.close()


async def test_document_survives_a_restart(room, interviewer_seat, candidate):
    a = YClient(room, await cookie_of(interviewer_seat))
    await a.connect()
    await a.type(0, "x = 1\n")
    await a.synced()
    await a.close()
    assert documents.document_if_open(room.id) is None  # freed with the last connection
    documents._documents.clear()  # and as after a process restart
    b = YClient(room, await cookie_of(candidate))
    await b.connect()
    assert b.value == "x = 1\n"
    assert await database_sync_to_async(DocumentUpdate.objects.filter(room=room).count)() >= 1
    await b.close()


async def test_reconnecting_client_catches_up_and_sends_what_it_typed_offline(room, interviewer_seat, candidate):
    a = YClient(room, await cookie_of(interviewer_seat))
    b = YClient(room, await cookie_of(candidate))
    await a.connect()
    await b.connect()
    await b.ws.disconnect()
    await a.type(0, "online edit\n")
    await a.synced()
    b.applying = True  # typed while offline: reaches the server through sync on reconnect
    b.text.insert(0, "offline edit\n")
    b.applying = False
    reconnected = YClient(room, await cookie_of(candidate))
    reconnected.doc = b.doc
    reconnected.text = b.text
    await reconnected.connect()  # y-websocket keeps its document across the reconnect
    await settle(reconnected, a)
    assert a.value == reconnected.value and "offline edit" in a.value and "online edit" in a.value
    await a.close()
    await reconnected.close()


async def test_malformed_bytes_close_only_that_client(room, interviewer_seat, candidate):
    a = YClient(room, await cookie_of(interviewer_seat))
    b = YClient(room, await cookie_of(candidate))
    await a.connect()
    await b.connect()
    await b.ws.send_to(bytes_data=b"\x00\x02\xff\xff\xff\xff\xff\xff")
    assert await b.closed() == CloseCode.BAD_MESSAGE
    await a.type(0, "still fine")
    await a.synced()  # still connected: the round trip would fail on a close
    assert a.value == "still fine"
    await a.close()


async def test_text_frames_and_huge_updates_are_refused(room, interviewer_seat, settings):
    a = YClient(room, await cookie_of(interviewer_seat))
    await a.connect()
    await a.ws.send_to(text_data="hello")
    assert await a.closed() == CloseCode.BAD_MESSAGE
    b = YClient(room, await cookie_of(interviewer_seat))
    await b.connect()
    await b.ws.send_to(bytes_data=b"\x00\x02" + b"\x00" * (settings.ROOM_MAX_UPDATE_BYTES + 10))
    assert await b.closed() == RoomClose.TOO_LARGE


async def test_strangers_and_anonymous_visitors_are_refused(room, make_user):
    stranger = await database_sync_to_async(make_user)()
    from .conftest import user_cookie

    cookie = await database_sync_to_async(user_cookie)(stranger)
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    for headers, code in [([(b"origin", b"http://127.0.0.1:8000"), (b"cookie", cookie)], CloseCode.FORBIDDEN),
                          ([(b"origin", b"http://127.0.0.1:8000")], CloseCode.UNAUTHENTICATED)]:
        ws = WebsocketCommunicator(application, f"/ws/rooms/{room.id}/doc", headers=headers)
        await ws.connect(timeout=5)
        assert (await ws.receive_output(timeout=WAIT_SECONDS))["code"] == code


async def test_observers_cannot_edit(room, interviewer_seat, make_user):
    watcher = await database_sync_to_async(make_user)()
    observer = await database_sync_to_async(services.room_join)(
        room=room, token=services.invite_token(room=room, role="observer"), user=watcher)
    a = YClient(room, await cookie_of(interviewer_seat))
    o = YClient(room, await cookie_of(observer))
    await a.connect()
    await o.connect()
    await o.type(0, "sneaky")
    assert await o.closed() == RoomClose.READ_ONLY
    await a.synced()
    assert "sneaky" not in a.value
    assert not await database_sync_to_async(DocumentUpdate.objects.filter(participant=observer).exists)()
    await a.close()


async def test_ending_the_room_closes_the_document_sockets(room, interviewer_seat, candidate):
    b = YClient(room, await cookie_of(candidate))
    await b.connect()
    await database_sync_to_async(services.room_end)(room=room, by=interviewer_seat)
    assert await b.closed() == RoomClose.ENDED


async def test_guest_with_a_session_can_edit(room, interviewer_seat):
    guest = await database_sync_to_async(services.room_join)(
        room=room, token=services.invite_token(room=room, role="candidate"), guest_name="Sam")
    g = YClient(room, await cookie_of(guest))
    await g.connect()
    await g.type(0, "guest was here")
    await g.synced()  # the server has it before a joins
    a = YClient(room, await cookie_of(interviewer_seat))
    await a.connect()
    assert a.value == "guest was here"
    await g.close()
    await a.close()
    await asyncio.sleep(0)


async def test_a_guest_of_another_room_is_refused_with_4403(room, make_user):
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    other_room = await database_sync_to_async(services.room_create)(interviewer=await database_sync_to_async(make_user)())
    guest = await database_sync_to_async(services.room_join)(
        room=other_room, token=services.invite_token(room=other_room, role="candidate"), guest_name="Kim")
    cookie = await cookie_of(guest)
    ws = WebsocketCommunicator(application, f"/ws/rooms/{room.id}/doc",
                               headers=[(b"origin", b"http://127.0.0.1:8000"), (b"cookie", cookie)])
    await ws.connect(timeout=5)
    assert (await ws.receive_output(timeout=WAIT_SECONDS))["code"] == CloseCode.FORBIDDEN


async def test_cursors_are_shared_echoed_and_removed_when_a_client_drops(room, interviewer_seat, candidate):
    import json as _json

    from pycrdt import write_var_uint

    from collaboration.documents import awareness_entries

    state = {"user": {"name": "Grace", "color": "#e11d48"}}
    raw = _json.dumps(state).encode()
    body = write_var_uint(1) + write_var_uint(4242) + write_var_uint(3) + write_var_uint(len(raw)) + raw
    awareness = bytes([1]) + write_var_uint(len(body)) + body
    a = YClient(room, await cookie_of(interviewer_seat))
    b = YClient(room, await cookie_of(candidate))
    await a.connect()
    await b.connect()
    await a.ws.send_to(bytes_data=awareness)

    async def next_awareness(client):
        for _ in range(10):
            output = await client.ws.receive_output(timeout=WAIT_SECONDS)
            if output.get("bytes", b"")[:1] == b"\x01":
                return awareness_entries(output["bytes"][2:])
        raise AssertionError("no awareness")

    assert await next_awareness(b) == [(4242, 3, state)]
    await a.ws.disconnect()
    assert await next_awareness(b) == [(4242, 3, None)]  # removed at once
    await b.close()


async def test_while_locked_only_the_interviewer_edits(room, interviewer_seat, candidate):
    a = YClient(room, await cookie_of(interviewer_seat))
    b = YClient(room, await cookie_of(candidate))
    await a.connect()
    await b.connect()
    await database_sync_to_async(services.room_set_lock)(room=room, by=interviewer_seat, locked=True)
    # The lock reaches the document connections as a room event, with nothing sent to the client.
    connections = documents.document_if_open(room.id).connections
    await wait_for(lambda: all(connection.room.editor_locked for connection in connections),
                   "the lock to reach both document connections")
    await a.type(0, "interviewer ")
    await b.type(0, "candidate ")
    assert await b.closed() == RoomClose.READ_ONLY
    await a.synced()
    assert a.value == "interviewer "
    assert not await database_sync_to_async(DocumentUpdate.objects.filter(participant=candidate).exists)()
    await a.close()

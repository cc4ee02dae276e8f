"""Ending a room while people are connected, under real ASGI servers (tests/live_server.py): the
server's log has no traceback. granian (what `make run` serves with) drops a frame sent on a
socket after its close without a word; daphne raises "Attempt to send on a closed protocol" into
the consumer, which logs it: so both run here."""

import asyncio
import contextlib
import json

import pytest
import websockets
from pycrdt import Awareness, Doc, create_awareness_message, create_sync_message

from collaboration import services
from tests.collaboration.conftest import guest_cookie
from tests.live_server import VENV_BIN, live_asgi_server
from tests.session_cookies import session_cookie

pytestmark = [pytest.mark.django_db(transaction=True)]
PEOPLE = 6
GUESTS = 3


async def open_room_sockets(base_url: str, room_id, cookie: bytes):
    ws_url = base_url.replace("http://", "ws://")
    headers = {"Cookie": cookie.decode(), "Origin": base_url}
    doc = await websockets.connect(f"{ws_url}/ws/rooms/{room_id}/doc", additional_headers=headers)
    ydoc = Doc()
    await doc.send(create_sync_message(ydoc))
    cursor = Awareness(ydoc)
    cursor.set_local_state({"user": {"name": "someone"}, "cursor": 0})  # a cursor, as a browser has
    await doc.send(create_awareness_message(cursor.encode_awareness_update([cursor.client_id])))
    events = await websockets.connect(f"{ws_url}/ws/rooms/{room_id}/events/", additional_headers=headers)
    first = json.loads(await asyncio.wait_for(events.recv(), 10))
    assert first["type"] == "room.state"
    return doc, events


@pytest.mark.parametrize("server", ["granian", "daphne"])
def test_ending_a_room_with_people_connected_logs_no_traceback(make_user, tmp_path, server):
    if not (VENV_BIN / server).exists():
        pytest.skip(f"{server} is not installed (daphne comes with the dev extras)")
    interviewer, *candidates = [make_user() for _ in range(PEOPLE - GUESTS)]
    room = services.room_create(interviewer=interviewer, title="Ends with people in it")
    invite = services.invite_token(room=room, role="candidate")
    for candidate in candidates:
        services.room_join(room=room, token=invite, user=candidate)
    cookies = [session_cookie(user) for user in (interviewer, *candidates)]
    # Guests (no account) too: their sockets do not pass through the sign-in guard.
    cookies += [guest_cookie(room, services.room_join(room=room, token=invite, guest_name=f"Guest {n}"))
                for n in range(GUESTS)]

    async def leave_when_ended(doc, events) -> list[str]:
        """What the room page does: on "room.ended" it closes both sockets at once and goes to
        the summary (while the server is closing them too)."""
        seen = []
        with contextlib.suppress(websockets.ConnectionClosed):
            while True:
                seen.append(json.loads(await asyncio.wait_for(events.recv(), 10))["type"])
                if seen[-1] == "room.ended":
                    break
        await asyncio.gather(doc.close(), events.close())
        return seen

    async def session(base_url: str):
        sockets = [await open_room_sockets(base_url, room.id, cookie) for cookie in cookies]
        await asyncio.sleep(0.5)  # everyone synced and present
        # One guest's page is slow to read: the server has just closed its events socket (a
        # message over the size limit) and it has not answered the close when the room ends.
        slow_doc, slow_events = sockets.pop()
        await slow_events.send("x" * (300 * 1024))
        await sockets[0][1].send(json.dumps({"type": "end"}))
        results = await asyncio.gather(*(leave_when_ended(doc, events) for doc, events in sockets))
        await asyncio.sleep(0.5)
        await asyncio.gather(slow_doc.close(), slow_events.close())
        await asyncio.sleep(1.0)  # the server's close paths run after the last frame
        return results

    with live_asgi_server(tmp_path, server) as live:
        results = asyncio.run(session(live.url))
        port = live.url.rsplit(":", 1)[1]
        log_path = tmp_path / f"{server}-{port}.log"
    log = log_path.read_text(errors="replace")
    assert [seen[-1] for seen in results] == ["room.ended"] * (PEOPLE - 1)
    assert "Traceback" not in log and "closed protocol" not in log, log[-4000:]

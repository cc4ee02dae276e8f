"""The room call's signalling over /ws/rooms/<id>/events/: offers, answers and ICE candidates go to
the addressed peer of the same room's call only; bad signals close the connection with a clear
code."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from collaboration import services
from config.asgi import application
from core.consumers import CloseCode
from core.webrtc_signalling import MAX_SDP_CHARS

from .conftest import ORIGIN, cookie_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

OFFER_SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
CANDIDATE = {"candidate": "candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host", "sdpMid": "0",
             "sdpMLineIndex": 0, "usernameFragment": "abcd"}


async def events(room, participant):
    cookie = await cookie_of(participant)
    ws = WebsocketCommunicator(application, f"/ws/rooms/{room.id}/events/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await ws.connect(timeout=5)
    assert connected
    await next_of(ws, "room.state")
    return ws


async def next_of(ws, kind, limit=30, where=lambda event: True):
    for _ in range(limit):
        output = await ws.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            raise AssertionError(f"closed with {output.get('code')} while waiting for {kind}")
        event = json.loads(output["text"])
        if event["type"] == kind and where(event):
            return event
    raise AssertionError(f"no {kind}")


async def heard(ws) -> list[dict]:
    """Everything the socket was sent until it goes quiet."""
    got = []
    while not await ws.receive_nothing(timeout=0.3):
        output = await ws.receive_output(timeout=1)
        if output["type"] == "websocket.close":
            got.append({"type": "closed", "code": output.get("code")})
            break
        got.append(json.loads(output["text"]))
    return got


async def join_call(ws) -> str:
    await ws.send_json_to({"type": "call.join"})
    return (await next_of(ws, "call.ready"))["peer_id"]


async def closed_with(ws) -> int:
    for _ in range(10):
        output = await ws.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output["code"]
    raise AssertionError("not closed")


@pytest.fixture
def observer(room, make_user):
    return services.room_join(room=room, token=services.invite_token(room=room, role="observer"), user=make_user())


@pytest.fixture
def other_room(make_user):
    owner = make_user()
    room = services.room_create(interviewer=owner, title="Elsewhere")
    guest = services.room_join(room=room, token=services.invite_token(room=room, role="candidate"),
                               user=make_user())
    return room, room.participants.get(role="interviewer"), guest


async def test_offer_answer_and_candidates_reach_only_the_addressed_peer(room, interviewer_seat, candidate,
                                                                        observer, other_room, make_user):
    second_candidate = await database_sync_to_async(services.room_join)(
        room=room, token=services.invite_token(room=room, role="candidate"), user=await database_sync_to_async(make_user)())
    a = await events(room, interviewer_seat)
    b = await events(room, candidate)
    c = await events(room, second_candidate)
    watcher = await events(room, observer)
    elsewhere_room, elsewhere_seat, _ = other_room
    elsewhere = await events(elsewhere_room, elsewhere_seat)
    peer_a = await join_call(a)
    peer_b = await join_call(b)
    joined = await next_of(a, "call.peer_joined")
    assert joined["peer_id"] == peer_b and joined["participant"]["id"] == candidate.id
    assert peer_a != peer_b
    peer_c = await join_call(c)  # in the same call: hears the joins, but no signal meant for b
    assert (await next_of(b, "call.peer_joined"))["peer_id"] == peer_c
    await join_call(elsewhere)  # a call in another room: never hears this one

    await a.send_json_to({"type": "call.signal", "to": peer_b, "description": {"type": "offer", "sdp": OFFER_SDP},
                          "extra": "not relayed"})
    offer = await next_of(b, "call.signal")
    assert offer == {"type": "call.signal", "from": peer_a, "from_participant": interviewer_seat.id,
                     "description": {"type": "offer", "sdp": OFFER_SDP}}
    await b.send_json_to({"type": "call.signal", "to": peer_a, "description": {"type": "answer", "sdp": OFFER_SDP}})
    assert (await next_of(a, "call.signal"))["description"]["type"] == "answer"
    await b.send_json_to({"type": "call.signal", "to": peer_a, "candidate": CANDIDATE})
    assert (await next_of(a, "call.signal"))["candidate"] == CANDIDATE
    await a.send_json_to({"type": "call.signal", "to": peer_b, "candidate": {"candidate": "", "sdpMid": "0"}})
    assert (await next_of(b, "call.signal"))["candidate"]["candidate"] == ""  # end of candidates

    assert not [e for e in await heard(c) if e["type"] == "call.signal"]
    # The observer (not in the call) and the other room heard no signal, not even the joins.
    for ws in (watcher, elsewhere):
        assert not [e for e in await heard(ws) if e["type"].startswith("call.")]
    assert not [e for e in await heard(b) if e["type"] == "call.signal"]  # nothing echoed or duplicated

    # A peer id of another room's call is "gone" here: nothing crosses rooms.
    elsewhere_peer = await join_call(elsewhere)
    await a.send_json_to({"type": "call.signal", "to": elsewhere_peer, "candidate": CANDIDATE})
    assert (await next_of(a, "error"))["code"] == "call_peer_gone"
    assert not [e for e in await heard(elsewhere) if e["type"] == "call.signal"]

    # Leaving: the other hears it, and signals to the one who left are refused.
    await b.send_json_to({"type": "call.leave"})
    await next_of(b, "call.left")
    assert (await next_of(a, "call.peer_left"))["peer_id"] == peer_b
    await a.send_json_to({"type": "call.signal", "to": peer_b, "candidate": CANDIDATE})
    assert (await next_of(a, "error"))["code"] == "call_peer_gone"
    for ws in (a, b, c, watcher, elsewhere):
        await ws.disconnect()


async def test_a_closed_connection_leaves_the_call(room, interviewer_seat, candidate):
    a = await events(room, interviewer_seat)
    b = await events(room, candidate)
    await join_call(a)
    peer_b = await join_call(b)
    await b.disconnect()
    assert (await next_of(a, "call.peer_left"))["peer_id"] == peer_b
    await a.disconnect()


async def test_observers_and_people_outside_the_call_cannot_signal(room, interviewer_seat, candidate, observer):
    a = await events(room, interviewer_seat)
    watcher = await events(room, observer)
    await watcher.send_json_to({"type": "call.join"})
    assert (await next_of(watcher, "error"))["code"] == "call_observer"
    peer_a = await join_call(a)
    await watcher.send_json_to({"type": "call.signal", "to": peer_a, "candidate": CANDIDATE})
    assert (await next_of(watcher, "error"))["code"] == "call_not_joined"
    b = await events(room, candidate)
    await b.send_json_to({"type": "call.signal", "to": peer_a, "candidate": CANDIDATE})
    assert (await next_of(b, "error"))["code"] == "call_not_joined"
    assert not [e for e in await heard(a) if e["type"] == "call.signal"]
    for ws in (a, b, watcher):
        await ws.disconnect()


@pytest.mark.parametrize(("signal", "code"), [
    ({"to": "not-a-peer-id", "candidate": CANDIDATE}, CloseCode.BAD_MESSAGE),
    ({"to": "0" * 32}, CloseCode.BAD_MESSAGE),  # neither description nor candidate
    ({"to": "0" * 32, "candidate": CANDIDATE, "description": {"type": "offer", "sdp": OFFER_SDP}}, CloseCode.BAD_MESSAGE),
    ({"to": "0" * 32, "description": {"type": "pranswer", "sdp": OFFER_SDP}}, CloseCode.BAD_MESSAGE),
    ({"to": "0" * 32, "description": {"type": "offer", "sdp": "<script>"}}, CloseCode.BAD_MESSAGE),
    ({"to": "0" * 32, "description": "offer"}, CloseCode.BAD_MESSAGE),
    ({"to": "0" * 32, "candidate": {**CANDIDATE, "sdpMLineIndex": "0"}}, CloseCode.BAD_MESSAGE),
    ({"to": "0" * 32, "candidate": {**CANDIDATE, "sdpMLineIndex": 999}}, CloseCode.BAD_MESSAGE),
    ({"to": "0" * 32, "candidate": {"candidate": "hello", "sdpMid": "0"}}, CloseCode.BAD_MESSAGE),
    ({"to": "0" * 32, "candidate": {"candidate": CANDIDATE["candidate"]}}, CloseCode.BAD_MESSAGE),
    ({"to": "0" * 32, "description": {"type": "offer", "sdp": "v=0\r\n" + "a" * MAX_SDP_CHARS}}, 4413),
    ({"to": "0" * 32, "candidate": {**CANDIDATE, "candidate": "candidate:" + "1" * 2000}}, 4413),
])
async def test_bad_signals_close_with_a_clear_code(room, interviewer_seat, candidate, signal, code):
    a = await events(room, interviewer_seat)
    b = await events(room, candidate)
    await join_call(a)
    await join_call(b)
    await a.send_json_to({"type": "call.signal", **signal})
    error = await next_of(a, "error")
    assert error["code"] == "bad_signal" and error["message"]
    assert await closed_with(a) == code
    assert not [e for e in await heard(b) if e["type"] == "call.signal"]
    await b.disconnect()


async def test_unknown_call_message_is_an_error_not_a_crash(room, interviewer_seat):
    a = await events(room, interviewer_seat)
    await a.send_json_to({"type": "call.dance"})
    assert (await next_of(a, "error"))["code"] == "unknown_type"
    await a.send_json_to({"type": "ping"})  # still open
    await next_of(a, "pong")
    await a.disconnect()


async def test_signalling_has_its_own_rate_bound(room, interviewer_seat, candidate, settings):
    settings.ROOM_CALL_SIGNAL_RATE = (5, 60.0)
    a = await events(room, interviewer_seat)
    await join_call(a)
    peer_b = await join_call(await events(room, candidate))
    for _ in range(10):
        await a.send_json_to({"type": "call.signal", "to": peer_b, "candidate": CANDIDATE})
    assert await closed_with(a) == CloseCode.RATE_LIMITED

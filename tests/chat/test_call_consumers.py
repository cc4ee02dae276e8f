"""Calls over /ws/chat/ through the whole ASGI stack: ringing reaches the members rung and nobody
else, answers join the peers, offers and ICE candidates go to exactly the addressed socket, a busy
callee, a missed call's record replaying after a reconnect, a flood of signalling closing with
4429, and a crashed process's user going offline once their lease runs out."""

import pytest
from channels.db import database_sync_to_async

from chat import services
from core.consumers import CloseCode

from .test_consumers import WAIT_SECONDS, connect, heard_before_marker, receive, until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
db = database_sync_to_async

# As large as a real Chromium offer with audio and video (5-10 KB): over the socket's 4 KB bound
# for its other messages.
OFFER = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n" + "a=rtcp-fb:96 nack pli\r\n" * 400}
ANSWER = {"type": "answer", "sdp": "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\n"}
CANDIDATE = {"candidate": "candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host", "sdpMid": "0",
             "sdpMLineIndex": 0}


async def ready(user, query=""):
    ws = await connect(user, query)
    assert (await receive(ws))["type"] == "chat.ready"
    return ws


async def until_all(ws, *types):
    """The first event of each of `types`, in whatever order they come: `call.ready` goes
    straight to the socket, the stored call events through the channel layer after commit."""
    found: dict[str, dict] = {}
    while len(found) < len(types):
        event = await receive(ws)
        if event["type"] in types and event["type"] not in found:
            found[event["type"]] = event
    return [found[t] for t in types]


async def marker(chat, sender):
    return await db(services.message_send)(sender=sender, chat=chat, body="marker")


async def test_a_private_call_rings_only_the_callee_and_relays_to_the_addressed_peer(pair, alice, bob, carol):
    ws_alice, ws_bob, ws_carol = await ready(alice), await ready(bob), await ready(carol)
    await ws_alice.send_json_to({"type": "call.start", "chat_id": pair.id, "media": "video"})
    started, alice_ready = await until_all(ws_alice, "call.started", "call.ready")
    call_id = started["call"]["id"]
    assert alice_ready["call_id"] == call_id and alice_ready["ice_servers"] == []
    incoming = await until(ws_bob, "call.incoming")
    assert incoming["call"]["id"] == call_id and incoming["call"]["initiator"]["username"] == "alice"

    await ws_bob.send_json_to({"type": "call.accept", "call_id": call_id})
    bob_ready = await until(ws_bob, "call.ready")
    joined = await until(ws_alice, "call.peer_joined")
    assert joined["peer_id"] == bob_ready["peer_id"] and joined["user"]["username"] == "bob"

    await ws_alice.send_json_to({"type": "call.signal", "call_id": call_id, "to": joined["peer_id"],
                                 "description": OFFER, "extra": "not relayed"})
    offer = await until(ws_bob, "call.signal")
    assert offer == {"type": "call.signal", "call_id": call_id, "from": alice_ready["peer_id"],
                     "from_user": alice.id, "description": OFFER}
    await ws_bob.send_json_to({"type": "call.signal", "call_id": call_id, "to": alice_ready["peer_id"],
                               "description": ANSWER})
    assert (await until(ws_alice, "call.signal"))["description"] == ANSWER
    await ws_bob.send_json_to({"type": "call.signal", "call_id": call_id, "to": alice_ready["peer_id"],
                               "candidate": CANDIDATE})
    assert (await until(ws_alice, "call.signal"))["candidate"]["candidate"] == CANDIDATE["candidate"]

    # Carol, not in the chat, heard nothing of it (neither ringing nor signals).
    with_carol = await db(services.chat_private_open)(user=alice, other=carol)
    heard = await heard_before_marker(ws_carol, await marker(with_carol, alice))
    assert [e["type"] for e in heard if e["type"].startswith("call.")] == []

    await ws_bob.send_json_to({"type": "call.end", "call_id": call_id})
    ended = await until(ws_alice, "call.ended")
    assert ended["call"]["outcome"] == "answered"
    record = await until(ws_alice, "message.new")
    assert record["message"]["kind"] == "call" and record["message"]["call"]["id"] == call_id
    for ws in (ws_alice, ws_bob, ws_carol):
        await ws.disconnect()


async def test_the_callees_other_tab_stops_ringing_and_cannot_join_twice(pair, alice, bob):
    ws_alice, tab1, tab2 = await ready(alice), await ready(bob), await ready(bob)
    await ws_alice.send_json_to({"type": "call.start", "chat_id": pair.id, "media": "audio"})
    call_id = (await until(tab1, "call.incoming"))["call"]["id"]
    assert (await until(tab2, "call.incoming"))["call"]["id"] == call_id
    await tab1.send_json_to({"type": "call.accept", "call_id": call_id})
    await until_all(tab1, "call.ready", "call.accepted")
    accepted = await until(tab2, "call.accepted")
    assert accepted["user"]["username"] == "bob"
    await tab2.send_json_to({"type": "call.accept", "call_id": call_id})
    error = await until(tab2, "error")
    assert error["code"] == "call_joined_elsewhere"
    for ws in (ws_alice, tab1, tab2):
        await ws.disconnect()


async def test_a_group_call_is_a_mesh_each_peer_hears_each_joiner(group, alice, bob, carol):
    sockets = {u.username: await ready(u) for u in (alice, bob, carol)}
    await sockets["alice"].send_json_to({"type": "call.start", "chat_id": group.id, "media": "video"})
    call_id = (await until(sockets["alice"], "call.ready"))["call_id"]
    for name in ("bob", "carol"):
        assert (await until(sockets[name], "call.incoming"))["call"]["id"] == call_id
    await sockets["bob"].send_json_to({"type": "call.accept", "call_id": call_id})
    bob_peer = (await until(sockets["bob"], "call.ready"))["peer_id"]
    assert (await until(sockets["alice"], "call.peer_joined"))["peer_id"] == bob_peer
    await sockets["carol"].send_json_to({"type": "call.accept", "call_id": call_id})
    carol_peer = (await until(sockets["carol"], "call.ready"))["peer_id"]
    for name in ("alice", "bob"):
        assert (await until(sockets[name], "call.peer_joined"))["peer_id"] == carol_peer
    # Carol closes her tab: both others hear her peer leave; the call goes on between two.
    await sockets["carol"].disconnect()
    for name in ("alice", "bob"):
        peer_left, left = await until_all(sockets[name], "call.peer_left", "call.left")
        assert peer_left["peer_id"] == carol_peer
        assert left["user"]["username"] == "carol" and left["call"]["status"] == "active"
    for name in ("alice", "bob"):
        await sockets[name].disconnect()


async def test_a_busy_callee(pair, alice, bob, carol):
    ws_bob, ws_carol = await ready(bob), await ready(carol)
    with_carol = await db(services.chat_private_open)(user=bob, other=carol)
    await ws_bob.send_json_to({"type": "call.start", "chat_id": with_carol.id, "media": "audio"})
    call_id = (await until(ws_carol, "call.incoming"))["call"]["id"]
    await ws_carol.send_json_to({"type": "call.accept", "call_id": call_id})
    await until(ws_carol, "call.ready")

    ws_alice = await ready(alice)
    await ws_alice.send_json_to({"type": "call.start", "chat_id": pair.id, "media": "video"})
    busy = await until(ws_alice, "call.busy")
    assert [u["username"] for u in busy["users"]] == ["bob"]
    assert (await until(ws_alice, "call.ended"))["call"]["outcome"] == "busy"
    # Bob's tab was not rung for it.
    heard = await heard_before_marker(ws_bob, await marker(pair, alice))
    assert [e for e in heard if e["type"] == "call.incoming"] == []
    for ws in (ws_alice, ws_bob, ws_carol):
        await ws.disconnect()


async def test_a_missed_call_record_replays_once_after_a_reconnect(pair, alice, bob):
    ws_bob = await connect(bob)
    seen_up_to = (await receive(ws_bob))["last_id"]
    await ws_bob.disconnect()
    ws_alice = await ready(alice)
    await ws_alice.send_json_to({"type": "call.start", "chat_id": pair.id, "media": "video"})
    call_id = (await until(ws_alice, "call.ready"))["call_id"]
    await ws_alice.send_json_to({"type": "call.end", "call_id": call_id})
    assert (await until(ws_alice, "call.ended"))["call"]["outcome"] == "missed"

    ws_bob = await connect(bob, f"?last_id={seen_up_to}")
    replayed = []
    while (event := await receive(ws_bob))["type"] != "chat.ready":
        replayed.append(event)
    assert [e["type"] for e in replayed] == ["call.incoming", "call.ended", "message.new"]
    assert all(e["replayed"] for e in replayed)
    record = replayed[-1]["message"]
    assert record["kind"] == "call" and record["body"] == "Missed video call"
    assert record["call"]["parties"][1] == {"user": {"id": bob.id, "username": "bob", "name": bob.display_name},
                                            "state": "missed"}
    heard = await heard_before_marker(ws_bob, await marker(pair, alice))
    assert heard == []  # exactly once
    for ws in (ws_alice, ws_bob):
        await ws.disconnect()


async def test_calls_in_a_chat_one_is_not_in_are_not_found(pair, alice, carol):
    ws_carol = await ready(carol)
    await ws_carol.send_json_to({"type": "call.start", "chat_id": pair.id, "media": "audio"})
    assert (await until(ws_carol, "error"))["code"] == "not_found"
    ws_alice = await ready(alice)
    await ws_alice.send_json_to({"type": "call.start", "chat_id": pair.id, "media": "audio"})
    call_id = (await until(ws_alice, "call.ready"))["call_id"]
    for kind in ("call.accept", "call.reject", "call.end"):
        await ws_carol.send_json_to({"type": kind, "call_id": call_id})
        assert (await until(ws_carol, "error"))["code"] == "not_found"
    await ws_carol.send_json_to({"type": "call.signal", "call_id": call_id, "to": "ab" * 16, "description": OFFER})
    assert (await until(ws_carol, "error"))["code"] == "call_not_joined"
    for ws in (ws_alice, ws_carol):
        await ws.disconnect()


async def test_a_flood_of_signalling_closes_with_4429(pair, alice, bob, settings):
    settings.CHAT_CALL_SIGNAL_RATE = (10, 10.0)
    ws_alice = await ready(alice)
    await ws_alice.send_json_to({"type": "call.start", "chat_id": pair.id, "media": "audio"})
    call_id = (await until(ws_alice, "call.ready"))["call_id"]
    for _ in range(12):
        await ws_alice.send_json_to({"type": "call.signal", "call_id": call_id, "to": "ab" * 16,
                                     "candidate": CANDIDATE})
    while True:
        output = await ws_alice.receive_output(timeout=WAIT_SECONDS)
        if output["type"] == "websocket.close":
            assert output["code"] == CloseCode.RATE_LIMITED
            break


async def test_a_malformed_signal_closes_with_4400(pair, alice):
    ws = await ready(alice)
    await ws.send_json_to({"type": "call.signal", "call_id": 1, "to": "ab" * 16,
                           "description": {"type": "offer", "sdp": "not sdp"}})
    while True:
        output = await ws.receive_output(timeout=WAIT_SECONDS)
        if output["type"] == "websocket.close":
            assert output["code"] == CloseCode.BAD_MESSAGE
            break


async def test_a_crashed_processs_user_goes_offline_when_the_lease_runs_out(pair, alice, bob, settings, monkeypatch):
    """Bob's socket lives in a process that died: it never says goodbye. Alice's socket's next
    heartbeat sweeps the expired lease and she hears Bob go offline."""
    settings.CHAT_PRESENCE_HEARTBEAT_SECONDS = 0.2
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(services.time, "time", lambda: clock["now"])
    await db(services.presence_heartbeat)(user=bob, socket_id="a-socket-of-a-dead-process")
    ws_alice = await ready(alice)
    assert (await db(lambda: services.presence_online(user_ids=[bob.id]))()) == {bob.id}
    clock["now"] += settings.CHAT_PRESENCE_TTL_SECONDS + 1
    offline = await until(ws_alice, "user.status")
    assert offline["user"]["username"] == "bob" and offline["status"] == "offline"
    # Alice herself is still online: her socket renewed her lease on its heartbeat.
    assert (await db(lambda: services.presence_online(user_ids=[alice.id, bob.id]))()) == {alice.id}
    await ws_alice.disconnect()

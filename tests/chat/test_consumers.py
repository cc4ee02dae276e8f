"""/ws/chat/ through the whole ASGI stack: auth, recipients, replay exactly once and in order,
gap filling, typing, receipts, limits."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from chat import services
from chat.events import event_frame
from chat.models import ChatEvent
from chat.realtime import chat_user_group
from config.asgi import application
from core.consumers import CloseCode
from core.realtime import DISPATCH_TYPE
from tests.session_cookies import session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ORIGIN = (b"origin", b"http://127.0.0.1:8000")

db = database_sync_to_async
# How long a test waits for an event it expects: generous, for a loaded machine; the wait ends as
# soon as the event is there.
WAIT_SECONDS = 10.0


async def connect(user, query=""):
    cookie = await db(session_cookie)(user)
    ws = WebsocketCommunicator(application, f"/ws/chat/{query}", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await ws.connect(timeout=5)
    assert connected
    return ws


async def receive(ws, timeout=WAIT_SECONDS):
    return json.loads(await ws.receive_from(timeout=timeout))


async def until(ws, type_, timeout=WAIT_SECONDS):
    while True:
        event = await receive(ws, timeout)
        if event["type"] == type_:
            return event


async def heard_before_marker(ws, marker) -> list[dict]:
    """Every event this socket gets before the message.new of `marker`, a message sent after the
    thing that must not arrive. A user's events come through one channel group in order, so what
    did not come before the marker never comes: a check that holds on a loaded machine too,
    where a short quiet period proves nothing."""
    heard = []
    while True:
        event = await receive(ws)
        if event["type"] == "message.new" and event["message"]["id"] == marker.id:
            return heard
        heard.append(event)


def not_about(marker_chat, events: list[dict]) -> list[dict]:
    """The events that are not the marker chat's own (its creation)."""
    return [e for e in events if e.get("chat_id", e.get("chat", {}).get("id")) != marker_chat.id]


async def send(**kwargs):
    return await db(services.message_send)(**kwargs)


async def test_members_hear_a_message_once_and_others_hear_nothing(pair, alice, bob, carol):
    ws_bob = await connect(bob)
    ws_carol = await connect(carol)
    assert (await receive(ws_bob))["type"] == "chat.ready"
    assert (await receive(ws_carol))["type"] == "chat.ready"
    message = await send(sender=alice, chat=pair, body="hello bob")
    event = await receive(ws_bob)
    assert event["type"] == "message.new" and event["message"]["id"] == message.id and isinstance(event["id"], int)
    assert await heard_before_marker(ws_bob, await send(sender=alice, chat=pair, body="marker")) == []  # once
    with_carol = await db(services.chat_private_open)(user=alice, other=carol)
    marker = await send(sender=alice, chat=with_carol, body="marker for carol")
    assert not_about(with_carol, await heard_before_marker(ws_carol, marker)) == []
    await ws_bob.disconnect()
    await ws_carol.disconnect()


async def test_every_tab_of_a_member_hears_it(pair, alice, bob):
    tabs = [await connect(bob), await connect(bob)]
    for tab in tabs:
        await receive(tab)
    await send(sender=alice, chat=pair, body="to both tabs")
    for tab in tabs:
        assert (await receive(tab))["message"]["body"] == "to both tabs"
        await tab.disconnect()


async def test_reconnect_gets_exactly_what_it_missed_once_in_order(pair, alice, bob, settings):
    settings.CHAT_MESSAGES_PER_MINUTE = 1000
    ws = await connect(bob)
    await receive(ws)
    await send(sender=alice, chat=pair, body="seen")
    seen = await receive(ws)
    await ws.disconnect()
    for n in range(4):
        await send(sender=alice, chat=pair, body=f"missed {n}")
    ws = await connect(bob, f"?last_id={seen['id']}")
    replayed = [await receive(ws) for _ in range(4)]
    assert [e["message"]["body"] for e in replayed] == [f"missed {n}" for n in range(4)]
    assert [e["id"] for e in replayed] == list(range(seen["id"] + 1, seen["id"] + 5))
    assert all(e["replayed"] for e in replayed)
    ready = await receive(ws)
    assert ready == {"type": "chat.ready", "last_id": replayed[-1]["id"]}
    # The live copies of replayed events (a slow publish) are dropped; the next one arrives once.
    layer = get_channel_layer()
    stale = await db(lambda: event_frame(ChatEvent.objects.get(user=bob, event_id=replayed[1]["id"])))()
    await layer.group_send(chat_user_group(bob.id), {"type": DISPATCH_TYPE, "event": stale})
    await send(sender=alice, chat=pair, body="live")
    live = await receive(ws)
    assert live["message"]["body"] == "live" and live["id"] == replayed[-1]["id"] + 1 and "replayed" not in live
    assert await heard_before_marker(ws, await send(sender=alice, chat=pair, body="marker")) == []
    await ws.disconnect()


async def test_an_event_that_overtakes_another_is_sent_after_the_gap_is_filled(pair, alice, bob):
    ws = await connect(bob)
    ready = await receive(ws)
    # Two messages committed in order, but their publishes arrive reversed (two web processes).
    await db(_two_messages_without_publishing)(pair, alice)
    first, second = await db(lambda: [event_frame(e) for e in ChatEvent.objects.filter(
        user=bob, event_id__gt=ready["last_id"]).order_by("event_id")])()
    layer = get_channel_layer()
    await layer.group_send(chat_user_group(bob.id), {"type": DISPATCH_TYPE, "event": second})
    await layer.group_send(chat_user_group(bob.id), {"type": DISPATCH_TYPE, "event": first})
    got = [await receive(ws), await receive(ws)]
    assert [e["id"] for e in got] == [first["id"], second["id"]]
    assert await heard_before_marker(ws, await send(sender=alice, chat=pair, body="marker")) == []
    await ws.disconnect()


def _two_messages_without_publishing(chat, sender):
    from unittest import mock

    with mock.patch("chat.events.publish_now"):
        services.message_send(sender=sender, chat=chat, body="one")
        services.message_send(sender=sender, chat=chat, body="two")


async def test_too_far_behind_is_told_to_resync(pair, alice, bob, monkeypatch):
    monkeypatch.setattr("chat.consumers.REPLAY_LIMIT", 2)
    for n in range(3):
        await send(sender=alice, chat=pair, body=f"m{n}")
    ws = await connect(bob, "?last_id=0")
    event = await receive(ws)
    assert event["type"] == "chat.resync" and event["last_id"] >= 3
    await ws.disconnect()


async def test_a_last_id_from_the_future_does_not_swallow_new_events(pair, alice, bob):
    ws = await connect(bob, "?last_id=999999")
    ready = await receive(ws)
    assert ready["type"] == "chat.ready" and ready["last_id"] < 999999
    await send(sender=alice, chat=pair, body="still arrives")
    assert (await receive(ws))["message"]["body"] == "still arrives"
    await ws.disconnect()


async def test_typing_goes_to_the_other_members_only(group, alice, bob, carol, make_user):
    outsider = await db(make_user)()
    sockets = {u.username: await connect(u) for u in (alice, bob, carol, outsider)}
    for ws in sockets.values():
        await receive(ws)
    await sockets["alice"].send_json_to({"type": "typing", "chat_id": group.id})
    for name in ("bob", "carol"):
        assert await until(sockets[name], "typing.user") == {
            "type": "typing.user", "chat_id": group.id, "user": services.user_brief(alice)}
    # bob and carol heard it: it was published; what alice and the outsider did not get before a
    # later message, they never get.
    marker = await send(sender=bob, chat=group, body="marker")
    assert "typing.user" not in [e["type"] for e in await heard_before_marker(sockets["alice"], marker)]
    with_outsider = await db(services.chat_private_open)(user=bob, other=outsider)
    marker = await send(sender=bob, chat=with_outsider, body="marker for the outsider")
    assert not_about(with_outsider, await heard_before_marker(sockets[outsider.username], marker)) == []
    await sockets[outsider.username].send_json_to({"type": "typing", "chat_id": group.id})
    assert (await receive(sockets[outsider.username]))["code"] == "not_found"
    for ws in sockets.values():
        await ws.disconnect()


async def test_read_and_delivered_receipts_reach_the_sender(pair, alice, bob):
    ws_alice = await connect(alice)
    ws_bob = await connect(bob)
    await receive(ws_alice)
    await receive(ws_bob)
    message = await send(sender=alice, chat=pair, body="did you get it?")
    assert (await until(ws_alice, "message.new"))["message"]["id"] == message.id
    assert (await until(ws_bob, "message.new"))["message"]["id"] == message.id
    delivered = await until(ws_alice, "message.delivered")
    assert delivered["up_to"] == message.id and delivered["user"]["id"] == bob.id
    await ws_bob.send_json_to({"type": "read", "chat_id": pair.id, "up_to": message.id})
    read = await until(ws_alice, "message.read")
    assert read["up_to"] == message.id and read["user"]["id"] == bob.id
    await ws_alice.disconnect()
    await ws_bob.disconnect()


async def test_presence_goes_to_contacts_and_respects_privacy(pair, alice, bob, carol):
    ws_bob = await connect(bob)
    ws_carol = await connect(carol)
    await receive(ws_bob)
    await receive(ws_carol)
    ws_alice = await connect(alice)
    online = await until(ws_bob, "user.status")
    assert online["user"]["id"] == alice.id and online["status"] == "online"
    await ws_alice.send_json_to({"type": "status", "status": "dnd"})
    assert (await until(ws_bob, "user.status"))["status"] == "dnd"
    await ws_alice.send_json_to({"type": "status", "status": "invisible-ish"})
    assert (await until(ws_alice, "error"))["code"] == "invalid_status"
    await ws_alice.disconnect()
    offline = await until(ws_bob, "user.status")
    assert offline["status"] == "offline" and offline["last_seen_at"]
    with_carol = await db(services.chat_private_open)(user=bob, other=carol)  # not alice's
    marker = await send(sender=bob, chat=with_carol, body="marker for carol")
    assert not_about(with_carol, await heard_before_marker(ws_carol, marker)) == []  # shares no chat with alice
    from accounts.services import preferences_update

    await db(preferences_update)(user=alice, data={"show_activity": False})
    ws_alice = await connect(alice)
    await ws_alice.send_json_to({"type": "ping"})
    assert (await until(ws_alice, "pong"))["type"] == "pong"  # its connect (and any presence) is done
    heard = await heard_before_marker(ws_bob, await send(sender=alice, chat=pair, body="marker"))
    assert [e for e in heard if e["type"] == "user.status"] == []
    await ws_alice.disconnect()
    await ws_bob.disconnect()
    await ws_carol.disconnect()


@pytest.mark.parametrize("frame, code", [
    ("x" * 5000, CloseCode.MESSAGE_TOO_BIG),
    ("not json", CloseCode.BAD_MESSAGE),
    (json.dumps({"type": "typing", "chat_id": "1"}), CloseCode.BAD_MESSAGE),
    (json.dumps({"type": "read", "chat_id": True}), CloseCode.BAD_MESSAGE),
])
async def test_bad_frames_close_with_a_clear_code(alice, frame, code):
    ws = await connect(alice)
    await receive(ws)
    await ws.send_to(text_data=frame)
    assert (await ws.receive_output(timeout=WAIT_SECONDS)) == {"type": "websocket.close", "code": code}


async def test_a_flood_closes_with_4429(pair, alice, settings):
    settings.WEBSOCKET_RATE = (5, 10.0)
    ws = await connect(alice)
    await receive(ws)
    for _ in range(6):
        await ws.send_json_to({"type": "typing", "chat_id": pair.id})
    while True:
        output = await ws.receive_output(timeout=WAIT_SECONDS)
        if output["type"] == "websocket.close":
            assert output["code"] == CloseCode.RATE_LIMITED
            break


async def test_unauthenticated_and_bad_last_id_are_refused(alice):
    ws = WebsocketCommunicator(application, "/ws/chat/", headers=[ORIGIN])
    await ws.connect(timeout=5)
    assert (await ws.receive_output(timeout=WAIT_SECONDS))["code"] == CloseCode.UNAUTHENTICATED
    cookie = await db(session_cookie)(alice)
    ws = WebsocketCommunicator(application, "/ws/chat/?last_id=abc", headers=[ORIGIN, (b"cookie", cookie)])
    await ws.connect(timeout=5)
    assert (await ws.receive_output(timeout=WAIT_SECONDS))["code"] == CloseCode.BAD_MESSAGE


async def test_a_group_message_reaching_a_socket_marks_nothing_delivered(group, pair, alice, bob):
    """Groups show "seen by N" (read states) only, so the socket writes no delivered receipt there;
    in a private chat it does (the test above)."""
    from chat.models import Membership

    ws_bob = await connect(bob)
    await receive(ws_bob)
    await send(sender=alice, chat=group, body="to the group")
    await until(ws_bob, "message.new")
    in_private = await send(sender=alice, chat=pair, body="to bob alone")
    await until(ws_bob, "message.new")
    await ws_bob.send_json_to({"type": "ping"})  # handled after the socket's work on both messages
    await until(ws_bob, "pong")
    delivered = await db(lambda: dict(Membership.objects.filter(user=bob).values_list("chat_id", "last_delivered_message_id")))()
    assert delivered == {group.id: 0, pair.id: in_private.id}
    await ws_bob.disconnect()

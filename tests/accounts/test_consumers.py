"""/ws/notifications/ through the whole ASGI stack: origin check, auth, live push, replay,
limits."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from accounts import services
from config.asgi import application
from core.consumers import CloseCode
from tests.session_cookies import session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ORIGIN = (b"origin", b"http://127.0.0.1:8000")




def access_token(user) -> str:
    from rest_framework.test import APIClient

    from tests.factories import PASSWORD

    response = APIClient().post("/_allauth/app/v1/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    return response.json()["meta"]["access_token"]


async def connect(path="/ws/notifications/", headers=(ORIGIN,)):
    communicator = WebsocketCommunicator(application, path, headers=list(headers))
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def receive(communicator, timeout=3):
    return json.loads(await communicator.receive_from(timeout=timeout))


async def test_session_user_gets_unread_count_then_live_notifications(user):
    cookie = await database_sync_to_async(session_cookie)(user)
    ws, connected, _ = await connect(headers=[ORIGIN, (b"cookie", cookie)])
    assert connected
    assert await receive(ws) == {"type": "notification.unread_count", "unread_count": 0}
    await database_sync_to_async(services.notification_send)(user=user, type="system", title="Live!")
    event = await receive(ws)
    assert event["type"] == "notification.created"
    assert event["notification"]["title"] == "Live!" and event["unread_count"] == 1
    await ws.disconnect()


async def test_app_token_works_without_origin(user):
    token = await database_sync_to_async(access_token)(user)
    ws, connected, _ = await connect(path=f"/ws/notifications/?access_token={token}", headers=[])
    assert connected
    assert (await receive(ws))["type"] == "notification.unread_count"
    await ws.disconnect()
    ws, connected, _ = await connect(headers=[(b"authorization", f"Bearer {token}".encode())])
    assert connected
    await ws.disconnect()


async def test_foreign_origin_is_refused_even_with_a_valid_session(user):
    cookie = await database_sync_to_async(session_cookie)(user)
    ws, connected, _ = await connect(headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie)])
    assert not connected


async def test_cookie_without_origin_is_refused(user):
    cookie = await database_sync_to_async(session_cookie)(user)
    ws, connected, _ = await connect(headers=[(b"cookie", cookie)])
    assert not connected


async def test_no_credentials_is_closed_with_4401(db):
    ws, connected, _ = await connect()
    assert connected  # accepted only to say why it closes
    assert await ws.receive_output(timeout=3) == {"type": "websocket.close", "code": CloseCode.UNAUTHENTICATED}


async def test_bad_token_is_closed_with_4401(db):
    ws, connected, _ = await connect(path="/ws/notifications/?access_token=forged", headers=[])
    assert (await ws.receive_output(timeout=3))["code"] == CloseCode.UNAUTHENTICATED


async def test_reconnect_replays_what_was_missed_in_order(user):
    send = database_sync_to_async(services.notification_send)
    first = await send(user=user, type="system", title="seen")
    await send(user=user, type="system", title="missed 1")
    await send(user=user, type="social", title="missed 2")
    cookie = await database_sync_to_async(session_cookie)(user)
    ws, connected, _ = await connect(path=f"/ws/notifications/?last_id={first.id}", headers=[ORIGIN, (b"cookie", cookie)])
    titles = [(await receive(ws))["notification"]["title"] for _ in range(2)]
    assert titles == ["missed 1", "missed 2"]
    assert await receive(ws) == {"type": "notification.unread_count", "unread_count": 3}
    # Asking again over the open socket works too.
    await ws.send_json_to({"type": "replay", "last_id": first.id})
    assert (await receive(ws))["replayed"] is True
    await ws.disconnect()


async def test_replay_never_includes_other_users_notifications(user, other_user):
    await database_sync_to_async(services.notification_send)(user=other_user, type="system", title="theirs")
    cookie = await database_sync_to_async(session_cookie)(user)
    ws, _, _ = await connect(path="/ws/notifications/?last_id=0", headers=[ORIGIN, (b"cookie", cookie)])
    assert await receive(ws) == {"type": "notification.unread_count", "unread_count": 0}
    await database_sync_to_async(services.notification_send)(user=other_user, type="system", title="theirs 2")
    assert await ws.receive_nothing(timeout=0.5)
    await ws.disconnect()


async def test_mark_read_over_the_socket(user):
    n = await database_sync_to_async(services.notification_send)(user=user, type="system", title="x")
    cookie = await database_sync_to_async(session_cookie)(user)
    ws, _, _ = await connect(headers=[ORIGIN, (b"cookie", cookie)])
    await receive(ws)
    await ws.send_json_to({"type": "mark_read", "id": n.id})
    assert await receive(ws) == {"type": "notification.read", "ids": [n.id], "unread_count": 0}
    await ws.send_json_to({"type": "mark_read", "id": 999999})
    assert (await receive(ws))["code"] == "not_found"
    await ws.disconnect()


async def _open(user):
    cookie = await database_sync_to_async(session_cookie)(user)
    ws, _, _ = await connect(headers=[ORIGIN, (b"cookie", cookie)])
    await receive(ws)
    return ws


async def test_oversized_message_closes_with_4413(user):
    ws = await _open(user)
    await ws.send_to(text_data=json.dumps({"type": "ping", "pad": "x" * 5000}))
    assert (await ws.receive_output(timeout=3))["code"] == CloseCode.MESSAGE_TOO_BIG


async def test_malformed_message_closes_with_4400(user):
    ws = await _open(user)
    await ws.send_to(text_data="{not json")
    assert (await ws.receive_output(timeout=3))["code"] == CloseCode.BAD_MESSAGE


async def test_flood_closes_with_4429(user, settings):
    settings.WEBSOCKET_RATE = (5, 60.0)
    ws = await _open(user)
    for _ in range(5):
        await ws.send_json_to({"type": "ping"})
        assert await receive(ws) == {"type": "pong"}
    await ws.send_json_to({"type": "ping"})
    assert (await ws.receive_output(timeout=3))["code"] == CloseCode.RATE_LIMITED


async def test_unknown_message_type_gets_an_error_not_a_crash(user):
    ws = await _open(user)
    await ws.send_json_to({"type": "launch_missiles"})
    assert (await receive(ws))["code"] == "unknown_type"
    await ws.send_json_to({"type": "ping"})
    assert await receive(ws) == {"type": "pong"}
    await ws.disconnect()

"""Presence survives a crashed web process: Bob's socket is on web process 1, Alice's on process 2
(Redis between them). Process 1 is SIGKILLed, so nothing there says goodbye; Bob's presence
lease stops being renewed, and within the lease time (plus one heartbeat) Alice's socket hears
Bob go offline and the members API on process 2 says offline too. Before the fix he stayed
"online" for good. CI's services pass."""

import asyncio
import json
import os
import signal
import urllib.request

import pytest

from tests.live_server import app_login, live_asgi_server

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (two web processes share a Redis)"),
]

# Short leases so that the test does not wait a minute: the same code, other settings.
LEASES = {"CHAT_PRESENCE_HEARTBEAT_SECONDS": "0.5", "CHAT_PRESENCE_TTL_SECONDS": "3"}


def get_json(url: str, token: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read())


def test_a_killed_web_processs_users_go_offline(transactional_db, make_user, tmp_path):
    import websockets

    from chat import services

    alice, bob = make_user(username="alice"), make_user(username="bob")
    chat = services.chat_private_open(user=alice, other=bob)
    with live_asgi_server(tmp_path, **LEASES) as web1, live_asgi_server(tmp_path, **LEASES) as web2:
        tokens = {u.username: app_login(web2.url, u.email) for u in (alice, bob)}

        def ws_url(web, who) -> str:
            return web.url.replace("http://", "ws://") + f"/ws/chat/?access_token={tokens[who.username]}"

        def bob_status() -> str:
            members = get_json(f"{web2.url}/api/v1/chats/{chat.id}/members/", tokens["alice"])
            return next(m["presence"]["status"] for m in members if m["user"]["username"] == "bob")

        async def status_of_bob(socket) -> str:
            while True:
                event = json.loads(await asyncio.wait_for(socket.recv(), 30))
                if event["type"] == "user.status" and event["user"]["username"] == "bob":
                    return event["status"]

        async def scenario():
            async with websockets.connect(ws_url(web2, alice), open_timeout=20) as alice_socket:
                bob_socket = await websockets.connect(ws_url(web1, bob), open_timeout=20)
                assert await status_of_bob(alice_socket) == "online"
                assert await asyncio.to_thread(bob_status) == "online"
                os.killpg(web1.pid, signal.SIGKILL)
                # The killed process never closed Bob's socket or released his lease.
                went = await status_of_bob(alice_socket)
                status_after = await asyncio.to_thread(bob_status)
                bob_socket.transport.abort()
                return went, status_after

        went, status_after = asyncio.run(scenario())
    assert went == "offline"
    assert status_after == "offline"

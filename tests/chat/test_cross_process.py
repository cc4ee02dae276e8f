"""Two web processes sharing the Redis channel layer: a message posted to one reaches a socket on
the other, nobody else, and a socket that reconnects to the first process gets exactly what it
missed. Runs when REDIS_URL names a server (CI's second pass)."""

import asyncio
import json
import os

import pytest

from tests.live_server import app_login, asgi_server

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis server)"),
]


def post_json(url: str, body: dict, token: str) -> tuple[int, dict]:
    import urllib.request

    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_chat_delivery_crosses_web_processes_and_replays_once(transactional_db, make_user, tmp_path):
    import websockets

    alice, bob, carol = make_user(), make_user(), make_user()
    with asgi_server(tmp_path) as web_a, asgi_server(tmp_path) as web_b:
        tokens = {u.username: app_login(web_a, u.email) for u in (alice, bob, carol)}
        status, chat = post_json(f"{web_a}/api/v1/chats/private/", {"username": bob.username}, tokens[alice.username])
        assert status == 200, chat

        def ws_url(base, who, last_id=None):
            query = f"?access_token={tokens[who.username]}" + (f"&last_id={last_id}" if last_id is not None else "")
            return base.replace("http://", "ws://") + "/ws/chat/" + query

        async def next_of(socket, type_):
            while True:
                event = json.loads(await asyncio.wait_for(socket.recv(), 10))
                if event["type"] == type_:
                    return event

        async def send(body):
            status, sent = await asyncio.to_thread(
                post_json, f"{web_a}/api/v1/chats/{chat['id']}/messages/", {"body": body}, tokens[alice.username])
            assert status == 201, sent
            return sent

        async def scenario():
            async with websockets.connect(ws_url(web_b, bob), open_timeout=20) as bob_socket, \
                    websockets.connect(ws_url(web_a, carol), open_timeout=20) as carol_socket:
                await next_of(bob_socket, "chat.ready")
                await next_of(carol_socket, "chat.ready")
                await send("across processes")
                live = await next_of(bob_socket, "message.new")
                assert live["message"]["body"] == "across processes"
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(carol_socket.recv(), 0.5)
            for n in range(3):
                await send(f"missed {n}")
            async with websockets.connect(ws_url(web_a, bob, live["id"]), open_timeout=20) as bob_again:
                got = []
                while True:
                    event = json.loads(await asyncio.wait_for(bob_again.recv(), 10))
                    if event["type"] == "chat.ready":
                        break
                    got.append(event)
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(bob_again.recv(), 0.5)
            return got

        replayed = asyncio.run(scenario())
    bodies = [e["message"]["body"] for e in replayed if e["type"] == "message.new"]
    assert bodies == ["missed 0", "missed 1", "missed 2"]
    ids = [e["id"] for e in replayed]
    assert ids == sorted(set(ids))  # each once, in order

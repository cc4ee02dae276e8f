"""Messenger send -> receive for one pair over the real server, against a raw WebSocket echo
measured in the same run.

Measured: Alice posts a message over HTTP (POST /api/v1/chats/<id>/messages/, as the page does)
and the clock stops when Bob's open /ws/chat/ socket receives its `message.new` (stored, numbered,
published through the channel layer). References, in the same run and interleaved: a raw
WebSocket echo (the `websockets` library, its own process, no Django) and a ping/pong over our
own /ws/chat/ socket (the ASGI stack and consumer, no database). Printed as p50/p95 and ratios."""

import asyncio
import json
import statistics
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.live_server import app_login, asgi_server, free_port, wait_for_port

ROUNDS = 60

ECHO_SERVER = """
import asyncio, sys, websockets
async def echo(ws):
    async for message in ws:
        await ws.send(message)
async def main():
    async with websockets.serve(echo, "127.0.0.1", int(sys.argv[1])):
        await asyncio.Future()
asyncio.run(main())
"""


def post(url, token, body):
    request = urllib.request.Request(url, method="POST", data=json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read())


def p95(samples):
    return sorted(samples)[max(0, int(len(samples) * 0.95) - 1)]


@pytest.mark.django_db(transaction=True)
def test_chat_send_to_receive_against_a_raw_websocket_echo(make_user, tmp_path, settings):
    import websockets

    alice, bob = make_user(username="alice"), make_user(username="bob")
    echo_port = free_port()
    echo = subprocess.Popen([sys.executable, "-c", ECHO_SERVER, str(echo_port)])
    try:
        wait_for_port(echo_port, echo)
        with asgi_server(tmp_path, THROTTLE_WRITES="100000/min", THROTTLE_USER="100000/min",
                         THROTTLE_LOGIN="1000/m/ip", CHAT_MESSAGES_PER_MINUTE="100000") as base:
            alice_token, bob_token = app_login(base, alice.email), app_login(base, bob.email)
            chat = post(f"{base}/api/v1/chats/private/", alice_token, {"username": "bob"})
            send_url = f"{base}/api/v1/chats/{chat['id']}/messages/"
            ws_url = base.replace("http://", "ws://") + f"/ws/chat/?access_token={bob_token}"

            async def measure():
                chat_rt, echo_rt, ping_rt = [], [], []
                async with websockets.connect(ws_url) as bob_socket, \
                        websockets.connect(f"ws://127.0.0.1:{echo_port}/") as echo_socket:
                    assert json.loads(await bob_socket.recv())["type"] == "chat.ready"
                    for n in range(ROUNDS):
                        started = time.perf_counter()
                        await echo_socket.send(json.dumps({"type": "ping", "n": n}))
                        await echo_socket.recv()
                        echo_rt.append(time.perf_counter() - started)

                        if n % 4 == 0:  # within the socket's rate limit (WEBSOCKET_RATE)
                            started = time.perf_counter()
                            await bob_socket.send(json.dumps({"type": "ping"}))
                            while json.loads(await asyncio.wait_for(bob_socket.recv(), 10))["type"] != "pong":
                                pass
                            ping_rt.append(time.perf_counter() - started)

                        body = f"round {n}"
                        started = time.perf_counter()
                        await asyncio.to_thread(post, send_url, alice_token, {"body": body})
                        while True:
                            event = json.loads(await asyncio.wait_for(bob_socket.recv(), 10))
                            if event["type"] == "message.new" and event["message"]["body"] == body:
                                break
                        chat_rt.append(time.perf_counter() - started)
                return chat_rt, echo_rt, ping_rt

            chat_rt, echo_rt, ping_rt = asyncio.run(measure())
    finally:
        echo.terminate()
        echo.wait(timeout=10)

    def ms(value):
        return f"{value * 1000:.1f} ms"

    print(f"\n[bench] chat send -> receive (HTTP POST by Alice -> message.new on Bob's socket), {ROUNDS} rounds: "
          f"p50 {ms(statistics.median(chat_rt))}, p95 {ms(p95(chat_rt))}")
    print(f"[bench] reference: raw WebSocket echo (websockets, no Django): p50 {ms(statistics.median(echo_rt))}, "
          f"p95 {ms(p95(echo_rt))}")
    print(f"[bench] reference: ping/pong over /ws/chat/ (ASGI stack + consumer): p50 {ms(statistics.median(ping_rt))}, "
          f"p95 {ms(p95(ping_rt))}")
    print(f"[bench] ratio chat p95 / raw echo p95: {p95(chat_rt) / p95(echo_rt):.1f}x; "
          f"chat p95 / our socket's ping p95: {p95(chat_rt) / p95(ping_rt):.1f}x "
          f"(database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})")
    assert len(chat_rt) == ROUNDS

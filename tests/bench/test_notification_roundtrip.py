"""Notification round trip over the real server, against a plain API call in the same run.

Measured: Bob follows Alice over HTTP (POST /api/v1/users/alice/follow/), and the clock stops
when Alice's open WebSocket receives `notification.created`. Reference: one authenticated GET
of /api/v1/notifications/unread-count/ on the same server. Printed as a ratio, medians of N."""

import asyncio
import json
import statistics
import time
import urllib.request

import pytest

from tests.factories import PASSWORD
from tests.live_server import asgi_server

ROUNDS = 30


def call(method, url, token, body=None):
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status, response.read()


def login(base, email):
    request = urllib.request.Request(f"{base}/_allauth/app/v1/auth/login", method="POST",
                                     data=json.dumps({"email": email, "password": PASSWORD}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read())["meta"]["access_token"]


@pytest.mark.django_db(transaction=True)
def test_notification_round_trip(make_user, tmp_path, settings):
    import websockets

    # A follower is notified once per day (follow/unfollow cycles must not spam): one per round.
    alice = make_user(username="alice")
    followers = [make_user() for _ in range(ROUNDS)]
    with asgi_server(tmp_path, THROTTLE_WRITES="100000/min", THROTTLE_USER="100000/min",
                     THROTTLE_LOGIN="1000/m/ip") as base:
        alice_token = login(base, alice.email)
        tokens = [login(base, follower.email) for follower in followers]
        ws_url = base.replace("http://", "ws://") + f"/ws/notifications/?access_token={alice_token}"
        follow_url = f"{base}/api/v1/users/alice/follow/"

        async def measure():
            notify, reference = [], []
            async with websockets.connect(ws_url) as socket:
                await socket.recv()  # unread count on connect
                for token in tokens:
                    started = time.perf_counter()
                    await asyncio.to_thread(call, "GET", f"{base}/api/v1/notifications/unread-count/", alice_token)
                    reference.append(time.perf_counter() - started)

                    started = time.perf_counter()
                    await asyncio.to_thread(call, "POST", follow_url, token)
                    while True:
                        event = json.loads(await asyncio.wait_for(socket.recv(), 10))
                        if event["type"] == "notification.created" and event["notification"]["type"] == "social":
                            break
                    notify.append(time.perf_counter() - started)
            return notify, reference

        notify, reference = asyncio.run(measure())

    notify_ms = statistics.median(notify) * 1000
    reference_ms = statistics.median(reference) * 1000
    print(f"\n[bench] notification round trip (HTTP follow -> WebSocket receipt), median of {ROUNDS}: "
          f"{notify_ms:.1f} ms; p95 {sorted(notify)[int(ROUNDS * .95) - 1] * 1000:.1f} ms")
    print(f"[bench] reference: authenticated GET unread-count, median: {reference_ms:.1f} ms")
    print(f"[bench] ratio notification / plain API call: {notify_ms / reference_ms:.2f}x "
          f"(database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})")
    assert len(notify) == ROUNDS

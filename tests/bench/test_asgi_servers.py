"""Which ASGI server serves the site: daphne, uvicorn and granian measured one after the other
on the same machine, each serving config.asgi:application as shipped (with the body limit).

Measured per server:
- HTTP requests per second on `/health` (no database) and on an authenticated API GET
  (`/api/v1/notifications/unread-count/`, JWT + one query), from a small keep-alive asyncio
  client with CONCURRENCY connections for SECONDS each;
- WebSocket fan-out: FANOUT sockets of one user on `/ws/notifications/`, one notification
  (another user follows them), time until every socket has it (median of EVENTS);
- memory: the server's peak RSS (all its processes) during a 60 MB anonymous POST, sent
  once with a Content-Length and once chunked, and how long the answer took.
The three run at once and the speeds are taken in ROUNDS rounds going round them in turn, each
server's best kept (the machine is shared: interference only ever makes a figure worse).

The table prints each figure beside daphne's (the ratio). The choice: a server must keep the
60 MB upload under 20 MB of growth (bodies bounded before they are parsed); among those, the best
of throughput and fan-out wins. tests/live_server.ASGI_SERVER is what `make run` and the tests use.
"""

import asyncio
import json
import logging
import statistics
import time
from contextlib import ExitStack

import httpx
import pytest

from tests.factories import PASSWORD
from tests.live_server import (
    ASGI_SERVER,
    ASGI_SERVERS,
    asgi_server,
    reset_peak_rss,
    server_rss_bytes,
)

CONCURRENCY = 16
SECONDS = 3.0
FANOUT = 50
EVENTS = 5
ROUNDS = 3
UPLOAD_BYTES = 60 * 1024 * 1024
MAX_RSS_GROWTH = 20 * 1024 * 1024


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def requests_per_second(port: int, path: str, headers: dict[str, str], seconds: float = SECONDS) -> float:
    """Keep-alive connections, one request at a time each, for `seconds`; every answer must be 200."""
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
               + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode()
    deadline = time.perf_counter() + seconds
    counts = []

    async def connection():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        done = 0
        try:
            while time.perf_counter() < deadline:
                writer.write(request)
                status = await _read_response(reader)
                assert status == 200, f"{path} answered {status}"
                done += 1
        finally:
            writer.close()
        counts.append(done)

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(CONCURRENCY)))
    return sum(counts) / (time.perf_counter() - started)


async def websocket_fanout(base: str, receiver_token: str, sender_tokens: list[str], receiver: str) -> float:
    """Median seconds from the follow (HTTP) to the last of FANOUT sockets getting the event
    (once per sender: a follower is notified once a day, so each event has a follower of its own)."""
    import websockets

    ws_url = base.replace("http://", "ws://") + f"/ws/notifications/?access_token={receiver_token}"
    sockets = [await websockets.connect(ws_url) for _ in range(FANOUT)]
    try:
        await asyncio.gather(*(s.recv() for s in sockets))  # the unread count on connect

        async def until_created(socket):
            while True:
                if json.loads(await asyncio.wait_for(socket.recv(), 20))["type"] == "notification.created":
                    return time.perf_counter()

        samples = []
        async with httpx.AsyncClient(base_url=base, timeout=20) as client:
            for sender_token in sender_tokens:
                waiting = [asyncio.create_task(until_created(s)) for s in sockets]
                started = time.perf_counter()
                follow = await client.post(f"/api/v1/users/{receiver}/follow/",
                                           headers={"Authorization": f"Bearer {sender_token}"})
                assert follow.status_code in (200, 201)
                arrived = await asyncio.gather(*waiting)
                samples.append(max(arrived) - started)
                await asyncio.sleep(0.2)  # let the follow's other events (if any) pass
                for socket in sockets:  # drain
                    while True:
                        try:
                            await asyncio.wait_for(socket.recv(), 0.01)
                        except TimeoutError:
                            break
        return statistics.median(samples)
    finally:
        await asyncio.gather(*(s.close() for s in sockets))


def upload_memory(base: str, chunked: bool) -> tuple[int, int, float]:
    """(status, peak RSS growth in bytes, seconds) for one anonymous 60 MB POST to the login page."""
    before = server_rss_bytes(base)
    reset_peak_rss(base)
    block = b"x" * (1024 * 1024)
    body = (block for _ in range(UPLOAD_BYTES // len(block))) if chunked else block * (UPLOAD_BYTES // len(block))
    started = time.perf_counter()
    try:
        status = httpx.post(f"{base}/accounts/login/", content=body, timeout=120,
                            headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code
    except httpx.HTTPError:
        status = 0  # the connection was dropped without an answer
    elapsed = time.perf_counter() - started
    return status, server_rss_bytes(base, peak=True) - before, elapsed


def login(base: str, email: str) -> str:
    response = httpx.post(f"{base}/_allauth/app/v1/auth/login", json={"email": email, "password": PASSWORD},
                          timeout=20)
    return response.json()["meta"]["access_token"]


UNLIMITED = {"THROTTLE_ANON": "1000000/min", "THROTTLE_USER": "1000000/min", "THROTTLE_WRITES": "1000000/min",
             "THROTTLE_LOGIN": "100000/m/ip", "LOG_LEVEL": "WARNING"}


def measure_all(tmp_path, alice, followers) -> dict:
    """All three servers run at once and are measured in turn, ROUNDS times over, keeping each
    one's best figure: the machine is shared, so a figure taken while something else ran is
    only ever worse, and interleaving spreads that over all three alike."""
    with ExitStack() as stack:
        bases = {server: stack.enter_context(asgi_server(tmp_path, server=server, **UNLIMITED))
                 for server in ASGI_SERVERS}
        tokens = {server: login(base, alice.email) for server, base in bases.items()}
        # The tokens work on every server (one database, one signing key).
        follower_tokens = iter([login(next(iter(bases.values())), follower.email) for follower in followers])
        results = {}
        for server, base in bases.items():
            port = int(base.rsplit(":", 1)[1])
            asyncio.run(requests_per_second(port, "/health", {}, seconds=1.0))  # warm-up
            results[server] = {"idle_rss": server_rss_bytes(base), "health_rps": 0.0, "api_rps": 0.0,
                               "fanout_s": float("inf")}
        for _ in range(ROUNDS):
            for server, base in bases.items():
                port = int(base.rsplit(":", 1)[1])
                alice_token = tokens[server]
                r = results[server]
                r["health_rps"] = max(r["health_rps"], asyncio.run(requests_per_second(port, "/health", {})))
                r["api_rps"] = max(r["api_rps"], asyncio.run(requests_per_second(
                    port, "/api/v1/notifications/unread-count/", {"Authorization": f"Bearer {alice_token}"})))
                r["fanout_s"] = min(r["fanout_s"], asyncio.run(
                    websocket_fanout(base, alice_token, [next(follower_tokens) for _ in range(EVENTS)], alice.username)))
        for server, base in bases.items():
            for kind, chunked in (("length", False), ("chunked", True)):
                status, growth, seconds = upload_memory(base, chunked)
                results[server][f"upload_{kind}"] = {"status": status, "growth": growth, "seconds": seconds}
        return results


def choose(results: dict) -> tuple[str, list[str]]:
    reasons = []
    bounded = []
    for server, r in results.items():
        worst = max(r["upload_length"]["growth"], r["upload_chunked"]["growth"])
        if worst < MAX_RSS_GROWTH and r["upload_length"]["status"] == r["upload_chunked"]["status"] == 413:
            bounded.append(server)
        else:
            reasons.append(f"{server} is out: a 60 MB upload grew it by {worst / 2**20:.0f} MB "
                           f"(answers {r['upload_length']['status']}/{r['upload_chunked']['status']})")
    if not bounded:
        return "none", reasons + ["no server keeps large bodies bounded"]

    def score(server):  # geometric mean of the three speeds, relative to the best of each
        r = results[server]
        best_health = max(results[s]["health_rps"] for s in bounded)
        best_api = max(results[s]["api_rps"] for s in bounded)
        best_fanout = min(results[s]["fanout_s"] for s in bounded)
        return ((r["health_rps"] / best_health) * (r["api_rps"] / best_api) * (best_fanout / r["fanout_s"])) ** (1 / 3)

    ranked = sorted(bounded, key=score, reverse=True)
    for server in ranked:
        reasons.append(f"{server}: {score(server):.2f} of the best on throughput and fan-out combined")
    return ranked[0], reasons


@pytest.mark.django_db(transaction=True)
def test_asgi_servers(make_user, tmp_path):
    logging.getLogger("httpx").setLevel(logging.WARNING)
    alice = make_user(username="alice")
    followers = [make_user() for _ in range(ROUNDS * len(ASGI_SERVERS) * EVENTS)]
    results = measure_all(tmp_path, alice, followers)
    base = results["daphne"]

    def ratio(value, reference, lower_is_better=False):
        if not reference or not value:
            return "   -  "
        return f"{(reference / value if lower_is_better else value / reference):5.2f}x"

    mb = 2**20
    print(f"\n[bench] ASGI servers serving config.asgi (concurrency {CONCURRENCY}, {SECONDS:.0f} s per HTTP figure, "
          f"best of {ROUNDS} interleaved rounds, {FANOUT} sockets x {EVENTS} events, 60 MB anonymous POST); ratio = better-than-daphne factor")
    print(f"[bench] {'server':8} {'/health req/s':>20} {'API GET req/s':>20} {'fan-out ms':>18} "
          f"{'idle RSS':>9} {'60 MB POST (length)':>26} {'60 MB POST (chunked)':>26}")
    for server, r in results.items():
        uploads = []
        for kind in ("length", "chunked"):
            u = r[f"upload_{kind}"]
            uploads.append(f"{u['status']} +{u['growth'] / mb:6.1f} MB {u['seconds'] * 1000:5.0f} ms")
        print(f"[bench] {server:8} {r['health_rps']:10.0f} ({ratio(r['health_rps'], base['health_rps'])})"
              f" {r['api_rps']:10.0f} ({ratio(r['api_rps'], base['api_rps'])})"
              f" {r['fanout_s'] * 1000:8.1f} ({ratio(r['fanout_s'], base['fanout_s'], True)})"
              f" {r['idle_rss'] / mb:6.0f} MB {uploads[0]:>26} {uploads[1]:>26}")
    winner, reasons = choose(results)
    print(f"[bench] chosen by this run: {winner}; configured (tests/live_server.ASGI_SERVER, make run): {ASGI_SERVER}")
    for reason in reasons:
        print(f"[bench]   {reason}")

    configured = results[ASGI_SERVER]
    assert max(configured["upload_length"]["growth"], configured["upload_chunked"]["growth"]) < MAX_RSS_GROWTH
    assert configured["upload_length"]["status"] == configured["upload_chunked"]["status"] == 413

"""Live rooms: edit propagation latency and memory, through the real server.

Rooms of 2, 10 and 50 clients, each typing 5 edits a second for a few seconds. Latency is from an
edit's send to its arrival at every other client (p50, p99), against a plain WebSocket echo on
loopback measured in the same run. Memory: the server process's RSS per open room and per
connection. Target: p99 under 100 ms for 10 clients."""

import asyncio
import statistics
import time

import pytest

from tests.collaboration.yws_client import NetworkPeer
from tests.live_server import asgi_server, live_asgi_server
from tests.session_cookies import session_cookie

SECONDS = 3.0
RATE = 5  # edits per second per client


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def echo_reference(rounds=200) -> list[float]:
    import websockets

    async def echo(socket):
        async for message in socket:
            await socket.send(message)

    async with websockets.serve(echo, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        async with websockets.connect(f"ws://127.0.0.1:{port}") as client:
            samples = []
            for _ in range(rounds):
                started = time.perf_counter()
                await client.send(b"x" * 40)
                await client.recv()
                samples.append(time.perf_counter() - started)
            return samples


async def room_latency(url: str, cookies: list[str]) -> tuple[list[float], int]:
    peers = [NetworkPeer(url, cookie) for cookie in cookies]
    sent: dict[str, float] = {}
    latencies: list[float] = []
    delivered: set[tuple[int, str]] = set()

    for index, peer in enumerate(peers):
        def observe(event, *_transaction, me=index):
            now = time.perf_counter()
            for op in event.delta:
                inserted = op.get("insert") if isinstance(op, dict) else None
                if isinstance(inserted, str):
                    for marker in inserted.split(";"):
                        if marker and marker in sent and not marker.startswith(f"{me}:") \
                                and (me, marker) not in delivered:
                            delivered.add((me, marker))
                            latencies.append(now - sent[marker])
        peer.text.observe(observe)
    for peer in peers:
        await peer.connect()
    await asyncio.sleep(0.5)

    async def typist(index: int, peer: NetworkPeer):
        for seq in range(int(SECONDS * RATE)):
            marker = f"{index}:{seq}"
            sent[marker] = time.perf_counter()
            await peer.type(0, marker + ";")
            await asyncio.sleep(1 / RATE)

    await asyncio.gather(*(typist(i, p) for i, p in enumerate(peers)))
    await asyncio.sleep(3.0)
    expected = len(sent) * (len(peers) - 1)
    for peer in peers:
        await peer.close()
    return latencies, expected


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("clients", [2, 10, 50])
def test_edit_propagation(make_user, tmp_path, clients):
    from collaboration import services

    interviewer = make_user()
    room = services.room_create(interviewer=interviewer, title=f"bench {clients}")
    users = [interviewer] + [make_user() for _ in range(clients - 1)]
    token = services.invite_token(room=room, role="candidate")
    for user in users[1:]:
        services.room_join(room=room, token=token, user=user)
    cookies = [session_cookie(user).decode() for user in users]

    reference = asyncio.run(echo_reference())
    with asgi_server(tmp_path) as base:
        url = base.replace("http://", "ws://") + f"/ws/rooms/{room.id}/doc"
        latencies, expected = asyncio.run(room_latency(url, cookies))
    ms = [v * 1000 for v in latencies]
    ref = [v * 1000 for v in reference]
    print(f"\n[bench] room of {clients}: edit propagation p50 {statistics.median(ms):.1f} ms, p99 "
          f"{percentile(ms, .99):.1f} ms over {len(ms)} deliveries ({len(ms) / max(expected, 1):.0%} of expected); "
          f"plain WebSocket echo p50 {statistics.median(ref):.2f} ms, p99 {percentile(ref, .99):.2f} ms; "
          f"p99 ratio {percentile(ms, .99) / percentile(ref, .99):.0f}x")
    assert latencies


@pytest.mark.django_db(transaction=True)
def test_memory_per_room_and_connection(make_user, tmp_path):
    from collaboration import services

    rooms_count, per_room = 20, 3
    interviewer = make_user()
    cookie = session_cookie(interviewer).decode()
    rooms = [services.room_create(interviewer=interviewer, title=f"m{i}") for i in range(rooms_count)]
    with live_asgi_server(tmp_path) as server:
        base, pid = server.url, server.pid

        async def scenario():
            first = [NetworkPeer(base.replace("http://", "ws://") + f"/ws/rooms/{r.id}/doc", cookie) for r in rooms]
            before = rss_bytes(pid)
            for peer in first:
                await peer.connect()
                await peer.type(0, "x" * 200)
            await asyncio.sleep(1.0)
            with_rooms = rss_bytes(pid)
            more = [NetworkPeer(base.replace("http://", "ws://") + f"/ws/rooms/{r.id}/doc", cookie)
                    for r in rooms for _ in range(per_room - 1)]
            for peer in more:
                await peer.connect()
            await asyncio.sleep(1.0)
            with_connections = rss_bytes(pid)
            for peer in first + more:
                await peer.close()
            return before, with_rooms, with_connections, len(more)

        before, with_rooms, with_connections, extra = asyncio.run(scenario())
    per_room_kib = (with_rooms - before) / rooms_count / 1024
    per_connection_kib = (with_connections - with_rooms) / extra / 1024
    print(f"\n[bench] memory: {per_room_kib:.0f} KiB per open room (first connection and its document), "
          f"{per_connection_kib:.0f} KiB per further connection (server RSS, {rooms_count} rooms)")

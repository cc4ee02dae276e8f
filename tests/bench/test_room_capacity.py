"""Room capacity with the official clients, ours against the reference Yjs server.

y-websocket's own WebsocketProvider (yjs, ws; pinned by package-lock.json) in 4 Node processes
(tests/bench/node/room_load.mjs). Each client types 5 inserts a second for BENCH_ROOM_SECONDS
(10) seconds; each has its user in awareness (BENCH_ROOM_CURSORS=1 also moves its cursor with
every insert, as an editor does). Scenarios:
1 room x 10 clients, 1 room x 50, 100 rooms x 3; each runs against our server (the ASGI server of
tests/live_server.py, access tokens from the app login) and then against `@y/websocket-server`
(the reference y-websocket server, npm) on the same machine.

Measured: per-insert propagation latency (send time carried in the insert, arrival at every other
client of the room: p50, p99), delivered % (every client must see every insert of its room),
the server process's CPU % (utime + stime from /proc over the typing and drain window, workers
included), and the awareness frames the clients received. Printed as a table with the ratios and
the targets; timing is not asserted (the machine is shared), convergence is: every client of a
room ends with the same text, equal to what the server serves a fresh client and, for ours, to
the document it stored.

The clients run on the same machine as the server: when their event-loop lag (printed) is near
the latency, they set the pace for both servers, and the ratio is what to read."""

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

import pytest

from tests.factories import UserFactory
from tests.interop.stored_documents import stored_document, text_of
from tests.live_server import ROOT, app_login, free_port, live_asgi_server, running, wait_for_port

NODE = shutil.which("node")
LOAD = Path(__file__).parent / "node" / "room_load.mjs"
REFERENCE_SERVER = ROOT / "node_modules" / "@y" / "websocket-server" / "src" / "server.js"
SECONDS = float(os.environ.get("BENCH_ROOM_SECONDS", "10"))
RATE = 5  # inserts a second per client
# BENCH_ROOM_CURSORS=1: the cursor moves with every insert, as in the browser editor. Off by
# default: then the clients' own work (y-websocket re-sends every state it hears) makes their
# event loops, not the servers, set the latency on a 2-core machine (seconds, for the reference
# too). Awareness still flows without it: every client's user state and the re-sends of it.
CURSORS = os.environ.get("BENCH_ROOM_CURSORS", "0") == "1"
PROCESSES = 4
# How long after the typing every insert may still take to arrive ("eventually").
DRAIN_MS = int(float(os.environ.get("BENCH_ROOM_DRAIN_SECONDS", "5")) * 1000)
USERS = 20
SCENARIOS = [(1, 10), (1, 50), (100, 3)]  # (rooms, clients per room)
P99_TARGET_MS = {(100, 3): 50, (1, 50): 200}
RESULTS: dict = {}

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed: the clients are y-websocket's")


def clock_ticks() -> int:
    return os.sysconf("SC_CLK_TCK")


def process_tree_cpu_seconds(pid: int) -> float:
    """utime + stime of a process and all its descendants (a server's workers)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / clock_ticks()
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent and child not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(times.get(p, 0.0) for p in tree)


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def run_clients(clients: list[dict], pid: int, per_room: int, tmp_path: Path, label: str) -> dict:
    """Starts the Node clients, types, and returns the merged results and the server's CPU %."""
    shares = [clients[i::PROCESSES] for i in range(PROCESSES)]
    processes = []
    for n, share in enumerate(s for s in shares if s):
        config = {"mode": "load", "clients": share, "seconds": SECONDS, "rate": RATE, "drainMs": DRAIN_MS,
                  "perRoom": per_room, "cursors": CURSORS}
        processes.append(subprocess.Popen(
            [NODE, str(LOAD), json.dumps(config)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=open(tmp_path / f"{label}-node-{n}.log", "wb"), text=True))
    try:
        for process in processes:
            line = process.stdout.readline()
            assert line.strip() == "READY", f"a client process did not start: {line!r} (see {tmp_path})"
        start_at = time.time() * 1000 + 500
        cpu_before, wall_before = process_tree_cpu_seconds(pid), time.monotonic()
        clients_before = sum(process_tree_cpu_seconds(process.pid) for process in processes)
        for process in processes:
            process.stdin.write(f"{start_at}\n")
            process.stdin.flush()
        parts = [json.loads(process.stdout.readline()) for process in processes]
        wall = time.monotonic() - wall_before
        cpu = (process_tree_cpu_seconds(pid) - cpu_before) / wall * 100
        client_cpu = (sum(process_tree_cpu_seconds(process.pid) for process in processes) - clients_before) / wall * 100
        rooms: dict[str, list] = {}
        for part in parts:
            for room, texts in part["rooms"].items():
                rooms.setdefault(room, []).extend(texts)
        audit = audit_rooms(clients)
    finally:
        for process in processes:
            if process.poll() is None:
                try:
                    process.stdin.write("exit\n")
                    process.stdin.flush()
                except BrokenPipeError:
                    pass
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    latencies = [v for part in parts for v in part["latencies"]]
    return {
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": percentile(latencies, 0.99),
        "delivered": sum(p["received"] for p in parts) / max(1, sum(p["expected"] for p in parts)) * 100,
        "cpu": cpu,
        "client_cpu": client_cpu,
        "awareness": sum(p["frames"]["awareness"] for p in parts),
        "sync": sum(p["frames"]["sync"] for p in parts),
        "closes": sorted(code for p in parts for code in p["closes"]),
        "not_synced": sum(p["notSynced"] for p in parts),
        "loop_lag": max(p["loopLagP99"] for p in parts),
        "rooms": rooms,
        "audit": audit,
    }


def audit_rooms(clients: list[dict]) -> dict:
    """What the server serves a fresh client in each room (while the typists are still there)."""
    seen, rooms = set(), []
    for client in clients:
        if client["room"] not in seen:
            seen.add(client["room"])
            rooms.append(client)
    run = subprocess.run([NODE, str(LOAD), json.dumps({"mode": "audit", "rooms": rooms})], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def convergence_problems(result: dict, stored: dict[str, str] | None = None) -> list[str]:
    problems = []
    for room, texts in result["rooms"].items():
        digests = {t["sha256"] for t in texts}
        served = result["audit"][room]["sha256"]
        if len(digests) != 1:
            problems.append(f"room {room}: {len(digests)} different texts among {len(texts)} clients")
        elif served not in digests:
            problems.append(f"room {room}: the clients' text differs from what the server serves")
        if stored is not None and hashlib.sha256(stored[room].encode()).hexdigest() != served:
            problems.append(f"room {room}: the stored document differs from what the server serves")
    return problems


def ours(tmp_path, rooms_count: int, per_room: int) -> tuple[dict, list[str]]:
    from collaboration import services

    # Up to USERS people, some in several tabs: the app login allows 30 a minute from one address.
    users = [UserFactory() for _ in range(min(per_room, USERS))]
    rooms = []
    for n in range(rooms_count):
        room = services.room_create(interviewer=users[0], title=f"capacity {n}")
        invite = services.invite_token(room=room, role="candidate")
        for user in users[1:]:
            services.room_join(room=room, token=invite, user=user)
        rooms.append(room)
    with live_asgi_server(tmp_path) as server:
        tokens = [app_login(server.url, user.email) for user in users]
        ws = server.url.replace("http://", "ws://")
        clients = [{"room": str(room.id), "serverUrl": f"{ws}/ws/rooms/{room.id}", "roomname": "doc",
                    "token": tokens[k % len(users)], "name": users[k % len(users)].username,
                    "index": r * per_room + k}
                   for r, room in enumerate(rooms) for k in range(per_room)]
        result = run_clients(clients, server.pid, per_room, tmp_path, "ours")
    stored = {str(room.id): text_of(stored_document(room.id)) for room in rooms}
    return result, convergence_problems(result, stored)


def reference(tmp_path, rooms_count: int, per_room: int) -> tuple[dict, list[str]]:
    port = free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port)}
    with running([NODE, str(REFERENCE_SERVER)], env, tmp_path / "reference.log") as process:
        wait_for_port(port, process)
        clients = [{"room": f"r{r}", "serverUrl": f"ws://127.0.0.1:{port}/ws/rooms/r{r}", "roomname": "doc",
                    "token": "", "name": f"u{k}", "index": r * per_room + k}
                   for r in range(rooms_count) for k in range(per_room)]
        result = run_clients(clients, process.pid, per_room, tmp_path, "reference")
    return result, convergence_problems(result)


def ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b and a == a and b == b else "-"  # x == x is False for NaN


def describe(scenario, mine: dict, theirs: dict) -> str:
    rooms_count, per_room = scenario
    rows = [f"\n[bench] rooms: {rooms_count} room(s) x {per_room} clients, {RATE} inserts/s each for {SECONDS:g} s "
            f"(y-websocket clients in {PROCESSES} Node processes; cursor moves {'with every insert' if CURSORS else 'off'})",
            f"  {'':24}{'ours':>12}{'reference':>12}{'ratio':>8}"]
    for label, key, unit in [("p50 latency", "p50", " ms"), ("p99 latency", "p99", " ms"),
                             ("delivered", "delivered", " %"), ("server CPU", "cpu", " %")]:
        rows.append(f"  {label:24}{mine[key]:>10.1f}{unit}{theirs[key]:>10.1f}{unit}{ratio(mine[key], theirs[key]):>8}")
    rows.append(f"  {'client processes CPU':24}{mine['client_cpu']:>10.1f} %{theirs['client_cpu']:>10.1f} %"
                f"   (of {os.cpu_count()} cores)")
    rows.append(f"  {'client event-loop lag p99':24}{mine['loop_lag']:>10} ms{theirs['loop_lag']:>10} ms"
                f"   (worst process; comparable to the latency: the clients set it)")
    rows.append(f"  {'not synced at the start':24}{mine['not_synced']:>12}{theirs['not_synced']:>12}")
    rows.append(f"  {'awareness frames seen':24}{mine['awareness']:>12}{theirs['awareness']:>12}"
                f"{ratio(mine['awareness'], theirs['awareness']):>8}")
    rows.append(f"  {'document frames seen':24}{mine['sync']:>12}{theirs['sync']:>12}{ratio(mine['sync'], theirs['sync']):>8}")
    rows.append(f"  {'closed by the server':24}{len(mine['closes']):>12}{len(theirs['closes']):>12}"
                f"   ours: {sorted(set(mine['closes'])) or '-'}")
    met = lambda ok: "met" if ok else "MISSED"  # noqa: E731
    targets = [f"100% delivered ({met(mine['delivered'] >= 100)})",
               f"CPU within 3x reference ({met(mine['cpu'] <= 3 * theirs['cpu'])})"]
    if scenario in P99_TARGET_MS:
        targets.append(f"p99 < {P99_TARGET_MS[scenario]} ms ({met(mine['p99'] < P99_TARGET_MS[scenario])})")
    rows.append(f"  targets for ours: {'; '.join(targets)}")
    return "\n".join(rows)


@pytest.fixture(scope="module", autouse=True)
def summary():
    yield
    if not RESULTS:
        return
    print("\n[bench] room capacity summary (ours / reference)")
    print(f"  {'scenario':14}{'p50 ms':>16}{'p99 ms':>18}{'delivered %':>18}{'CPU %':>16}{'converged':>12}")
    for (rooms_count, per_room), (mine, theirs, problems) in RESULTS.items():
        print(f"  {f'{rooms_count} x {per_room}':14}"
              f"{mine['p50']:>7.1f} /{theirs['p50']:>7.1f}{mine['p99']:>9.1f} /{theirs['p99']:>7.1f}"
              f"{mine['delivered']:>9.1f} /{theirs['delivered']:>7.1f}{mine['cpu']:>7.1f} /{theirs['cpu']:>7.1f}"
              f"{'yes' if not problems else 'NO':>12}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[f"{r}x{c}" for r, c in SCENARIOS])
def test_room_capacity(tmp_path, scenario):
    assert REFERENCE_SERVER.is_file(), "node_modules lacks @y/websocket-server: run `npm ci`"
    rooms_count, per_room = scenario
    (tmp_path / "ours").mkdir()
    (tmp_path / "reference").mkdir()
    mine, problems = ours(tmp_path / "ours", rooms_count, per_room)
    theirs, reference_problems = reference(tmp_path / "reference", rooms_count, per_room)
    RESULTS[scenario] = (mine, theirs, problems)
    print(describe(scenario, mine, theirs))
    print(f"  convergence: ours {'ok' if not problems else f'{len(problems)} problem(s)'}, "
          f"reference {'ok' if not reference_problems else f'{len(reference_problems)} problem(s)'}")
    assert not reference_problems, reference_problems[:5]
    assert not problems, problems[:5]

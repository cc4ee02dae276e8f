"""How many mixed users the production-style run holds (tests/bench/prod_stack.py: nginx, two
granian web processes, a Celery worker and beat, PostgreSQL, Redis), with locust's own client
driving the users of tests/bench/locustfile.py (browse challenges, submit a solution, use a room,
upload a resume, chat).

Steps of BENCH_LOAD_USERS users (5, 10, 20, 40, 80), each BENCH_LOAD_SECONDS (30) after its users
have started (their sign-ins are not counted: `--reset-stats`). A step holds when p95 stays under
300 ms for the pages and for the API and no request failed; the run stops at the first step
that does not hold. Printed per step: requests/s, p95 of pages and API, failures; then the users
held and where the time went in the last step (tests/bench/view_profile.py on each web process:
the slowest views by mean time with their queries per request). Nothing about speed is asserted;
a step that could not run at all fails the test."""

import json
import os
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.live_server import ROOT, VENV_BIN

STEPS = [int(n) for n in os.environ.get("BENCH_LOAD_USERS", "5,10,20,40,80").split(",")]
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", 30))
P95_LIMIT_MS = 300
CORPUS = ROOT.parent / "shared" / "corpus" / "resumes"


def _resume() -> Path | None:
    pdfs = sorted(CORPUS.glob("*.pdf"), key=lambda path: path.stat().st_size) if CORPUS.is_dir() else []
    return pdfs[0] if pdfs else None


def _percentile(histogram: dict[int, int], share: float) -> float:
    total = sum(histogram.values())
    if not total:
        return 0.0
    seen = 0
    for ms in sorted(histogram):
        seen += histogram[ms]
        if seen >= share * total:
            return float(ms)
    return float(max(histogram))


def _groups(entries: list[dict]) -> dict[str, dict]:
    """pages and api (sign-ins apart): requests, failures and the merged response-time histogram."""
    groups: dict[str, dict] = {}
    for entry in entries:
        name = entry["name"]
        group = "login" if name.endswith("login") or "login form" in name else name.split(" ", 1)[0]
        into = groups.setdefault(group, {"requests": 0, "failures": 0, "histogram": {}})
        into["requests"] += entry["num_requests"]
        into["failures"] += entry["num_failures"]
        for ms, count in entry["response_times"].items():
            into["histogram"][int(float(ms))] = into["histogram"].get(int(float(ms)), 0) + count
    return groups


@pytest.fixture
def stack(prod_stack):
    return prod_stack


def test_mixed_users_held(stack, tmp_path):
    resume = _resume()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_SETTINGS"))},
           "LOCUST_RESUME": str(resume) if resume else ""}
    load_before = os.getloadavg()
    results = []
    views: dict[str, list[float]] = {}
    for users in STEPS:
        for web in stack.web:
            httpx.post(f"{web}/__bench/views/?on=1", timeout=30)
        out = tmp_path / f"step-{users}.json"
        done = subprocess.run(
            [str(VENV_BIN / "locust"), "-f", str(ROOT / "tests" / "bench" / "locustfile.py"), "--headless",
             "-u", str(users), "-r", str(max(1, users // 2)), "-t", f"{SECONDS}s", "--reset-stats",
             "-H", stack.nginx, "--json-file", str(out.with_suffix("")), "--only-summary", "--stop-timeout", "10",
             "--skip-log-setup", "--loglevel", "WARNING"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=SECONDS + 300)
        report = out if out.exists() else out.with_suffix("")
        assert report.exists(), f"locust wrote no report ({done.returncode}):\n{done.stderr[-3000:]}"
        entries = json.loads(report.read_text())
        groups = _groups(entries)
        views = {}
        for table in [httpx.get(f"{web}/__bench/views/", timeout=30).json() for web in stack.web]:
            for view, (count, seconds, queries, most) in table["views"].items():
                row = views.setdefault(view, [0, 0.0, 0, 0])
                row[0] += count
                row[1] += seconds
                row[2] += queries
                row[3] = max(row[3], most)
        pages, api = groups.get("page", {}), groups.get("api", {})
        failures = sum(g["failures"] for g in groups.values())
        step = {
            "users": users, "requests": sum(g["requests"] for name, g in groups.items() if name != "login"),
            "p95_pages": _percentile(pages.get("histogram", {}), 0.95), "p95_api": _percentile(api.get("histogram", {}), 0.95),
            "failures": failures, "login_failures": groups.get("login", {}).get("failures", 0),
            "failed": ", ".join(f"{e['name']} x{e['num_failures']}" for e in entries if e["num_failures"]),
        }
        step["held"] = step["p95_pages"] < P95_LIMIT_MS and step["p95_api"] < P95_LIMIT_MS and failures == 0
        assert step["requests"] > 0, f"no request was made with {users} users:\n{done.stderr[-3000:]}"
        results.append(step)
        if not step["held"]:
            break
    for web in stack.web:
        httpx.post(f"{web}/__bench/views/?on=0", timeout=30)
    load_after = os.getloadavg()
    held = max((step["users"] for step in results if step["held"]), default=0)
    print(f"\n\nMixed users against the production-style run, {SECONDS} s a step "
          f"(resume uploads: {resume.name if resume else 'none, no corpus found'})")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} on {os.cpu_count()} cores\n")
    print(f"{'users':>6} {'req/s':>7} {'p95 pages':>10} {'p95 API':>8} {'failures':>9}  held (p95 < {P95_LIMIT_MS} ms, 0 errors)")
    for step in results:
        print(f"{step['users']:6} {step['requests'] / SECONDS:7.1f} {step['p95_pages']:10.0f} {step['p95_api']:8.0f} "
              f"{step['failures']:9}  {'yes' if step['held'] else 'no'}  {step['failed']}")
    print(f"\nusers held: {held}")
    print(f"\nwhere the time went with {results[-1]['users']} users (slowest views by mean time):")
    print(f"{'view':52} {'requests':>8} {'mean ms':>8} {'queries':>8} {'max q':>6}")
    for view, (count, seconds, queries, most) in sorted(views.items(), key=lambda kv: -kv[1][1] / kv[1][0])[:12]:
        print(f"{view[:52]:52} {count:8} {seconds * 1000 / count:8.1f} {queries / count:8.1f} {most:6}")

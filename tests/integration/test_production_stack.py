"""`make prod`'s stack, started the way a user starts it (deploy/prod.sh: nginx in front of two
web processes, a Celery worker and beat, on PostgreSQL and Redis), and used through nginx: pages
and static files, the API, the body limit, a notification and a room edit crossing the two web
processes, and a submission judged by the worker. CI's services pass (needs nginx, PostgreSQL
and Redis)."""

import asyncio
import json
import os
import shutil
import subprocess
import time

import httpx
import pytest

from tests.integration.test_real_services import http_json
from tests.live_server import ROOT, free_port, running, wait_for_port

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                       reason="needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)"),
    pytest.mark.skipif(shutil.which("nginx") is None and not os.path.exists("/usr/sbin/nginx"),
                       reason="needs nginx (apt-get install nginx-light)"),
]

TWO_SUM = """n, t = map(int, input().split())
a = list(map(int, input().split()))
seen = {}
for j, x in enumerate(a):
    if t - x in seen:
        print(seen[t - x], j)
        break
    seen.setdefault(x, j)
else:
    print(-1, -1)
"""


WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_INDEX = int(WORKER[2:]) if WORKER.startswith("gw") else 0


@pytest.fixture(scope="module")
def stack():
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    ports = {"PROD_PORT": free_port(), "WEB1_PORT": free_port(), "WEB2_PORT": free_port()}
    # Not under pytest's temporary directory: that is private to this user, and nginx's workers
    # (another user) serve the static files from here.
    var = ROOT / "var" / f"prod-smoke-{os.getpid()}"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "DJANGO_SETTINGS"))}
    env.update({key: str(value) for key, value in ports.items()})
    env.update({
        # Per parallel test worker: each one that runs a test of this module starts its own stack.
        "DATABASE_URL": f"{base}/prepforge_prod_smoke{WORKER}",
        "REDIS_URL": os.environ["REDIS_URL"].rsplit("/", 1)[0] + f"/{13 + WORKER_INDEX}",
        "PREPFORGE_VAR_DIR": str(var), "CELERY_QUEUE": "prod-smoke", "PROMETHEUS_MULTIPROC_DIR": str(var / "metrics"),
        "EMAIL_FILE_PATH": str(var / "mail"), "PYTHONUNBUFFERED": "1",
    })
    env.pop("PREPFORGE_TESTING", None)
    subprocess.run(["redis-cli", "-u", env["REDIS_URL"], "flushdb"], capture_output=True)
    subprocess.run([f"{ROOT}/.venv/bin/python", "-c", (
        "import psycopg; c = psycopg.connect(dbname='postgres', host='127.0.0.1', user='postgres', autocommit=True);"
        f"c.execute('DROP DATABASE IF EXISTS prepforge_prod_smoke{WORKER}')")], capture_output=True)
    log = var / "prod.log"
    with running(["./deploy/prod.sh"], env, log, cwd=ROOT) as process:
        try:
            for port in (ports["WEB1_PORT"], ports["WEB2_PORT"], ports["PROD_PORT"]):
                wait_for_port(port, process, timeout=400)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:  # granian listens before its worker has Django loaded
                try:
                    if httpx.get(f"http://127.0.0.1:{ports['PROD_PORT']}/health", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            yield {"nginx": f"http://127.0.0.1:{ports['PROD_PORT']}", "web1": f"http://127.0.0.1:{ports['WEB1_PORT']}",
                   "web2": f"http://127.0.0.1:{ports['WEB2_PORT']}", "log": log}
        except Exception:
            print(log.read_text(errors="replace")[-5000:])
            raise
    shutil.rmtree(var, ignore_errors=True)


def token_of(base: str, email: str) -> str:
    status, body = http_json("POST", f"{base}/_allauth/app/v1/auth/login",
                             {"email": email, "password": "prepforge-demo"})
    assert status == 200, body
    return body["meta"]["access_token"]


def test_pages_static_files_api_and_body_limit_through_nginx(stack):
    nginx = stack["nginx"]
    home = httpx.get(f"{nginx}/", timeout=20)
    assert home.status_code == 200 and home.headers["server"] == "nginx" and "PrepForge" in home.text
    assert home.headers["x-request-id"]  # the id nginx made, passed to the app and answered back
    css = httpx.get(f"{nginx}/static/dist/app.css", timeout=20)
    # Served by nginx itself: the application would have added its X-Request-ID.
    assert css.status_code == 200 and "x-request-id" not in css.headers and "max-age" in css.headers["cache-control"]
    token = token_of(nginx, "linus@example.com")
    status, body = http_json("GET", f"{nginx}/api/v1/challenges/", token=token)
    assert status == 200 and body["count"] >= 20
    too_big = httpx.post(f"{nginx}/api/v1/jobs/", content=b"x" * (12 * 1024 * 1024),
                         headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"}, timeout=30)
    # Refused by nginx itself (never a 502 from a web process closing mid-body), in the site's envelope.
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "request_too_large"
    ready = httpx.get(f"{nginx}/ready", timeout=20).json()
    assert ready["status"] == "ready" and set(ready["checks"]) >= {"database", "redis", "broker", "sandbox"}
    metrics = httpx.get(f"{nginx}/metrics", timeout=20)
    assert metrics.status_code == 200 and "prepforge_http_request_duration_seconds" in metrics.text


def test_a_notification_and_a_room_edit_cross_the_two_web_processes(stack):
    import websockets

    from tests.collaboration.yws_client import NetworkPeer

    ada, linus = token_of(stack["nginx"], "ada@example.com"), token_of(stack["nginx"], "linus@example.com")
    status, room = http_json("POST", f"{stack['web1']}/api/v1/sessions/", {"title": "Across nginx"}, token=linus)
    assert status == 201, room

    async def scenario():
        # Through nginx, the upgrade works; then one socket on each web process.
        async with websockets.connect(stack["nginx"].replace("http", "ws") + f"/ws/notifications/?access_token={ada}",
                                      open_timeout=20) as via_nginx:
            assert json.loads(await asyncio.wait_for(via_nginx.recv(), 10))["type"] == "notification.unread_count"
        # The seed has Linus following Ada, not the other way: Ada follows Linus on web 1, and Linus
        # hears it on web 2.
        url = stack["web2"].replace("http", "ws") + f"/ws/notifications/?access_token={linus}"
        async with websockets.connect(url, open_timeout=20) as on_web2:
            await asyncio.wait_for(on_web2.recv(), 10)
            status, _ = await asyncio.to_thread(http_json, "POST", f"{stack['web1']}/api/v1/users/linus/follow/",
                                                None, ada)
            assert status == 201
            while True:
                event = json.loads(await asyncio.wait_for(on_web2.recv(), 15))
                if event["type"] == "notification.created" and event["notification"]["type"] == "social":
                    break
        doc = f"/ws/rooms/{room['id']}/doc?access_token={linus}"
        a = NetworkPeer(stack["web1"].replace("http", "ws") + doc, "")
        b = NetworkPeer(stack["web2"].replace("http", "ws") + doc, "")
        await a.connect()
        await b.connect()
        await asyncio.sleep(0.3)
        await a.type(0, "typed on web 1\n")
        await b.wait_for(lambda text: "typed on web 1" in text)
        value = str(b.text)
        await a.close()
        await b.close()
        return value

    assert "typed on web 1" in asyncio.run(scenario())


def test_a_submission_through_nginx_is_judged_by_the_worker(stack):
    token = token_of(stack["nginx"], "linus@example.com")
    status, submission = http_json("POST", f"{stack['nginx']}/api/v1/submissions/",
                                   {"challenge": "two-sum", "language": "python", "source": TWO_SUM}, token=token)
    assert status == 202, submission
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        status, submission = http_json("GET", f"{stack['nginx']}/api/v1/submissions/{submission['id']}/", token=token)
        if submission.get("status") == "done":
            break
        time.sleep(0.5)
    assert submission["status"] == "done" and submission["verdict"] == "AC", submission
    assert "worker" in stack["log"].read_text(errors="replace")

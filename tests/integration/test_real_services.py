"""Across real processes: two web processes sharing the Redis channel layer, and a real
Celery worker on the Redis broker. They run when REDIS_URL names a server (CI's second pass)."""

import asyncio
import json
import os
import time
import urllib.request
import uuid

import pytest

from tests.factories import PASSWORD
from tests.live_server import VENV_BIN, asgi_server, process_env, running

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis server)"),
]


def http_json(method: str, url: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def login(base: str, email: str) -> str:
    status, body = http_json("POST", f"{base}/_allauth/app/v1/auth/login", {"email": email, "password": PASSWORD})
    assert status == 200, body
    return body["meta"]["access_token"]


def test_notification_crosses_web_processes_through_redis(transactional_db, make_user, tmp_path):
    import websockets

    alice, bob = make_user(), make_user()
    with asgi_server(tmp_path) as web_a, asgi_server(tmp_path) as web_b:
        alice_token = login(web_a, alice.email)
        bob_token = login(web_a, bob.email)
        ws_url = web_b.replace("http://", "ws://") + f"/ws/notifications/?access_token={alice_token}"

        async def scenario():
            async with websockets.connect(ws_url, open_timeout=20) as socket:
                first = json.loads(await asyncio.wait_for(socket.recv(), 10))
                assert first == {"type": "notification.unread_count", "unread_count": 0}
                started = time.perf_counter()
                # Bob follows Alice through process A; Alice is connected to process B.
                status, _ = await asyncio.to_thread(
                    http_json, "POST", f"{web_a}/api/v1/users/{alice.username}/follow/", None, bob_token)
                assert status == 201
                while True:
                    event = json.loads(await asyncio.wait_for(socket.recv(), 10))
                    # A follow may also unlock an achievement (when the catalog is loaded, as on
                    # a fresh database): that notification can arrive first.
                    if event["type"] == "notification.created" and event["notification"]["type"] == "social":
                        return event, time.perf_counter() - started

        event, elapsed = asyncio.run(scenario())
    assert event["notification"]["type"] == "social"
    assert bob.username in event["notification"]["title"] or bob.name in event["notification"]["title"]
    print(f"\ncross-process notification: HTTP follow on web A -> WebSocket on web B in {elapsed * 1000:.1f} ms")


def test_real_celery_worker_sends_the_email(transactional_db, user, tmp_path):
    from accounts.models import EmailStatus, Notification
    from accounts.services import notification_send
    from config.celery import app as celery_app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = process_env(tmp_path, CELERY_QUEUE=queue, CELERY_TASK_ALWAYS_EAGER="0")
    command = [str(VENV_BIN / "celery"), "-A", "config", "worker", "-Q", queue, "--pool=solo",
               "--loglevel=INFO", "--without-heartbeat", "--without-gossip", "--without-mingle"]
    old = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = False, queue
    try:
        with running(command, env, tmp_path / "worker.log"):
            notification = notification_send(user=user, type="system", title="Sent by a real worker")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                notification.refresh_from_db()
                if notification.email_status == EmailStatus.SENT:
                    break
                time.sleep(0.2)
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = old
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert notification.email_status == EmailStatus.SENT, log[-3000:]
    mails = list((tmp_path / "mail").glob("*.log"))
    assert len(mails) == 1
    text = mails[0].read_text()
    assert "Sent by a real worker" in text and user.email in text
    assert Notification.objects.get(id=notification.id).email_sent_at is not None


def test_real_celery_worker_judges_a_submission(transactional_db, user, tmp_path):
    from challenges import services
    from challenges.catalog import challenge_import
    from challenges.models import Submission
    from config.celery import app as celery_app

    challenge, _ = challenge_import({
        "slug": "worker-sum", "title": "Worker Sum", "type": "dsa", "difficulty": "easy", "category": "math",
        "statement": "Add.", "starter": {},
        "tests": [{"input": "1 2", "output": "3", "hidden": False}, {"input": "5 6", "output": "11"}],
    })
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = process_env(tmp_path, CELERY_QUEUE=queue, CELERY_TASK_ALWAYS_EAGER="0")
    command = [str(VENV_BIN / "celery"), "-A", "config", "worker", "-Q", queue, "--pool=prefork",
               "--concurrency=2", "--loglevel=INFO", "--without-heartbeat", "--without-gossip", "--without-mingle"]
    old = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = False, queue
    try:
        with running(command, env, tmp_path / "judge-worker.log"):
            submission = services.submission_create(
                user=user, challenge=challenge, language="python",
                source="a, b = map(int, input().split())\nprint(a + b)\n")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                submission.refresh_from_db()
                if submission.status == "done":
                    break
                time.sleep(0.2)
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = old
    log = (tmp_path / "judge-worker.log").read_text(errors="replace")
    assert submission.status == "done", log[-3000:]
    assert submission.verdict == "AC" and submission.passed == 2
    assert Submission.objects.get(id=submission.id).judged_at is not None


def test_room_edits_cross_web_processes_through_redis(transactional_db, make_user, tmp_path):
    from collaboration import services
    from tests.collaboration.yws_client import NetworkPeer
    from tests.session_cookies import session_cookie

    interviewer, candidate_user = make_user(), make_user()
    room = services.room_create(interviewer=interviewer, title="Across processes")
    services.room_join(room=room, token=services.invite_token(room=room, role="candidate"), user=candidate_user)

    cookie_a, cookie_b = session_cookie(interviewer).decode(), session_cookie(candidate_user).decode()
    with asgi_server(tmp_path) as web_a, asgi_server(tmp_path) as web_b:
        async def scenario():
            a = NetworkPeer(web_a.replace("http://", "ws://") + f"/ws/rooms/{room.id}/doc", cookie_a)
            b = NetworkPeer(web_b.replace("http://", "ws://") + f"/ws/rooms/{room.id}/doc", cookie_b)
            await a.connect()
            await b.connect()
            await asyncio.sleep(0.3)
            await a.type(0, "from A\n")
            await b.wait_for(lambda text: "from A" in text)
            await b.type(0, "from B\n")
            await a.wait_for(lambda text: "from B" in text)
            result = (str(a.text), str(b.text))
            await a.close()
            await b.close()
            return result

        text_a, text_b = asyncio.run(scenario())
    assert text_a == text_b and "from A" in text_a and "from B" in text_a

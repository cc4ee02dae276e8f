"""A Redis restart (no persistence, as in the embedded services) while work is queued: the queued
submission's message is gone with Redis, and the recovery sweep finds it again from the database
and has it judged; while Redis is down the API keeps answering in JSON (rate limits fail open);
afterwards the empty cache raises no error. Its own Redis on a free port: CI's is not touched."""

import os
import shutil
import signal
import subprocess
import time
import uuid

import httpx
import pytest

from tests.live_server import (
    VENV_BIN,
    app_login,
    asgi_server,
    free_port,
    process_env,
    running,
    wait_for_port,
)

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI's services pass)"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


def redis_command(port: int) -> list[str]:
    return ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]


def test_queued_work_survives_a_redis_restart(transactional_db, user, tmp_path):
    from challenges.catalog import challenge_import
    from challenges.models import Submission

    challenge, _ = challenge_import({
        "slug": f"restart-sum-{uuid.uuid4().hex[:6]}", "title": "Restart Sum", "type": "dsa", "difficulty": "easy",
        "category": "math", "statement": "Add.", "starter": {},
        "tests": [{"input": "1 2", "output": "3", "hidden": False}, {"input": "5 6", "output": "11"}],
    })
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = dict(REDIS_URL=redis_url, CELERY_QUEUE=queue, CELERY_TASK_ALWAYS_EAGER="0", RECOVERY_SWEEP_SECONDS="2",
               JUDGE_REQUEUE_SECONDS="3")
    worker = [str(VENV_BIN / "celery"), "-A", "config", "worker", "-Q", queue, "--pool=solo", "--loglevel=INFO",
              "--without-heartbeat", "--without-gossip", "--without-mingle"]
    beat = [str(VENV_BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO", f"--schedule={tmp_path / 'beat'}"]
    first_redis = subprocess.Popen(redis_command(port), stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_port(port, first_redis)
        with asgi_server(tmp_path, **env) as web:
            token = app_login(web, user.email)
            auth = {"Authorization": f"Bearer {token}"}
            queued = httpx.post(f"{web}/api/v1/submissions/", headers=auth, timeout=20, json={
                "challenge": challenge.slug, "language": "python",
                "source": "a, b = map(int, input().split())\nprint(a + b)\n"})
            assert queued.status_code == 202, queued.text
            submission_id = queued.json()["id"]
            # No worker has taken it yet: Redis dies with the message in it.
            os.killpg(first_redis.pid, signal.SIGKILL)
            first_redis.wait(timeout=10)
            during = httpx.get(f"{web}/api/v1/challenges/", headers=auth, timeout=30)
            assert during.headers["content-type"].startswith("application/json"), during.text[:300]
            assert during.status_code in (200, 503), during.text[:300]
            with running(redis_command(port), process_env(tmp_path), tmp_path / "redis-2.log", port=port):
                after = httpx.get(f"{web}/api/v1/challenges/", headers=auth, timeout=30)
                assert after.status_code == 200  # an empty cache, no error
                assert Submission.objects.get(id=submission_id).status == "queued"
                worker_env = process_env(tmp_path, **env)
                with running(beat, worker_env, tmp_path / "beat.log"), \
                        running(worker, worker_env, tmp_path / "worker.log"):
                    deadline = time.monotonic() + 60
                    while time.monotonic() < deadline:
                        if Submission.objects.get(id=submission_id).status == "done":
                            break
                        time.sleep(0.3)
    finally:
        if first_redis.poll() is None:
            os.killpg(first_redis.pid, signal.SIGKILL)
    judged = Submission.objects.get(id=submission_id)
    logs = "".join(path.read_text(errors="replace")[-1500:] for path in sorted(tmp_path.glob("*.log")))
    assert judged.status == "done" and judged.verdict == "AC", logs

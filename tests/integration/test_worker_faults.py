"""Faults survived with nothing lost, against real processes (CI's services pass): a Celery
worker SIGKILLed in the middle of judging a submission, whole or only its pool child (as an
out-of-memory kill would), and the submission is judged exactly once by the worker that comes
after it, within a minute, found by the recovery sweep that Celery beat runs."""

import os
import signal
import subprocess
import time
import uuid

import pytest

from tests.live_server import VENV_BIN, process_env, running

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis server)"),
]

SLOW_SUM = "import time\na, b = map(int, input().split())\ntime.sleep(0.7)\nprint(a + b)\n"


def worker_command(queue: str) -> list[str]:
    return [str(VENV_BIN / "celery"), "-A", "config", "worker", "-Q", queue, "--pool=prefork", "--concurrency=1",
            "--loglevel=INFO", "--without-heartbeat", "--without-gossip", "--without-mingle"]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout:.0f}s: {what}")


def pool_children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(child) for child in found]


@pytest.mark.parametrize("kill", ["whole worker", "pool child"])
def test_a_submission_survives_its_worker_being_killed(transactional_db, user, tmp_path, kill):
    from challenges import services
    from challenges.catalog import challenge_import
    from challenges.models import Submission
    from config.celery import app as celery_app

    challenge, _ = challenge_import({
        "slug": f"fault-sum-{uuid.uuid4().hex[:6]}", "title": "Fault Sum", "type": "dsa", "difficulty": "easy",
        "category": "math", "statement": "Add.", "starter": {}, "time_limit_ms": 2000,
        "tests": [{"input": f"{i} {i}", "output": str(2 * i), "hidden": i > 1} for i in range(1, 5)],
    })
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = process_env(tmp_path, CELERY_QUEUE=queue, CELERY_TASK_ALWAYS_EAGER="0", RECOVERY_SWEEP_SECONDS="2",
                      JUDGE_STALL_GRACE_SECONDS="4", JUDGE_REQUEUE_SECONDS="5")
    beat = [str(VENV_BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO",
            f"--schedule={tmp_path / 'beat-schedule'}"]
    old = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = False, queue
    try:
        with running(beat, env, tmp_path / "beat.log"):
            with running(worker_command(queue), env, tmp_path / "worker-1.log") as first:
                submission = services.submission_create(user=user, challenge=challenge, language="python",
                                                        source=SLOW_SUM)
                wait_for(lambda: Submission.objects.get(id=submission.id).status == "running", 60,
                         "the first worker starts judging")
                time.sleep(0.8)  # in the middle of the tests
                if kill == "whole worker":
                    os.killpg(first.pid, signal.SIGKILL)
                else:
                    children = wait_for(lambda: pool_children(first.pid), 10, "the pool child")
                    os.kill(children[0], signal.SIGKILL)
                killed_at = time.monotonic()
                if kill == "pool child":  # the worker itself lives on and takes it back
                    wait_for(lambda: Submission.objects.get(id=submission.id).status == "done", 60,
                             "the submission is judged after its pool child was killed")
            if kill == "whole worker":
                assert Submission.objects.get(id=submission.id).status != "done"
                with running(worker_command(queue), env, tmp_path / "worker-2.log"):
                    wait_for(lambda: Submission.objects.get(id=submission.id).status == "done", 60,
                             "the next worker judges the submission")
            recovered_in = time.monotonic() - killed_at
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = old
    judged = Submission.objects.get(id=submission.id)
    logs = "".join(path.read_text(errors="replace")[-2000:] for path in sorted(tmp_path.glob("*.log")))
    assert judged.verdict == "AC" and judged.passed == 4 and len(judged.results) == 4, logs
    assert recovered_in < 60
    print(f"\n{kill} killed mid-judging: judged again and recorded once in {recovered_in:.1f} s")

"""PostgreSQL stopped for 10 s under a running web process and a Celery worker: the API answers
503 in the JSON envelope and pages the site's own 503 page, each within a few seconds (no hang);
an e-mail task that ran into the dead database is retried, not left half-done, and its mail
arrives once after the database is back; web and worker recover by themselves.

The database stopped is a throwaway cluster of this test (initdb in a temporary directory, its
own port and socket, run as the `postgres` user since PostgreSQL refuses root), loaded with a
copy of the test database: the machine's shared PostgreSQL is never touched."""

import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from glob import glob
from pathlib import Path
from unittest import mock

import httpx
import pytest

from tests.live_server import VENV_BIN, app_login, free_port, live_asgi_server, process_env, running

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                       reason="needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)"),
]

PG_BIN = sorted(glob("/usr/lib/postgresql/*/bin/initdb"))


def _postgres_user():
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        return None


class ThrowawayCluster:
    """A PostgreSQL cluster of its own: data and socket in a temporary directory, trust auth,
    listening on 127.0.0.1 on a free port."""

    def __init__(self):
        self.bin = Path(PG_BIN[-1]).parent
        self.root = Path(tempfile.mkdtemp(prefix="prepforge-pg-"))
        owner = _postgres_user()
        os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/prepforge"

    def _as_postgres(self, *command: str, timeout: float = 60):
        return subprocess.run(["runuser", "-u", "postgres", "--", *command], capture_output=True, text=True,
                              timeout=timeout, check=True)

    def init(self):
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                          "--no-sync", "-E", "UTF8")
        self.start()
        self._as_postgres(str(self.bin / "createdb"), "-h", str(self.root), "-p", str(self.port), "prepforge")

    def start(self):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
                          "-o", options, "-w", "-t", "30", "start")

    def stop(self, mode: str = "fast"):
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def load_copy_of(self, database_url: str):
        dump = subprocess.run([str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", database_url],
                              capture_output=True, check=True, timeout=60).stdout
        subprocess.run([str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", str(self.root), "-p",
                        str(self.port), "-U", "postgres", "-d", "prepforge"], input=dump, capture_output=True,
                       check=True, timeout=60)

    def query(self, sql: str, *params):
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="prepforge",
                             connect_timeout=3) as connection:
            return connection.execute(sql, params).fetchall()

    def remove(self):
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def throwaway_cluster():
    if os.geteuid() != 0 or _postgres_user() is None or not PG_BIN:
        pytest.skip("a throwaway PostgreSQL cluster needs root, the postgres user and Debian's initdb")
    cluster = ThrowawayCluster()
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.remove()


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"not within {timeout:.0f}s: {what}")


def timed_get(url: str, **kwargs) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = httpx.get(url, timeout=20, **kwargs)
    return response, time.monotonic() - started


def test_a_database_outage_answers_503_quickly_retries_tasks_and_recovers(transactional_db, user, tmp_path):
    from accounts.services import notification_send
    from config.celery import app as celery_app
    from tests.live_server import test_database_url

    with mock.patch("accounts.tasks.notification_email_send.delay"):  # queued later, while the database is down
        notification = notification_send(user=user, type="system", title="Outage survived")
    assert notification is not None and notification.email_status == "pending"

    queue = f"test-{uuid.uuid4().hex[:8]}"
    with throwaway_cluster() as cluster:
        cluster.load_copy_of(test_database_url())
        overrides = dict(DATABASE_URL=cluster.url, CELERY_QUEUE=queue, CELERY_TASK_ALWAYS_EAGER="0",
                         DEBUG="0", SECRET_KEY="outage-test-" + uuid.uuid4().hex, ALLOWED_HOSTS="127.0.0.1",
                         SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0", SECURE_HSTS_SECONDS="0")
        worker = [str(VENV_BIN / "celery"), "-A", "config", "worker", "-Q", queue, "--pool=solo", "--loglevel=INFO",
                  "--without-heartbeat", "--without-gossip", "--without-mingle"]
        old = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = False, queue
        try:
            with live_asgi_server(tmp_path, **overrides) as web, \
                    running(worker, process_env(tmp_path, **overrides), tmp_path / "worker.log"):
                auth = {"Authorization": f"Bearer {app_login(web.url, user.email)}"}
                assert httpx.get(f"{web.url}/api/v1/challenges/", headers=auth, timeout=20).status_code == 200
                log = tmp_path / "worker.log"
                wait_for(lambda: " ready." in log.read_text(errors="replace"), 60, "the worker is ready")

                cluster.stop()
                stopped_at = time.monotonic()
                api, api_seconds = timed_get(f"{web.url}/api/v1/challenges/", headers=auth)
                assert api.status_code == 503, api.text[:300]
                assert api.json()["error"]["code"] == "service_unavailable" and api.headers["retry-after"]
                page, page_seconds = timed_get(f"{web.url}/challenges/")
                assert page.status_code == 503 and 'data-error-page="503"' in page.text, page.text[:300]
                assert max(api_seconds, page_seconds) < 5

                # The worker takes the e-mail while the database is down, and retries it.
                from accounts.tasks import notification_email_send

                notification_email_send.delay(notification.id)
                wait_for(lambda: "Retry in" in log.read_text(errors="replace"), 20, "the task retried")
                time.sleep(max(0.0, 10 - (time.monotonic() - stopped_at)))
                cluster.start()
                restarted_at = time.monotonic()

                wait_for(lambda: httpx.get(f"{web.url}/api/v1/challenges/", headers=auth, timeout=20).status_code == 200,
                         10, "the API answers again")
                api_back = time.monotonic() - restarted_at
                assert httpx.get(f"{web.url}/challenges/", timeout=20).status_code == 200
                wait_for(lambda: cluster.query("SELECT email_status FROM accounts_notification WHERE id = %s",
                                               notification.id) == [("sent",)], 30, "the e-mail is sent")
                mail_back = time.monotonic() - restarted_at
        finally:
            celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = old
    mails = [path.read_text(errors="replace") for path in (tmp_path / "mail").glob("*")]
    assert len(mails) == 1 and "Outage survived" in mails[0]
    print(f"\nPostgreSQL down 10 s: API 503 in {api_seconds:.2f} s, page 503 in {page_seconds:.2f} s; "
          f"API back {api_back:.1f} s and the retried e-mail sent {mail_back:.1f} s after the restart")

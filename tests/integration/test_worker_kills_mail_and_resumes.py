"""The whole Celery worker SIGKILLed in the middle of reading a resume and in the middle of
sending an e-mail, with real processes (a worker, Celery beat, an SMTP server on loopback that
stalls): after a new worker starts, each finishes exactly once within a minute and each mail
arrives once.

The SMTP boundary, both sides of it: a worker killed before the end-of-data mark (the server
stalls before answering DATA) leaves a mail the server discards, which the next worker sends
again; one killed after the mark (the server has the whole mail and stalls before its 250) is
never sent again: the mail arrived once, and the notification says "failed" (unconfirmed) with
the moment it was handed over."""

import os
import signal
import socket
import threading
import time
import uuid
from unittest import mock

import pytest

from tests.live_server import VENV_BIN, process_env, running
from tests.resumes.documents import plain_text

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis server)"),
]


class StallingSMTPServer:
    """A small SMTP server on 127.0.0.1 that keeps every mail it accepts. The first session for a
    recipient named in `stalls` stalls there until the client goes away: "data" never answers
    DATA; "end" reads the whole mail, keeps it, and never answers the end-of-data mark. Other
    sessions answer at once."""

    def __init__(self, stalls: dict[str, str]):
        self.stalls = dict(stalls)
        self.mails: dict[str, list[bytes]] = {}
        self.stalled: set[str] = set()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self._listener.close()

    def _accept(self):
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(client,), daemon=True).start()

    def _stall_here(self, recipient: str, where: str) -> bool:
        with self._lock:
            if self.stalls.get(recipient) != where:
                return False
            del self.stalls[recipient]  # once
            self.stalled.add(recipient)
            return True

    def _session(self, client):
        reader = client.makefile("rb")
        recipient = ""
        with client, reader:
            client.sendall(b"220 stalling.test ESMTP\r\n")
            for line in reader:
                command = line.strip()
                verb = command[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    client.sendall(b"250 stalling.test\r\n")
                elif verb == b"RCPT":
                    recipient = command.split(b":", 1)[1].strip(b" <>").decode()
                    client.sendall(b"250 OK\r\n")
                elif verb in (b"MAIL", b"RSET", b"NOOP"):
                    client.sendall(b"250 OK\r\n")
                elif verb == b"DATA":
                    if self._stall_here(recipient, "data"):
                        return self._until_closed(client)
                    client.sendall(b"354 go ahead\r\n")
                    lines = []
                    while (line := reader.readline()) != b".\r\n":
                        if not line:
                            return  # the client went away before the end-of-data mark: discarded
                        lines.append(line)
                    body = b"".join(lines)
                    with self._lock:  # the server has it from here on (RFC 5321 4.1.1.4)
                        self.mails.setdefault(recipient, []).append(body)
                    if self._stall_here(recipient, "end"):
                        return self._until_closed(client)
                    client.sendall(b"250 queued\r\n")
                elif verb == b"QUIT":
                    client.sendall(b"221 bye\r\n")
                    return
                else:
                    client.sendall(b"502 unknown\r\n")

    @staticmethod
    def _until_closed(client):
        while client.recv(4096):  # until the client's process is killed
            pass


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout:.0f}s: {what}")


def worker_command(queue: str) -> list[str]:
    return [str(VENV_BIN / "celery"), "-A", "config", "worker", "-Q", queue, "--pool=prefork", "--concurrency=1",
            "--loglevel=INFO", "--without-heartbeat", "--without-gossip", "--without-mingle"]


@pytest.fixture
def real_celery(tmp_path):
    """The test process queues to a real broker on a queue of its own; beat runs the sweeps."""
    from config.celery import app as celery_app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    old = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = False, queue
    yield queue
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = old


def beat_command(tmp_path) -> list[str]:
    return [str(VENV_BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO",
            f"--schedule={tmp_path / 'beat-schedule'}"]


def logs_of(tmp_path) -> str:
    return "".join(path.read_text(errors="replace")[-2500:] for path in sorted(tmp_path.glob("*.log")))


def test_mail_and_a_resume_read_survive_their_worker_being_killed(transactional_db, make_user, tmp_path,
                                                                  real_celery):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import Notification
    from accounts.services import notification_send
    from accounts.tasks import notification_email_send
    from resumes.models import ResumeVersion
    from resumes.services import resume_upload

    before_mark, after_mark = make_user(email="before-mark@example.com"), make_user(email="after-mark@example.com")
    smtp = StallingSMTPServer({before_mark.email: "data", after_mark.email: "end"})
    env = process_env(tmp_path, CELERY_QUEUE=real_celery, CELERY_TASK_ALWAYS_EAGER="0", RECOVERY_SWEEP_SECONDS="1",
                      EMAIL_REQUEUE_SECONDS="3", EMAIL_HOST="127.0.0.1", EMAIL_PORT=smtp.port, EMAIL_USE_TLS="0",
                      EMAIL_TIMEOUT="60", RESUME_REQUEUE_SECONDS="3", RESUME_PARSE_SECONDS="5",
                      RESUME_PARSE_WORKER="tests.integration.slow_resume_reader")
    worker = worker_command(real_celery)
    worker[worker.index("--concurrency=1")] = "--concurrency=3"  # the three in flight at once
    try:
        with mock.patch("accounts.tasks.notification_email_send.delay"):
            mails = {who.email: notification_send(user=who, type="system", title=f"Mail to {who.email}")
                     for who in (before_mark, after_mark)}
        with running(beat_command(tmp_path), env, tmp_path / "beat.log"):
            with running(worker, env, tmp_path / "worker-1.log") as first:
                for notification in mails.values():
                    notification_email_send.delay(notification.id)
                version = resume_upload(user=before_mark, upload=SimpleUploadedFile("cv.txt", plain_text(), "text/plain"))
                wait_for(lambda: len(smtp.stalled) == 2 and
                         ResumeVersion.objects.get(id=version.id).parse_status == "parsing", 60,
                         "both mails stalled at the SMTP server and the resume being read")
                os.killpg(first.pid, signal.SIGKILL)
                killed_at = time.monotonic()
            assert ResumeVersion.objects.get(id=version.id).parse_status == "parsing"
            assert set(Notification.objects.filter(id__in=[n.id for n in mails.values()])
                       .values_list("email_status", flat=True)) == {"sending"}
            with running(worker_command(real_celery), env, tmp_path / "worker-2.log"):
                expected = {before_mark.email: "sent", after_mark.email: "failed"}

                def settled():
                    statuses = {email: Notification.objects.get(id=n.id).email_status for email, n in mails.items()}
                    return statuses == expected and ResumeVersion.objects.get(id=version.id).parse_status == "done"

                wait_for(settled, 60, f"the mails {expected} and the resume read")
                settled_in = time.monotonic() - killed_at
                done_at = ResumeVersion.objects.get(id=version.id).updated_at
                time.sleep(3)  # more sweeps: nothing is sent, read or written again
    finally:
        smtp.close()
    logs = logs_of(tmp_path)
    for email, notification in mails.items():
        notification.refresh_from_db()
        assert notification.email_status == expected[email] and notification.email_sent_at is not None, logs
        assert len(smtp.mails.get(email, [])) == 1, (email, smtp.mails)
        assert f"Mail to {email}".encode() in smtp.mails[email][0]
    read = ResumeVersion.objects.get(id=version.id)
    assert read.parse_status == "done" and read.parsed and "Jordan Rivera" in read.text, logs
    assert read.updated_at == done_at
    assert settled_in < 60
    print(f"\nworker killed mid-send (before and after the end-of-data mark) and mid-read: settled "
          f"{settled_in:.1f} s later, each mail received once, the resume read once")

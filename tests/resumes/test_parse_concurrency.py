"""At most RESUME_PARSE_CONCURRENCY resumes are read at once on a machine (each reader may use
hundreds of megabytes); the others wait in a queue that the upload's page shows."""

import os
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from challenges.judge.slots import SlotPool
from resumes.models import ParseStatus, ResumeVersion

from . import documents

pytestmark = pytest.mark.django_db(transaction=True)  # the queued reads run in threads of their own

WORKER = "tests.resumes.slow_parse_worker"


def readers_running() -> int:
    """Children of this process that are reading a resume right now, seen from /proc."""
    count = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and WORKER.encode() in cmdline:
            count += 1
    return count


@pytest.fixture
def readers(settings, tmp_path):
    settings.RESUME_PARSE_CONCURRENCY = 2
    settings.RESUME_PARSE_WORKER = WORKER
    settings.RESUME_PARSE_LOCK_DIR = str(tmp_path / "locks")
    return SlotPool(2, lock_dir=tmp_path / "locks")


def wait_for_parse_threads(timeout=60.0):
    for thread in [t for t in threading.enumerate() if t.name.startswith("resume-parse-")]:
        thread.join(timeout)


def test_uploads_beyond_the_limit_queue_and_at_most_n_readers_run_at_once(client, user, readers):
    client.force_login(user)
    with ExitStack() as held:
        for _ in range(2):  # every reader busy (as if two big PDFs were being read)
            held.enter_context(readers.acquire(timeout=1))
        resume_ids = []
        for index in range(5):
            started = time.monotonic()
            response = client.post("/resumes/", {"file": SimpleUploadedFile(f"cv{index}.txt", documents.plain_text())})
            # The upload answers at once rather than waiting for (or failing for lack of) a reader.
            assert response.status_code == 302 and time.monotonic() - started < 5
            resume_ids.append(int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
        page = client.get(f"/resumes/{resume_ids[0]}/")
        assert b'data-parse-status="queued"' in page.content and b"Queued" in page.content
        assert set(ResumeVersion.objects.values_list("parse_status", flat=True)) == {ParseStatus.QUEUED}

    peak, deadline = 0, time.monotonic() + 60
    while time.monotonic() < deadline:
        peak = max(peak, readers_running())
        if not ResumeVersion.objects.exclude(parse_status=ParseStatus.DONE).exists():
            break
        time.sleep(0.02)
    wait_for_parse_threads()
    statuses = list(ResumeVersion.objects.values_list("parse_status", flat=True))
    assert statuses == [ParseStatus.DONE] * 5
    assert peak == 2, f"{peak} readers ran at once"
    status = client.get(f"/resumes/{resume_ids[0]}/status/")
    assert status["HX-Refresh"] == "true"  # the waiting page reloads itself with the results


def test_a_reader_that_never_frees_up_gives_a_clear_failure_not_a_hang(client, user, readers, settings):
    settings.RESUME_PARSE_EMBEDDED_QUEUE_SECONDS = 0.5
    client.force_login(user)
    with ExitStack() as held:
        for _ in range(2):
            held.enter_context(readers.acquire(timeout=1))
        client.post("/resumes/", {"file": SimpleUploadedFile("cv.txt", documents.plain_text())})
        wait_for_parse_threads()
    version = ResumeVersion.objects.get()
    assert version.parse_status == ParseStatus.FAILED and "Upload it again" in version.parse_error


@pytest.mark.django_db(transaction=False)  # no commit: the upload's own (eager) parse does not run
def test_a_worker_that_finds_every_reader_busy_leaves_the_version_queued(user, readers):
    """What a Celery worker sees: it waits a little, then the task is retried later (the version
    stays queued, nothing is lost); giving up for good says so on the version."""
    from resumes import services

    version = services.resume_upload(user=user, upload=SimpleUploadedFile("cv.txt", documents.plain_text()))
    with ExitStack() as held:
        for _ in range(2):
            held.enter_context(readers.acquire(timeout=1))
        started = time.monotonic()
        with pytest.raises(services.ReadersBusy):
            services.version_parse(version_id=version.id, wait_seconds=0.3)
        assert 0.3 <= time.monotonic() - started < 5
    version.refresh_from_db()
    assert version.parse_status == ParseStatus.QUEUED
    assert services.version_parse(version_id=version.id).parse_status == ParseStatus.DONE

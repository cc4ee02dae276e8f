"""Row locks go through core.locks: only the queried table's rows are locked (`of=("self",)`),
never the rows a select_related joins in."""

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, connections, transaction

from accounts.lock_objects import lock_notification_for_update
from accounts.models import Notification, User
from accounts.services import notification_send
from challenges import services as challenge_services
from challenges.lock_objects import lock_submission_for_update
from challenges.models import Challenge
from resumes import services as resume_services
from resumes.lock_objects import lock_resume_version_for_update
from resumes.models import Resume
from tests.challenges.conftest import SUM_SOURCE, sum_two_challenge

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "challenges", "collaboration", "core", "resumes")


def test_every_row_lock_goes_through_core_locks():
    inline = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path == ROOT / "core" / "locks.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"\bselect_for_update\(", line):
                    inline.append(f"{path.relative_to(ROOT)}:{number}")
    assert inline == [], "lock rows through <app>/lock_objects.py (core.locks), not inline"


def _free(model, pk) -> bool:
    """From another connection: can this row be locked right now?"""
    def attempt():
        try:
            with transaction.atomic():
                list(model.objects.filter(pk=pk).select_for_update(nowait=True))
            return True
        except DatabaseError:
            return False
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(attempt).result(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_locking_a_row_leaves_the_joined_rows_free(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("row locks exist on PostgreSQL only (SQLite locks the whole database on write)")
    user = make_user()
    challenge = sum_two_challenge()
    submission = challenge_services.submission_create(user=user, challenge=challenge, language="python",
                                                      source=SUM_SOURCE)
    version = resume_services.resume_create_blank(user=user)
    notification = notification_send(user=user, type="system", title="Hello")
    with transaction.atomic():
        locked = lock_submission_for_update(submission.id)
        assert locked.challenge.id == challenge.id and locked.user.id == user.id  # joined in
        lock_resume_version_for_update(version.id)
        lock_notification_for_update(notification.id)
        assert not _free(type(submission), submission.id)  # the row itself is locked
        assert _free(Challenge, challenge.id) and _free(User, user.id) and _free(Resume, version.resume_id)
        assert not _free(Notification, notification.id)

"""Work the queue lost is found again from the database: submissions left running by a dead
worker or queued with no message, resume reads, e-mails (at most once: "sending" is committed
before the mail goes out). The sweeps run in Celery beat; here they are called directly, with
eager tasks, so each lost item is seen finishing."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from accounts.models import EmailStatus, Notification
from accounts.services import (
    notification_email_deliver,
    notification_emails_recover,
    notification_send,
)
from challenges import services as challenge_services
from challenges.models import Submission, SubmissionStatus
from resumes.models import ParseStatus, ResumeVersion
from resumes.services import resume_upload, versions_recover
from tests.challenges.conftest import SUM_SOURCE, sum_two_challenge

pytestmark = pytest.mark.django_db(transaction=True)


def aged(model, pk, seconds: float, **fields):
    model.objects.filter(pk=pk).update(updated_at=timezone.now() - timedelta(seconds=seconds), **fields)


def lost_submission(user, status: str, seconds: float) -> Submission:
    with mock.patch("challenges.tasks.submission_judge_task.delay"):  # the message that gets lost
        submission = challenge_services.submission_create(user=user, challenge=sum_two_challenge(),
                                                          language="python", source=SUM_SOURCE)
    aged(Submission, submission.pk, seconds, status=status)
    return submission


def test_a_submission_a_dead_worker_left_running_is_judged_again(user):
    stalled = lost_submission(user, SubmissionStatus.RUNNING, seconds=3600)
    assert challenge_services.submissions_recover() == 1
    stalled.refresh_from_db()
    assert stalled.status == SubmissionStatus.DONE and stalled.verdict == "AC"


def test_a_submission_still_within_its_judging_time_is_left_alone(user):
    running = lost_submission(user, SubmissionStatus.RUNNING, seconds=1)
    assert challenge_services.submissions_recover() == 0
    running.refresh_from_db()
    assert running.status == SubmissionStatus.RUNNING
    # Its own (redelivered) message does not judge it twice while it may still be running.
    challenge_services.submission_judge(submission_id=running.id)
    running.refresh_from_db()
    assert running.status == SubmissionStatus.RUNNING


def test_a_queued_submission_whose_message_was_lost_is_judged(user, settings):
    settings.JUDGE_REQUEUE_SECONDS = 60
    fresh = lost_submission(user, SubmissionStatus.QUEUED, seconds=5)
    lost = lost_submission(user, SubmissionStatus.QUEUED, seconds=120)
    assert challenge_services.submissions_recover() == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == SubmissionStatus.DONE and fresh.status == SubmissionStatus.QUEUED


def test_a_judge_that_was_overtaken_records_nothing(user):
    submission = lost_submission(user, SubmissionStatus.DONE, seconds=0)
    Submission.objects.filter(pk=submission.pk).update(verdict="AC", passed=3)
    outcome = mock.Mock(verdict="WA", score=0, max_score=3, percent=0, passed=0, compile=None, tests=[])
    challenge_services._submission_record_outcome(submission.id, outcome, [])
    submission.refresh_from_db()
    assert submission.verdict == "AC" and submission.passed == 3


def test_a_lost_resume_read_is_done(user, settings):
    settings.RESUME_REQUEUE_SECONDS = 60
    with mock.patch("resumes.tasks.resume_parse_task.delay"):
        version = resume_upload(user=user, upload=SimpleUploadedFile(
            "cv.txt", b"Grace Hopper\ngrace@example.com\nExperience\nEngineer at Navy, 1943 - 1986\n"))
    aged(ResumeVersion, version.pk, 300)
    assert versions_recover() == 1
    version.refresh_from_db()
    assert version.parse_status == ParseStatus.DONE and version.content["contact"]["name"] == "Grace Hopper"


def email_notification(user) -> Notification:
    with mock.patch("accounts.tasks.notification_email_send.delay"):
        return notification_send(user=user, type="system", title="Your weekly summary")


def test_an_email_is_sent_at_most_once_even_when_its_worker_dies_after_the_send(user, settings):
    settings.EMAIL_REQUEUE_SECONDS = 60
    notification = email_notification(user)
    assert notification.email_status == EmailStatus.PENDING

    # The SMTP server took the mail, then the worker died before saving "sent".
    def accepted_then_killed(message, *args, **kwargs):
        mail.outbox.append(message.subject)
        raise KeyboardInterrupt  # like SIGKILL: nothing after the send runs

    with mock.patch.object(EmailMultiAlternatives, "send", accepted_then_killed), \
            pytest.raises(KeyboardInterrupt):
        notification_email_deliver(notification_id=notification.id)
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SENDING
    # The task comes back (acks late): it does not send a second copy.
    assert notification_email_deliver(notification_id=notification.id) is False
    aged(Notification, notification.pk, 120)
    notification_emails_recover()
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.FAILED and len(mail.outbox) == 1


def test_an_email_whose_send_failed_or_whose_message_was_lost_is_sent_once(user, settings):
    settings.EMAIL_REQUEUE_SECONDS = 60
    notification = email_notification(user)
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=OSError("SMTP down")), \
            pytest.raises(OSError):
        notification_email_deliver(notification_id=notification.id)
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.PENDING  # for the retry
    aged(Notification, notification.pk, 120)
    assert notification_emails_recover() == 1
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SENT and len(mail.outbox) == 1

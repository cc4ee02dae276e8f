import pytest
from django.core import mail

from accounts import tasks
from accounts.models import EmailStatus, Notification
from accounts.services import notification_send

pytestmark = pytest.mark.django_db


def test_email_task_sends_once_however_often_it_runs(user):
    notification = notification_send(user=user, type="system", title="Your weekly summary")
    assert notification.email_status == EmailStatus.PENDING  # the task runs only after commit
    assert tasks.notification_email_send.apply(args=[notification.id]).get() is True
    assert tasks.notification_email_send.apply(args=[notification.id]).get() is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email] and "Your weekly summary" in message.subject
    assert "/settings/preferences/" in message.body
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SENT and notification.email_sent_at


def test_email_task_for_a_deleted_notification_does_nothing(user):
    assert tasks.notification_email_send.apply(args=[987654]).get() is False
    assert mail.outbox == []


def test_email_task_is_configured_to_survive_worker_loss():
    assert tasks.notification_email_send.acks_late is True


def test_purge_task_removes_only_expired(user):
    from datetime import timedelta

    from django.utils import timezone

    notification_send(user=user, type="system", title="old", expires_at=timezone.now() - timedelta(days=1))
    notification_send(user=user, type="system", title="new")
    assert tasks.notifications_purge_expired.apply().get() == 1
    assert list(Notification.objects.values_list("title", flat=True)) == ["new"]


def test_announcement_chunk_task_is_idempotent(make_user):
    users = [make_user() for _ in range(3)]
    ids = [u.id for u in users]
    assert tasks.announcement_fan_out.apply(args=["k1", ids, "Hello all", "", ""]).get() == 3
    assert tasks.announcement_fan_out.apply(args=["k1", ids, "Hello all", "", ""]).get() == 0
    assert Notification.objects.filter(title="Hello all").count() == 3

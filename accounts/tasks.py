"""Celery tasks: take ids, re-fetch, call a service. Safe to run twice."""

from celery import shared_task

from config.celery import DATABASE_UNAVAILABLE

from . import services


# An SMTP server that refuses or drops the connection (OSError), or the database, retried.
@shared_task(bind=True, acks_late=True, autoretry_for=(OSError, *DATABASE_UNAVAILABLE))
def notification_email_send(self, notification_id: int) -> bool:
    return services.notification_email_deliver(notification_id=notification_id)


@shared_task(acks_late=True)
def announcement_fan_out(key: str, user_ids: list[int], title: str, body: str, url: str) -> int:
    return services.announcement_deliver(key=key, user_ids=user_ids, title=title, body=body, url=url)


@shared_task(acks_late=True)
def notifications_purge_expired() -> int:
    return services.notifications_purge_expired()


@shared_task(acks_late=True)
def notification_emails_recover_task() -> int:
    return services.notification_emails_recover()

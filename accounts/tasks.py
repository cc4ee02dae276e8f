"""Celery tasks: take ids, re-fetch, call a service. Safe to run twice."""

from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True,
             retry_kwargs={"max_retries": 5})
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

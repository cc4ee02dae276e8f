"""Celery tasks of chat bots: one webhook delivery (its attempts and backoff), and the sweep that
finds deliveries whose task was lost."""

import logging

from celery import shared_task

from . import bot_services
from .bot_models import WebhookDeliveryStatus

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=None)
def webhook_delivery_task(self, delivery_id: int) -> str | None:
    """Attempts are counted on the delivery (WEBHOOK_MAX_ATTEMPTS), not by Celery, so that the
    sweep and the retries share one budget; the wait between them is the delivery's backoff."""
    while True:
        delivery = bot_services.webhook_delivery_attempt(delivery_id=delivery_id)
        if delivery is None:
            return None
        if delivery.status != WebhookDeliveryStatus.PENDING:
            return delivery.status
        if self.request.is_eager:
            continue  # embedded mode: no broker to wait in; the attempt budget bounds this
        countdown = max(1.0, (delivery.next_attempt_at - delivery.updated_at).total_seconds())
        raise self.retry(countdown=countdown)


@shared_task(acks_late=True)
def webhook_deliveries_recover_task() -> int:
    return bot_services.webhook_deliveries_recover()

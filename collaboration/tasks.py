from celery import shared_task

from . import services


@shared_task(acks_late=True)
def rooms_expire() -> int:
    return services.rooms_expire()

from celery import shared_task

from . import services


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def resume_parse_task(version_id: int) -> str | None:
    version = services.version_parse(version_id=version_id)
    return version.parse_status if version else None

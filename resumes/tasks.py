import threading

from celery import shared_task
from django.conf import settings
from django.db import connections

from . import services

# Room for the queue wait, then the child's wall-clock limit, then saving.
_TASK_SECONDS = settings.RESUME_PARSE_QUEUE_SECONDS + 2 * settings.RESUME_PARSE_SECONDS + 30


@shared_task(bind=True, acks_late=True, soft_time_limit=_TASK_SECONDS, time_limit=_TASK_SECONDS + 30,
             max_retries=30)
def resume_parse_task(self, version_id: int) -> str | None:
    if self.request.is_eager:
        return _parse_in_this_process(version_id)
    try:
        version = services.version_parse(version_id=version_id)
    except services.ReadersBusy:
        if self.request.retries >= self.max_retries:
            services.version_parse_give_up(version_id=version_id)
            return "failed"
        raise self.retry(countdown=10)  # still queued; another worker may have a free reader then
    return version.parse_status if version else None


def _parse_in_this_process(version_id: int) -> str | None:
    """Embedded mode (no worker): parse now when a reader is free; otherwise answer the upload at
    once (its page shows the queue) and wait for a reader in a thread."""
    try:
        version = services.version_parse(version_id=version_id, wait_seconds=0)
    except services.ReadersBusy:
        threading.Thread(target=_parse_when_a_reader_is_free, args=(version_id,), daemon=True,
                         name=f"resume-parse-{version_id}").start()
        return "queued"
    return version.parse_status if version else None


def _parse_when_a_reader_is_free(version_id: int) -> None:
    try:
        services.version_parse(version_id=version_id, wait_seconds=settings.RESUME_PARSE_EMBEDDED_QUEUE_SECONDS)
    except services.ReadersBusy:
        services.version_parse_give_up(version_id=version_id)
    finally:
        connections.close_all()  # this thread's own connections


@shared_task(acks_late=True)
def versions_recover_task() -> int:
    return services.versions_recover()

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from . import media_services
from .audit import audit_purge_expired

logger = logging.getLogger(__name__)

# Every ffmpeg/ffprobe step at its limit, plus transcribing at worst as long as the recording.
# Longer than CELERY_VISIBILITY_TIMEOUT at the defaults: a job that slow may be handed out twice,
# and the second copy finds it processing and stops (only a queued job runs).
MEDIA_TASK_SECONDS = int(4 * settings.MEDIA_COMMAND_SECONDS + settings.MEDIA_MAX_SECONDS + 60)


@shared_task
def audit_purge_expired_task() -> int:
    return audit_purge_expired()


@shared_task(bind=True, acks_late=True, soft_time_limit=MEDIA_TASK_SECONDS, time_limit=MEDIA_TASK_SECONDS + 30,
             max_retries=None)
def media_process_task(self, asset_id: int) -> str | None:
    """One media job. Attempts are counted on the asset (MEDIA_JOB_ATTEMPTS), not by Celery, so that
    the recovery sweep and the retries share one budget."""
    while True:
        try:
            asset = media_services.media_process(asset_id=asset_id)
        except media_services.MediaJobRetry:
            if self.request.is_eager:
                continue  # embedded mode: no broker to come back through; the attempts bound this
            raise self.retry(countdown=10)
        except SoftTimeLimitExceeded:
            asset = media_services.media_attempt_failed(
                asset_id=asset_id, reason=f"the job took longer than its {MEDIA_TASK_SECONDS} s time limit")
        except Exception as error:  # a bug or an outage: counted as an attempt, never left "processing"
            logger.exception("media job %s crashed", asset_id)
            asset = media_services.media_attempt_failed(asset_id=asset_id,
                                                        reason=f"the job stopped with {type(error).__name__}")
        if asset is not None and asset.status == "queued" and asset.attempts:
            if self.request.is_eager:
                continue
            raise self.retry(countdown=10)
        return asset.status if asset else None


@shared_task(acks_late=True)
def media_recover_task() -> int:
    return media_services.media_recover()

"""Every write of the media pipeline: uploads, the media job and its recovery.

An upload is checked (size, type from the bytes), stored privately and queued; the job (Celery,
core.tasks.media_process_task) reads it with ffprobe/ffmpeg, transcribes it and stores what it
found. Status moves only along MEDIA_TRANSITIONS: queued -> processing -> ready | failed (with a
reason people can read), processing -> queued when an attempt timed out or its worker died."""

import logging
import os
import shutil
import tempfile
from dataclasses import asdict
from datetime import timedelta
from functools import partial
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .exceptions import ApplicationError, Conflict
from .file_storage import unguessable_name
from .lock_objects import lock_media_asset_for_update
from .media_processing import (
    MediaAnalysis,
    MediaCommandTimeout,
    MediaLimits,
    MediaRejected,
    analyse_media,
    check_upload,
    speaking_measures,
)
from .media_processing.speech import NO_AUDIO, NOT_REQUESTED, SpeakingMeasures
from .models import MEDIA_TRANSITIONS, MediaAsset, MediaStatus
from .realtime import publish_on_commit
from .recovery import requeue_lost
from .speech_gateway import SpeechResult, speech_transcribe

logger = logging.getLogger(__name__)

PURPOSES = ("recording", "interview_answer", "interview_session", "chat_attachment", "voice_message")


class MediaRefused(ApplicationError):
    code = "media_refused"


class MediaJobRetry(Exception):
    """This attempt could not finish (a time limit, a storage error): the task tries again later."""


def media_limits() -> MediaLimits:
    return MediaLimits(max_bytes=settings.MEDIA_MAX_UPLOAD_BYTES, max_seconds=settings.MEDIA_MAX_SECONDS,
                       command_seconds=settings.MEDIA_COMMAND_SECONDS)


def media_group(asset_id: int) -> str:
    """Every socket following one media job (core.media_consumers)."""
    return f"media.{asset_id}"


def media_event(asset: MediaAsset) -> dict:
    return {"type": "media.status", "media": asset.id, "status": asset.status, "stage": asset.stage,
            "progress": asset.progress, "failure_code": asset.failure_code, "failure_reason": asset.failure_reason}


def _move(asset: MediaAsset, to: str) -> None:
    if to not in MEDIA_TRANSITIONS[MediaStatus(asset.status)]:
        raise Conflict(f"A {asset.status} media job cannot become {to}.", code="media_bad_transition")
    asset.status = to


def _publish(asset: MediaAsset) -> None:
    event = media_event(asset)
    publish_on_commit(media_group(asset.id), event)


def _safe_name(name: str) -> str:
    base = PurePosixPath(name.replace("\\", "/")).name
    return "".join(ch for ch in base if ch.isalnum() or ch in " .-_")[:120].strip() or "recording"


@transaction.atomic
def media_upload(*, owner, upload, purpose: str = "recording", transcribe: bool = True) -> MediaAsset:
    """Store an uploaded recording privately and queue its media job (after commit). Refuses, storing
    nothing, a file over MEDIA_MAX_UPLOAD_BYTES or one whose bytes are not audio or video."""
    if purpose not in PURPOSES:
        raise MediaRefused(f"Unknown purpose {purpose!r}.", code="invalid_purpose", details={"purpose": list(PURPOSES)})
    size = getattr(upload, "size", None) or 0
    upload.seek(0)
    head = upload.read(65536)
    try:
        container = check_upload(head, size, media_limits())
    except MediaRejected as refusal:
        raise MediaRefused(refusal.message, code=refusal.code, details={"max_bytes": settings.MEDIA_MAX_UPLOAD_BYTES})
    upload.seek(0)
    asset = MediaAsset(owner=owner, purpose=purpose, container=container.name, content_type=container.content_type,
                       size_bytes=size, transcribe=transcribe, original_name=_safe_name(getattr(upload, "name", "")),
                       status=MediaStatus.QUEUED, stage="queued")
    asset.file.save(unguessable_name("media", f"x.{container.extension}"), File(upload), save=False)
    asset.save()
    _enqueue(asset.id)
    _publish(asset)
    return asset


def _enqueue(asset_id: int) -> None:
    from .tasks import media_process_task

    transaction.on_commit(partial(media_process_task.delay, asset_id), robust=True)


def _claim(asset_id: int) -> MediaAsset | None:
    """queued -> processing, once: a duplicate message finds it processing (or done) and stops."""
    with transaction.atomic():
        asset = lock_media_asset_for_update(asset_id)
        if asset is None or asset.status != MediaStatus.QUEUED:
            return None
        _move(asset, MediaStatus.PROCESSING)
        asset.attempts += 1
        asset.stage, asset.progress = "starting", 5
        asset.failure_code = asset.failure_reason = ""
        asset.processing_started_at = timezone.now()
        asset.save()
        _publish(asset)
    return asset


def _progress(asset_id: int, stage: str, percent: int) -> None:
    # Also the job's heartbeat: updated_at moves, so the recovery sweep leaves a live job alone.
    with transaction.atomic():
        MediaAsset.objects.filter(id=asset_id, status=MediaStatus.PROCESSING).update(
            stage=stage, progress=percent, updated_at=timezone.now())
        publish_on_commit(media_group(asset_id), {"type": "media.status", "media": asset_id,
                                                  "status": MediaStatus.PROCESSING, "stage": stage,
                                                  "progress": percent, "failure_code": "", "failure_reason": ""})


def media_process(*, asset_id: int) -> MediaAsset | None:
    """Run the media job of one asset (idempotent: anything not queued is left alone). A refusal
    (corrupt, too long) marks it failed with its reason; a time limit or storage error raises
    MediaJobRetry after putting it back in the queue, or marks it failed after MEDIA_JOB_ATTEMPTS."""
    asset = _claim(asset_id)
    if asset is None:
        return MediaAsset.objects.filter(id=asset_id).first()
    workdir = tempfile.mkdtemp(prefix="prepforge-media-")
    try:
        source = os.path.join(workdir, f"source.{asset.container}")
        with asset.file.open("rb") as stored, open(source, "wb") as local:  # S3 too: ffmpeg reads a local copy
            shutil.copyfileobj(stored, local, 1 << 20)
        analysis = analyse_media(source, workdir=workdir, limits=media_limits(),
                                 progress=partial(_progress, asset.id))
        speech, measures = None, None
        if asset.transcribe and analysis.activity is not None:
            _progress(asset.id, "transcribing", 70)
            speech = speech_transcribe(pcm=analysis.pcm, activity=analysis.activity, user=asset.owner)
            measures = speaking_measures(analysis.activity, speech.transcript)
        _progress(asset.id, "saving", 95)
        return _finish(asset.id, analysis, speech, measures)
    except MediaRejected as refusal:
        return media_fail(asset_id=asset.id, code=refusal.code, reason=refusal.message)
    except (MediaCommandTimeout, OSError) as error:
        # A limit hit or storage that did not answer: maybe the machine was busy; try again.
        return _retry_or_fail(asset.id, code="timeout" if isinstance(error, MediaCommandTimeout) else "storage_error",
                              reason=str(error)[:300])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _finish(asset_id: int, analysis: MediaAnalysis, speech: SpeechResult | None,
            measures: SpeakingMeasures | None) -> MediaAsset | None:
    with transaction.atomic():
        asset = lock_media_asset_for_update(asset_id)
        if asset is None or asset.status != MediaStatus.PROCESSING:
            return asset  # deleted, or the sweep gave it to another worker meanwhile
        info = analysis.info
        asset.kind = info.kind
        asset.duration_seconds = info.duration
        asset.probe = info.as_dict()
        asset.waveform = analysis.waveform
        if analysis.poster_path:
            with open(analysis.poster_path, "rb") as poster:
                asset.poster.save(unguessable_name("media", "p.jpg"), File(poster), save=False)
        asset.web_copy_reason = analysis.web_plan.reason
        if analysis.web_copy_path:
            with open(analysis.web_copy_path, "rb") as copy:
                asset.web_copy.save(unguessable_name("media", f"w.{analysis.web_plan.container}"), File(copy),
                                    save=False)
            asset.web_content_type = analysis.web_plan.content_type
        else:
            asset.web_content_type = asset.content_type if info.video else asset.content_type.replace("video/", "audio/")
        if analysis.activity is None:
            asset.transcript_status = NO_AUDIO
        elif not asset.transcribe or measures is None:
            asset.transcript_status = NOT_REQUESTED
        else:
            asset.transcript_status = measures.status
            transcript = speech.transcript if speech else None
            # Only a transcript that was judged real is kept: never words guessed into silence or noise.
            if transcript is not None and measures.status == "transcribed":
                asset.transcript = transcript.text
                asset.transcript_words = [asdict(word) for word in transcript.words]
            asset.transcript_engine = speech.engine if speech else ""
            asset.transcript_fallback_reason = speech.fallback_reason[:500] if speech else ""
            asset.speaking = measures.as_dict()
        _move(asset, MediaStatus.READY)
        asset.stage, asset.progress = "ready", 100
        asset.processed_at = timezone.now()
        asset.save()
        _publish(asset)
    return asset


def media_fail(*, asset_id: int, code: str, reason: str) -> MediaAsset | None:
    """Mark a job failed with a reason the owner sees (from queued or processing)."""
    with transaction.atomic():
        asset = lock_media_asset_for_update(asset_id)
        if asset is None or asset.status in (MediaStatus.READY, MediaStatus.FAILED):
            return asset
        _move(asset, MediaStatus.FAILED)
        asset.failure_code, asset.failure_reason = code[:40], reason[:500]
        asset.stage, asset.processed_at = "failed", timezone.now()
        asset.save()
        _publish(asset)
    logger.info("media job %s failed: %s %s", asset_id, code, reason)
    return asset


def _retry_or_fail(asset_id: int, *, code: str, reason: str) -> MediaAsset | None:
    with transaction.atomic():
        asset = lock_media_asset_for_update(asset_id)
        if asset is None or asset.status != MediaStatus.PROCESSING:
            return asset
        if asset.attempts >= settings.MEDIA_JOB_ATTEMPTS:
            _move(asset, MediaStatus.FAILED)
            asset.failure_code = code
            asset.failure_reason = (f"Processing did not finish after {asset.attempts} attempt(s): {reason}")[:500]
            asset.stage, asset.processed_at = "failed", timezone.now()
        else:
            _move(asset, MediaStatus.QUEUED)
            asset.stage, asset.progress = "waiting to retry", 0
            asset.failure_code, asset.failure_reason = code, reason[:500]
        asset.save()
        _publish(asset)
    if asset.status == MediaStatus.QUEUED:
        raise MediaJobRetry(reason)
    return asset


def media_attempt_failed(*, asset_id: int, reason: str) -> MediaAsset | None:
    """The task's own time limit or an unexpected error ended an attempt: queue it again or give up."""
    try:
        return _retry_or_fail(asset_id, code="job_error", reason=reason)
    except MediaJobRetry:
        return MediaAsset.objects.filter(id=asset_id).first()


@transaction.atomic
def media_requeue(*, asset: MediaAsset) -> MediaAsset:
    """The owner asks for a failed job to run again (after a timeout on a busy machine, say)."""
    asset = lock_media_asset_for_update(asset.id) or asset
    _move(asset, MediaStatus.QUEUED)
    asset.attempts, asset.stage, asset.progress = 0, "queued", 0
    asset.failure_code = asset.failure_reason = ""
    asset.save()
    _enqueue(asset.id)
    _publish(asset)
    return asset


def _stall_seconds() -> float:
    # The longest one stage may go without a heartbeat (a command's time limit, or transcribing at
    # worst as long as the recording), plus room.
    return max(settings.MEDIA_COMMAND_SECONDS * 2, settings.MEDIA_MAX_SECONDS) + settings.MEDIA_REQUEUE_SECONDS


def media_recover(*, now=None, limit: int = 200) -> int:
    """Media jobs the queue lost, found from the database (Celery beat, every RECOVERY_SWEEP_SECONDS):
    jobs "processing" with no heartbeat for longer than any stage takes (their worker died) go
    back to the queue, or fail when out of attempts; jobs queued for longer than
    MEDIA_REQUEUE_SECONDS are queued again. A duplicate message is harmless: only a queued job runs."""
    from .tasks import media_process_task

    now = now or timezone.now()
    found = 0
    stalled = MediaAsset.objects.filter(status=MediaStatus.PROCESSING,
                                        updated_at__lt=now - timedelta(seconds=_stall_seconds()))
    for asset_id in stalled.order_by("id").values_list("id", flat=True)[:limit]:
        asset = media_attempt_failed(asset_id=asset_id, reason="the worker stopped while processing it")
        if asset is not None and asset.status == MediaStatus.QUEUED:
            transaction.on_commit(partial(media_process_task.delay, asset_id), robust=True)
            found += 1
    waiting = MediaAsset.objects.filter(Q(status=MediaStatus.QUEUED),
                                        updated_at__lt=now - timedelta(seconds=settings.MEDIA_REQUEUE_SECONDS))
    found += requeue_lost(waiting, media_process_task, now=now, limit=limit)
    if found:
        logger.warning("re-queued %d media job(s) the queue had lost", found)
    return found


@transaction.atomic
def media_delete(*, asset: MediaAsset) -> None:
    """The asset and its files (after commit, so that a rollback keeps them)."""
    names = [field.name for field in (asset.file, asset.poster, asset.web_copy) if field]
    storage = asset.file.storage
    asset.delete()
    for name in names:
        transaction.on_commit(partial(storage.delete, name), robust=True)

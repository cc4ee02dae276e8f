"""Every write of the media pipeline: uploads, the media job and its recovery.

An upload is checked (size, type from the bytes), stored privately and queued; the job (Celery,
core.tasks.media_process_task) reads it with ffprobe/ffmpeg, transcribes it and stores what it
found. Status moves only along MEDIA_TRANSITIONS: queued -> processing -> ready | failed (with a
reason people can read), processing -> queued when an attempt timed out or its worker died."""

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
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
from .limited_child import ChildBusy, ChildLimits, ChildTimeout, run_limited_child
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
from .media_processing.images import ImageRefused, image_header_size, sniff_image
from .media_processing.sniffing import NotMedia, sniff_container
from .media_processing.speech import NO_AUDIO, NOT_REQUESTED, SpeakingMeasures
from .models import MEDIA_TRANSITIONS, MediaAsset, MediaStatus
from .realtime import publish_on_commit
from .recovery import requeue_lost
from .speech_gateway import SpeechResult, speech_transcribe

logger = logging.getLogger(__name__)

PURPOSES = ("recording", "interview_answer", "interview_session", "chat_attachment", "voice_message")


class MediaRefused(ApplicationError):
    code = "media_refused"


class MediaTooLarge(MediaRefused):
    code = "file_too_large"
    status_code = 413


class MediaJobRetry(Exception):
    """This attempt could not finish (a time limit, a storage error): the task tries again later."""


def media_limits() -> MediaLimits:
    return MediaLimits(max_bytes=settings.MEDIA_MAX_UPLOAD_BYTES, max_seconds=settings.MEDIA_MAX_SECONDS,
                       command_seconds=settings.MEDIA_COMMAND_SECONDS)


# Containers that hold sound only: an upload in one of them counts as audio before it is probed.
AUDIO_CONTAINERS = {"ogg", "wav", "mp3", "flac", "aac"}


@dataclass(frozen=True)
class UploadType:
    """What an upload is, from its first bytes: `kind` is image, audio, video (audio and video
    until the job probes it) or file (anything else, kept as bytes and only ever downloaded)."""

    kind: str
    container: str
    content_type: str
    extension: str


def _generic_file_label(head: bytes) -> str:
    # Only a label for people ("PDF document", "Program"): a generic file is always served as
    # application/octet-stream, as a download, whatever it is.
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\x7fELF") or head[:2] == b"MZ" or head[:4] in (
            b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe"):
        return "executable"
    if head.startswith(b"#!"):
        return "script"
    try:
        head[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "binary"
    return "text"


def media_sniff(head: bytes, *, accept_images: bool = False, accept_files: bool = False) -> UploadType:
    """The type of an upload from its first bytes (never its name or declared type). Raises
    MediaRefused for what the caller does not accept."""
    if accept_images:
        image = sniff_image(head)
        if image is not None:
            return UploadType("image", image.name, image.content_type, image.extension)
    try:
        container = sniff_container(head)
    except NotMedia as refusal:
        if accept_files and head:
            return UploadType("file", _generic_file_label(head), "application/octet-stream", "bin")
        raise MediaRefused(refusal.message, code=refusal.code)
    kind = "audio" if container.name in AUDIO_CONTAINERS else "video"
    return UploadType(kind, container.name, container.content_type, container.extension)


# Told when an asset of their purpose becomes ready or failed, inside the transaction that moved
# it, with the asset row locked (so a listener locks only rows that come after core.MediaAsset in
# core.locks). The apps that attach media (chat) register here; core knows none of them.
_finished_listeners: dict[str, list[Callable[[MediaAsset], None]]] = {}


def media_listen(purpose: str, listener: Callable[[MediaAsset], None]) -> None:
    if purpose not in PURPOSES:
        raise ValueError(f"Unknown media purpose {purpose!r}")
    listeners = _finished_listeners.setdefault(purpose, [])
    if listener not in listeners:
        listeners.append(listener)


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
    if asset.status in (MediaStatus.READY, MediaStatus.FAILED):
        for listener in _finished_listeners.get(asset.purpose, ()):
            listener(asset)


def _safe_name(name: str) -> str:
    base = PurePosixPath(name.replace("\\", "/")).name
    return "".join(ch for ch in base if ch.isalnum() or ch in " .-_")[:120].strip() or "recording"


@transaction.atomic
def media_upload(*, owner, upload, purpose: str = "recording", transcribe: bool = True, accept_images: bool = False,
                 accept_files: bool = False, max_bytes: Mapping[str, int] | None = None) -> MediaAsset:
    """Store an upload privately and queue its media job (after commit). Refuses, storing nothing, a
    file over its kind's limit (`max_bytes` by kind; MEDIA_MAX_UPLOAD_BYTES without it) or one whose
    bytes are not audio or video (nor, when accepted, an image; any other file is accepted as a
    plain file only with `accept_files`, and is ready at once: no job reads it). An image declaring
    more than MEDIA_IMAGE_MAX_PIXELS is refused from its header, before anything is decoded."""
    if purpose not in PURPOSES:
        raise MediaRefused(f"Unknown purpose {purpose!r}.", code="invalid_purpose", details={"purpose": list(PURPOSES)})
    size = getattr(upload, "size", None) or 0
    upload.seek(0)
    head = upload.read(65536)
    if max_bytes is None:
        try:
            container = check_upload(head, size, media_limits())
        except MediaRejected as refusal:
            raise MediaRefused(refusal.message, code=refusal.code, details={"max_bytes": settings.MEDIA_MAX_UPLOAD_BYTES})
        found = UploadType("audio" if container.name in AUDIO_CONTAINERS else "video", container.name,
                           container.content_type, container.extension)
    else:
        if not head:
            raise MediaRefused("The file is empty.", code="empty_file")
        found = media_sniff(head, accept_images=accept_images, accept_files=accept_files)
        limit = max_bytes[found.kind]
        if size > limit:
            raise MediaTooLarge(f"This {found.kind} is {size / 1048576:.1f} MB; the largest {found.kind} we take is "
                                f"{limit / 1048576:g} MB.", details={"kind": found.kind, "max_bytes": limit,
                                                                      "size_bytes": size})
    probe: dict = {}
    if found.kind == "image":
        upload.seek(0)
        image = sniff_image(head)
        assert image is not None
        try:
            width, height = image_header_size(upload, image, settings.MEDIA_IMAGE_MAX_PIXELS)
        except ImageRefused as refusal:
            raise MediaRefused(refusal.message, code=refusal.code,
                               details={"max_pixels": settings.MEDIA_IMAGE_MAX_PIXELS})
        probe = {"width": width, "height": height, "format": image.name}
    upload.seek(0)
    ready_at_once = found.kind == "file"
    asset = MediaAsset(owner=owner, purpose=purpose, container=found.container, content_type=found.content_type,
                       size_bytes=size, transcribe=transcribe and found.kind in ("audio", "video"),
                       original_name=_safe_name(getattr(upload, "name", "")), probe=probe,
                       kind=found.kind if found.kind in ("image", "file") else "",
                       status=MediaStatus.READY if ready_at_once else MediaStatus.QUEUED,
                       stage="ready" if ready_at_once else "queued", progress=100 if ready_at_once else 0,
                       processed_at=timezone.now() if ready_at_once else None,
                       web_content_type=found.content_type if ready_at_once else "")
    asset.file.save(unguessable_name("media", f"x.{found.extension}"), File(upload), save=False)
    asset.save()
    if not ready_at_once:
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
    if asset.kind == "image":
        return _process_image(asset)
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
        if analysis.web_plan.action == "strip":
            # The original played as it was: its copy without metadata (a GPS position, the device)
            # replaces it, so that nothing served, and nothing kept, carries that.
            original = asset.file.name
            with open(analysis.web_copy_path, "rb") as copy:
                asset.file.save(unguessable_name("media", f"s.{analysis.web_plan.container}"), File(copy), save=False)
            asset.size_bytes = os.path.getsize(analysis.web_copy_path)
            transaction.on_commit(partial(asset.file.storage.delete, original), robust=True)
            asset.web_content_type = asset.content_type if info.video else asset.content_type.replace("video/", "audio/")
        else:
            with open(analysis.web_copy_path, "rb") as copy:
                asset.web_copy.save(unguessable_name("media", f"w.{analysis.web_plan.container}"), File(copy),
                                    save=False)
            asset.web_content_type = analysis.web_plan.content_type
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


def image_child_limits() -> ChildLimits:
    return ChildLimits(seconds=settings.MEDIA_IMAGE_DECODE_SECONDS, memory_bytes=settings.MEDIA_IMAGE_DECODE_MEMORY,
                       max_file_bytes=settings.MEDIA_IMAGE_MAX_OUTPUT_BYTES,
                       concurrency=settings.MEDIA_IMAGE_DECODE_CONCURRENCY, lock_dir=settings.MEDIA_IMAGE_DECODE_LOCK_DIR,
                       queue_seconds=settings.MEDIA_IMAGE_DECODE_QUEUE_SECONDS)


def _process_image(asset: MediaAsset) -> MediaAsset | None:
    """An image's job: decoded only in the limited child (core.media_processing.image_worker),
    which writes the upright image re-encoded without metadata and a thumbnail. The stored
    original (with its EXIF, GPS position included) is replaced by that copy, so that nothing
    served, and nothing kept, carries it."""
    workdir = tempfile.mkdtemp(prefix="prepforge-image-")
    try:
        _progress(asset.id, "decoding", 30)
        with asset.file.open("rb") as stored:
            data = stored.read(settings.MEDIA_IMAGE_MAX_INPUT_BYTES + 1)
        finished = run_limited_child(
            "core.media_processing.image_worker",
            [asset.container, str(settings.MEDIA_IMAGE_MAX_PIXELS), str(settings.MEDIA_THUMBNAIL_SIDE), workdir],
            stdin=data, limits=image_child_limits())
        report = _child_report(finished.stdout)
        if finished.returncode != 0 or report is None:
            return media_fail(asset_id=asset.id, code="image_unprocessable",
                              reason="This image could not be processed (it may be damaged or too complex).")
        if not report.get("ok"):
            return media_fail(asset_id=asset.id, code=str(report.get("code", "corrupt_image")),
                              reason=str(report.get("message", "The image cannot be decoded.")))
        written = sniff_image(open(os.path.join(workdir, "image"), "rb").read(64))
        # A still GIF is kept as PNG; an animated one stays a GIF.
        if written is None or written.name not in ({"png", "gif"} if asset.container == "gif" else {asset.container}):
            return media_fail(asset_id=asset.id, code="image_unprocessable",
                              reason="This image could not be processed (the decoder wrote something unexpected).")
        _progress(asset.id, "saving", 90)
        return _finish_image(asset.id, report, os.path.join(workdir, "image"), os.path.join(workdir, "thumbnail"))
    except ChildTimeout:
        return _retry_or_fail(asset.id, code="timeout", reason="decoding the image took too long")
    except ChildBusy:
        return _retry_or_fail(asset.id, code="busy", reason="every image decoder stayed busy")
    except OSError as error:
        return _retry_or_fail(asset.id, code="storage_error", reason=str(error)[:300])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _child_report(stdout: bytes) -> dict | None:
    try:
        report = json.loads(stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError, UnicodeDecodeError):
        return None
    return report if isinstance(report, dict) else None


def _finish_image(asset_id: int, report: dict, image_path: str, thumbnail_path: str) -> MediaAsset | None:
    with transaction.atomic():
        asset = lock_media_asset_for_update(asset_id)
        if asset is None or asset.status != MediaStatus.PROCESSING:
            return asset
        original = asset.file.name
        image = sniff_image(open(image_path, "rb").read(64))  # a still GIF becomes PNG
        assert image is not None  # checked by _process_image
        with open(image_path, "rb") as copy:
            asset.file.save(unguessable_name("media", f"i.{image.extension}"), File(copy), save=False)
        with open(thumbnail_path, "rb") as thumb:
            asset.poster.save(unguessable_name("media", "t.jpg"), File(thumb), save=False)
        storage = asset.file.storage
        transaction.on_commit(partial(storage.delete, original), robust=True)
        asset.container, asset.content_type = image.name, image.content_type
        asset.web_content_type = image.content_type
        asset.size_bytes = os.path.getsize(image_path)
        asset.probe = {**asset.probe, "width": report["width"], "height": report["height"],
                       "thumbnail_width": report["thumbnail_width"], "thumbnail_height": report["thumbnail_height"],
                       "frames": int(report.get("frames") or 1), "metadata_removed": True}
        asset.transcript_status = NO_AUDIO
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

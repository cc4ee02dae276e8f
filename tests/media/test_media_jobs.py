"""The media job end to end on real files: services, the Celery task (eager here), retries, the
state machine and the recovery sweep."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core import media_services
from core.exceptions import Conflict
from core.media_services import (
    MediaRefused,
    media_process,
    media_recover,
    media_requeue,
    media_upload,
)
from core.models import AICall, MediaAsset, MediaStatus
from core.tasks import media_process_task

from .recordings import SENTENCE_WORDS, needs_festival

pytestmark = pytest.mark.django_db


def upload_file(path: Path, *, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


@pytest.fixture
def events(monkeypatch):
    """Every real-time event sent, as (group, event)."""
    sent = []
    monkeypatch.setattr("core.realtime.publish_now", lambda group, event: sent.append((group, event)))
    return sent


def upload_and_process(user, path, django_capture_on_commit_callbacks, **kwargs) -> MediaAsset:
    with django_capture_on_commit_callbacks(execute=True):
        asset = media_upload(owner=user, upload=upload_file(path, name=kwargs.pop("name", None)), **kwargs)
    asset.refresh_from_db()
    return asset


@needs_festival
def test_a_spoken_answer_becomes_a_transcript_with_speaking_measures(
        user, recordings, django_capture_on_commit_callbacks, events, settings):
    settings.AI_BASE_URL = ""
    asset = upload_and_process(user, recordings["speech_wav"], django_capture_on_commit_callbacks,
                               purpose="interview_answer")
    assert asset.status == MediaStatus.READY, asset.failure_reason
    assert (asset.kind, asset.container, asset.attempts, asset.progress) == ("audio", "wav", 1, 100)
    assert 4 < asset.duration_seconds < 8 and asset.probe["streams"][0]["codec"] == "pcm_s16le"
    heard = asset.transcript.split()
    assert sum(word in heard for word in SENTENCE_WORDS) >= 0.6 * len(SENTENCE_WORDS), asset.transcript
    assert asset.transcript_status == "transcribed" and asset.transcript_engine == "offline"
    assert asset.transcript_words[0].keys() == {"text", "start", "end", "confidence"}
    assert asset.speaking["words_per_minute"] > 60 and asset.speaking["filler_count"] == 0
    assert asset.web_copy and asset.web_content_type == "audio/webm" and not asset.poster
    assert len(asset.waveform["peaks"]) > 50
    with asset.web_copy.open("rb") as copy:
        assert copy.read(4) == b"\x1a\x45\xdf\xa3"
    assert AICall.objects.get(task="transcribe").engine == "offline"

    statuses = [(e["status"], e["stage"]) for group, e in events if group == f"media.{asset.id}"]
    assert statuses[0] == ("queued", "queued") and statuses[-1] == ("ready", "ready")
    assert ("processing", "transcribing") in statuses and ("processing", "web copy") in statuses
    progress = [e["progress"] for _, e in events]
    assert progress == sorted(progress)  # it only moves forward
    assert not any(group.startswith("user.") for group, _ in events)  # only the job's followers


@needs_festival
def test_a_video_answer_gets_a_poster_and_a_seekable_copy(user, recordings, django_capture_on_commit_callbacks):
    asset = upload_and_process(user, recordings["recorder_webm"], django_capture_on_commit_callbacks)
    assert asset.status == MediaStatus.READY and asset.kind == "video"
    assert asset.poster and asset.web_copy and asset.web_content_type == "video/webm"
    assert "no duration" in asset.web_copy_reason and asset.transcript_status == "transcribed"


def test_silence_is_ready_and_says_silent_without_asking_any_engine(user, recordings,
                                                                     django_capture_on_commit_callbacks):
    asset = upload_and_process(user, recordings["silence_webm"], django_capture_on_commit_callbacks)
    assert asset.status == MediaStatus.READY
    assert asset.transcript_status == "silent" and asset.transcript == "" and asset.transcript_words == []
    assert "No voice" in asset.speaking["explanation"]
    assert not AICall.objects.exists()


def test_a_corrupt_file_fails_with_its_reason(user, recordings, django_capture_on_commit_callbacks, events):
    asset = upload_and_process(user, recordings["corrupt_webm"], django_capture_on_commit_callbacks)
    assert asset.status == MediaStatus.FAILED and asset.failure_code == "corrupt_file"
    assert "damaged" in asset.failure_reason and asset.attempts == 1  # a refusal is not retried
    assert events[-1][1]["status"] == "failed" and events[-1][1]["failure_reason"] == asset.failure_reason


def test_too_long_fails_with_the_limit(user, recordings, django_capture_on_commit_callbacks, settings):
    settings.MEDIA_MAX_SECONDS = 10
    asset = upload_and_process(user, recordings["long_mp3"], django_capture_on_commit_callbacks)
    assert (asset.status, asset.failure_code) == (MediaStatus.FAILED, "too_long")
    assert asset.failure_reason == "The recording is 12 s long; the limit is 10 s."


def test_wrong_type_and_oversize_are_refused_at_upload_and_nothing_is_stored(user, recordings, settings):
    with pytest.raises(MediaRefused) as refused:
        media_upload(owner=user, upload=upload_file(recordings["pdf_named_mp3"]))
    assert refused.value.code == "unsupported_type"
    settings.MEDIA_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(MediaRefused) as refused:
        media_upload(owner=user, upload=upload_file(recordings["long_mp3"]))
    assert refused.value.code == "file_too_large" and refused.value.details["max_bytes"] == 1000
    with pytest.raises(MediaRefused) as refused:
        media_upload(owner=user, upload=upload_file(recordings["silence_webm"]), purpose="nonsense")
    assert refused.value.code == "invalid_purpose"
    assert not MediaAsset.objects.exists()
    assert not list(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.*"))


def test_a_hanging_job_is_retried_then_failed_with_the_reason(user, recordings, django_capture_on_commit_callbacks,
                                                                settings, events):
    settings.MEDIA_COMMAND_SECONDS = 0.001  # every ffprobe run is past its limit
    asset = upload_and_process(user, recordings["silence_webm"], django_capture_on_commit_callbacks)
    assert asset.status == MediaStatus.FAILED and asset.failure_code == "timeout"
    assert asset.attempts == settings.MEDIA_JOB_ATTEMPTS == 3
    assert asset.failure_reason.startswith("Processing did not finish after 3 attempt(s): ffprobe took longer than")
    assert [e["stage"] for _, e in events].count("waiting to retry") == 2


def test_a_crashing_job_is_never_left_processing(user, recordings, django_capture_on_commit_callbacks, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(media_services, "analyse_media", crash)
    asset = upload_and_process(user, recordings["silence_webm"], django_capture_on_commit_callbacks)
    assert (asset.status, asset.failure_code, asset.attempts) == (MediaStatus.FAILED, "job_error", 3)
    assert "stopped with RuntimeError" in asset.failure_reason


def test_the_job_is_idempotent(user, recordings, django_capture_on_commit_callbacks):
    asset = upload_and_process(user, recordings["silence_webm"], django_capture_on_commit_callbacks)
    before = (asset.updated_at, asset.attempts, asset.waveform)
    assert media_process_task.delay(asset.id).get() == "ready"  # a duplicate message changes nothing
    asset.refresh_from_db()
    assert (asset.updated_at, asset.attempts, asset.waveform) == before
    # One being processed right now is left to its worker.
    MediaAsset.objects.filter(id=asset.id).update(status=MediaStatus.PROCESSING)
    assert media_process(asset_id=asset.id).status == MediaStatus.PROCESSING
    assert media_process(asset_id=987654) is None


def test_transitions_are_checked(user, recordings, django_capture_on_commit_callbacks):
    asset = upload_and_process(user, recordings["silence_webm"], django_capture_on_commit_callbacks)
    with pytest.raises(Conflict):
        media_requeue(asset=asset)  # ready: nothing to redo
    MediaAsset.objects.filter(id=asset.id).update(status=MediaStatus.FAILED, failure_code="timeout")
    asset.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        media_requeue(asset=asset)
    asset.refresh_from_db()
    assert asset.status == MediaStatus.READY and asset.failure_code == "" and asset.attempts == 1


def test_the_recovery_sweep_finishes_a_killed_workers_job(user, recordings, django_capture_on_commit_callbacks,
                                                          monkeypatch):
    monkeypatch.setattr(media_process_task, "delay", lambda *args: None)  # the message is lost
    stalled = media_upload(owner=user, upload=upload_file(recordings["silence_webm"]))
    waiting = media_upload(owner=user, upload=upload_file(recordings["noise_ogg"]), transcribe=False)
    live = media_upload(owner=user, upload=upload_file(recordings["silence_webm"]))
    long_ago = timezone.now() - timedelta(hours=1)
    # A worker took `stalled` (one attempt) and died; `waiting` was never picked up; `live` is being
    # processed right now (its heartbeat is fresh).
    MediaAsset.objects.filter(id=stalled.id).update(status=MediaStatus.PROCESSING, attempts=1, updated_at=long_ago)
    MediaAsset.objects.filter(id=waiting.id).update(updated_at=long_ago)
    MediaAsset.objects.filter(id=live.id).update(status=MediaStatus.PROCESSING, attempts=1)
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert media_recover() == 2
    for asset in (stalled, waiting, live):
        asset.refresh_from_db()
    assert stalled.status == MediaStatus.READY and stalled.attempts == 2
    assert waiting.status == MediaStatus.READY and waiting.transcript_status == "not_requested"
    assert live.status == MediaStatus.PROCESSING
    assert media_recover() == 0  # nothing else is lost


def test_a_stalled_job_out_of_attempts_fails(user, recordings, monkeypatch, settings):
    monkeypatch.setattr(media_process_task, "delay", lambda *args: None)
    asset = media_upload(owner=user, upload=upload_file(recordings["silence_webm"]))
    MediaAsset.objects.filter(id=asset.id).update(status=MediaStatus.PROCESSING, attempts=3,
                                                  updated_at=timezone.now() - timedelta(hours=1))
    assert media_recover() == 0
    asset.refresh_from_db()
    assert asset.status == MediaStatus.FAILED and "worker stopped" in asset.failure_reason


def test_deleting_removes_every_file(user, recordings, django_capture_on_commit_callbacks, settings):
    asset = upload_and_process(user, recordings["mov"], django_capture_on_commit_callbacks)
    names = [asset.file.name, asset.poster.name, asset.web_copy.name]
    assert all(names) and all((Path(settings.PRIVATE_MEDIA_ROOT) / n).exists() for n in names)
    with django_capture_on_commit_callbacks(execute=True):
        media_services.media_delete(asset=asset)
    assert not any((Path(settings.PRIVATE_MEDIA_ROOT) / n).exists() for n in names)

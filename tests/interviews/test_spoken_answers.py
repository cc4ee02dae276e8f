"""Spoken answers: a recording (made by Festival's text2wave and ffmpeg, run through the real
media job) answers the open question with its transcript and speaking measures; silence gets
"not enough evidence" with its reason; someone else's recording is a 404; a failed or unfinished
one is refused clearly, in the services and through the REST API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.exceptions import Conflict, NotFound, ValidationFailed
from core.media_services import media_upload
from core.models import MediaAsset, MediaStatus
from interviews import services
from interviews.models import InterviewTurn
from tests.media.recordings import SENTENCE_WORDS, needs_festival

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(bank, user):
    return services.session_start(user=user, interview_type="technical", difficulty="medium", length=3)


def processed(owner, path, django_capture_on_commit_callbacks) -> MediaAsset:
    with django_capture_on_commit_callbacks(execute=True):
        asset = media_upload(owner=owner, upload=SimpleUploadedFile(path.name, path.read_bytes()),
                             purpose="interview_answer")
    asset.refresh_from_db()
    return asset


def stored(owner, **fields) -> MediaAsset:
    """A recording row in a given state (what the job wrote is not what these tests are about)."""
    values = {"file": "media/x.webm", "container": "webm", "content_type": "audio/webm", "size_bytes": 1000,
              "status": MediaStatus.READY, "transcript_status": "transcribed", "kind": "audio"} | fields
    return MediaAsset.objects.create(owner=owner, **values)


def open_turn(session) -> InterviewTurn:
    return session.turns.filter(answered_at__isnull=True).get()


@needs_festival
def test_a_recording_answers_with_its_transcript_and_speaking_measures(
        session, user, recordings, django_capture_on_commit_callbacks, settings):
    settings.AI_BASE_URL = ""
    asset = processed(user, recordings["speech_wav"], django_capture_on_commit_callbacks)
    assert asset.status == MediaStatus.READY and asset.transcript_status == "transcribed", asset.failure_reason
    with pytest.raises(ValidationFailed) as both:  # one answer: typed or spoken
        services.session_answer(user=user, session_id=session.pk, media_id=asset.id, answer="typed as well")
    assert both.value.code == "answer_or_media"
    answered, following, _ = services.session_answer(user=user, session_id=session.pk, media_id=asset.id)
    assert answered.media_id == asset.id and answered.answer_source == "spoken"
    assert answered.answer == asset.transcript
    assert sum(word in answered.answer.split() for word in SENTENCE_WORDS) >= 0.6 * len(SENTENCE_WORDS)
    speaking = answered.evaluation["speaking"]
    assert speaking["words_per_minute"] == asset.speaking["words_per_minute"] > 60
    assert speaking["filler_count"] == 0 and speaking["long_pauses"] == [] and speaking["status"] == "transcribed"
    assert answered.answer_seconds == asset.speaking["speaking_seconds"]
    assert answered.evaluation["delivery"]["words_per_minute"] > 60
    assert following is not None

    # One recording answers one question.
    with pytest.raises(Conflict) as again:
        services.session_answer(user=user, session_id=session.pk, media_id=asset.id)
    assert again.value.code == "media_used"


def test_silent_audio_is_not_enough_evidence_with_the_reason(
        session, user, recordings, django_capture_on_commit_callbacks):
    asset = processed(user, recordings["silence_webm"], django_capture_on_commit_callbacks)
    assert asset.status == MediaStatus.READY and asset.transcript_status == "silent" and asset.transcript == ""
    answered, _, _ = services.session_answer(user=user, session_id=session.pk, media_id=asset.id)
    evaluation = answered.evaluation
    assert answered.answer == "" and answered.overall is None and evaluation["status"] == "not_enough_evidence"
    assert evaluation["checks"] == [{"code": "silent", "message": asset.speaking["explanation"]}]
    assert "No voice was heard" in evaluation["summary"]
    assert all(d["score"] is None and "No voice was heard" in d["reason"] for d in evaluation["dimensions"])
    assert evaluation["talking_points"]["covered"] == [] and evaluation["speaking"]["words_per_minute"] is None


def test_unintelligible_audio_says_why(session, user):
    asset = stored(user, transcript_status="unintelligible", transcript="",
                   speaking={"status": "unintelligible", "explanation": "There is sound, but no words could be "
                                                                        "made out in it."})
    answered, _, _ = services.session_answer(user=user, session_id=session.pk, media_id=asset.id)
    assert answered.overall is None and answered.evaluation["checks"][0]["code"] == "unintelligible"
    assert "no words could be made out" in answered.evaluation["summary"]


def test_someone_elses_recording_is_not_found_and_changes_nothing(session, user, other_user):
    theirs = stored(other_user, transcript="I built a cache", speaking={"status": "transcribed"})
    with pytest.raises(NotFound):
        services.session_answer(user=user, session_id=session.pk, media_id=theirs.id)
    with pytest.raises(NotFound):
        services.session_answer(user=user, session_id=session.pk, media_id=theirs.id + 1000)
    assert open_turn(session).index == 0 and not InterviewTurn.objects.filter(media__isnull=False).exists()


def test_a_failed_or_unfinished_recording_is_refused_clearly(session, user):
    failed = stored(user, status=MediaStatus.FAILED, failure_code="corrupt", transcript_status="",
                    failure_reason="The file is damaged: ffmpeg could not decode it.")
    with pytest.raises(ValidationFailed) as refused:
        services.session_answer(user=user, session_id=session.pk, media_id=failed.id)
    assert refused.value.code == "media_failed" and "damaged" in refused.value.message
    busy = stored(user, status=MediaStatus.PROCESSING, transcript_status="")
    with pytest.raises(Conflict) as waiting:
        services.session_answer(user=user, session_id=session.pk, media_id=busy.id)
    assert waiting.value.code == "media_not_ready"
    mute = stored(user, transcribe=False, transcript_status="not_requested")
    with pytest.raises(ValidationFailed) as unheard:
        services.session_answer(user=user, session_id=session.pk, media_id=mute.id)
    assert unheard.value.code == "media_no_speech"
    assert open_turn(session).index == 0


def test_the_answer_api_takes_a_recording(session, user, other_user, auth_client):
    mine = stored(user, transcript="I would add a cache in front of the database and measure the latency "
                                   "before and after, then shard the writes by user id.",
                  speaking={"status": "transcribed", "words_per_minute": 131.5, "filler_count": 1,
                            "fillers": {"um": 1}, "long_pauses": [], "speaking_seconds": 9.1})
    theirs = stored(other_user, transcript="hello")
    failed = stored(user, status=MediaStatus.FAILED, failure_code="corrupt", failure_reason="Damaged file.")
    url = "/api/v1/interview/v3/answer"
    assert auth_client.post(url, {"session": session.pk, "media": theirs.id}, format="json").status_code == 404
    refused = auth_client.post(url, {"session": session.pk, "media": failed.id}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "media_failed"
    both = auth_client.post(url, {"session": session.pk, "media": mine.id, "answer": "x"}, format="json")
    neither = auth_client.post(url, {"session": session.pk}, format="json")
    assert both.status_code == neither.status_code == 400
    assert both.json()["error"]["code"] == neither.json()["error"]["code"] == "answer_or_media"
    answered = auth_client.post(url, {"session": session.pk, "turn": 0, "media": mine.id}, format="json")
    assert answered.status_code == 200, answered.json()
    body = answered.json()["answered"]
    assert body["media"] == mine.id and body["answer_source"] == "spoken" and body["answer"] == mine.transcript
    assert body["evaluation"]["speaking"]["words_per_minute"] == 131.5
    assert body["evaluation"]["speaking"]["fillers"] == {"um": 1}

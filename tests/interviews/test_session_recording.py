"""A recording of the whole interview: uploaded through the media API (purpose
"interview_session"), read by the real media job (ffmpeg/ffprobe on a VP8+Opus WebM that ffmpeg
makes here, as a browser's MediaRecorder would), kept with the interview, played on the owner's
report and through a share link (not after it is revoked), and deleted with the interview, its
files too."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from core.models import MediaAsset, MediaStatus
from interviews import services
from interviews.models import InterviewSession, InterviewTurn
from tests.interviews.test_shared_recordings import played, stored_web_copy
from tests.interviews.test_spoken_answers import processed
from tests.media.recordings import needs_ffmpeg

pytestmark = [pytest.mark.django_db, needs_ffmpeg]

ANSWER = "I would add an index on the filtered column, because the query scans the table, and measure the latency."


@pytest.fixture(scope="module")
def session_webm(tmp_path_factory):
    """Three seconds of camera and microphone, as a browser records them (VP8 and Opus in WebM)."""
    path = tmp_path_factory.mktemp("session") / "interview.webm"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15",
                    "-f", "lavfi", "-i", "sine=frequency=330", "-t", "3", "-c:v", "libvpx", "-b:v", "200k",
                    "-c:a", "libopus", str(path)], check=True, timeout=120)
    return path


def upload(client, path, purpose="interview_session"):
    return client.post("/api/v1/media/upload", {"file": SimpleUploadedFile(path.name, path.read_bytes()),
                                                "purpose": purpose, "transcribe": "false"}, format="multipart")


@pytest.fixture
def recorded(bank, user, auth_client, session_webm, django_capture_on_commit_callbacks):
    """An interview recorded whole (kept while it ran), answered once and finished."""
    session = services.session_start(user=user, interview_type="technical", difficulty="medium", length=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(auth_client, session_webm)
    assert response.status_code == 202, response.json()
    media_id = response.json()["id"]
    kept = auth_client.post(f"/api/v1/interview/v3/sessions/{session.pk}/recording", {"media": media_id},
                            format="json")
    assert kept.status_code == 200, kept.json()
    assert kept.json()["recording"] == media_id
    services.session_answer(user=user, session_id=session.pk, answer=ANSWER)
    session.refresh_from_db()
    assert session.status == "finished"
    return session, MediaAsset.objects.get(id=media_id)


def test_the_report_plays_the_whole_session(recorded, user):
    session, asset = recorded
    assert asset.status == MediaStatus.READY, asset.failure_reason
    assert asset.kind == "video" and asset.purpose == "interview_session" and asset.duration_seconds == pytest.approx(3, abs=0.5)
    owner = Client()
    owner.force_login(user)
    html = owner.get(f"/interviews/{session.pk}/report/").content.decode()
    assert "Recording of the interview" in html and "data-session-recording-player" in html
    assert f'src="/api/v1/media/{asset.id}/file/web/"' in html and "<video" in html and "Camera and microphone" in html
    assert played(owner.get(f"/api/v1/media/{asset.id}/file/web/")) == stored_web_copy(asset)


def test_the_share_link_plays_it_until_it_is_revoked(recorded, user, other_user):
    session, asset = recorded
    session = services.session_share_set(user=user, session_id=session.pk, shared=True)
    token = session.share_token
    anonymous = Client()
    html = anonymous.get(f"/interviews/shared/{token}/").content.decode()
    url = f"/interviews/shared/{token}/recording/"
    assert f'src="{url}"' in html and f"/api/v1/media/{asset.id}/" not in html
    response = anonymous.get(url)
    assert response["Cache-Control"] == "private, no-store"
    assert played(response) == stored_web_copy(asset)
    stranger = Client()
    stranger.force_login(other_user)
    assert stranger.get(f"/api/v1/media/{asset.id}/file/web/").status_code == 404  # only the link grants it
    services.session_share_set(user=user, session_id=session.pk, shared=False)
    assert anonymous.get(url).status_code == 404
    assert anonymous.get(f"/interviews/shared/{token[:-1]}x/recording/").status_code == 404


def test_a_shared_report_without_a_recording_has_no_player(bank, user):
    session = services.session_start(user=user, interview_type="technical", difficulty="medium", length=1)
    services.session_answer(user=user, session_id=session.pk, answer=ANSWER)
    session = services.session_share_set(user=user, session_id=session.pk, shared=True)
    assert "Recording of the interview" not in Client().get(f"/interviews/shared/{session.share_token}/").content.decode()
    assert Client().get(f"/interviews/shared/{session.share_token}/recording/").status_code == 404


def test_only_ones_own_session_recording_is_kept_once(bank, user, other_user, auth_client, session_webm,
                                                      recordings, django_capture_on_commit_callbacks):
    session = services.session_start(user=user, interview_type="technical", difficulty="medium", length=2)
    url = f"/api/v1/interview/v3/sessions/{session.pk}/recording"
    first = upload(auth_client, session_webm).json()["id"]
    second = upload(auth_client, session_webm).json()["id"]
    answer_recording = processed(user, recordings["silence_webm"], django_capture_on_commit_callbacks)
    wrong = auth_client.post(url, {"media": answer_recording.id}, format="json")
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "media_wrong_purpose"
    assert auth_client.post(url, {"media": "1"}, format="json").status_code == 400
    assert auth_client.post(url, {"media": first}, format="json").status_code == 200
    assert auth_client.post(url, {"media": first}, format="json").status_code == 200  # the same again: no change
    again = auth_client.post(url, {"media": second}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "recording_exists"
    stranger = APIClient()
    stranger.force_authenticate(other_user)
    # someone else's interview, or someone else's upload: the same 404 as none
    assert stranger.post(url, {"media": second}, format="json").status_code == 404
    theirs = services.session_start(user=other_user, interview_type="technical", difficulty="medium", length=1)
    stolen = stranger.post(f"/api/v1/interview/v3/sessions/{theirs.pk}/recording", {"media": second}, format="json")
    assert stolen.status_code == 404
    session.refresh_from_db()
    assert session.recording_id == first


def test_deleting_the_interview_deletes_its_recordings(recorded, user, other_user, auth_client, recordings,
                                                       django_capture_on_commit_callbacks):
    session, asset = recorded
    storage, names = asset.file.storage, [f.name for f in (asset.file, asset.poster, asset.web_copy) if f]
    assert names and all(storage.exists(name) for name in names)
    # a spoken answer's recording in another interview stays
    other_session = services.session_start(user=user, interview_type="technical", difficulty="medium", length=1)
    kept = processed(user, recordings["silence_webm"], django_capture_on_commit_callbacks)
    services.session_answer(user=user, session_id=other_session.pk, media_id=kept.id)
    stranger = APIClient()
    stranger.force_authenticate(other_user)
    assert stranger.delete(f"/api/v1/interview/v3/sessions/{session.pk}").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client.delete(f"/api/v1/interview/v3/sessions/{session.pk}")
    assert response.status_code == 204
    assert not InterviewSession.objects.filter(id=session.pk).exists()
    assert not InterviewTurn.objects.filter(session_id=session.pk).exists()
    assert not MediaAsset.objects.filter(id=asset.id).exists()
    assert not any(storage.exists(name) for name in names)
    assert MediaAsset.objects.filter(id=kept.id).exists()
    assert auth_client.get(f"/api/v1/interview/v3/sessions/{session.pk}").status_code == 404


def test_the_report_page_deletes_an_interview(bank, user):
    session = services.session_start(user=user, interview_type="technical", difficulty="medium", length=1)
    services.session_answer(user=user, session_id=session.pk, answer=ANSWER)
    owner = Client()
    owner.force_login(user)
    assert "Delete this interview and its recordings" in owner.get(f"/interviews/{session.pk}/report/").content.decode()
    response = owner.post(f"/interviews/{session.pk}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == "/interviews/"
    assert "The interview and its recordings were deleted." in response.content.decode()
    assert not InterviewSession.objects.filter(id=session.pk).exists()
    assert owner.get(f"/interviews/{session.pk}/report/").status_code == 404

"""POST /api/v1/media/upload, GET /api/v1/media/<id> and the file views: owner only (IDOR),
clear errors for bad uploads, and the schema."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from core.models import MediaAsset

pytestmark = pytest.mark.django_db


def post_upload(client, path, **fields):
    return client.post("/api/v1/media/upload", {"file": SimpleUploadedFile(path.name, path.read_bytes()), **fields},
                       format="multipart")


@pytest.fixture
def ready_asset(auth_client, recordings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(auth_client, recordings["mov"], purpose="interview_session", transcribe="false")
    assert response.status_code == 202, response.content
    return MediaAsset.objects.get(id=response.json()["id"])


def test_upload_then_read_the_result(auth_client, ready_asset):
    body = auth_client.get(f"/api/v1/media/{ready_asset.id}").json()
    assert body["status"] == "ready" and body["kind"] == "video" and body["purpose"] == "interview_session"
    assert body["transcript_status"] == "not_requested" and body["duration_seconds"] == pytest.approx(2, abs=0.2)
    assert body["urls"] == {"original": f"/api/v1/media/{ready_asset.id}/file/original/",
                            "web": f"/api/v1/media/{ready_asset.id}/file/web/",
                            "poster": f"/api/v1/media/{ready_asset.id}/file/poster/"}
    assert body["web_content_type"] == "video/mp4" and "quicktime" in body["web_copy_reason"]

    web = auth_client.get(body["urls"]["web"])
    assert web.status_code == 200 and web["Content-Type"] == "video/mp4"
    assert web["Content-Disposition"].startswith("inline;") and web["X-Content-Type-Options"] == "nosniff"
    assert b"ftyp" in b"".join(web.streaming_content)[:16]
    poster = auth_client.get(body["urls"]["poster"])
    assert poster["Content-Type"] == "image/jpeg" and b"".join(poster.streaming_content)[:3] == b"\xff\xd8\xff"
    original = auth_client.get(body["urls"]["original"])
    assert original["Content-Type"] == "video/quicktime"


def test_a_queued_upload_answers_at_once(auth_client, recordings):
    response = post_upload(auth_client, recordings["silence_webm"])  # the job runs after commit: not here
    body = response.json()
    assert response.status_code == 202 and body["status"] == "queued" and body["urls"]["web"] is None
    assert auth_client.get(f"/api/v1/media/{body['id']}/file/web/").status_code == 404  # not ready yet


def test_someone_elses_recording_is_a_404_everywhere(ready_asset, other_user, user):
    stranger = APIClient()
    stranger.force_authenticate(other_user)
    base = f"/api/v1/media/{ready_asset.id}"
    for url in (base, f"{base}/file/original/", f"{base}/file/web/", f"{base}/file/poster/"):
        response = stranger.get(url)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found", url
    assert stranger.delete(base).status_code == 404 and stranger.post(f"{base}/retry/").status_code == 404
    assert APIClient().get(base).status_code == 401
    assert MediaAsset.objects.filter(id=ready_asset.id).exists()


def test_unknown_variant_and_missing_poster(auth_client, recordings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        asset_id = post_upload(auth_client, recordings["silence_webm"]).json()["id"]
    assert auth_client.get(f"/api/v1/media/{asset_id}/file/poster/").status_code == 404  # audio
    assert auth_client.get(f"/api/v1/media/{asset_id}/file/secrets/").status_code == 404
    web = auth_client.get(f"/api/v1/media/{asset_id}/file/web/")
    assert web.status_code == 200 and web["Content-Type"] == "audio/webm"  # the original plays as it is


@pytest.mark.parametrize(("fixture_name", "code"), [("pdf_named_mp3", "unsupported_type"),
                                                   ("truncated_webm", None)])
def test_bad_uploads_get_clear_errors(auth_client, recordings, fixture_name, code):
    response = post_upload(auth_client, recordings[fixture_name])
    if code:
        assert response.status_code == 400 and response.json()["error"]["code"] == code
        assert "not an audio or video file" in response.json()["error"]["message"]
    else:
        assert response.status_code == 202  # a damaged file with a real header is refused by the job


def test_oversize_missing_and_invalid_fields(auth_client, recordings, settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 1024
    response = post_upload(auth_client, recordings["long_mp3"])
    assert response.status_code == 400 and response.json()["error"]["code"] == "file_too_large"
    assert response.json()["error"]["details"]["max_bytes"] == 1024
    settings.MEDIA_MAX_UPLOAD_BYTES = 64 * 1024 * 1024
    response = auth_client.post("/api/v1/media/upload", {"purpose": "recording"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["error"]["details"]
    response = post_upload(auth_client, recordings["silence_webm"], purpose="bogus")
    assert response.status_code == 400 and "purpose" in response.json()["error"]["details"]
    response = auth_client.post("/api/v1/media/upload", {"file": "x"}, format="json")
    assert response.status_code in (400, 415)
    assert not MediaAsset.objects.exists()


def test_uploads_are_throttled(auth_client, recordings, settings):
    from rest_framework.throttling import ScopedRateThrottle

    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], uploads="2/min")
    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = rates
    try:
        codes = [post_upload(auth_client, recordings["silence_webm"]).status_code for _ in range(3)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
    assert codes == [202, 202, 429]


def test_the_owner_retries_a_failed_job_and_deletes(auth_client, recordings, django_capture_on_commit_callbacks,
                                                    settings):
    settings.MEDIA_COMMAND_SECONDS = 0.001
    with django_capture_on_commit_callbacks(execute=True):
        asset_id = post_upload(auth_client, recordings["silence_webm"]).json()["id"]
    assert auth_client.get(f"/api/v1/media/{asset_id}").json()["status"] == "failed"
    settings.MEDIA_COMMAND_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        assert auth_client.post(f"/api/v1/media/{asset_id}/retry/").status_code == 202
    assert auth_client.get(f"/api/v1/media/{asset_id}").json()["status"] == "ready"
    response = auth_client.post(f"/api/v1/media/{asset_id}/retry/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "media_bad_transition"
    assert auth_client.delete(f"/api/v1/media/{asset_id}").status_code == 204
    assert auth_client.get(f"/api/v1/media/{asset_id}").status_code == 404


def test_the_schema_lists_the_media_endpoints():
    paths = APIClient().get("/api/schema/?format=json").json()["paths"]
    for path in ("/api/v1/media/upload/", "/api/v1/media/{asset_id}/", "/api/v1/media/{asset_id}/retry/",
                 "/api/v1/media/{asset_id}/file/{variant}/"):
        assert path in paths, path
    assert "multipart/form-data" in paths["/api/v1/media/upload/"]["post"]["requestBody"]["content"]

"""A shared report plays its spoken answers to whoever holds the link, and to nobody else: the
player's file comes through the share link (the owner's file view stays owner-only); a revoked
link, another interview's turn, a typed answer or a made-up token is a 404. Locally the file is
streamed; on S3 (the services pass) the link answers with a short signed URL."""

import os
from urllib.parse import urlsplit

import pytest
from django.test import Client

from core.models import MediaStatus
from interviews import services
from tests.conftest import services_mode
from tests.interviews.test_spoken_answers import processed
from tests.security.test_private_files import _anonymous_get, s3  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_spoken(bank, user, recordings, django_capture_on_commit_callbacks):
    """A finished interview whose first answer was spoken (a real recording through the real media
    job) and whose second was typed, shared by link."""
    session = services.session_start(user=user, interview_type="technical", difficulty="medium", length=2)
    asset = processed(user, recordings["silence_webm"], django_capture_on_commit_callbacks)
    assert asset.status == MediaStatus.READY, asset.failure_reason
    services.session_answer(user=user, session_id=session.pk, media_id=asset.id)
    services.session_answer(user=user, session_id=session.pk,
                            answer="I would add an index on the filtered column and measure the latency again.")
    session = services.session_share_set(user=user, session_id=session.pk, shared=True)
    return session, asset


def played(response) -> bytes:
    if response.status_code == 302:  # S3: a signed URL, valid for a minute, for anyone holding it
        status, body, _ = _anonymous_get(response["Location"])
        assert status == 200
        return body
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def stored_web_copy(asset) -> bytes:
    field = asset.web_copy or asset.file
    with field.storage.open(field.name, "rb") as handle:
        return handle.read()


def test_the_share_link_plays_the_recordings_to_whoever_holds_it(shared_spoken, other_user):
    session, asset = shared_spoken
    anonymous = Client()
    page = anonymous.get(f"/interviews/shared/{session.share_token}/")
    assert page.status_code == 200
    html = page.content.decode()
    url = f"/interviews/shared/{session.share_token}/recordings/0/"
    assert f'src="{url}"' in html and "data-recording-player" in html
    assert f"/api/v1/media/{asset.id}/" not in html  # the owner's file view is not linked from a share

    response = anonymous.get(url)
    assert response["Cache-Control"] == "private, no-store" and response["Referrer-Policy"] == "no-referrer"
    if response.status_code == 200:
        assert response["Content-Type"].startswith(("audio/", "video/"))
        assert "inline" in response["Content-Disposition"]
    assert played(response) == stored_web_copy(asset)
    signed_in_stranger = Client()
    signed_in_stranger.force_login(other_user)
    assert signed_in_stranger.get(url).status_code in (200, 302)  # the link is what grants it


def test_nobody_else_gets_them(shared_spoken, user, other_user, bank):
    session, asset = shared_spoken
    anonymous = Client()
    token = session.share_token
    # not the owner's file view, not a typed answer's turn, not a turn that does not exist
    assert anonymous.get(f"/api/v1/media/{asset.id}/file/web/").status_code in (401, 403, 404)
    stranger = Client()
    stranger.force_login(other_user)
    assert stranger.get(f"/api/v1/media/{asset.id}/file/web/").status_code == 404
    assert anonymous.get(f"/interviews/shared/{token}/recordings/1/").status_code == 404
    assert anonymous.get(f"/interviews/shared/{token}/recordings/9/").status_code == 404
    assert anonymous.get(f"/interviews/shared/{token[:-1]}x/recordings/0/").status_code == 404
    assert anonymous.get(f"/interviews/shared/{'a' * 200}/recordings/0/").status_code == 404
    # another interview's share link does not reach this one's recordings
    other = services.session_start(user=user, interview_type="technical", difficulty="medium", length=1)
    services.session_answer(user=user, session_id=other.pk, answer="A typed answer about caching and latency.")
    other = services.session_share_set(user=user, session_id=other.pk, shared=True)
    assert anonymous.get(f"/interviews/shared/{other.share_token}/recordings/0/").status_code == 404
    # revoked: the old link plays nothing any more, and a new link is a new address
    services.session_share_set(user=user, session_id=session.pk, shared=False)
    assert anonymous.get(f"/interviews/shared/{token}/recordings/0/").status_code == 404
    assert anonymous.get(f"/interviews/shared/{token}/").status_code == 404
    again = services.session_share_set(user=user, session_id=session.pk, shared=True)
    assert again.share_token != token
    assert urlsplit(f"/interviews/shared/{again.share_token}/recordings/0/").path
    assert anonymous.get(f"/interviews/shared/{again.share_token}/recordings/0/").status_code in (200, 302)


@pytest.mark.services
@pytest.mark.skipif(not (services_mode() or os.environ.get("PREPFORGE_NO_SKIPS") == "1"),
                    reason="S3 through moto's server runs in the services pass (DATABASE_URL and REDIS_URL set)")
def test_on_s3_the_share_link_hands_out_a_signed_url(s3, bank, user, recordings,  # noqa: F811
                                                     django_capture_on_commit_callbacks):
    session = services.session_start(user=user, interview_type="technical", difficulty="medium", length=1)
    asset = processed(user, recordings["silence_webm"], django_capture_on_commit_callbacks)
    services.session_answer(user=user, session_id=session.pk, media_id=asset.id)
    session = services.session_share_set(user=user, session_id=session.pk, shared=True)
    response = Client().get(f"/interviews/shared/{session.share_token}/recordings/0/")
    assert response.status_code == 302 and "X-Amz-Signature" in response["Location"]
    assert played(response) == stored_web_copy(asset)

"""Uploaded resumes are private: stored outside the served media (or as private S3 objects) under
random names, and handed out only by an owner-checked view. Avatars stay public."""

import importlib
import io
import re
import socket
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches
from PIL import Image

from accounts import services as account_services
from config.storage_settings import storages_from_environment
from resumes.models import ParseStatus, ResumeVersion
from tests.resumes import documents

pytestmark = pytest.mark.django_db

RANDOM_NAME = re.compile(r"^resumes/[A-Za-z0-9_-]{22}\.(pdf|docx|txt)$")


def png_upload(name="me.png", size=(300, 200)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def upload_through_the_page(client, data: bytes, name="jordan.pdf", title="Jordan Rivera") -> ResumeVersion:
    response = client.post("/resumes/", {"file": SimpleUploadedFile(name, data), "title": title})
    assert response.status_code == 302, response.content[:500]
    return ResumeVersion.objects.select_related("resume").latest("id")


@pytest.fixture
def media_served(settings):
    """The site as `make run` serves it: DEBUG on, local files, /media/ served from MEDIA_ROOT."""
    import config.urls

    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def owner_client(client, user):
    client.force_login(user)
    return client


def test_the_public_media_url_does_not_reach_an_uploaded_resume(media_served, owner_client, user, settings):
    from django.test import Client

    # /media/ is served here: an avatar is reachable (it is meant to be public)...
    profile = account_services.profile_avatar_set(user=user, upload=png_upload())
    assert Client().get(f"/media/{profile.avatar.name}").status_code == 200

    # ...but a real uploaded resume is not, neither under its name nor under the old guessable one.
    data = documents.pdf_one_column()
    version = upload_through_the_page(owner_client, data)
    stamp = version.created_at
    guesses = [f"/media/{version.file.name}",
               f"/media/resumes/{stamp:%Y}/{stamp:%m}/resume-{version.resume_id}-v{version.number}.pdf"]
    for url in guesses:
        assert Client().get(url).status_code == 404, url
        assert owner_client.get(url).status_code == 404, url
    # Nothing of the resume is on disk under MEDIA_ROOT; it is in the private directory.
    under_media = [p.relative_to(settings.MEDIA_ROOT).as_posix() for p in Path(settings.MEDIA_ROOT).rglob("*")
                   if p.is_file()]
    assert under_media == [profile.avatar.name]
    private_file = Path(settings.PRIVATE_MEDIA_ROOT) / version.file.name
    assert private_file.read_bytes() == data
    assert not private_file.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_stored_names_are_random_and_say_nothing_about_the_owner_or_version(owner_client, user):
    data = documents.plain_text()
    first = upload_through_the_page(owner_client, data, name=f"{user.username}-cv.txt")
    second = upload_through_the_page(owner_client, data, name=f"{user.username}-cv.txt")
    for version in (first, second):
        assert RANDOM_NAME.match(version.file.name), version.file.name
        assert user.username not in version.file.name
    assert first.file.name != second.file.name


def test_only_the_owner_downloads_the_uploaded_file(owner_client, user, other_user):
    from django.test import Client

    data = documents.pdf_one_column()
    version = upload_through_the_page(owner_client, data, title="Jordan Rivera CV")
    url = f"/resumes/{version.resume_id}/versions/{version.number}/file/"

    response = owner_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Jordan Rivera CV-v1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]

    stranger = Client()
    stranger.force_login(other_user)
    assert stranger.get(url).status_code == 404
    assert Client().get(url).status_code == 404  # anonymous: not even a login redirect
    # A version without a file (a builder save) and a version that does not exist: 404 too.
    blank = owner_client.post("/resumes/", {"blank": "1", "title": "Draft"})
    assert blank.status_code == 302
    builder_version = ResumeVersion.objects.latest("id")
    assert owner_client.get(f"/resumes/{builder_version.resume_id}/versions/1/file/").status_code == 404
    assert owner_client.get(f"/resumes/{version.resume_id}/versions/9/file/").status_code == 404


def test_the_api_download_is_owner_only(api_client, user, other_user, owner_client):
    data = documents.docx_plain()
    version = upload_through_the_page(owner_client, data, name="cv.docx")
    url = f"/api/v1/resumes/{version.resume_id}/versions/{version.number}/file/"
    assert api_client.get(url).status_code == 401

    api_client.force_authenticate(other_user)
    response = api_client.get(url)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"

    api_client.force_authenticate(user)
    listed = api_client.get(f"/api/v1/resumes/{version.resume_id}/versions/").json()
    assert listed[0]["has_file"] is True
    response = api_client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == data
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_deleting_a_resume_deletes_its_private_files(owner_client, settings, django_capture_on_commit_callbacks):
    version = upload_through_the_page(owner_client, documents.plain_text(), name="cv.txt")
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / version.file.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_client.post(f"/resumes/{version.resume_id}/delete/").status_code == 302
    assert not stored.exists()


def test_existing_public_uploads_move_to_private_storage(user, settings):
    """The data migration: an upload stored the old way (public, guessable) moves to the private
    store under a random name, and its public copy is deleted."""
    from django.apps import apps
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from resumes import services

    version = services.resume_upload(user=user, upload=SimpleUploadedFile("cv.txt", documents.plain_text()))
    old_name = f"resumes/2026/12/resume-{version.resume_id}-v1.txt"
    storages["default"].save(old_name, ContentFile(b"the old public copy"))
    version.file.delete(save=False)
    ResumeVersion.objects.filter(id=version.id).update(file=old_name)

    migration = importlib.import_module("resumes.migrations.0002_private_files")
    migration.move_uploads_to_private_storage(apps, None)

    version.refresh_from_db()
    assert RANDOM_NAME.match(version.file.name)
    assert not storages["default"].exists(old_name)
    with version.file.open("rb") as handle:
        assert handle.read() == b"the old public copy"


def test_a_private_directory_inside_the_served_media_is_refused(tmp_path, settings):
    with pytest.raises(RuntimeError, match="must not be inside MEDIA_ROOT"):
        storages_from_environment({}, media_root=tmp_path, private_root=tmp_path / "private")
    assert not Path(settings.PRIVATE_MEDIA_ROOT).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_staff_see_the_stored_name_but_no_link(admin_client, owner_client):
    version = upload_through_the_page(owner_client, documents.plain_text(), name="cv.txt")
    page = admin_client.get(f"/admin/resumes/resumeversion/{version.id}/change/")
    assert page.status_code == 200
    assert version.file.name in page.content.decode() and 'type="file"' not in page.content.decode()


# --- S3 (moto's server) -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3(settings, monkeypatch, tmp_path):
    """A real S3 endpoint on loopback (moto's server), and STORAGES built for it exactly as the
    settings build them when AWS_STORAGE_BUCKET_NAME is set."""
    boto3 = pytest.importorskip("boto3")
    server_module = pytest.importorskip("moto.server")
    port = _free_port()
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # moto keeps its buckets in process-wide state that outlives one server, so an object another
    # test left behind would show up here: start from moto's documented reset.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).close()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    environment = {"AWS_STORAGE_BUCKET_NAME": "prepforge-files", "AWS_S3_ENDPOINT_URL": endpoint,
                   "AWS_S3_REGION_NAME": "us-east-1"}
    from botocore.config import Config

    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          config=Config(signature_version="s3v4"))
    client.create_bucket(Bucket="prepforge-files")
    settings.STORAGES = {**storages_from_environment(environment, media_root=tmp_path / "m",
                                                     private_root=tmp_path / "p"),
                         "staticfiles": settings.STORAGES["staticfiles"]}
    try:
        yield {"endpoint": endpoint, "client": client, "bucket": "prepforge-files"}
    finally:
        server.stop()


def _anonymous_get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def test_on_s3_resumes_are_private_objects_served_through_short_signed_urls(
        s3, owner_client, user, other_user, django_capture_on_commit_callbacks):
    from django.test import Client

    data = documents.pdf_one_column()
    with django_capture_on_commit_callbacks(execute=True):  # the (eager) parse task runs after commit
        version = upload_through_the_page(owner_client, data, title="Jordan")
    version.refresh_from_db()
    assert version.parse_status == ParseStatus.DONE, version.parse_error  # read back from S3 for parsing
    assert RANDOM_NAME.match(version.file.name)
    key = f"private/{version.file.name}"

    # The object is private: only its owner account has a grant, and an anonymous GET is refused.
    grants = s3["client"].get_object_acl(Bucket=s3["bucket"], Key=key)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"] and "URI" not in grants[0]["Grantee"]
    status, _, _ = _anonymous_get(f"{s3['endpoint']}/{s3['bucket']}/{key}")
    assert status == 403

    # Strangers get 404 from the view; the owner gets a redirect to a signed URL that works...
    url = f"/resumes/{version.resume_id}/versions/1/file/"
    stranger = Client()
    stranger.force_login(other_user)
    assert stranger.get(url).status_code == 404 and Client().get(url).status_code == 404
    response = owner_client.get(url)
    assert response.status_code == 302
    assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]
    signed = response["Location"]
    assert signed.startswith(f"{s3['endpoint']}/{s3['bucket']}/{key}?")
    status, body, headers = _anonymous_get(signed)
    assert status == 200 and body == data
    assert headers.get("Content-Disposition") == 'attachment; filename="Jordan-v1.pdf"'

    # ...and expires: signed now, for a minute. (moto does not enforce expiry; S3 does, and the
    # expiry is covered by the signature, checked by signing the same request again below.)
    query = {name: values[0] for name, values in parse_qs(urlsplit(signed).query).items()}
    signed_at = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - signed_at).total_seconds()) < 60
    assert int(query["X-Amz-Expires"]) == 60
    assert query["X-Amz-Credential"].startswith("testing/") and query["X-Amz-Signature"]
    assert _signature_at(s3, key, query, signed_at, expires=60) == query["X-Amz-Signature"]
    assert _signature_at(s3, key, query, signed_at, expires=3600) != query["X-Amz-Signature"]


def _signature_at(s3, key, query, signed_at, *, expires: int) -> str:
    """Sign the same GET again, as S3 checks it, with a given expiry."""
    from unittest import mock

    params = {"Bucket": s3["bucket"], "Key": key,
              "ResponseContentDisposition": query["response-content-disposition"],
              "ResponseContentType": query["response-content-type"]}
    with mock.patch("botocore.auth.get_current_datetime", return_value=signed_at.replace(tzinfo=None)):
        again = s3["client"].generate_presigned_url("get_object", Params=params, ExpiresIn=expires)
    return parse_qs(urlsplit(again).query)["X-Amz-Signature"][0]


def test_on_s3_avatars_stay_public_with_plain_urls(s3, user):
    profile = account_services.profile_avatar_set(user=user, upload=png_upload())
    url = profile.avatar.url
    assert url.startswith(f"{s3['endpoint']}/{s3['bucket']}/public/avatars/") and "Signature" not in url
    status, body, _ = _anonymous_get(url)
    assert status == 200 and body.startswith(b"\x89PNG")

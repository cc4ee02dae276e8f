"""Recordings on S3 (moto's server on loopback, in the services pass): the job reads the private
object, stores its poster and playable copy as private objects, and the file view hands them out
through short-lived signed URLs, to the owner only."""

import os
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from core.models import MediaAsset
from tests.conftest import services_mode
from tests.security.test_private_files import _anonymous_get, s3  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.services, pytest.mark.skipif(
    not (services_mode() or os.environ.get("PREPFORGE_NO_SKIPS") == "1"),
    reason="S3 through moto's server runs in the services pass (DATABASE_URL and REDIS_URL set)")]


def test_on_s3_the_job_and_the_file_views_work_through_signed_urls(s3, auth_client, other_user, recordings,  # noqa: F811
                                                                   django_capture_on_commit_callbacks):
    path = recordings["mov"]
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client.post("/api/v1/media/upload",
                                    {"file": SimpleUploadedFile(path.name, path.read_bytes()), "transcribe": "false"},
                                    format="multipart")
    assert response.status_code == 202
    asset = MediaAsset.objects.get(id=response.json()["id"])
    assert asset.status == "ready", asset.failure_reason  # read back from S3 by the job
    keys = {f"private/{name}" for name in (asset.file.name, asset.poster.name, asset.web_copy.name)}
    listed = {item["Key"] for item in s3["client"].list_objects_v2(Bucket=s3["bucket"])["Contents"]}
    assert keys <= listed
    for key in keys:
        grants = s3["client"].get_object_acl(Bucket=s3["bucket"], Key=key)["Grants"]
        assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # private objects
        assert _anonymous_get(f"{s3['endpoint']}/{s3['bucket']}/{key}")[0] == 403

    stranger = APIClient()
    stranger.force_authenticate(other_user)
    for variant in ("original", "web", "poster"):
        url = f"/api/v1/media/{asset.id}/file/{variant}/"
        assert stranger.get(url).status_code == 404
        answer = auth_client.get(url)
        assert answer.status_code == 302 and "no-store" in answer["Cache-Control"]
        signed = answer["Location"]
        query = parse_qs(urlsplit(signed).query)
        assert query["X-Amz-Expires"] == ["60"] and query["X-Amz-Signature"]
        assert query["response-content-disposition"][0].startswith("inline")
        status, body, headers = _anonymous_get(signed)
        assert status == 200 and body
    status, body, headers = _anonymous_get(auth_client.get(f"/api/v1/media/{asset.id}/file/web/")["Location"])
    assert {k.lower(): v for k, v in headers.items()}["content-type"] == "video/mp4" and body[4:8] == b"ftyp"

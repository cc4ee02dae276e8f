"""Attachments on S3 (moto's server on loopback, in the services pass): the image job reads the
private object, replaces it with the copy without EXIF and adds the thumbnail, both private;
members get short-lived signed URLs, others 404; deleting the message for everyone deletes the
objects."""

import io
import os
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from core.models import MediaAsset
from tests.conftest import services_mode
from tests.security.test_private_files import _anonymous_get, s3  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.services, pytest.mark.skipif(
    not (services_mode() or os.environ.get("PREPFORGE_NO_SKIPS") == "1"),
    reason="S3 through moto's server runs in the services pass (DATABASE_URL and REDIS_URL set)")]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def keys(s3) -> set[str]:  # noqa: F811
    return {item["Key"] for item in s3["client"].list_objects_v2(Bucket=s3["bucket"]).get("Contents", [])}


def test_on_s3_attachments_are_private_objects_for_members_only(s3, alice, bob, carol, pair, attachment_inputs,  # noqa: F811
                                                                django_capture_on_commit_callbacks):
    path = attachment_inputs["jpeg_gps"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = client_for(alice).post("/api/v1/files", {"chat": pair.id, "file": SimpleUploadedFile(path.name, path.read_bytes())},
                                      format="multipart")
    assert sent.status_code == 201
    asset = MediaAsset.objects.get()
    assert asset.status == "ready", asset.failure_reason
    stored = {f"private/{asset.file.name}", f"private/{asset.poster.name}"}
    assert keys(s3) == stored  # the original, with its GPS position, is gone from the bucket
    for key in stored:
        grants = s3["client"].get_object_acl(Bucket=s3["bucket"], Key=key)["Grants"]
        assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
        assert _anonymous_get(f"{s3['endpoint']}/{s3['bucket']}/{key}")[0] == 403
    card = client_for(bob).get(f"/api/v1/messages/{sent.json()['id']}/").json()["attachment"]
    for variant in ("view", "thumbnail"):
        assert client_for(carol).get(card["urls"][variant]).status_code == 404
        answer = client_for(bob).get(card["urls"][variant])
        assert answer.status_code == 302 and "no-store" in answer["Cache-Control"]
        query = parse_qs(urlsplit(answer["Location"]).query)
        assert query["X-Amz-Expires"] == ["60"] and query["X-Amz-Signature"]
        status, body, _ = _anonymous_get(answer["Location"])
        assert status == 200 and b"PrepForgeTestCam" not in body and not Image.open(io.BytesIO(body)).getexif()

    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(alice).delete(f"/api/v1/messages/{sent.json()['id']}/?scope=everyone").status_code == 204
    assert keys(s3) == set()


def test_on_s3_a_plain_file_is_a_signed_download_of_bytes(s3, alice, bob, pair, attachment_inputs,  # noqa: F811
                                                         django_capture_on_commit_callbacks):
    path = attachment_inputs["program_named_jpg"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = client_for(alice).post("/api/v1/files", {"chat": pair.id, "file": SimpleUploadedFile(path.name, path.read_bytes())},
                                      format="multipart")
    card = sent.json()["attachment"]
    assert card["kind"] == "file" and card["status"] == "ready"
    answer = client_for(bob).get(card["urls"]["download"])
    query = parse_qs(urlsplit(answer["Location"]).query)
    assert query["response-content-disposition"][0].startswith("attachment")
    assert query["response-content-type"] == ["application/octet-stream"]
    status, body, headers = _anonymous_get(answer["Location"])
    assert status == 200 and body == path.read_bytes()

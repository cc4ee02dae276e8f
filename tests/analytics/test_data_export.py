"""Your data: a zip made by the Celery job (eager here) with every row held about the user and
their files, opened with Info-ZIP's unzip (a client this team did not write) and Python's zipfile;
served only to its owner."""

import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from analytics.data_export import EXPORTS_PER_DAY, data_export_request
from analytics.models import DataExport
from core.exceptions import Conflict
from tests.conftest import services_mode
from tests.security.test_private_files import s3  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)

CORPUS_RESUME = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "resumes" / "altacv_andrea_adelfio.pdf"


def _an_account(user, other):
    from chat import services as chat_services
    from community import services as community_services
    from resumes import services as resume_services

    resume_services.resume_upload(
        user=user, upload=SimpleUploadedFile("cv.pdf", CORPUS_RESUME.read_bytes(), "application/pdf"))
    community_services.post_create(author=user, title="Graph notes", body="BFS first.")
    room = chat_services.chat_create(owner=other, kind="group", title="Study", members=[user])
    chat_services.message_send(sender=user, chat=room, body="a message only I wrote")
    chat_services.message_send(sender=other, chat=room, body="someone else's words")


def _download(client, export) -> bytes:
    response = client.get(f"/settings/your-data/{export.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return b"".join(response.streaming_content)


def test_the_export_holds_the_users_rows_and_files_and_no_secrets(client, user, other_user, tmp_path):
    _an_account(user, other_user)
    client.force_login(user)
    assert client.post("/settings/your-data/").status_code == 302
    export = DataExport.objects.get(user=user)
    assert export.status == "ready" and export.progress == 100 and export.size > 0
    blob = _download(client, export)
    archive = zipfile.ZipFile(io.BytesIO(blob))
    data = json.loads(archive.read("data.json"))
    assert data["user"]["email"] == user.email
    tables = data["tables"]
    assert [p["title"] for p in tables["community.post"]] == ["Graph notes"]
    assert [m["body"] for m in tables["chat.message"]] == ["a message only I wrote"]
    assert "resumes.resumeversion" in tables and "accounts.preferences" in tables
    pdfs = [n for n in archive.namelist() if n.startswith("files/resumes.resumeversion/")]
    assert len(pdfs) == 1 and archive.read(pdfs[0]) == CORPUS_RESUME.read_bytes()
    text = archive.read("data.json").decode()
    assert "pbkdf2" not in text and "md5$" not in text and user.password not in text
    # Others' messages are not the user's rows; only the user's own delivery log (what their
    # sockets replay) mentions them, as it is theirs to read.
    assert [label for label, rows in tables.items() if "someone else's words" in json.dumps(rows)] == [
        "chat.chatevent"]
    if shutil.which("unzip"):
        (tmp_path / "export.zip").write_bytes(blob)
        checked = subprocess.run(["unzip", "-t", str(tmp_path / "export.zip")], capture_output=True, text=True)
        assert checked.returncode == 0 and "No errors detected" in checked.stdout
    from accounts.models import Notification

    note = Notification.objects.filter(user=user, title="Your PrepForge data is ready").get()
    assert note.url == f"/settings/your-data/{export.pk}/download/"


def test_only_the_owner_downloads_and_exports_are_limited(client, api_client, user, other_user):
    export = data_export_request(user=user)
    client.force_login(other_user)
    assert client.get(f"/settings/your-data/{export.pk}/download/").status_code == 404
    api_client.force_authenticate(other_user)
    assert api_client.get(f"/api/v1/me/exports/{export.pk}/").status_code == 404
    api_client.force_authenticate(user)
    detail = api_client.get(f"/api/v1/me/exports/{export.pk}/").json()
    assert detail["status"] == "ready" and detail["download_url"] == f"/settings/your-data/{export.pk}/download/"
    while DataExport.objects.filter(user=user).count() < EXPORTS_PER_DAY:
        assert api_client.post("/api/v1/me/exports/").status_code == 202
    with pytest.raises(Conflict):
        data_export_request(user=user)
    refused = api_client.post("/api/v1/me/exports/")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "too_many_exports"


def test_the_page_shows_progress_and_the_list_reads_flat(client, user, django_assert_num_queries):
    from analytics.selectors import data_exports_of

    running = DataExport.objects.create(user=user, status="running", progress=40)
    assert data_export_request(user=user).pk == running.pk  # one at a time
    client.force_login(user)
    page = client.get("/settings/your-data/").content.decode()
    assert 'http-equiv="refresh"' in page and "(40%)" in page and "disabled" in page
    with django_assert_num_queries(1):
        data_exports_of(user=user)
    for _ in range(4):
        DataExport.objects.create(user=user, status="failed")
    with django_assert_num_queries(1):
        assert len(data_exports_of(user=user)) == 5


def test_deleting_the_account_removes_its_exports_and_their_files(user):
    from accounts.services import account_delete
    from tests.factories import PASSWORD

    export = data_export_request(user=user)
    export.refresh_from_db()
    storage, name = export.file.storage, export.file.name
    assert storage.exists(name)
    account_delete(user=user, password=PASSWORD)
    assert not DataExport.objects.filter(pk=export.pk).exists() and not storage.exists(name)


def _aged(export, days: int):
    from datetime import timedelta

    from django.utils import timezone

    DataExport.objects.filter(pk=export.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_old_exports_are_purged_with_their_files_and_recent_ones_stay(client, user, other_user):
    from analytics.data_export import EXPORT_KEEP_DAYS
    from analytics.tasks import data_exports_purge_task

    old = data_export_request(user=user)
    recent = data_export_request(user=other_user)
    old.refresh_from_db(), recent.refresh_from_db()
    assert old.status == recent.status == "ready"
    storage = old.file.storage
    _aged(old, EXPORT_KEEP_DAYS + 1)
    _aged(recent, EXPORT_KEEP_DAYS - 1)
    assert data_exports_purge_task.delay().get() == 1
    assert not DataExport.objects.filter(pk=old.pk).exists() and not storage.exists(old.file.name)
    assert storage.exists(recent.file.name)
    assert data_exports_purge_task.delay().get() == 0  # nothing more to do
    client.force_login(user)
    page = client.get("/settings/your-data/").content.decode()
    assert "No export yet." in page and f"deleted {EXPORT_KEEP_DAYS} days after you ask" in page


@pytest.mark.services
@pytest.mark.skipif(not (services_mode() or os.environ.get("PREPFORGE_NO_SKIPS") == "1"),
                    reason="S3 through moto's server runs in the services pass (DATABASE_URL and REDIS_URL set)")
def test_on_s3_a_purged_export_leaves_no_object_in_the_bucket(s3, user, other_user):  # noqa: F811
    from analytics.data_export import EXPORT_KEEP_DAYS, data_exports_purge

    old, kept = data_export_request(user=user), data_export_request(user=other_user)
    old.refresh_from_db(), kept.refresh_from_db()

    def keys():
        return {item["Key"] for item in s3["client"].list_objects_v2(Bucket=s3["bucket"]).get("Contents", [])}

    assert {f"private/{old.file.name}", f"private/{kept.file.name}"} <= keys()
    _aged(old, EXPORT_KEEP_DAYS + 1)
    assert data_exports_purge() == 1
    assert f"private/{old.file.name}" not in keys() and f"private/{kept.file.name}" in keys()

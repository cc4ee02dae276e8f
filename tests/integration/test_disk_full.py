"""The disk under the media roots fills up: resume and avatar uploads fail with a clear error (a
form error on the page, the JSON envelope with a code in the API), and nothing is half-saved: no
row without its file, no file (not even a truncated one) without its row. The public and private
media roots are on a real 256 KiB tmpfs mounted for the test, so the kernel itself answers ENOSPC.
CI's services pass runs as root; without root (or where mounting is refused) it skips."""

import io
import os
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.resumes.documents import plain_text

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db,
    pytest.mark.skipif(os.geteuid() != 0, reason="mounting a size-limited tmpfs needs root"),
]


@pytest.fixture
def small_disk(tmp_path, settings):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        settings.MEDIA_ROOT = disk / "public"
        private = settings.STORAGES["private"]
        settings.STORAGES = {**settings.STORAGES, "private": {
            **private, "OPTIONS": {**private.get("OPTIONS", {}), "location": str(disk / "private")}}}
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> Path:
    """Take every free block of the volume, as another process writing logs would."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def stored_files(disk: Path) -> list[str]:
    return sorted(str(path.relative_to(disk)) for path in disk.rglob("*") if path.is_file() and path.name != "filler")


def avatar_png() -> bytes:
    from PIL import Image

    # Noise does not compress: the re-encoded PNG is ~190 KiB, more than the disk has.
    image = Image.frombytes("RGB", (256, 256), os.urandom(256 * 256 * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_uploads_on_a_full_disk_fail_clearly_and_store_nothing(small_disk, client, api_client, user):
    from accounts.models import Profile
    from resumes.models import Resume, ResumeVersion

    filler = fill(small_disk)
    resume = plain_text() * 20  # a few tens of KiB: more than the blocks left
    client.force_login(user)
    api_client.force_authenticate(user)

    page = client.post("/resumes/", {"file": SimpleUploadedFile("cv.txt", resume, "text/plain")})
    assert page.status_code == 200
    assert "storage is full" in page.content.decode()
    api = api_client.post("/api/v1/resumes/", {"file": SimpleUploadedFile("cv.txt", resume, "text/plain"),
                                               "title": "Full disk"}, format="multipart")
    assert api.status_code == 507, api.content
    assert api.json()["error"]["code"] == "storage_full"

    avatar_page = client.post("/settings/avatar/", {"avatar": SimpleUploadedFile("me.png", avatar_png(), "image/png")})
    assert avatar_page.status_code == 400
    assert "storage is full" in avatar_page.content.decode()
    avatar_api = api_client.post("/api/v1/me/avatar/", {"avatar": SimpleUploadedFile("me.png", avatar_png())},
                                 format="multipart")
    assert avatar_api.status_code == 507 and avatar_api.json()["error"]["code"] == "storage_full"

    # Nothing half-saved: no rows, no files, not even a truncated or partial one.
    assert not Resume.objects.filter(user=user).exists() and not ResumeVersion.objects.filter(resume__user=user).exists()
    assert not Profile.objects.get(user=user).avatar
    assert stored_files(small_disk) == []

    # Space again: the same uploads go through, each file beside its row.
    filler.unlink()
    again = api_client.post("/api/v1/me/avatar/", {"avatar": SimpleUploadedFile("me.png", avatar_png())},
                            format="multipart")
    assert again.status_code == 200, again.content
    avatar = Profile.objects.get(user=user).avatar
    assert stored_files(small_disk) == [f"public/{avatar.name}"]
    assert (small_disk / "public" / avatar.name).stat().st_size == avatar.size

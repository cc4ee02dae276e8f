"""Local storage never leaves half of an upload: a failed write leaves no file at all (not even
a truncated one under its name), and a service whose row fails after its file was stored takes
the file away again. The full-disk case with a real ENOSPC is tests/integration/test_disk_full.py."""

import errno
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from core.file_storage import LocalFileSystemStorage, StorageFull
from tests.resumes.documents import plain_text

pytestmark = pytest.mark.django_db


def files_under(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


class FailingContent(ContentFile):
    """Bytes that stop halfway with the error a full disk (or another fault) gives."""

    def __init__(self, error_number: int):
        super().__init__(b"x" * 10_000)
        self.error_number = error_number

    def chunks(self, chunk_size=None):
        yield b"first half"
        raise OSError(self.error_number, "injected")


def test_a_write_that_fails_leaves_nothing_and_a_full_disk_says_so(tmp_path):
    storage = LocalFileSystemStorage(location=tmp_path)
    with pytest.raises(StorageFull) as full:
        storage.save("a/full.txt", FailingContent(errno.ENOSPC))
    assert full.value.code == "storage_full" and full.value.status_code == 507
    with pytest.raises(OSError) as other:
        storage.save("a/io.txt", FailingContent(errno.EIO))
    assert other.value.errno == errno.EIO and not isinstance(other.value, StorageFull)
    assert files_under(tmp_path) == []
    name = storage.save("a/fine.txt", ContentFile(b"complete"))
    assert files_under(tmp_path) == [name] and (tmp_path / name).read_bytes() == b"complete"
    assert oct((tmp_path / name).stat().st_mode & 0o777) == "0o644"  # as Django's own saves


def test_a_row_that_fails_after_its_file_was_stored_takes_the_file_away(user, settings):
    from resumes.models import Resume, ResumeVersion
    from resumes.services import resume_upload

    private_root = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    with mock.patch.object(ResumeVersion, "save", side_effect=OperationalError("the database went away")), \
            pytest.raises(OperationalError):
        resume_upload(user=user, upload=SimpleUploadedFile("cv.txt", plain_text(), "text/plain"))
    assert not Resume.objects.filter(user=user).exists()
    assert not private_root.exists() or files_under(private_root) == []

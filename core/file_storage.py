"""The private file store and the one way out of it.

Private files (resumes today; recordings and attachments when they come) live in STORAGES["private"]:
outside MEDIA_ROOT locally, private objects on S3. Nothing links to them directly: a view checks
who asks, then calls `private_file_response`, which streams the local file or redirects to a
signed URL that expires within a minute or so."""

import mimetypes
import secrets
from pathlib import PurePosixPath

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header

PRIVATE_STORAGE_ALIAS = "private"


class PrivateFileSystemStorage(FileSystemStorage):
    """Local private files: a directory outside MEDIA_ROOT, and no URL at all, so that no page can
    link to one by mistake."""

    def url(self, name):
        raise ValueError("Private files have no URL: hand them out with private_file_response().")


class PrivateStorage(LazyObject):
    """STORAGES["private"], looked up on first use (like Django's default_storage)."""

    # The storage, or Django's `empty` marker until first use (the stubs leave it undeclared).
    _wrapped: object

    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


private_storage = PrivateStorage()


def private_storage_for_field():
    """For FileField(storage=...): a callable keeps migrations free of the storage's settings."""
    return private_storage


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    # Django rebuilds its storages when STORAGES changes (tests); this handle must follow.
    if setting == "STORAGES":
        private_storage._wrapped = empty


def unguessable_name(folder: str, filename: str) -> str:
    """`folder/<random>.<ext>`: no owner, id, version or date to guess from (128 random bits)."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"{folder}/{secrets.token_urlsafe(16)}{suffix}"


def private_file_response(field_file, *, download_name: str, content_type: str = "",
                          as_attachment: bool = True) -> HttpResponseBase:
    """The response that hands a private file to the person a view has already checked.

    Local files are streamed as an attachment; on S3 the answer is a redirect to a signed URL
    (short-lived, and asking S3 to send it as an attachment with the same name). Recordings are
    sent inline (`as_attachment=False`) with the type their bytes were found to be, for players."""
    storage = field_file.storage
    content_type = content_type or mimetypes.guess_type(download_name)[0] or "application/octet-stream"
    response: FileResponse | HttpResponseRedirect
    if _is_local(storage):
        response = FileResponse(storage.open(field_file.name, "rb"), as_attachment=as_attachment,
                                filename=download_name, content_type=content_type)
    else:
        disposition = content_disposition_header(as_attachment, download_name)
        url = storage.url(field_file.name, parameters={"ResponseContentDisposition": disposition,
                                                       "ResponseContentType": content_type})
        response = HttpResponseRedirect(url)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # a signed URL must not leak to other sites
    return response


def _is_local(storage) -> bool:
    try:
        storage.path("probe")
    except NotImplementedError:
        return False
    return True

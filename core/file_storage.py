"""The private file store and the one way out of it.

Private files (resumes today; recordings and attachments when they come) live in STORAGES["private"]:
outside MEDIA_ROOT locally, private objects on S3. Nothing links to them directly: a view checks
who asks, then calls `private_file_response`, which streams the local file or redirects to a
signed URL that expires within a minute or so."""

import errno
import functools
import mimetypes
import os
import secrets
import tempfile
from contextvars import ContextVar
from pathlib import PurePosixPath

from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header

from core.exceptions import ApplicationError

PRIVATE_STORAGE_ALIAS = "private"


class StorageFull(ApplicationError):
    """The disk (or quota) under the media roots is full: nothing was stored."""

    code = "storage_full"
    status_code = 507
    default_message = "The file could not be stored: our storage is full right now. Try again later."


class _WrittenFile(File):
    """A file already written beside its destination: Django's save moves it there (a rename)."""

    def __init__(self, path: str):
        super().__init__(None, name=path)
        self._path = path

    def temporary_file_path(self) -> str:
        return self._path


# Files stored inside a files_kept_only_with_their_rows() block, as (storage, name).
_stored_in_block: ContextVar[list | None] = ContextVar("files_stored_in_block", default=None)


def files_kept_only_with_their_rows(function):
    """For a service that stores files and rows together: when it raises (so its transaction
    rolls back), the files it stored are deleted again, so no file is left without its row.
    Put it outside @transaction.atomic, so that a failed commit counts too."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        stored: list = []
        token = _stored_in_block.set(stored)
        try:
            return function(*args, **kwargs)
        except BaseException:
            for storage, name in stored:
                storage.delete(name)
            raise
        finally:
            _stored_in_block.reset(token)

    return wrapper


class LocalFileSystemStorage(FileSystemStorage):
    """Local files that are never half-saved. Django writes straight into the final name, so a
    full disk leaves a truncated file there (and a 500). Here the bytes go to a hidden file in
    the same directory first and are renamed into place only when complete; a write that fails
    removes that file, and a full disk is a StorageFull error (the caller's transaction rolls
    back, so no row points at a missing or truncated file)."""

    def _save(self, name, content):
        directory = os.path.dirname(self.path(name))
        partial = None
        try:
            os.makedirs(directory, exist_ok=True)
            fd, partial = tempfile.mkstemp(dir=directory, prefix=".partial-")
            with os.fdopen(fd, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk.encode() if isinstance(chunk, str) else chunk)
            saved = super()._save(name, _WrittenFile(partial))  # type: ignore[misc]  # not in the stubs
        except OSError as error:
            if partial is not None:
                try:
                    os.unlink(partial)
                except FileNotFoundError:
                    pass  # already renamed into place before a later step failed
            if error.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StorageFull() from error
            raise
        stored = _stored_in_block.get()
        if stored is not None:
            stored.append((self, saved))
        return saved


class PrivateFileSystemStorage(LocalFileSystemStorage):
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

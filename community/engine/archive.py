"""A template's files as a zip, made on demand and bounded before anything is written."""

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath


class ArchiveTooLarge(Exception):
    def __init__(self, message: str, *, files: int, size: int):
        super().__init__(message)
        self.files = files
        self.size = size


@dataclass(frozen=True)
class ArchiveFile:
    path: str
    content: str


def safe_path(path: str) -> str:
    """A relative path with no '..', no absolute part and no backslashes, or ValueError."""
    parts = (path or "").split("/")
    if (not path or len(path) > 200 or "\x00" in path or "\\" in path or path.startswith("/")
            or any(part in ("", ".", "..") for part in parts) or len(parts) > 8):
        raise ValueError(f"{path!r} is not a relative file path (no '..', no leading '/').")
    return str(PurePosixPath(path))


def build_zip(files: list[ArchiveFile], *, root: str, max_files: int, max_bytes: int) -> bytes:
    """The files under `root/` in a deflated zip. Refuses (ArchiveTooLarge) more than
    `max_files` files or more than `max_bytes` of content, before compressing anything."""
    size = sum(len(f.content.encode("utf-8")) for f in files)
    if len(files) > max_files or size > max_bytes:
        raise ArchiveTooLarge(
            f"This template has {len(files)} files and {size:,} bytes; downloads are limited to "
            f"{max_files} files and {max_bytes:,} bytes.", files=len(files), size=size)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            info = zipfile.ZipInfo(f"{root}/{safe_path(f.path)}", date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, f.content)
    return buffer.getvalue()

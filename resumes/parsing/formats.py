"""What kind of file is this? Decided from the bytes, never from the name or declared type."""

import io
import zipfile
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024
# A DOCX is a zip: refuse archives whose unpacked size or entry count is absurd before opening them.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000


class UnreadableDocument(Exception):
    """The file cannot be read as a resume; `message` says why in words a user understands."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Detected:
    kind: str  # "pdf" | "docx" | "text"


def detect_format(data: bytes) -> Detected:
    if not data or not data.strip():
        raise UnreadableDocument("The file is empty.", "empty_file")
    if len(data) > MAX_BYTES:
        raise UnreadableDocument(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.", "file_too_large")
    if data.lstrip()[:5] == b"%PDF-":
        return Detected("pdf")
    if data[:4] == b"PK\x03\x04":
        _check_docx(data)
        return Detected("docx")
    for signature, name in ((b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
                            (b"\xd0\xcf\x11\xe0", "an old Word (.doc) file")):
        if data.startswith(signature):
            raise UnreadableDocument(f"This is {name}, not a resume we can read. Upload a PDF, a DOCX or plain text.",
                                     "unsupported_format")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableDocument("This file is not a PDF, a DOCX or plain text.", "unsupported_format") from None
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    if printable < 0.95 * len(text):
        raise UnreadableDocument("This file is not a PDF, a DOCX or plain text.", "unsupported_format")
    return Detected("text")


def _check_docx(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableDocument("The DOCX file is damaged.", "corrupt_file") from None
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise UnreadableDocument("The DOCX file unpacks to far more data than a resume holds.", "zip_bomb")
    if "word/document.xml" not in {e.filename for e in entries}:
        raise UnreadableDocument("This zip file is not a Word document.", "unsupported_format")

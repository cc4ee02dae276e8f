"""What a media file is, from its first bytes (never from its name or the browser's word)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Container:
    name: str  # our name: webm, matroska, mp4, ogg, wav, mp3, flac, aac
    demuxer: str  # the ffmpeg demuxer forced for it, so that no other parser ever reads the file
    content_type: str
    extension: str


WEBM = Container("webm", "matroska", "video/webm", "webm")
MATROSKA = Container("matroska", "matroska", "video/x-matroska", "mkv")
MP4 = Container("mp4", "mov", "video/mp4", "mp4")
QUICKTIME = Container("quicktime", "mov", "video/quicktime", "mov")
OGG = Container("ogg", "ogg", "audio/ogg", "ogg")
WAV = Container("wav", "wav", "audio/wav", "wav")
MP3 = Container("mp3", "mp3", "audio/mpeg", "mp3")
FLAC = Container("flac", "flac", "audio/flac", "flac")
AAC = Container("aac", "aac", "audio/aac", "aac")


class NotMedia(Exception):
    def __init__(self, message: str, code: str = "unsupported_type"):
        super().__init__(message)
        self.message = message
        self.code = code


SUPPORTED = "WebM, Matroska, MP4/M4A/MOV, Ogg, WAV, MP3, FLAC or AAC"


def sniff_container(head: bytes) -> Container:
    """The container of a file from its first bytes (64 KiB are plenty). Raises NotMedia."""
    if len(head) < 12:
        raise NotMedia("The file is empty or too short to be a recording.", code="empty_file")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        # EBML: the DocType element (42 82) says webm or matroska, near the start.
        doctype_at = head.find(b"\x42\x82", 4, 64)
        if doctype_at != -1 and head[doctype_at + 3:doctype_at + 7] == b"webm":
            return WEBM
        return MATROSKA
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return QUICKTIME if brand == b"qt  " else MP4
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip"):
        return QUICKTIME  # old QuickTime files without an ftyp box
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return WAV
    if head.startswith(b"fLaC"):
        return FLAC
    if head.startswith(b"ID3") or _mpeg_audio_frame(head):
        return MP3
    if head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return AAC  # ADTS header (MPEG-4/2 AAC, layer bits 00)
    raise NotMedia(f"This is not an audio or video file we can read (the bytes say so, whatever its name); "
                   f"upload {SUPPORTED}.")


def _mpeg_audio_frame(head: bytes) -> bool:
    # An MPEG audio frame sync (11 bits set), layer bits not 00, a valid bitrate and sample rate.
    if head[0] != 0xFF or head[1] & 0xE0 != 0xE0 or head[1] & 0x06 == 0:
        return False
    bitrate_index, rate_index = head[2] >> 4, (head[2] >> 2) & 0x03
    return bitrate_index not in (0, 15) and rate_index != 3

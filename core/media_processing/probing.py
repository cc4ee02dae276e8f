"""ffprobe's view of a file (duration, size, container, streams), and the refusals it supports."""

import json
from dataclasses import asdict, dataclass, field

from .commands import FFPROBE, MediaCommandFailed, run_media_command
from .sniffing import Container


class MediaRejected(Exception):
    """The file cannot be accepted: corrupt, the wrong type, too large or too long. Final (no retry),
    with a stable code for programs and a message for people."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class MediaLimits:
    max_bytes: int = 64 * 1024 * 1024
    max_seconds: float = 20 * 60
    command_seconds: float = 300
    max_copy_bytes: int = 256 * 1024 * 1024  # a web copy or poster never grows past this


@dataclass
class StreamInfo:
    index: int
    kind: str  # audio / video
    codec: str
    width: int | None = None
    height: int | None = None
    sample_rate: int | None = None
    channels: int | None = None
    duration: float | None = None


@dataclass
class MediaInfo:
    container: str
    format_name: str
    size_bytes: int
    duration: float | None
    bit_rate: int | None
    streams: list[StreamInfo] = field(default_factory=list)

    @property
    def video(self) -> StreamInfo | None:
        return next((s for s in self.streams if s.kind == "video"), None)

    @property
    def audio(self) -> StreamInfo | None:
        return next((s for s in self.streams if s.kind == "audio"), None)

    @property
    def kind(self) -> str:
        return "video" if self.video else "audio"

    def as_dict(self) -> dict:
        return {**asdict(self), "kind": self.kind}


def _number(value, kind=float):
    try:
        number = kind(float(value)) if kind is int else kind(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and number >= 0 else None  # NaN and negatives mean "unknown"


def probe(path: str, container: Container, *, size_bytes: int, limits: MediaLimits) -> MediaInfo:
    """Read the file's format and streams with ffprobe, its demuxer forced to what the bytes said."""
    try:
        result = run_media_command(
            [FFPROBE, "-v", "error", "-protocol_whitelist", "file", "-f", container.demuxer,
             "-show_format", "-show_streams", "-of", "json", path],
            timeout=min(limits.command_seconds, 60), max_output=2 * 1024 * 1024)
    except MediaCommandFailed as failure:
        raise MediaRejected(f"The file is damaged or not really {container.name.upper()}: "
                            f"{_first_line(failure.stderr) or 'ffprobe could not read it'}.", code="corrupt_file")
    try:
        report = json.loads(result.stdout or b"{}")
    except ValueError:
        raise MediaRejected("The file is damaged (ffprobe could not describe it).", code="corrupt_file")
    form = report.get("format") or {}
    streams: list[StreamInfo] = []
    for raw in report.get("streams") or []:
        kind = raw.get("codec_type")
        if kind not in ("audio", "video"):
            continue
        if kind == "video" and (raw.get("disposition") or {}).get("attached_pic"):
            continue  # cover art of an audio file, not a video
        streams.append(StreamInfo(
            index=int(raw.get("index", len(streams))), kind=kind, codec=str(raw.get("codec_name") or "unknown"),
            width=_number(raw.get("width"), int), height=_number(raw.get("height"), int),
            sample_rate=_number(raw.get("sample_rate"), int), channels=_number(raw.get("channels"), int),
            duration=_number(raw.get("duration"))))
    if not streams:
        raise MediaRejected("The file holds no audio or video stream.", code="no_media_streams")
    duration = _number(form.get("duration"))
    if duration is None:
        durations = [s.duration for s in streams if s.duration]
        duration = max(durations) if durations else None
    info = MediaInfo(container=container.name, format_name=str(form.get("format_name") or container.demuxer),
                     size_bytes=size_bytes, duration=duration, bit_rate=_number(form.get("bit_rate"), int),
                     streams=streams)
    check_length(info.duration, limits)
    return info


def check_length(duration: float | None, limits: MediaLimits) -> None:
    if duration is not None and duration > limits.max_seconds:
        raise MediaRejected(f"The recording is {_length(duration)} long; the limit is {_length(limits.max_seconds)}.",
                            code="too_long")


def _length(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} minutes".replace(".0 ", " ")


def _first_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return ""
    # ffprobe prefixes the path; what follows the last colon is the reason.
    return lines[-1].rsplit(": ", 1)[-1][:160]

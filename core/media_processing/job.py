"""One media job's engine part, in order: what the bytes are, what ffprobe says, the limits, the
decoded audio, its waveform and voice activity, a poster, and a copy without the original's
metadata (re-encoded or remuxed when browsers cannot play the original). The
transcript comes after, through the speech gateway (core.speech_gateway), which may use a model."""

import os
from collections.abc import Callable
from dataclasses import dataclass

from .probing import MediaInfo, MediaLimits, MediaRejected, check_length, probe
from .rendering import (
    BYTES_PER_SECOND,
    WebCopyPlan,
    decode_pcm,
    make_poster,
    make_web_copy,
    plan_web_copy,
    waveform_peaks,
)
from .sniffing import Container, NotMedia, sniff_container
from .speech import VoiceActivity, voice_activity

Progress = Callable[[str, int], None]


@dataclass
class MediaAnalysis:
    container: Container
    info: MediaInfo
    pcm: bytes
    activity: VoiceActivity | None
    waveform: dict
    poster_path: str | None
    web_plan: WebCopyPlan
    web_copy_path: str

    @property
    def duration(self) -> float | None:
        return self.info.duration


def check_upload(head: bytes, size: int, limits: MediaLimits) -> Container:
    """What can be refused before storing anything: the size, and the type from the first bytes."""
    if size > limits.max_bytes:
        raise MediaRejected(f"The file is {size / 1048576:.1f} MB; the limit is {limits.max_bytes / 1048576:g} MB.",
                            code="file_too_large")
    try:
        return sniff_container(head)
    except NotMedia as refusal:
        raise MediaRejected(refusal.message, code=refusal.code)


def analyse_media(path: str, *, workdir: str, limits: MediaLimits, progress: Progress | None = None) -> MediaAnalysis:
    """Raises MediaRejected (final) or commands.MediaCommandTimeout (worth another try)."""
    report = progress or (lambda stage, percent: None)
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        container = check_upload(handle.read(65536), size, limits)
    report("probing", 10)
    info = probe(path, container, size_bytes=size, limits=limits)
    report("decoding", 25)
    pcm = decode_pcm(path, container, info, limits)
    declared_duration = info.duration
    decoded = len(pcm) / BYTES_PER_SECOND
    if pcm and info.duration is None:
        info.duration = round(decoded, 3)  # MediaRecorder's WebM does not say
    elif pcm and info.duration and info.duration > 1 and decoded < info.duration / 2:
        raise MediaRejected(f"The file is cut short: it says {info.duration:.1f} s, but only {decoded:.1f} s of "
                            "it could be decoded.", code="corrupt_file")
    activity = voice_activity(pcm) if pcm else None
    waveform = waveform_peaks(pcm) if pcm else {"peaks": [], "seconds_per_peak": 0, "sample_rate": 0}
    report("poster", 40)
    poster_path = os.path.join(workdir, "poster.jpg")
    has_poster = make_poster(path, container, info, poster_path, limits)
    plan = plan_web_copy(container, info, declares_duration=declared_duration is not None)
    # Every plan writes a copy: at the least the original's streams without its metadata.
    report("web copy", 55)
    copy_path = os.path.join(workdir, f"web.{plan.container}")
    make_web_copy(path, container, info, plan, copy_path, limits)
    if info.duration is None:  # a video without audio that did not say its length: the copy does
        copy_info = probe(copy_path, sniff_container(open(copy_path, "rb").read(65536)),
                          size_bytes=os.path.getsize(copy_path), limits=limits)
        info.duration = copy_info.duration
    check_length(info.duration, limits)
    return MediaAnalysis(container=container, info=info, pcm=pcm, activity=activity, waveform=waveform,
                         poster_path=poster_path if has_poster else None, web_plan=plan, web_copy_path=copy_path)

"""What ffmpeg makes from an accepted file: 16 kHz mono PCM (for the waveform, the pauses and the
transcript), a poster frame, and a copy the browser can play when the original is not one."""

import os
from array import array
from dataclasses import dataclass

from .commands import FFMPEG, MediaCommandFailed, run_media_command
from .probing import MediaInfo, MediaLimits, MediaRejected, check_length
from .sniffing import Container

SAMPLE_RATE = 16_000  # what pocketsphinx's model and most transcription services expect
BYTES_PER_SECOND = SAMPLE_RATE * 2

# What every current browser plays: (container, video codecs, audio codecs). Audio-only files
# need only the audio codec to match; a video needs both.
PLAYABLE = {
    "webm": ({"vp8", "vp9", "av1"}, {"opus", "vorbis"}),
    "mp4": ({"h264"}, {"aac", "mp3"}),
    "ogg": (set(), {"opus", "vorbis"}),
    "mp3": (set(), {"mp3"}),
}


def _input(path: str, container: Container) -> list[str]:
    # The demuxer is forced to what the bytes said, and only local files may be opened: a file
    # that is really a playlist or a concat list cannot make ffmpeg read anything else.
    return ["-nostdin", "-v", "error", "-protocol_whitelist", "file", "-f", container.demuxer, "-i", path]


def decode_pcm(path: str, container: Container, info: MediaInfo, limits: MediaLimits) -> bytes:
    """The audio as 16-bit mono PCM at 16 kHz (empty without an audio stream). Decoding stops just
    past the length limit, so a file that hid its length is refused after at most that much work."""
    if info.audio is None:
        return b""
    budget = int((limits.max_seconds + 1) * BYTES_PER_SECOND)
    try:
        result = run_media_command(
            [FFMPEG, *_input(path, container), "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE),
             "-t", f"{limits.max_seconds + 1:g}", "-f", "s16le", "pipe:1"],
            timeout=limits.command_seconds, max_output=budget)
    except MediaCommandFailed as failure:
        raise MediaRejected(f"The audio could not be decoded: {failure.stderr.strip()[-160:] or 'damaged'}.",
                            code="corrupt_file")
    pcm = result.stdout[:len(result.stdout) - len(result.stdout) % 2]
    if not pcm:
        raise MediaRejected("The audio stream holds no sound that can be decoded (the file is damaged).",
                            code="corrupt_file")
    check_length(len(pcm) / BYTES_PER_SECOND, limits)
    return pcm


def pcm_samples(pcm: bytes) -> array:
    samples = array("h")
    samples.frombytes(pcm)
    if samples.itemsize != 2:  # pragma: no cover - every platform we run on
        raise RuntimeError("16-bit samples expected")
    return samples


def waveform_peaks(pcm: bytes, *, per_second: int = 20, max_peaks: int = 2000) -> dict:
    """Peaks for drawing: the loudest sample of each slice, 0..1 of full scale (not rescaled, so a
    quiet recording looks quiet)."""
    samples = pcm_samples(pcm)
    if not samples:
        return {"peaks": [], "seconds_per_peak": 0, "sample_rate": SAMPLE_RATE}
    count = max(1, min(max_peaks, round(len(samples) / SAMPLE_RATE * per_second)))
    step = -(-len(samples) // count)
    peaks = []
    for start in range(0, len(samples), step):
        chunk = samples[start:start + step]
        peaks.append(round(max(max(chunk), -min(chunk)) / 32768, 3))
    return {"peaks": peaks, "seconds_per_peak": round(step / SAMPLE_RATE, 4), "sample_rate": SAMPLE_RATE}


def make_poster(path: str, container: Container, info: MediaInfo, out_path: str, limits: MediaLimits) -> bool:
    """A JPEG frame (at most 640 px wide) a second in, or the first frame of a shorter video."""
    if info.video is None:
        return False
    moments = ["1"] if not info.duration or info.duration > 2 else []
    for moment in [*moments, "0"]:
        try:
            run_media_command(
                [FFMPEG, *_input(path, container), "-ss", moment, "-frames:v", "1", "-an",
                 "-vf", "scale='min(640,iw)':-2", "-c:v", "mjpeg", "-q:v", "4", "-f", "image2", "-y", out_path],
                timeout=min(limits.command_seconds, 60), max_output=1 << 16, max_file_bytes=16 * 1024 * 1024)
        except MediaCommandFailed:
            continue
        if os.path.exists(out_path) and os.path.getsize(out_path) > 0:
            return True
    return False


# Where each playable container is written back out when only its metadata is taken away.
STRIP_MUXERS = {"webm": "webm", "mp4": "mp4", "ogg": "ogg", "mp3": "mp3"}
# Every copy is written without what the original carried besides sound and pictures: global,
# stream and chapter metadata (a phone's GPS position in the MP4 `©xyz` atom, the device, the
# owner's name), and any stream but the first video and audio one (GPS tracks, subtitles, data).
NO_METADATA = ["-map_metadata", "-1", "-map_metadata:s", "-1", "-map_chapters", "-1"]


@dataclass
class WebCopyPlan:
    action: str  # strip / remux / transcode
    reason: str
    container: str = ""  # webm / mp4
    content_type: str = ""


def plan_web_copy(container: Container, info: MediaInfo, *, declares_duration: bool = True) -> WebCopyPlan:
    """Whether the browser can play the original as it is, and if not, the cheapest copy that it can."""
    video_codecs, audio_codecs = PLAYABLE.get(container.name, (set(), set()))
    video_ok = info.video is None or info.video.codec in video_codecs
    audio_ok = info.audio is None or info.audio.codec in audio_codecs
    target = ("mp4", "video/mp4") if info.video else ("webm", "audio/webm")
    if not (video_ok and audio_ok):
        codecs = "/".join(s.codec for s in info.streams)
        return WebCopyPlan("transcode", f"browsers do not all play {container.name} with {codecs}", *target)
    if not (declares_duration and info.duration) and container.name == "webm":
        # MediaRecorder's WebM has no duration and no index: players cannot seek in it until it is
        # rewritten, which copies the streams as they are (no re-encoding).
        return WebCopyPlan("remux", "the recording has no duration or seek index", "webm",
                           "video/webm" if info.video else "audio/webm")
    # Playable as it is: the streams are copied unchanged into a file without the metadata, which
    # then replaces the original (core.media_services), as an image's re-encoded copy does.
    return WebCopyPlan("strip", "the original plays in browsers; its metadata was removed",
                       STRIP_MUXERS[container.name], container.content_type)


def make_web_copy(path: str, container: Container, info: MediaInfo, plan: WebCopyPlan, out_path: str,
                  limits: MediaLimits) -> None:
    if plan.action in ("remux", "strip"):
        codec_args = ["-c", "copy"]
    elif info.video is not None:
        codec_args = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "28", "-pix_fmt", "yuv420p",
                      "-vf", "scale='min(1280,iw)':-2", "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart"]
    else:
        codec_args = ["-vn", "-c:a", "libopus", "-b:a", "48k"]
    try:
        run_media_command(
            [FFMPEG, *_input(path, container), "-map", "0:v:0?", "-map", "0:a:0?", *NO_METADATA, *codec_args,
             "-t", f"{limits.max_seconds + 1:g}", "-f", plan.container, "-y", out_path],
            timeout=limits.command_seconds, max_output=1 << 16, max_file_bytes=limits.max_copy_bytes)
    except MediaCommandFailed as failure:
        raise MediaRejected(f"A playable copy could not be made: {failure.stderr.strip()[-160:] or 'damaged'}.",
                            code="corrupt_file")

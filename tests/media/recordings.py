"""Real recordings made by real tools for the media tests: Festival's text2wave speaks a sentence,
ffmpeg makes video, silence, noise, and the damaged and disguised files."""

import shutil
import subprocess
from pathlib import Path

import pytest

SENTENCE = "I fixed the slow checkout service by adding a cache and measuring the latency"
SENTENCE_WORDS = SENTENCE.lower().split()

HAVE_FFMPEG = bool(shutil.which("ffmpeg") and shutil.which("ffprobe"))
HAVE_FESTIVAL = bool(shutil.which("text2wave"))
needs_ffmpeg = pytest.mark.skipif(not HAVE_FFMPEG, reason="Debian's ffmpeg is not installed (apt-get install ffmpeg)")
needs_festival = pytest.mark.skipif(not (HAVE_FFMPEG and HAVE_FESTIVAL),
                                    reason="Debian's festival and ffmpeg are not installed")


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True, timeout=120)


def make_recordings(folder: Path) -> dict[str, Path]:
    made: dict[str, Path] = {}
    speech = folder / "speech.wav"
    if HAVE_FESTIVAL:
        subprocess.run(["text2wave", "-o", str(speech)], input=SENTENCE.encode(), check=True, timeout=120)
        made["speech_wav"] = speech
        # The sentence twice with 3 s of silence between: a long pause.
        paused = folder / "paused.wav"
        _ffmpeg("-i", str(speech), "-i", str(speech), "-filter_complex",
                "[0:a]apad=pad_dur=3[a];[a][1:a]concat=n=2:v=0:a=1", str(paused))
        made["paused_wav"] = paused
        # A video answer as Chrome's MediaRecorder makes it: WebM (VP8 + Opus) written to a pipe,
        # so with no duration and no seek index.
        recorder = folder / "recorder.webm"
        with open(recorder, "wb") as out:
            subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15",
                            "-i", str(speech), "-shortest", "-c:v", "libvpx", "-b:v", "300k", "-c:a", "libopus",
                            "-f", "webm", "pipe:1"], stdout=out, check=True, timeout=120)
        made["recorder_webm"] = recorder
        # The same as a file with its index (plays as it is), and an audio-only voice note in Ogg.
        clip = folder / "clip.webm"
        _ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=15", "-i", str(speech), "-shortest",
                "-c:v", "libvpx", "-b:v", "300k", "-c:a", "libopus", str(clip))
        made["clip_webm"] = clip
        # Renamed: a WAV that says it is a WebM (the bytes decide), and a PDF that says it is audio.
        renamed = folder / "answer.webm"
        shutil.copy(speech, renamed)
        made["wav_named_webm"] = renamed
    quicktime = folder / "camera.mov"  # QuickTime with codecs browsers do not play: transcoded
    _ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=2", "-f", "lavfi",
            "-i", "sine=frequency=330:duration=2", "-c:v", "mpeg4", "-c:a", "pcm_s16le", str(quicktime))
    made["mov"] = quicktime
    silence = folder / "silence.webm"
    _ffmpeg("-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "3", "-c:a", "libopus", str(silence))
    made["silence_webm"] = silence
    noise = folder / "noise.ogg"
    _ffmpeg("-f", "lavfi", "-i", "anoisesrc=d=1.5:c=pink:a=0.3", "-c:a", "libopus", str(noise))
    made["noise_ogg"] = noise
    long_audio = folder / "long.mp3"
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=12", "-c:a", "libmp3lame", "-b:a", "32k", str(long_audio))
    made["long_mp3"] = long_audio
    good = folder / "tone.webm"
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=4", "-c:a", "libopus", str(good))
    data = good.read_bytes()
    corrupt = folder / "corrupt.webm"  # a real WebM header, then garbage
    corrupt.write_bytes(data[:200] + bytes((i * 7919) % 251 for i in range(6000)))
    made["corrupt_webm"] = corrupt
    truncated = folder / "truncated.webm"  # the first few KB of a real recording
    truncated.write_bytes(data[:1500])
    made["truncated_webm"] = truncated
    pdf = folder / "answer.mp3"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 2000 + b"\n%%EOF\n")
    made["pdf_named_mp3"] = pdf
    return made


@pytest.fixture(scope="session")
def recordings(tmp_path_factory) -> dict[str, Path]:
    if not HAVE_FFMPEG:
        pytest.skip("Debian's ffmpeg is not installed (apt-get install ffmpeg)")
    return make_recordings(tmp_path_factory.mktemp("recordings"))

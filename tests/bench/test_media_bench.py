"""Media job speed, against references measured in the same run.

- Transcription: pocketsphinx (decoder start included) over Festival's spoken sentence, alone and
  repeated to about half a minute, as a ratio to the audio's length. Target: at most 1.0 on these
  2 cores (faster than the recording plays).
- The media job's engine part (type from the bytes, probe, decode, waveform, voice activity,
  poster, seekable copy) on a MediaRecorder-style WebM, against a plain ffprobe + ffmpeg run of
  the same file making the same outputs (probe JSON, PCM, poster, remuxed copy)."""

import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from core.media_processing import MediaLimits, analyse_media
from core.media_processing.sphinx import transcribe_offline
from tests.media.recordings import HAVE_FESTIVAL, make_recordings

ROUNDS = 3
pytestmark = pytest.mark.skipif(not HAVE_FESTIVAL, reason="needs Debian's ffmpeg and festival")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench-media")
    made = make_recordings(folder)
    longer = folder / "longer.wav"  # the sentence 5 times with a second between: ~32 s
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *sum((["-i", str(made["speech_wav"])]
                                                                    for _ in range(5)), []),
                    "-filter_complex", "".join(f"[{i}:a]apad=pad_dur=1[a{i}];" for i in range(5))
                    + "".join(f"[a{i}]" for i in range(5)) + "concat=n=5:v=0:a=1", str(longer)], check=True)
    made["longer_wav"] = longer
    return made


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def test_transcription_speed_against_the_audios_length(files, tmp_path):
    for name in ("speech_wav", "longer_wav"):
        analysis = analyse_media(str(files[name]), workdir=str(tmp_path), limits=MediaLimits())
        seconds = len(analysis.pcm) / 32000
        samples = []
        for _ in range(ROUNDS):
            elapsed, transcript = timed(lambda analysis=analysis: transcribe_offline(analysis.pcm, analysis.activity))
            samples.append(elapsed)
        spent = statistics.median(samples)
        print(f"\n[bench] transcription ({name}, {seconds:.1f} s of audio): {spent:.2f} s, "
              f"{spent / seconds:.2f}x the audio's length (target at most 1.0; machine load "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores); heard: {transcript.text[:90]!r}")


def plain_run(path: Path, out: Path) -> None:
    """What the job does, as the plain commands a person would type."""
    run = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(path)]
    subprocess.run(["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
                   capture_output=True, check=True)
    subprocess.run([*run, "-vn", "-ac", "1", "-ar", "16000", "-f", "s16le", str(out / "audio.pcm")], check=True)
    subprocess.run([*run, "-ss", "1", "-frames:v", "1", str(out / "poster.jpg")], check=True)
    subprocess.run([*run, "-c", "copy", str(out / "copy.webm")], check=True)


def test_media_job_against_plain_ffprobe_and_ffmpeg(files):
    path = files["recorder_webm"]
    ours, plain = [], []
    for _ in range(ROUNDS):  # interleaved, so that a busy moment of the machine hits both
        with tempfile.TemporaryDirectory() as work:
            ours.append(timed(lambda work=work: analyse_media(str(path), workdir=work, limits=MediaLimits()))[0])
        with tempfile.TemporaryDirectory() as work:
            plain.append(timed(lambda work=work: plain_run(path, Path(work)))[0])
    a, b = statistics.median(ours), statistics.median(plain)
    print(f"\n[bench] media job engine on a {path.stat().st_size // 1024} KB recorder WebM: {a * 1000:.0f} ms vs plain "
          f"ffprobe+ffmpeg {b * 1000:.0f} ms: {a / b:.2f}x (the job also checks the bytes, forces the demuxer, "
          "bounds each run, and computes the waveform and voice activity in Python)")

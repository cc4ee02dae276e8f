"""The media engine alone (no Django, no database): real files made by Festival and ffmpeg."""

import json
import os
import subprocess
import time

import pytest

from core.media_processing import (
    MediaLimits,
    MediaRejected,
    Transcript,
    Word,
    analyse_media,
    check_upload,
    speaking_measures,
)
from core.media_processing.commands import FFMPEG, MediaCommandTimeout, run_media_command
from core.media_processing.sniffing import sniff_container
from core.media_processing.speech import (
    SILENT,
    TRANSCRIBED,
    UNINTELLIGIBLE,
    filler_words,
    voice_activity,
)
from core.media_processing.sphinx import transcribe_offline

from .recordings import SENTENCE_WORDS, needs_festival

LIMITS = MediaLimits(max_bytes=8 * 1024 * 1024, max_seconds=60, command_seconds=60)


def analyse(path, tmp_path, limits=LIMITS):
    workdir = tmp_path / "work"
    workdir.mkdir(exist_ok=True)
    return analyse_media(str(path), workdir=str(workdir), limits=limits)


def words_found(text: str) -> float:
    heard = text.lower().split()
    return sum(1 for word in SENTENCE_WORDS if word in heard) / len(SENTENCE_WORDS)


@pytest.fixture(scope="module")
def speech_analysis(recordings, tmp_path_factory):
    return analyse(recordings["speech_wav"], tmp_path_factory.mktemp("speech"))


@needs_festival
def test_a_spoken_sentence_is_read_transcribed_and_measured(speech_analysis):
    analysis = speech_analysis
    assert analysis.container.name == "wav" and analysis.info.kind == "audio"
    assert analysis.info.audio.codec == "pcm_s16le" and 4 < analysis.duration < 8
    # Uncompressed WAV: a small Opus copy for the player.
    assert analysis.web_plan.action == "transcode" and analysis.web_copy_path.endswith(".webm")
    copy = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json",
                                      analysis.web_copy_path], capture_output=True, check=True).stdout)
    assert [s["codec_name"] for s in copy["streams"]] == ["opus"]
    assert os.path.getsize(analysis.web_copy_path) * 5 < analysis.info.size_bytes
    assert analysis.poster_path is None  # audio: no poster
    peaks = analysis.waveform["peaks"]
    assert 80 <= len(peaks) <= 160 and max(peaks) > 0.1 and all(0 <= p <= 1 for p in peaks)

    transcript = transcribe_offline(analysis.pcm, analysis.activity)
    assert words_found(transcript.text) >= 0.6, transcript.text  # "most of its words"
    assert all(0 <= w.start < w.end <= analysis.duration + 0.5 for w in transcript.words)
    assert [w.start for w in transcript.words] == sorted(w.start for w in transcript.words)
    measures = speaking_measures(analysis.activity, transcript)
    assert measures.status == TRANSCRIBED and measures.word_count >= 10
    assert 100 <= measures.words_per_minute <= 250  # Festival speaks at a brisk conversational pace
    assert measures.long_pauses == [] and measures.filler_count == 0


@needs_festival
def test_a_long_pause_is_found_in_the_audio(recordings, tmp_path):
    analysis = analyse(recordings["paused_wav"], tmp_path)
    # Pauses come from the audio, whichever engine wrote the words (these stand in for them).
    words = [Word(text="word", start=s, end=e, confidence=0.9) for s, e in analysis.activity.segments]
    measures = speaking_measures(analysis.activity, Transcript(words=words))
    assert len(measures.long_pauses) == 1
    pause = measures.long_pauses[0]
    assert 2.5 <= pause["seconds"] <= 4 and 4 < pause["start"] < 7


@needs_festival
def test_a_recorder_webm_without_duration_gets_a_seekable_copy_and_a_poster(recordings, tmp_path):
    analysis = analyse(recordings["recorder_webm"], tmp_path)
    assert analysis.container.name == "webm" and analysis.info.kind == "video"
    assert {s.codec for s in analysis.info.streams} == {"vp8", "opus"}
    assert 4 < analysis.duration < 8  # from the decoded audio: the file does not say
    assert analysis.web_plan.action == "remux"
    probe = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_format", "-of", "json", analysis.web_copy_path],
                                      capture_output=True, check=True).stdout)
    assert float(probe["format"]["duration"]) > 4  # the copy says how long it is, so players can seek
    with open(analysis.poster_path, "rb") as poster:
        assert poster.read(3) == b"\xff\xd8\xff"  # a JPEG


@needs_festival
def test_a_webm_that_plays_is_only_rewritten_without_its_metadata(recordings, tmp_path):
    analysis = analyse(recordings["clip_webm"], tmp_path)
    assert analysis.web_plan.action == "strip" and analysis.web_copy_path.endswith(".webm") and analysis.poster_path
    streams = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", recordings["clip_webm"]],
                                        capture_output=True, check=True).stdout)["streams"]
    copied = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", analysis.web_copy_path],
                                       capture_output=True, check=True).stdout)["streams"]
    # The same streams, copied rather than encoded again.
    assert [s["codec_name"] for s in copied] == [s["codec_name"] for s in streams]


def test_a_quicktime_video_browsers_cannot_play_becomes_h264_mp4(recordings, tmp_path):
    analysis = analyse(recordings["mov"], tmp_path)
    assert analysis.container.name == "quicktime" and analysis.info.video.codec == "mpeg4"
    assert analysis.web_plan.action == "transcode" and analysis.web_copy_path.endswith(".mp4")
    copy = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json",
                                      analysis.web_copy_path], capture_output=True, check=True).stdout)
    assert sorted(s["codec_name"] for s in copy["streams"]) == ["aac", "h264"]


@needs_festival
def test_the_type_comes_from_the_bytes_not_the_name(recordings, tmp_path):
    analysis = analyse(recordings["wav_named_webm"], tmp_path)
    assert analysis.container.name == "wav"
    with pytest.raises(MediaRejected) as refused:
        analyse(recordings["pdf_named_mp3"], tmp_path)
    assert refused.value.code == "unsupported_type" and "not an audio or video file" in refused.value.message


def test_silence_is_silent_and_gets_no_transcript(recordings, tmp_path):
    analysis = analyse(recordings["silence_webm"], tmp_path)
    assert analysis.activity.silent and analysis.activity.segments == []
    measures = speaking_measures(analysis.activity, None)
    assert measures.status == SILENT and measures.word_count == 0 and "No voice" in measures.explanation


def test_noise_is_unintelligible_not_an_invented_transcript(recordings, tmp_path):
    analysis = analyse(recordings["noise_ogg"], tmp_path)
    assert not analysis.activity.silent
    transcript = transcribe_offline(analysis.pcm, analysis.activity)
    measures = speaking_measures(analysis.activity, transcript)
    assert measures.status == UNINTELLIGIBLE, transcript.text
    assert measures.words_per_minute is None


@pytest.mark.parametrize(("name", "code"), [("corrupt_webm", "corrupt_file"), ("truncated_webm", "corrupt_file"),
                                            ("pdf_named_mp3", "unsupported_type")])
def test_damaged_and_disguised_files_are_refused_with_a_reason(recordings, tmp_path, name, code):
    with pytest.raises(MediaRejected) as refused:
        analyse(recordings[name], tmp_path)
    assert refused.value.code == code and refused.value.message


def test_size_and_length_limits(recordings, tmp_path):
    with pytest.raises(MediaRejected) as refused:
        check_upload(b"RIFF\x00\x00\x00\x00WAVEfmt ", 9 * 1024 * 1024, LIMITS)
    assert refused.value.code == "file_too_large" and "limit is 8 MB" in refused.value.message
    with pytest.raises(MediaRejected) as refused:
        analyse(recordings["long_mp3"], tmp_path, MediaLimits(max_seconds=10, command_seconds=60))
    assert refused.value.code == "too_long"
    assert refused.value.message == "The recording is 12 s long; the limit is 10 s."


def test_empty_and_tiny_files_are_refused():
    for head in (b"", b"hello"):
        with pytest.raises(MediaRejected) as refused:
            check_upload(head, len(head), LIMITS)
        assert refused.value.code == "empty_file"


@pytest.mark.parametrize(("head", "name"), [
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "webm"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska", "matroska"),
    (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "mp4"), (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "quicktime"),
    (b"OggS\x00\x02" + b"\x00" * 20, "ogg"), (b"ID3\x04\x00\x00" + b"\x00" * 10, "mp3"),
    (b"\xff\xfb\x90\x64" + b"\x00" * 10, "mp3"), (b"fLaC\x00\x00\x00\x22" + b"\x00" * 8, "flac"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", "wav"),
])
def test_containers_are_known_by_their_magic(head, name):
    assert sniff_container(head).name == name


def test_a_hanging_command_is_killed_at_its_time_limit():
    started = time.monotonic()
    with pytest.raises(MediaCommandTimeout):
        # An endless generated stream: ffmpeg would never stop by itself.
        run_media_command([FFMPEG, "-nostdin", "-v", "error", "-re", "-f", "lavfi", "-i", "sine", "-f", "null", "-"],
                          timeout=0.5, max_output=1024)
    assert time.monotonic() - started < 5


def test_output_is_bounded():
    result = run_media_command([FFMPEG, "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine", "-f", "s16le", "pipe:1"],
                               timeout=30, max_output=100_000)
    assert result.truncated and len(result.stdout) == 100_000


def test_fillers_count_only_where_they_are_fillers():
    words = "um so I like Python and it was like really you know fast uh you know what I mean".split()
    assert filler_words(words) == {"um": 1, "like": 1, "you know": 1, "uh": 1}
    assert filler_words("it is kind of slow what kind of cache".split()) == {"kind of": 1}
    assert filler_words([]) == {}


def test_voice_activity_of_pure_silence():
    activity = voice_activity(b"\x00\x00" * 16000)
    assert activity.silent and activity.duration == 1.0

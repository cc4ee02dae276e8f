"""The media engine, with no Django inside: reading recordings with Debian's ffprobe/ffmpeg
(type from the bytes, limits, a poster, a waveform, a playable copy) and speech (offline
transcription with pocketsphinx, speaking measures). core.media_services runs it in a Celery job."""

from .commands import MediaCommandTimeout
from .job import MediaAnalysis, analyse_media, check_upload
from .probing import MediaInfo, MediaLimits, MediaRejected
from .speech import (
           SpeakingMeasures,
           Transcript,
           VoiceActivity,
           Word,
           speaking_measures,
           transcript_verdict,
)

__all__ = ["MediaAnalysis", "MediaCommandTimeout", "MediaInfo", "MediaLimits", "MediaRejected", "SpeakingMeasures",
           "Transcript", "VoiceActivity", "Word", "analyse_media", "check_upload", "speaking_measures",
           "transcript_verdict"]

"""Speech to text, the way core.ai_gateway does text: with `AI_BASE_URL` set, the audio goes to
the OpenAI-compatible `/audio/transcriptions` endpoint (`AI_TRANSCRIBE_MODEL`) first; any failure
(network, timeout, error status, an answer without text) falls back to pocketsphinx on this
machine, and the result says why. Silent audio is sent to no engine: there is nothing to hear,
and a recogniser asked anyway invents words. Every call is recorded (`AICall`, task "transcribe")."""

import io
import logging
import time
import wave
from dataclasses import dataclass

from django.conf import settings

from . import metrics
from .ai_gateway import OFFLINE, OPENAI, AIFailure, _record, model_client
from .media_processing import Transcript, VoiceActivity, Word
from .media_processing.rendering import SAMPLE_RATE
from .media_processing.sphinx import ENGINE as SPHINX
from .media_processing.sphinx import transcribe_offline

logger = logging.getLogger(__name__)
TASK = "transcribe"


@dataclass
class SpeechResult:
    transcript: Transcript | None
    engine: str  # offline (pocketsphinx) / openai-compatible / "" (nothing was sent: silent)
    fallback_reason: str = ""
    model: str = ""
    latency_ms: int = 0

    @property
    def fell_back(self) -> bool:
        return bool(self.fallback_reason)


def pcm_to_wav(pcm: bytes) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm)
    return buffer.getvalue()


def _field(item, name):
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def _ask_model(pcm: bytes, activity: VoiceActivity) -> tuple[Transcript, str]:
    try:
        response = model_client().audio.transcriptions.create(
            model=settings.AI_TRANSCRIBE_MODEL, file=("answer.wav", pcm_to_wav(pcm), "audio/wav"),
            response_format="verbose_json", timestamp_granularities=["word"], language="en")
    except Exception as error:  # openai raises many kinds: all mean "the model did not answer"
        raise AIFailure(f"{type(error).__name__}: {error}"[:300]) from error
    text = _field(response, "text")
    if not isinstance(text, str):
        raise AIFailure("the answer had no text")
    words = []
    for item in _field(response, "words") or []:
        word, start, end = _field(item, "word"), _field(item, "start"), _field(item, "end")
        if isinstance(word, str) and isinstance(start, int | float) and isinstance(end, int | float) and word.strip():
            words.append(Word(text=word.strip(), start=round(float(start), 2), end=round(float(end), 2)))
    if not words and text.strip():
        words = _spread(text, activity)  # a service that gives no word times: spread over the voiced span
    model = _field(response, "model") or settings.AI_TRANSCRIBE_MODEL
    return Transcript(words=words, text=text.strip(), engine=OPENAI), str(model)


def _spread(text: str, activity: VoiceActivity) -> list[Word]:
    tokens = text.split()
    start = activity.segments[0][0] if activity.segments else 0.0
    end = activity.segments[-1][1] if activity.segments else activity.duration
    step = (end - start) / max(len(tokens), 1)
    return [Word(text=token, start=round(start + i * step, 2), end=round(start + (i + 1) * step, 2))
            for i, token in enumerate(tokens)]


def speech_transcribe(*, pcm: bytes, activity: VoiceActivity, user=None) -> SpeechResult:
    """The transcript of 16 kHz mono PCM, from the model when one is configured, else offline."""
    if activity.silent:
        return SpeechResult(transcript=None, engine="")
    started = time.perf_counter()
    if settings.AI_BASE_URL:
        try:
            transcript, model = _ask_model(pcm, activity)
        except AIFailure as failure:
            logger.warning("transcription fell back to pocketsphinx: %s", failure)
            result = SpeechResult(transcribe_offline(pcm, activity), OFFLINE, fallback_reason=str(failure),
                                  model=SPHINX)
        else:
            result = SpeechResult(transcript, OPENAI, model=model)
    else:
        result = SpeechResult(transcribe_offline(pcm, activity), OFFLINE, model=SPHINX)
    result.latency_ms = int((time.perf_counter() - started) * 1000)
    metrics.AI_CALLS.labels(TASK, "fallback" if result.fell_back else result.engine).inc()
    _record(TASK, result, user)  # type: ignore[arg-type]
    return result

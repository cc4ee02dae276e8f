"""Transcription through an OpenAI-compatible /audio/transcriptions endpoint on loopback (a real
HTTP server, multipart as the openai package sends it), and the fall back to pocketsphinx."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.media_processing import MediaLimits, analyse_media
from core.models import AICall
from core.speech_gateway import speech_transcribe

from .recordings import SENTENCE, needs_festival

pytestmark = [pytest.mark.django_db, needs_festival]


class FakeTranscriber(BaseHTTPRequestHandler):
    mode = "words"
    requests: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        FakeTranscriber.requests.append((self.path, self.headers.get("Content-Type", ""), body,
                                         self.headers.get("Authorization")))
        if FakeTranscriber.mode == "error":
            self.send_response(503)
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "overloaded"}}')
            return
        if FakeTranscriber.mode == "slow":
            time.sleep(3)
        words = SENTENCE.split()
        payload = {"task": "transcribe", "language": "english", "duration": 5.5, "text": SENTENCE}
        if FakeTranscriber.mode == "words":
            payload["words"] = [{"word": w, "start": 0.3 + i * 0.35, "end": 0.6 + i * 0.35} for i, w in enumerate(words)]
        if FakeTranscriber.mode == "no_text":
            payload = {"segments": []}
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def transcriber(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTranscriber)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.AI_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.AI_API_KEY = "test-key"
    settings.AI_TRANSCRIBE_MODEL = "whisper-test"
    settings.AI_TIMEOUT_SECONDS = 1.0
    settings.AI_MAX_RETRIES = 0
    FakeTranscriber.requests = []
    yield FakeTranscriber
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def speech(recordings, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("gateway")
    return analyse_media(str(recordings["speech_wav"]), workdir=str(workdir), limits=MediaLimits())


def test_the_model_transcribes_with_word_times(transcriber, speech):
    transcriber.mode = "words"
    result = speech_transcribe(pcm=speech.pcm, activity=speech.activity)
    assert result.engine == "openai-compatible" and not result.fell_back
    assert result.transcript.text == SENTENCE and len(result.transcript.words) == 14
    assert result.transcript.words[1].text == "fixed" and result.transcript.words[1].start == 0.65
    path, content_type, body, auth = transcriber.requests[0]
    assert path == "/v1/audio/transcriptions" and content_type.startswith("multipart/form-data")
    assert auth == "Bearer test-key" and b"whisper-test" in body and b"verbose_json" in body
    assert b"RIFF" in body and b"WAVE" in body  # 16 kHz mono WAV, as every service accepts
    call = AICall.objects.get()
    assert (call.task, call.engine, call.model) == ("transcribe", "openai-compatible", "whisper-test")


def test_a_model_without_word_times_gets_them_spread_over_the_voice(transcriber, speech):
    transcriber.mode = "text"
    words = speech_transcribe(pcm=speech.pcm, activity=speech.activity).transcript.words
    assert len(words) == 14 and words[0].start == speech.activity.segments[0][0]
    assert words[-1].end == pytest.approx(speech.activity.segments[-1][1], abs=0.02)


@pytest.mark.parametrize(("mode", "reason"), [("error", "503"), ("slow", "Timeout"), ("no_text", "no text")])
def test_any_failure_falls_back_to_pocketsphinx_and_says_why(transcriber, speech, mode, reason):
    transcriber.mode = mode
    result = speech_transcribe(pcm=speech.pcm, activity=speech.activity)
    assert result.engine == "offline" and result.model == "pocketsphinx"
    assert reason.lower() in result.fallback_reason.lower()
    assert "checkout" in result.transcript.text or "latency" in result.transcript.text
    call = AICall.objects.get()
    assert call.engine == "offline" and reason.lower() in call.fallback_reason.lower()

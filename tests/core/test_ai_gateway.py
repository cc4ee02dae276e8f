"""The AI gateway against a real HTTP server on loopback that speaks the chat-completions
protocol: a good answer, a malformed one, one that breaks the schema, a slow one, an error."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.ai_gateway import OFFLINE, OPENAI, ai_complete
from core.models import AICall

pytestmark = pytest.mark.django_db
SCHEMA = {"type": "object", "required": ["score", "reasons"],
          "properties": {"score": {"type": "integer", "minimum": 0, "maximum": 100},
                         "reasons": {"type": "array", "items": {"type": "string"}}}}


def offline():
    return {"score": 50, "reasons": ["rules"]}


class FakeModel(BaseHTTPRequestHandler):
    mode = "ok"
    requests: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeModel.requests.append((self.path, body, self.headers.get("Authorization")))
        if FakeModel.mode == "error":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "boom"}}')
            return
        if FakeModel.mode == "slow":
            time.sleep(3)
        content = {
            "ok": json.dumps({"score": 87, "reasons": ["strong match"]}),
            "fenced": "```json\n" + json.dumps({"score": 70, "reasons": ["ok"]}) + "\n```",
            "malformed": "Sure! Here is your JSON: {score: eighty}",
            "schema": json.dumps({"score": 900}),
            "slow": json.dumps({"score": 1, "reasons": []}),
        }[FakeModel.mode]
        payload = {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "fake-1",
                   "choices": [{"index": 0, "finish_reason": "stop",
                                "message": {"role": "assistant", "content": content}}],
                   "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def model_server(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.AI_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.AI_API_KEY = "test-key"
    settings.AI_MODEL = "fake-1"
    settings.AI_TIMEOUT_SECONDS = 1.0
    settings.AI_MAX_RETRIES = 0
    FakeModel.requests = []
    yield FakeModel
    server.shutdown()


def test_without_a_model_the_offline_engine_answers(settings):
    settings.AI_BASE_URL = ""
    result = ai_complete(task="score", schema=SCHEMA, offline=offline, prompt="x")
    assert (result.engine, result.data, result.fell_back) == (OFFLINE, offline(), False)
    assert AICall.objects.get().engine == OFFLINE


def test_a_good_answer_is_used(model_server):
    model_server.mode = "ok"
    result = ai_complete(task="score", schema=SCHEMA, offline=offline, system="You score resumes.", prompt="resume")
    assert result.engine == OPENAI and result.data == {"score": 87, "reasons": ["strong match"]}
    path, body, auth = model_server.requests[0]
    assert path == "/v1/chat/completions" and auth == "Bearer test-key"
    assert body["model"] == "fake-1" and body["response_format"] == {"type": "json_object"}
    assert "JSON schema" in body["messages"][0]["content"]


def test_fenced_json_is_accepted(model_server):
    model_server.mode = "fenced"
    assert ai_complete(task="score", schema=SCHEMA, offline=offline).data["score"] == 70


@pytest.mark.parametrize(("mode", "reason"), [
    ("malformed", "not JSON"), ("schema", "did not match the schema"), ("slow", "Timeout"), ("error", "500"),
])
def test_any_failure_falls_back_and_says_why(model_server, mode, reason):
    model_server.mode = mode
    started = time.perf_counter()
    result = ai_complete(task="score", schema=SCHEMA, offline=offline)
    assert result.engine == OFFLINE and result.data == offline()
    assert reason.lower() in result.fallback_reason.lower()
    assert time.perf_counter() - started < 5  # bounded by the timeout
    call = AICall.objects.get()
    assert call.engine == OFFLINE and reason.lower() in call.fallback_reason.lower()


def test_unreachable_endpoint_falls_back(settings):
    settings.AI_BASE_URL = "http://127.0.0.1:9/v1"
    settings.AI_TIMEOUT_SECONDS = 1.0
    settings.AI_MAX_RETRIES = 0
    result = ai_complete(task="score", schema=SCHEMA, offline=offline)
    assert result.engine == OFFLINE and "Connection" in result.fallback_reason

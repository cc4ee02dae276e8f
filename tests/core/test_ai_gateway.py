"""The AI gateway against a real HTTP server on loopback that speaks the chat-completions
protocol: a good answer, a malformed one, one that breaks the schema, a slow one, an error; and
streamed answers (`stream=True`: server-sent events of `chat.completion.chunk`s ending in
`data: [DONE]`, as the OpenAI API sends them), whose pieces reach the caller as they are sent."""

import contextlib
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
        # The mode is read once, when the request comes: a "slow" request's thread outlives its test
        # (the client gave up), and reading the class attribute after its sleep saw the next test's
        # mode ("error", which has no content: KeyError) and answered it to nobody.
        mode = type(self).mode
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((self.path, body, self.headers.get("Authorization")))
        try:
            if body.get("stream"):
                self.stream(mode, body)
            else:
                self.answer(mode)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out and left: nothing to answer

    def answer(self, mode):
        if mode == "error":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "boom"}}')
            return
        if mode == "slow":
            time.sleep(3)
        content = {
            "ok": json.dumps({"score": 87, "reasons": ["strong match"]}),
            "fenced": "```json\n" + json.dumps({"score": 70, "reasons": ["ok"]}) + "\n```",
            "malformed": "Sure! Here is your JSON: {score: eighty}",
            "schema": json.dumps({"score": 900}),
            "slow": json.dumps({"score": 1, "reasons": []}),
        }[mode]
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


@contextlib.contextmanager
def serving(handler, settings):
    """`handler` on a loopback port, the gateway pointed at it (1 s timeout, no retries)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.AI_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.AI_API_KEY = "test-key"
    settings.AI_MODEL = "fake-1"
    settings.AI_TIMEOUT_SECONDS = 1.0
    settings.AI_MAX_RETRIES = 0
    handler.requests, handler.mode = [], "ok"
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def model_server(settings):
    with serving(FakeModel, settings) as handler:
        yield handler


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


STREAMED = json.dumps({"score": 91, "reasons": ["streamed", "token by token"]})


class StreamingModel(FakeModel):
    """What the OpenAI API sends for `stream=True`: `data: <chunk JSON>` events, a blank line after
    each, the first with the role, then content deltas a few characters at a time, one with
    `finish_reason`, and `data: [DONE]`."""

    sent_at: list = []
    chunk_size = 5  # characters of content per event

    def content(self, mode, body) -> str:
        return {"ok": STREAMED, "malformed": '{"score": 91, "reasons": ["cut sh',
                "schema": json.dumps({"score": 900, "reasons": []})}.get(mode, STREAMED)

    def stream(self, mode, body):
        if mode == "error":
            self.send_response(429)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "rate limited", "type": "requests"}}')
            return
        content = self.content(mode, body)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()

        def event(delta, finish=None):
            chunk = {"id": "chatcmpl-s1", "object": "chat.completion.chunk", "created": 0, "model": "fake-stream-1",
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
            StreamingModel.sent_at.append(time.perf_counter())

        event({"role": "assistant", "content": ""})
        for start in range(0, len(content), self.chunk_size):
            event({"content": content[start:start + self.chunk_size]})
            time.sleep(0.03 if mode != "slow" else 0.6)
        event({}, finish="stop")
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


@pytest.fixture
def streaming_server(settings):
    StreamingModel.sent_at = []
    with serving(StreamingModel, settings) as handler:
        yield handler


def test_a_streamed_answer_reaches_the_caller_piece_by_piece_then_is_validated(streaming_server):
    pieces = []
    result = ai_complete(task="score", schema=SCHEMA, offline=offline, prompt="resume",
                         on_token=lambda piece: pieces.append((time.perf_counter(), piece)))
    assert result.engine == OPENAI and result.data == json.loads(STREAMED) and result.model == "fake-stream-1"
    assert "".join(p for _, p in pieces) == STREAMED and len(pieces) == -(-len(STREAMED) // 5)
    assert pieces[0][0] < streaming_server.sent_at[-1]  # the first piece came before the last was sent
    _, body, _ = streaming_server.requests[0]
    assert body["stream"] is True and body["response_format"] == {"type": "json_object"}


def test_without_on_token_nothing_is_streamed(model_server):
    ai_complete(task="score", schema=SCHEMA, offline=offline)
    assert model_server.requests[0][1]["stream"] is False


@pytest.mark.parametrize(("mode", "reason"), [
    ("malformed", "not JSON"), ("schema", "did not match the schema"), ("error", "429"), ("slow", "longer than"),
])
def test_a_streamed_answer_that_fails_falls_back_and_says_why(streaming_server, mode, reason):
    streaming_server.mode = mode
    pieces = []
    result = ai_complete(task="score", schema=SCHEMA, offline=offline, on_token=pieces.append)
    assert result.engine == OFFLINE and result.data == offline()
    assert reason.lower() in result.fallback_reason.lower()
    assert reason.lower() in AICall.objects.get().fallback_reason.lower()
    if mode in ("malformed", "schema"):
        assert pieces  # the page saw the pieces; the final answer says it was not used


def test_the_offline_engine_never_streams(settings):
    settings.AI_BASE_URL = ""
    pieces = []
    assert ai_complete(task="score", schema=SCHEMA, offline=offline, on_token=pieces.append).engine == OFFLINE
    assert pieces == []


class ModelIgnoringStream(FakeModel):
    """An endpoint that ignores `stream=True` and answers one `chat.completion` JSON body."""

    def stream(self, mode, body):
        self.answer(mode)


@pytest.fixture
def stream_ignoring_server(settings):
    with serving(ModelIgnoringStream, settings) as handler:
        yield handler


def test_an_endpoint_that_ignores_stream_is_read_as_one_answer(stream_ignoring_server):
    pieces = []
    result = ai_complete(task="score", schema=SCHEMA, offline=offline, on_token=pieces.append)
    assert stream_ignoring_server.requests[0][1]["stream"] is True
    assert result.engine == OPENAI and not result.fell_back
    assert result.data == {"score": 87, "reasons": ["strong match"]} and result.model == "fake-1"
    assert pieces == [json.dumps({"score": 87, "reasons": ["strong match"]})]  # the page sees it whole


@pytest.mark.parametrize(("mode", "reason"), [("malformed", "not JSON"), ("schema", "did not match the schema")])
def test_an_unstreamed_answer_to_a_stream_request_is_still_validated(stream_ignoring_server, mode, reason):
    stream_ignoring_server.mode = mode
    result = ai_complete(task="score", schema=SCHEMA, offline=offline, on_token=lambda piece: None)
    assert result.engine == OFFLINE and reason.lower() in result.fallback_reason.lower()

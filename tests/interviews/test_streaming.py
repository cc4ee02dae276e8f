"""With an OpenAI-compatible endpoint configured, the model's evaluation and next question stream
to the interview's page over /ws/interviews/<id>/ as they are written (`interview.stream`, the
pieces and the readable part so far), then the validated results come as before; a streamed answer
that breaks the schema is not used (the stream ends `"used": false`, the offline evaluation
counts). The model is a real HTTP server on loopback sending server-sent events as the OpenAI API
does. Without a model nothing streams (test_consumers.py)."""

import json
import threading
from http.server import ThreadingHTTPServer

import pytest
from channels.db import database_sync_to_async

from interviews import services
from interviews.models import InterviewTurn
from tests.core.test_ai_gateway import StreamingModel
from tests.interviews.test_consumers import open_socket, receive

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

SUMMARY = "A clear story with a measured result; say more about the trade-offs you weighed."
NEXT_QUESTION = "Tell me about a time you had to change a plan halfway through, and what came of it?"


class InterviewModel(StreamingModel):
    """Evaluations (every dimension scored, evidence quoted from the answer) and questions."""

    chunk_size = 40

    def content(self, mode, body):
        system = body["messages"][0]["content"]
        if system.startswith("You evaluate"):
            if mode == "schema":
                return json.dumps({"dimensions": [], "summary": "nothing"})
            answer = body["messages"][1]["content"].rsplit("Answer:\n", 1)[1]
            quote = " ".join(answer.split()[:6])
            return json.dumps({
                "dimensions": [{"dimension": d, "score": 80, "reason": f"{d} is good", "evidence": [quote]}
                               for d in ("relevance", "depth", "structure", "clarity", "concision")],
                "covered_talking_points": [0], "summary": SUMMARY})
        return json.dumps({"prompt": NEXT_QUESTION})


@pytest.fixture
def model(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), InterviewModel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.AI_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.AI_API_KEY, settings.AI_MODEL = "test-key", "fake-1"
    settings.AI_TIMEOUT_SECONDS, settings.AI_MAX_RETRIES = 2.0, 0
    InterviewModel.requests, InterviewModel.sent_at, InterviewModel.mode = [], [], "ok"
    yield InterviewModel
    server.shutdown()
    server.server_close()


@pytest.fixture
def started(bank, user, model):
    session = services.session_start(user=user, interview_type="behavioral", difficulty="medium", length=2)
    model.requests.clear()
    return session


def _sample(session_id):
    return InterviewTurn.objects.select_related("question").get(session_id=session_id, index=0) \
        .question.sample_strong_answer


async def until(ws, kind):
    """The events up to and including the first of type `kind`."""
    seen = []
    while not seen or seen[-1]["type"] != kind:
        seen.append(await receive(ws))
    return seen


async def test_the_evaluation_and_the_next_question_stream_then_the_validated_results_come(user, started, model):
    ws, connected = await open_socket(user, started.pk)
    assert connected and (await receive(ws))["type"] == "interview.state"
    answer = await database_sync_to_async(_sample)(started.pk)
    await ws.send_to(text_data=json.dumps({"type": "answer", "turn": 0, "text": answer}))
    events = await until(ws, "interview.question")
    streamed = [e for e in events if e["type"] == "interview.stream"]
    evaluation_stream = [e for e in streamed if e["task"] == "evaluation"]
    question_stream = [e for e in streamed if e["task"] == "question"]
    # every piece the model sent, in order, then "done"; the readable part grows to the summary
    pieces = [e for e in evaluation_stream if not e.get("done")]
    assert len(pieces) >= 2 and [e["seq"] for e in evaluation_stream] == list(range(len(evaluation_stream)))
    assert json.loads("".join(e["text"] for e in pieces))["summary"] == SUMMARY
    assert pieces[-1]["preview"] == SUMMARY and evaluation_stream[-1] == {
        "type": "interview.stream", "task": "evaluation", "turn": 0, "seq": len(pieces), "done": True, "used": True}
    assert all(e["turn"] == 1 for e in question_stream) and question_stream[-1]["used"] is True
    assert [e for e in question_stream if not e.get("done")][-1]["preview"] == NEXT_QUESTION
    # the streamed events came before the stored results, which are the validated ones
    kinds = [e["type"] for e in events]
    assert kinds.index("interview.evaluation") > events.index(evaluation_stream[-1])
    final = events[kinds.index("interview.evaluation")]["turn"]
    assert final["engine"] == "openai-compatible" and final["evaluation"]["summary"] == SUMMARY
    assert events[-1]["turn"]["prompt"] == NEXT_QUESTION
    assert all(request[1]["stream"] is True for request in model.requests)
    await ws.disconnect()


async def test_a_streamed_evaluation_that_breaks_the_schema_is_not_used(user, started, model):
    model.mode = "schema"
    ws, _ = await open_socket(user, started.pk)
    await receive(ws)
    answer = await database_sync_to_async(_sample)(started.pk)
    await ws.send_to(text_data=json.dumps({"type": "answer", "turn": 0, "text": answer}))
    events = await until(ws, "interview.evaluation")
    ended = [e for e in events if e["type"] == "interview.stream" and e.get("done") and e["task"] == "evaluation"]
    assert ended and ended[0]["used"] is False
    final = events[-1]["turn"]
    assert final["engine"] == "offline" and final["evaluation"]["summary"] != "nothing"
    turn = await database_sync_to_async(InterviewTurn.objects.get)(session_id=started.pk, index=0)
    assert "schema" in turn.fallback_reason
    await ws.disconnect()

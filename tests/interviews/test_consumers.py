"""/ws/interviews/<id>/ with WebsocketCommunicator through the real ASGI stack (origin check,
session-cookie auth): the state on connect, an answer evaluated and pushed with the next
question, errors that change nothing, size limits, someone else's session."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from core.consumers import CloseCode
from interviews import services
from interviews.engine import ANSWER_MAX_CHARS
from interviews.models import InterviewTurn
from tests.session_cookies import session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ORIGIN = (b"origin", b"http://127.0.0.1:8000")


async def open_socket(user, session_id):
    cookie = await database_sync_to_async(session_cookie)(user)
    ws = WebsocketCommunicator(application, f"/ws/interviews/{session_id}/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await ws.connect(timeout=5)
    return ws, connected


async def receive(ws):
    return json.loads(await ws.receive_from(timeout=10))


@pytest.fixture
def started(bank, user):
    return services.session_start(user=user, interview_type="behavioral", difficulty="medium", length=2)


def _sample(session_id, index=0):
    return InterviewTurn.objects.select_related("question").get(session_id=session_id, index=index) \
        .question.sample_strong_answer


async def test_an_answer_is_evaluated_live_then_the_next_question_comes(user, started):
    ws, connected = await open_socket(user, started.pk)
    assert connected
    state = await receive(ws)
    assert state["type"] == "interview.state" and state["session"]["current_turn"] == 0
    answer = await database_sync_to_async(_sample)(started.pk)
    await ws.send_to(text_data=json.dumps({"type": "answer", "turn": 0, "text": answer}))
    evaluation = await receive(ws)
    assert evaluation["type"] == "interview.evaluation" and evaluation["turn"]["evaluation"]["overall"] > 60
    following = await receive(ws)
    assert following["type"] == "interview.question" and following["turn"]["index"] == 1
    await ws.send_to(text_data=json.dumps({"type": "answer", "turn": 1, "text": "I would rather not say."}))
    assert (await receive(ws))["turn"]["evaluation"]["verdict"] == "not_enough_evidence"
    finished = await receive(ws)
    assert finished["type"] == "interview.finished" and finished["report_url"].endswith("/report/")
    await ws.disconnect()


async def test_bad_answers_get_an_error_and_change_nothing(user, started):
    ws, _ = await open_socket(user, started.pk)
    await receive(ws)
    await ws.send_to(text_data=json.dumps({"type": "answer", "turn": 0, "text": "   "}))
    assert (await receive(ws))["code"] == "empty_answer"
    await ws.send_to(text_data=json.dumps({"type": "answer", "turn": 0, "text": "a" * (ANSWER_MAX_CHARS + 1)}))
    assert (await receive(ws))["code"] == "answer_too_long"
    await ws.send_to(text_data=json.dumps({"type": "answer", "turn": 5, "text": "The answer for a stale tab."}))
    assert (await receive(ws))["code"] == "already_answered"
    await ws.send_to(text_data=json.dumps({"type": "answer", "turn": "zero", "text": "x"}))
    assert (await receive(ws))["code"] == "invalid"
    answered = await database_sync_to_async(
        InterviewTurn.objects.filter(session=started, answered_at__isnull=False).count)()
    assert answered == 0
    await ws.send_to(text_data="x" * (ANSWER_MAX_CHARS * 4 + 2048))
    assert (await ws.receive_output(timeout=5))["code"] == CloseCode.MESSAGE_TOO_BIG


async def test_not_json_closes_with_a_clear_code(user, started):
    ws, _ = await open_socket(user, started.pk)
    await receive(ws)
    await ws.send_to(text_data="{not json")
    assert (await ws.receive_output(timeout=5))["code"] == CloseCode.BAD_MESSAGE


async def test_someone_elses_session_is_refused(other_user, started):
    ws, connected = await open_socket(other_user, started.pk)
    assert connected
    assert (await ws.receive_output(timeout=5))["code"] == CloseCode.FORBIDDEN


async def test_signed_out_is_refused(started):
    ws = WebsocketCommunicator(application, f"/ws/interviews/{started.pk}/", headers=[ORIGIN])
    await ws.connect(timeout=5)
    assert (await ws.receive_output(timeout=5))["code"] == CloseCode.UNAUTHENTICATED


def _recording(owner, **fields):
    from core.models import MediaAsset

    values = {"file": "media/x.webm", "container": "webm", "content_type": "audio/webm", "size_bytes": 1000,
              "status": "ready", "transcript_status": "transcribed", "kind": "audio",
              "transcript": "I kept a journal of every decision and the result it had on the team.",
              "speaking": {"status": "transcribed", "words_per_minute": 140.0, "filler_count": 0, "fillers": {},
                           "long_pauses": [], "speaking_seconds": 6.0}} | fields
    return MediaAsset.objects.create(owner=owner, **values).id


async def test_a_spoken_answer_names_its_recording(user, other_user, started):
    mine = await database_sync_to_async(_recording)(user)
    theirs = await database_sync_to_async(_recording)(other_user)
    ws, connected = await open_socket(user, started.pk)
    assert connected
    await receive(ws)
    await ws.send_to(text_data=json.dumps({"type": "answer", "turn": 0, "media": "12"}))
    assert (await receive(ws))["code"] == "invalid"
    await ws.send_to(text_data=json.dumps({"type": "answer", "turn": 0, "media": theirs}))
    assert (await receive(ws))["code"] == "not_found"
    await ws.send_to(text_data=json.dumps({"type": "answer", "turn": 0, "media": mine, "text": "not this"}))
    evaluation = await receive(ws)
    assert evaluation["type"] == "interview.evaluation" and evaluation["turn"]["media"] == mine
    assert evaluation["turn"]["answer"].startswith("I kept a journal")
    assert evaluation["turn"]["evaluation"]["speaking"]["words_per_minute"] == 140.0
    await ws.disconnect()

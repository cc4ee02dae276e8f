import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from challenges import services
from config.asgi import application
from core.consumers import CloseCode
from tests.session_cookies import session_cookie

from .conftest import SUM_SOURCE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ORIGIN = (b"origin", b"http://127.0.0.1:8000")




async def open_socket(user, submission_id):
    cookie = await database_sync_to_async(session_cookie)(user)
    ws = WebsocketCommunicator(application, f"/ws/submissions/{submission_id}/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await ws.connect(timeout=5)
    return ws, connected


async def next_event(ws):
    return json.loads(await ws.receive_from(timeout=10))


async def test_live_per_test_verdicts(user, challenge, monkeypatch):
    from challenges import tasks

    # Hold the task back (Celery is eager here) so that the socket is open before judging starts.
    monkeypatch.setattr(tasks.submission_judge_task, "delay", lambda *args: None)
    submission = await database_sync_to_async(services.submission_create)(
        user=user, challenge=challenge, language="python", source=SUM_SOURCE)
    ws, connected = await open_socket(user, submission.id)
    assert connected
    state = await next_event(ws)
    assert state["type"] == "submission.state" and state["submission"]["status"] == "queued"
    await database_sync_to_async(services.submission_judge)(submission_id=submission.id)
    events = [await next_event(ws) for _ in range(5)]
    assert [e["type"] for e in events] == ["submission.status"] + ["submission.test"] * 3 + ["submission.judged"]
    assert [e["done"] for e in events[1:4]] == [1, 2, 3]
    assert events[3]["result"]["hidden"] is True and "input" not in events[3]["result"]
    final = events[-1]["submission"]
    assert final["verdict"] == "AC" and final["passed"] == 3
    await ws.disconnect()


async def test_reconnect_gets_the_whole_state(user, challenge):
    submission = await database_sync_to_async(services.submission_create)(
        user=user, challenge=challenge, language="python", source="print(0)")
    await database_sync_to_async(services.submission_judge)(submission_id=submission.id)
    ws, _ = await open_socket(user, submission.id)
    state = await next_event(ws)
    assert state["submission"]["verdict"] == "WA" and len(state["submission"]["results"]) == 3
    await ws.disconnect()


async def test_someone_elses_submission_is_closed_4403(user, other_user, challenge):
    submission = await database_sync_to_async(services.submission_create)(
        user=other_user, challenge=challenge, language="python", source=SUM_SOURCE)
    ws, connected = await open_socket(user, submission.id)
    assert (await ws.receive_output(timeout=5))["code"] == CloseCode.FORBIDDEN

"""/ws/media/<id>/: the job's progress live, for its owner only."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile

from config.asgi import application
from core import media_services
from core.consumers import CloseCode
from core.tasks import media_process_task
from tests.session_cookies import session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ORIGIN = (b"origin", b"http://127.0.0.1:8000")


async def open_socket(user, asset_id):
    cookie = await database_sync_to_async(session_cookie)(user)
    ws = WebsocketCommunicator(application, f"/ws/media/{asset_id}/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await ws.connect(timeout=5)
    return ws, connected


async def next_event(ws):
    return json.loads(await ws.receive_from(timeout=30))


def upload(user, recordings):
    path = recordings["silence_webm"]
    return media_services.media_upload(owner=user, upload=SimpleUploadedFile(path.name, path.read_bytes()))


async def test_the_owner_follows_the_job_live(user, recordings, monkeypatch):
    # Hold the job back (Celery is eager here) so that the socket is open before it starts.
    monkeypatch.setattr(media_process_task, "delay", lambda *args: None)
    asset = await database_sync_to_async(upload)(user, recordings)
    ws, connected = await open_socket(user, asset.id)
    assert connected
    state = await next_event(ws)
    assert state["type"] == "media.state" and state["status"] == "queued" and state["media"] == asset.id
    await database_sync_to_async(media_services.media_process)(asset_id=asset.id)
    events = []
    while not events or events[-1]["status"] not in ("ready", "failed"):
        events.append(await next_event(ws))
    assert {e["type"] for e in events} == {"media.status"}
    assert events[0]["stage"] == "starting" and events[-1]["status"] == "ready" and events[-1]["progress"] == 100
    assert "probing" in [e["stage"] for e in events]
    await ws.disconnect()


async def test_someone_elses_job_is_closed_4403(user, other_user, recordings, monkeypatch):
    monkeypatch.setattr(media_process_task, "delay", lambda *args: None)
    asset = await database_sync_to_async(upload)(other_user, recordings)
    ws, _ = await open_socket(user, asset.id)
    assert (await ws.receive_output(timeout=5))["code"] == CloseCode.FORBIDDEN

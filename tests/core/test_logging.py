"""Logs people can use: JSON lines in production, each carrying the request id (also sent back
in `X-Request-ID`) and the user id, in the request and in the Celery tasks it queues; and no
password, token or resume text in any line."""

import io
import json
import logging
from types import SimpleNamespace

import httpx
import pytest
import structlog
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from config.asgi import application
from core import request_context
from core.log_config import logging_settings
from tests.factories import PASSWORD


@pytest.fixture
def json_log():
    """Every log record of the process, rendered as production renders it, into a buffer."""
    spec = logging_settings(json_lines=True, level="DEBUG", quiet={})["formatters"]["structured"]
    formatter = structlog.stdlib.ProcessorFormatter(processors=spec["processors"],
                                                    foreign_pre_chain=spec["foreign_pre_chain"])
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield buffer
    root.removeHandler(handler)
    root.setLevel(old_level)


def lines(buffer) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_request_logs_with_its_request_id_and_user_and_answers_it(user, json_log):
    from channels.db import database_sync_to_async

    session = await database_sync_to_async(_session_cookie)(user)
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        client.cookies.set("sessionid", session)
        response = await client.get("/no-such-page/")
        client.cookies.clear()
        given = await client.get("/no-such-page/", headers={"X-Request-ID": "nginx-4f2a9c1e"})
        forged = await client.get("/no-such-page/", headers={"X-Request-ID": "bad id\nuser_id=1"})
    assert response.status_code == 404
    request_id = response.headers["x-request-id"]
    assert len(request_id) >= 16
    logged = [line for line in lines(json_log) if line.get("request_id") == request_id]
    assert any(line["logger"] == "django.request" and line.get("user_id") == user.pk for line in logged)
    assert given.headers["x-request-id"] == "nginx-4f2a9c1e"
    assert forged.headers["x-request-id"] != "bad id\nuser_id=1" and "\n" not in forged.headers["x-request-id"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_websocket_connection_logs_with_its_request_id_and_user(user, json_log):
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator

    session = await database_sync_to_async(_session_cookie)(user)
    ws = WebsocketCommunicator(application, "/ws/notifications/", headers=[
        (b"origin", b"http://localhost"), (b"cookie", f"sessionid={session}".encode()),
        (b"x-request-id", b"ws-conn-0042abcd")])
    connected, _ = await ws.connect(timeout=5)
    assert connected
    await ws.disconnect()
    ended = [line for line in lines(json_log) if line.get("event") == "websocket"]
    assert ended and ended[-1]["request_id"] == "ws-conn-0042abcd" and ended[-1]["user_id"] == user.pk


def _session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_a_task_carries_the_context_of_whoever_queued_it():
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id="req-12345678", user_id=7, path="/x")
    headers: dict = {}
    request_context._carry_log_context(headers=headers)
    assert headers[request_context.TASK_HEADER] == {"request_id": "req-12345678", "user_id": 7}
    structlog.contextvars.clear_contextvars()  # the worker is another process
    task = SimpleNamespace(name="resumes.parse", request=SimpleNamespace(
        is_eager=False, headers=None, **{request_context.TASK_HEADER: headers[request_context.TASK_HEADER]}))
    request_context._bind_task_log_context(task=task, task_id="t-1")
    bound = structlog.contextvars.get_contextvars()
    assert bound["request_id"] == "req-12345678" and bound["user_id"] == 7 and bound["task_id"] == "t-1"
    request_context._unbind_task_log_context(task=task)
    assert structlog.contextvars.get_contextvars() == {}


@pytest.mark.django_db
def test_no_password_token_or_resume_text_reaches_the_logs(user, client, json_log, django_capture_on_commit_callbacks):
    secret_password = "Quokka-Secret-Passphrase-77"
    client.post("/accounts/login/", {"login": user.email, "password": secret_password})  # a failed login
    login = APIClient().post("/_allauth/app/v1/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    token = login.json()["meta"]["access_token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/no-such-endpoint/").status_code == 404
    api.get(f"/api/v1/challenges/?access_token={token}")
    resume_text = "Zephyrine Marlowquist\nzephyrine@example.com\nExperience\nEngineer at Quillbank, 2019 - 2024\n"
    with django_capture_on_commit_callbacks(execute=True):
        upload = api.post("/api/v1/interview-prep/upload/",
                          {"file": SimpleUploadedFile("cv.txt", resume_text.encode())}, format="multipart")
    assert upload.status_code == 201, upload.content
    api.post("/api/v1/interview-prep/upload/", {"file": SimpleUploadedFile("cv.exe", b"MZ\x90\x00" + b"\x00" * 64)},
             format="multipart")
    output = json_log.getvalue()
    assert lines(json_log), "nothing was logged: the test would prove nothing"
    for secret in (secret_password, PASSWORD, token, token.split(".")[2], "Zephyrine", "Quillbank"):
        assert secret not in output, f"{secret[:12]}... is in the logs"


def test_a_logged_error_in_development_shows_the_traceback_but_no_local_variables():
    """The readable format prints plain tracebacks: never the frames' locals, where passwords live."""
    spec = logging_settings(json_lines=False, level="DEBUG", quiet={})["formatters"]["structured"]
    formatter = structlog.stdlib.ProcessorFormatter(processors=spec["processors"],
                                                    foreign_pre_chain=spec["foreign_pre_chain"])
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(formatter)
    logger = logging.getLogger("prepforge.test.tracebacks")
    logger.addHandler(handler)
    try:
        password_in_a_local = "correct-horse-battery-staple"  # noqa: F841
        raise ValueError("the card was declined")
    except ValueError:
        logger.exception("checkout failed")
    finally:
        logger.removeHandler(handler)
    text = buffer.getvalue()
    assert "checkout failed" in text and "ValueError: the card was declined" in text
    assert "correct-horse-battery-staple" not in text

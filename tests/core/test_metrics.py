"""Metrics and readiness: /metrics serves Prometheus' format to allowed addresses or the token
only, and counts requests by view, sockets, judge verdicts and queue time, resume parses and AI
calls; /ready says which dependency is down with a 503."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from prometheus_client import REGISTRY

from challenges import services as challenge_services
from config.asgi import application
from tests.challenges.conftest import SUM_SOURCE, sum_two_challenge


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.django_db
def test_metrics_answer_allowed_addresses_and_the_token_only(client, settings):
    settings.METRICS_TOKEN = "scrape-secret-123456"
    client.get("/accounts/login/")
    local = client.get("/metrics")
    assert local.status_code == 200 and local["Content-Type"].startswith("text/plain")
    assert 'prepforge_http_request_duration_seconds_count{method="GET",status="2xx",view="account_login"}' in \
        local.content.decode()
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", **outside).status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token-0000", **outside).status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret-123456", **outside).status_code == 200


@pytest.mark.django_db
def test_a_judged_submission_and_a_parsed_resume_are_counted(user, auth_client, django_capture_on_commit_callbacks):
    accepted_before = sample("prepforge_judge_verdicts_total", verdict="AC")
    queued_before = sample("prepforge_judge_queue_seconds_count")
    with django_capture_on_commit_callbacks(execute=True):
        challenge_services.submission_create(user=user, challenge=sum_two_challenge(), language="python",
                                             source=SUM_SOURCE)
    assert sample("prepforge_judge_verdicts_total", verdict="AC") == accepted_before + 1
    assert sample("prepforge_judge_queue_seconds_count") == queued_before + 1

    parsed_before = sample("prepforge_resume_parse_seconds_count")
    with django_capture_on_commit_callbacks(execute=True):
        upload = auth_client.post("/api/v1/interview-prep/upload/", {"file": SimpleUploadedFile(
            "cv.txt", b"Ada Lovelace\nada@example.com\nExperience\nEngineer at Analytical, 2019 - 2024\n")},
            format="multipart")
    assert upload.status_code == 201
    assert sample("prepforge_resume_parse_seconds_count") == parsed_before + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_websocket_connections_and_messages_are_counted(user):
    from django.test import Client

    def session_cookie():
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    cookie = await database_sync_to_async(session_cookie)()
    route = {"route": "/ws/notifications/"}
    opened = sample("prepforge_websocket_connections_total", **route)
    open_before = sample("prepforge_websocket_connections_open", **route)
    ws = WebsocketCommunicator(application, "/ws/notifications/",
                               headers=[(b"origin", b"http://localhost"), (b"cookie", f"sessionid={cookie}".encode())])
    assert (await ws.connect(timeout=5))[0]
    assert sample("prepforge_websocket_connections_open", **route) == open_before + 1
    await ws.send_json_to({"type": "ping"})
    await ws.disconnect()
    assert sample("prepforge_websocket_connections_total", **route) == opened + 1
    assert sample("prepforge_websocket_messages_total", direction="in", **route) >= 1
    assert sample("prepforge_websocket_connections_open", **route) == open_before


@pytest.mark.django_db
def test_readiness_reports_each_dependency(client, settings, monkeypatch):
    ready = client.get("/ready")
    assert ready.status_code == 200, ready.json()
    assert ready.json()["checks"]["database"]["ok"] and ready.json()["checks"]["sandbox"]["ok"]

    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    down = client.get("/ready")
    assert down.status_code == 503 and down.json()["status"] == "unavailable"
    assert down.json()["checks"]["redis"]["ok"] is False and down.json()["checks"]["database"]["ok"]

    settings.REDIS_URL = ""
    monkeypatch.setattr("challenges.judge_gateway.get_judge", lambda: None)
    no_sandbox = client.get("/ready")
    assert no_sandbox.status_code == 503 and no_sandbox.json()["checks"]["sandbox"]["ok"] is False

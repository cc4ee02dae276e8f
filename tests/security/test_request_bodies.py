"""Oversized request bodies are refused before anything buffers them, through the real server:
413 with the JSON envelope on API paths and a readable page elsewhere, answered at once, and the
server's memory hardly moves. Uploads up to their own limits still go through."""

import asyncio
import io
import json
import time

import httpx
import pytest
from django.test import Client

from core.body_limits import RequestBodyLimitMiddleware
from tests.factories import PASSWORD
from tests.live_server import asgi_server, reset_peak_rss, server_rss_bytes

SIXTY_MB = 60 * 1024 * 1024
MAX_RSS_GROWTH = 20 * 1024 * 1024


def login_token(base: str, email: str) -> str:
    response = httpx.post(f"{base}/_allauth/app/v1/auth/login",
                          json={"email": email, "password": PASSWORD}, timeout=20)
    return response.json()["meta"]["access_token"]


def chunks(total: int, size: int = 1024 * 1024):
    block = b"x" * size
    for _ in range(total // size):
        yield block


def assert_envelope(response, code="request_too_large"):
    assert response.status_code == 413, response.text[:300]
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message"] and "max_bytes" in error["details"]


@pytest.fixture
def site(transactional_db, make_user, tmp_path):
    user = make_user()
    with asgi_server(tmp_path) as base:
        token = login_token(base, user.email)
        with httpx.Client(base_url=base, timeout=30) as client:
            # Warm the process up (lazy imports, first templates) before its memory is read.
            client.get("/health")
            client.get("/accounts/login/")
            client.get("/api/v1/me/profile/", headers={"Authorization": f"Bearer {token}"})
            yield base, client, token


def test_sixty_megabytes_are_refused_at_once_without_growing_the_server(site):
    base, client, token = site
    body = b"{" + b" " * (SIXTY_MB - 2) + b"}"
    before = server_rss_bytes(base)
    reset_peak_rss(base)

    started = time.monotonic()
    api = client.post("/api/v1/me/profile/", content=body,
                      headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    page = client.post("/accounts/login/", content=body,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    anonymous_api = client.post("/_allauth/app/v1/auth/login", content=body,
                                headers={"Content-Type": "application/json"})
    elapsed = time.monotonic() - started

    assert_envelope(api)
    assert_envelope(anonymous_api)
    assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
    assert "too large" in page.text and "5.0 MB" in page.text
    assert elapsed < 10
    growth = server_rss_bytes(base, peak=True) - before
    assert growth < MAX_RSS_GROWTH, f"the server grew by {growth / 2**20:.1f} MB"
    assert client.get("/health").status_code == 200


def test_chunked_bodies_without_a_length_are_cut_off(site):
    base, client, token = site
    before = server_rss_bytes(base)
    reset_peak_rss(base)

    api = client.post("/api/v1/me/profile/", content=chunks(SIXTY_MB),
                      headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    upload = client.post("/api/v1/resumes/", content=chunks(SIXTY_MB),
                         headers={"Authorization": f"Bearer {token}",
                                  "Content-Type": "multipart/form-data; boundary=xyz"})

    assert_envelope(api)
    assert_envelope(upload)
    assert upload.json()["error"]["details"]["max_bytes"] == 11 * 1024 * 1024
    growth = server_rss_bytes(base, peak=True) - before
    assert growth < MAX_RSS_GROWTH, f"the server grew by {growth / 2**20:.1f} MB"


def test_a_five_megabyte_resume_still_uploads(site):
    from reportlab.pdfgen import canvas

    base, client, token = site
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Ada Lovelace - Python developer - ada@example.com")
    pdf.save()
    # Comment lines after the document pad it to 5 MB, as a scanned resume would be.
    data = buffer.getvalue() + b"%" + b"p" * 1022 + b"\n"
    data += (b"%" + b"p" * 1022 + b"\n") * (5 * 1024 - len(data) // 1024)

    response = client.post("/api/v1/resumes/", files={"file": ("ada.pdf", data, "application/pdf")},
                           data={"title": "Scanned"}, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 201, response.text[:300]
    assert response.json()["title"] == "Scanned"


@pytest.mark.django_db
def test_a_twenty_megabyte_json_body_gets_the_envelope_from_django_too(user):
    """Behind a server without the ASGI guard (the test client here), Django's own limit answers
    the envelope, not its HTML 400 page."""
    client = Client()
    client.force_login(user)
    body = json.dumps({"bio": "x" * (20 * 1024 * 1024)})

    api = client.patch("/api/v1/me/profile/", body, content_type="application/json")
    headless = client.post("/_allauth/app/v1/auth/login", body, content_type="application/json")

    for response in (api, headless):
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "request_too_large"


@pytest.mark.django_db
def test_pages_get_a_readable_page_for_too_much_form_data(client, settings):
    settings.DEBUG = False
    response = client.post("/accounts/login/", {"login": "x" * (6 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.content.decode() and "<html" in response.content.decode()


def test_the_guard_answers_without_reading_a_declared_oversized_body(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    async def never_called(*args):
        raise AssertionError("the application must not run")

    async def receive():
        raise AssertionError("the body must not be read")

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": "/api/v1/me/profile/", "method": "POST",
             "headers": [(b"content-length", b"1001"), (b"content-type", b"application/json")]}
    asyncio.run(RequestBodyLimitMiddleware(never_called)(scope, receive, send))
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["error"]["details"] == {"max_bytes": 1000}

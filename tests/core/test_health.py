"""`/health` is liveness for load balancers: 200 at once, no database, even in production
settings where every other plain-HTTP address redirects to HTTPS."""

import secrets

import httpx
import pytest

from tests.live_server import asgi_server


@pytest.mark.django_db
def test_health_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_health_answers_plain_http_probes_in_production(transactional_db, tmp_path):
    production = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1"}
    with asgi_server(tmp_path, **production) as base:
        health = httpx.get(f"{base}/health", timeout=10)
        page = httpx.get(f"{base}/accounts/login/", timeout=10)
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert page.status_code == 301 and page.headers["location"].startswith("https://")

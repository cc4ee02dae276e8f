"""When a dependency goes away the API keeps its JSON and says so: the database down is a quick
503 with Retry-After (the JSON envelope for the API, the site's own page for pages), and a
Redis outage turns off rate limiting instead of failing every API call."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client


@pytest.fixture
def database_down():
    def refuse(self):
        raise OperationalError("connection refused: the database is down")

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refuse):
        yield


@pytest.mark.django_db
def test_the_database_down_is_a_503_in_json_for_the_api_and_a_page_for_pages(user, database_down):
    client = Client(raise_request_exception=False)
    api = client.get("/api/v1/challenges/")
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert api.json()["error"]["code"] == "service_unavailable"
    page = client.get("/challenges/")
    assert page.status_code == 503 and page["Content-Type"].startswith("text/html")
    assert b"briefly unavailable" in page.content and b"Traceback" not in page.content


@pytest.mark.django_db
def test_an_unreachable_throttle_cache_lets_api_calls_through(auth_client, settings):
    working = settings.CACHES
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
                                   "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    try:
        response = auth_client.get("/api/v1/challenges/")  # the settings change reset the cache handler
    finally:
        settings.CACHES = working
    assert response.status_code == 200

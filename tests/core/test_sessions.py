"""The session engine keeps sessions working while the cache is down (core.sessions): the
database holds them all, so an unreachable Redis only costs the shortcut."""

import socket

import pytest
from django.core.cache import caches

from core.sessions import SessionStore

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable_cache(settings):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {**settings.CACHES, "sessions-down": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}}
    settings.SESSION_CACHE_ALIAS = "sessions-down"
    yield
    caches["sessions-down"].close()


def test_sessions_are_saved_read_and_deleted_through_the_database_while_the_cache_is_down(unreachable_cache):
    store = SessionStore()
    store["user_hint"] = "ada"
    store.save()
    key = store.session_key

    again = SessionStore(key)
    assert again["user_hint"] == "ada"  # read from the database; the failed cache write is skipped
    assert SessionStore().exists(key)
    again.delete()
    assert not SessionStore().exists(key) and SessionStore(key).get("user_hint") is None


async def test_the_async_path_falls_back_the_same_way(transactional_db, unreachable_cache):
    store = SessionStore()
    await store.aset("user_hint", "grace")
    await store.asave()
    again = SessionStore(store.session_key)
    assert await again.aget("user_hint") == "grace"
    assert await SessionStore().aexists(store.session_key)

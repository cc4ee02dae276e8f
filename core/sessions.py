"""The session engine (settings.SESSION_ENGINE): Django's cached_db, read from the cache and
written through to the database, that keeps working while the cache is down.

Django's cached_db catches a failed cache read but not the cache write that follows it, nor a
failed `in` or delete: during a Redis outage every signed-in page and every JWT call (its token's
session) answered 500. The database holds every session, so here the cache is only a shortcut:
when it is unreachable, reads miss, writes are skipped and logged, and the database answers."""

import logging

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.core.cache import caches

from core.throttling import CACHE_ERRORS

logger = logging.getLogger(__name__)


class _FailOpenCache:
    """The few cache calls cached_db makes; an unreachable cache is a miss."""

    def __init__(self, cache):
        self._cache = cache

    def _failed(self, operation: str, error: BaseException) -> None:
        logger.warning("session cache unreachable (%s), using the database: %s", operation, error)

    def get(self, key, default=None):
        try:
            return self._cache.get(key, default)
        except CACHE_ERRORS as error:
            self._failed("get", error)
            return default

    async def aget(self, key, default=None):
        try:
            return await self._cache.aget(key, default)
        except CACHE_ERRORS as error:
            self._failed("get", error)
            return default

    def set(self, key, value, timeout=None):
        try:
            self._cache.set(key, value, timeout)
        except CACHE_ERRORS as error:
            self._failed("set", error)

    async def aset(self, key, value, timeout=None):
        try:
            await self._cache.aset(key, value, timeout)
        except CACHE_ERRORS as error:
            self._failed("set", error)

    def delete(self, key):
        try:
            return self._cache.delete(key)
        except CACHE_ERRORS as error:
            self._failed("delete", error)
            return False

    async def adelete(self, key):
        try:
            return await self._cache.adelete(key)
        except CACHE_ERRORS as error:
            self._failed("delete", error)
            return False

    def __contains__(self, key):
        return self.get(key) is not None

    async def ahas_key(self, key):
        return await self.aget(key) is not None

    def __repr__(self):
        return repr(self._cache)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _FailOpenCache(caches[settings.SESSION_CACHE_ALIAS])

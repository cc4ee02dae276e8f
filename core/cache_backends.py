"""Django's Redis cache with one connection pool per process.

Django keeps its cache objects in context variables, and under ASGI every request has contexts of
its own, so `caches["default"]` is a new `RedisCache` in each request, and each one opened a pool
of its own: a new TCP connection to Redis for every request that touched the cache (sessions,
throttles, the daily-activity mark). The pools here are kept per process, keyed by server and
options, and shared by every cache object; redis-py's pools are thread-safe and start afresh in a
forked child."""

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_pools: dict[tuple, Any] = {}
_clients: dict[int, Any] = {}  # by id() of a pool in _pools, which are never dropped
_pools_lock = threading.Lock()


class SharedPoolRedisCacheClient(RedisCacheClient):
    """Also one redis-py client per pool (Django made one for every cache call, and a client sets
    up its table of ~80 response callbacks each time): a client holds no connection of its own,
    it takes one from the pool for each command, so threads can share it."""

    def get_client(self, key=None, *, write=False):
        this: Any = self  # Django's private attributes, which the stubs do not declare
        pool = self._get_connection_pool(write)
        client = _clients.get(id(pool))
        if client is None:
            client = _clients[id(pool)] = this._client(connection_pool=pool)
        return client

    def _get_connection_pool(self, write):
        this: Any = self
        index = this._get_connection_pool_index(write)
        server, pool_class, options = this._servers[index], this._pool_class, this._pool_options
        key = (server, pool_class, tuple(sorted((k, repr(v)) for k, v in options.items())))
        pool = _pools.get(key)
        if pool is None:
            with _pools_lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = pool_class.from_url(server, **options)
        return pool


class SharedPoolRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient

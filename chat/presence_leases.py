"""Who is online, as leases that run out: each open /ws/chat/ socket holds a lease on its user's
presence and renews it every heartbeat. A socket that closes gives its lease back; a web process
that dies (SIGKILL, out of memory, a lost machine) gives nothing back, and its sockets' leases
simply expire, so its users go offline within the lease time, not never.

Two stores with the same behaviour: Redis in the services mode (every web process sees every
lease), and process memory in the embedded mode (one process, in-memory channel layer). No
Django here but the settings that choose the store; times are passed in, so the tests can move
the clock.

Redis layout: `chat:presence:user:<id>` is a sorted set of that user's sockets scored by expiry;
`chat:presence:users` holds each user with their latest expiry, so a sweep finds the users whose
last lease ran out with one range read. Whoever removes a user from that index (ZREM answers 1
once) is the one process that announces them offline."""

import threading
from collections.abc import Iterable
from typing import Protocol

USERS_INDEX = "chat:presence:users"


def _user_key(user_id: int) -> str:
    return f"chat:presence:user:{user_id}"


class LeaseStore(Protocol):
    def renew(self, *, user_id: int, socket_id: str, now: float, ttl: float) -> bool:
        """Hold or extend a socket's lease; True when the user had no live lease before (came online)."""

    def release(self, *, user_id: int, socket_id: str, now: float) -> bool:
        """Give a socket's lease back; True when that was the user's last live lease (went offline)."""

    def live_users(self, *, user_ids: Iterable[int], now: float) -> set[int]:
        """The users among `user_ids` holding a live lease."""

    def sweep(self, *, now: float) -> list[int]:
        """The users whose last lease expired, each handed out once (across processes too)."""


class MemoryLeaseStore:
    def __init__(self):
        self._leases: dict[int, dict[str, float]] = {}
        self._lock = threading.Lock()

    def _live(self, user_id: int, now: float) -> dict[str, float]:
        sockets = self._leases.get(user_id, {})
        return {socket: expiry for socket, expiry in sockets.items() if expiry > now}

    def renew(self, *, user_id, socket_id, now, ttl):
        with self._lock:
            live = self._live(user_id, now)
            came_online = not live
            live[socket_id] = now + ttl
            self._leases[user_id] = live
            return came_online

    def release(self, *, user_id, socket_id, now):
        with self._lock:
            if user_id not in self._leases:
                return False  # the sweep announced them already
            live = self._live(user_id, now)
            live.pop(socket_id, None)
            if live:
                self._leases[user_id] = live
                return False
            del self._leases[user_id]
            return True

    def live_users(self, *, user_ids, now):
        with self._lock:
            return {uid for uid in user_ids if self._live(uid, now)}

    def sweep(self, *, now):
        with self._lock:
            gone = [uid for uid in self._leases if not self._live(uid, now)]
            for uid in gone:
                del self._leases[uid]
            return gone


class RedisLeaseStore:
    def __init__(self, client):
        self.redis = client

    def renew(self, *, user_id, socket_id, now, ttl):
        key = _user_key(user_id)
        pipe = self.redis.pipeline(transaction=True)
        pipe.zremrangebyscore(key, "-inf", now)
        pipe.zcard(key)
        pipe.zadd(key, {socket_id: now + ttl})
        pipe.expire(key, int(ttl * 2) + 1)
        pipe.zadd(USERS_INDEX, {str(user_id): now + ttl}, gt=True)
        _, live_before, *_ = pipe.execute()
        return live_before == 0

    def release(self, *, user_id, socket_id, now):
        key = _user_key(user_id)
        pipe = self.redis.pipeline(transaction=True)
        pipe.zrem(key, socket_id)
        pipe.zremrangebyscore(key, "-inf", now)
        pipe.zcard(key)
        *_, live_after = pipe.execute()
        if live_after:
            return False
        return bool(self.redis.zrem(USERS_INDEX, str(user_id)))

    def live_users(self, *, user_ids, now):
        ids = list(user_ids)
        if not ids:
            return set()
        pipe = self.redis.pipeline(transaction=False)
        for uid in ids:
            pipe.zcount(_user_key(uid), f"({now}", "+inf")
        return {uid for uid, count in zip(ids, pipe.execute(), strict=True) if count}

    def sweep(self, *, now):
        gone = []
        for raw in self.redis.zrangebyscore(USERS_INDEX, "-inf", now):
            uid = int(raw)
            key = _user_key(uid)
            pipe = self.redis.pipeline(transaction=True)
            pipe.zremrangebyscore(key, "-inf", now)
            pipe.zcard(key)
            _, live = pipe.execute()
            # A renewal raises the index score past now; ZREM with the old score would drop a
            # live user, so only a user still due (score <= now) and with no live socket goes.
            if live == 0 and self._remove_if_due(uid, now):
                gone.append(uid)
        return gone

    def _remove_if_due(self, uid: int, now: float) -> bool:
        removed = self.redis.eval(
            "local s = redis.call('ZSCORE', KEYS[1], ARGV[1]) "
            "if s and tonumber(s) <= tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end "
            "return 0", 1, USERS_INDEX, str(uid), repr(now))
        return bool(removed)


_memory_store = MemoryLeaseStore()
_redis_stores: dict[str, RedisLeaseStore] = {}


def lease_store(redis_url: str) -> LeaseStore:
    """The store of this mode: Redis when a URL is configured, else this process's memory."""
    if not redis_url:
        return _memory_store
    store = _redis_stores.get(redis_url)
    if store is None:
        import redis

        store = _redis_stores[redis_url] = RedisLeaseStore(redis.Redis.from_url(redis_url))
    return store

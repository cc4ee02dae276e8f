"""Rate limiting pieces shared by the interfaces."""

import time

from django.core.cache import cache
from django.utils import timezone


class TokenBucket:
    """Allows `capacity` events at once, refilled at `capacity / per_seconds` a second.

    Used per WebSocket connection, where state lives in the consumer instance."""

    def __init__(self, capacity: int, per_seconds: float, clock=time.monotonic):
        self.capacity = capacity
        self.rate = capacity / per_seconds
        self.tokens = float(capacity)
        self.clock = clock
        self.updated = clock()

    def allow(self) -> bool:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def minute_budget_spend(key: str, limit: int) -> bool:
    """Count one event against `key`'s budget for the current clock minute, in the shared cache
    (so across processes). False when the budget is spent; callers then refuse the event."""
    bucket = f"minute-budget:{key}:{timezone.now():%Y%m%d%H%M}"
    cache.add(bucket, 0, timeout=120)
    try:
        used = cache.incr(bucket)
    except ValueError:  # evicted between add and incr
        cache.set(bucket, 1, timeout=120)
        used = 1
    return used <= limit

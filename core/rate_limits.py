"""Rate limiting pieces shared by the interfaces."""

import time


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

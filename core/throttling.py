"""The one throttling approach for the API: every request counts against the per-user (or
per-address) rate, and a view's `throttle_scope` ("writes", "uploads", "runs") adds a tighter
rate for the requests that change something or cost a lot. Views only name their scope.

The counts live in the cache (Redis in production). When the cache is unreachable the throttles
let requests through and say so in the log, rather than turn every API call into an error: a
Redis outage costs rate limiting for its duration, not the API."""

import logging

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)


def _cache_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [ConnectionError, TimeoutError, OSError]
    try:
        import redis

        errors.append(redis.RedisError)
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    return tuple(errors)


CACHE_ERRORS = _cache_errors()


class FailOpenMixin:
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except CACHE_ERRORS as error:
            logger.warning("throttle cache unreachable, letting the request through: %s", error)
            return True


class FailOpenAnonRateThrottle(FailOpenMixin, AnonRateThrottle):
    pass


class FailOpenUserRateThrottle(FailOpenMixin, UserRateThrottle):
    pass


class UnsafeMethodScopedRateThrottle(FailOpenMixin, ScopedRateThrottle):
    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)

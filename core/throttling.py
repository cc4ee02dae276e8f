"""The one throttling approach for the API: every request counts against the per-user (or
per-address) rate, and a view's `throttle_scope` ("writes", "uploads", "runs") adds a tighter
rate for the requests that change something or cost a lot. Views only name their scope."""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import ScopedRateThrottle


class UnsafeMethodScopedRateThrottle(ScopedRateThrottle):
    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)

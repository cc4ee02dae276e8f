from datetime import UTC, datetime, time, timedelta

from django.core.cache import cache
from django.utils import timezone

from core.request_context import QUIET_PATHS
from core.throttling import CACHE_ERRORS

from .services import progress_record_activity

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class UserTimezoneMiddleware:
    """Pages show times in the signed-in user's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(QUIET_PATHS):  # probes and static files show no time and need no user
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.preferences.tzinfo)
        else:
            timezone.deactivate()
        return self.get_response(request)


class DailyActivityMiddleware:
    """Being signed in and using the site on a day counts toward the streak. The cache keeps this
    to one service call per user per local day, and this process remembers until when a user's
    day is recorded, so that the rest of their requests that day ask neither the cache nor their
    preferences (a query) again."""

    # (user id, joined at): when the user's local day that is already recorded ends. Joined at
    # tells a new user from a deleted one whose id came back. Bounded: cleared when full.
    recorded_until: dict[tuple, datetime] = {}
    REMEMBERED = 10_000

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Before the view for session users, so that the page already shows today's streak;
        # after it for API token users, whom only the API view authenticates.
        self.record(request)
        response = self.get_response(request)
        if response.status_code < 400:
            self.record(request)
        return response

    def record(self, request):
        if request.path.startswith(QUIET_PATHS):  # a probe or a static file is not someone using the site
            return
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        if user.pk is None:  # the request deleted its own account
            return
        now = timezone.now()
        remembered = (user.id, user.date_joined)
        if now < self.recorded_until.get(remembered, EPOCH):
            return
        local = timezone.localtime(now, user.preferences.tzinfo)
        today = local.date()
        try:
            first_today = cache.add(f"activity:{user.id}:{today.isoformat()}", 1, timeout=36 * 3600)
        except CACHE_ERRORS:
            first_today = True  # the cache is down: the service records the day once by itself
        if first_today:
            progress_record_activity(user=user)
        if len(self.recorded_until) >= self.REMEMBERED:
            self.recorded_until.clear()
        midnight = datetime.combine(today + timedelta(days=1), time.min, tzinfo=local.tzinfo)
        self.recorded_until[remembered] = midnight

import hmac
import ipaddress
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from . import metrics
from .selectors import devices_for_user, security_events_for_user


def health(request):
    """Liveness for load balancers and process managers: this process answers. No database or
    other service is touched, so a slow dependency never takes every web process out of rotation."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_redis(url: str) -> str:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _check_sandbox() -> str:
    from challenges.judge_gateway import judge_status

    status = judge_status()
    if not status["available"]:
        raise RuntimeError("no judge: bubblewrap or PISTON_URL needed")
    return status["name"]


def readiness_checks() -> dict[str, tuple[bool, str]]:
    """Each dependency this process needs to serve users: (up, what was seen)."""
    checks = {"database": _check_database, "sandbox": _check_sandbox}
    if settings.REDIS_URL:
        checks["redis"] = lambda: _check_redis(settings.REDIS_URL)
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")) and settings.CELERY_BROKER_URL != settings.REDIS_URL:
        checks["broker"] = lambda: _check_redis(settings.CELERY_BROKER_URL)
    elif settings.REDIS_URL:
        checks["broker"] = checks["redis"]
    results = {}
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            seen = check()
            results[name] = (True, f"{seen} in {round((time.perf_counter() - started) * 1000)} ms")
        except Exception as error:  # any failure of a dependency is "down", said plainly
            results[name] = (False, f"{type(error).__name__}: {str(error)[:200]}")
    return results


def ready(request):
    """Readiness: 200 when the database, Redis, the broker and the sandbox all answer, else 503
    with what is down, so that a balancer stops sending users to a process that cannot serve them."""
    results = readiness_checks()
    up = all(ok for ok, _ in results.values())
    body = {"status": "ready" if up else "unavailable",
            "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in results.items()}}
    return JsonResponse(body, status=200 if up else 503)


def _metrics_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)


def metrics_view(request):
    """Prometheus' text format, for configured addresses or the bearer token only (404 otherwise,
    so that the endpoint is not advertised)."""
    if not _metrics_allowed(request):
        return JsonResponse({"error": {"code": "not_found", "message": "Not found.", "details": {}}}, status=404)
    metrics.refresh_queue_depths(settings.CELERY_BROKER_URL, [settings.CELERY_TASK_DEFAULT_QUEUE])
    return HttpResponse(metrics.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")


@login_required
def security_events(request):
    """The user's own sign-ins, devices and security changes, from the audit log."""
    return render(request, "core/security_events.html", {
        "events": security_events_for_user(user=request.user), "devices": devices_for_user(user=request.user)})

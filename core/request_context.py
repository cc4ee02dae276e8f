"""One id for everything a request causes: each HTTP request and each WebSocket connection gets
a request id (the one nginx or a client sent in `X-Request-ID` when it is well formed, else a new
one), bound with the user id into structlog's context variables, so that every log line written
while serving it, in any thread the request hops to and in the Celery tasks it queues, carries
them. The id goes back in the response's `X-Request-ID` header."""

import re
import time
import uuid
from functools import partial

import structlog
from celery import signals
from django.utils.functional import SimpleLazyObject

from . import metrics

REQUEST_ID_HEADER = b"x-request-id"
# Whatever a client sends is logged, so only a short token of safe characters is taken as is.
ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,80}")
TASK_HEADER = "prepforge_log_context"
PROPAGATED = ("request_id", "user_id")


def request_id_from(scope) -> str:
    for name, value in scope.get("headers") or ():
        if name == REQUEST_ID_HEADER:
            candidate = value.decode("latin-1")
            if ACCEPTABLE_REQUEST_ID.fullmatch(candidate):
                return candidate
            break
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Outermost ASGI layer: binds the request id for the whole of a request or a connection."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        request_id = request_id_from(scope)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        scope["request_id"] = request_id

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != REQUEST_ID_HEADER]
                message = {**message, "headers": [*headers, (REQUEST_ID_HEADER, request_id.encode())]}
            await send(message)

        try:
            return await self.app(scope, receive, send_with_id if scope["type"] == "http" else send)
        finally:
            structlog.contextvars.clear_contextvars()


def bind_user(user) -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        structlog.contextvars.bind_contextvars(user_id=user.pk)


class BindUserMiddleware:
    """Django middleware, after authentication: the signed-in user's id joins the log context,
    and the request's origin (address, user agent, id, user) is there for the audit log.

    Both without loading anything: the user is still the lazy object AuthenticationMiddleware
    left, and loading it (the session and the user: two queries) happens when something asks for
    it, which binds its id to the log context then. A request that never needs its user (/health,
    static files, an API call signed with a token) loads neither; a log line written before the
    user is first needed (none is, in the middleware before the view) carries no user id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .audit import LazyRequestOrigin, current_origin

        if "user" in request.__dict__:
            request.user = SimpleLazyObject(partial(_user_bound_to_logs, request))
        token = current_origin.set(LazyRequestOrigin(request))
        try:
            return self.get_response(request)
        finally:
            current_origin.reset(token)


def _user_bound_to_logs(request):
    from django.contrib.auth.middleware import get_user

    user = get_user(request)  # AuthenticationMiddleware's loader, kept on the request once loaded
    bind_user(user)
    return user


access_log = structlog.get_logger("prepforge.access")
QUIET_PATHS = ("/health", "/ready", "/metrics", "/static/")


class RequestObservationMiddleware:
    """One log line per request (method, path, query with secrets masked by core.log_config,
    status, the view that answered, the time it took) and its latency in the metrics. Probes and
    static files are neither logged nor measured."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        bound_here = "request_id" not in structlog.contextvars.get_contextvars()
        if bound_here:  # served without the ASGI layer (the test client, a WSGI server)
            given = request.META.get("HTTP_X_REQUEST_ID", "")
            structlog.contextvars.bind_contextvars(
                request_id=given if ACCEPTABLE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex)
        try:
            response = self.get_response(request)
            if bound_here:
                response.headers.setdefault("X-Request-ID", structlog.contextvars.get_contextvars()["request_id"])
            if not request.path.startswith(QUIET_PATHS):
                self._observe(request, response, time.perf_counter() - started)
            return response
        finally:
            if bound_here:
                structlog.contextvars.clear_contextvars()

    @staticmethod
    def _observe(request, response, seconds: float) -> None:
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match else "unresolved"
        access_log.info("request", method=request.method, path=request.path,
                        query=request.META.get("QUERY_STRING", ""), status=response.status_code,
                        view=view, duration_ms=round(seconds * 1000, 1))
        metrics.REQUEST_SECONDS.labels(view, request.method, metrics.status_class(response.status_code)).observe(seconds)


class WebSocketObservation:
    """ASGI, after the WebSocket authentication: the connection's user id joins the log context,
    its messages are counted, and its end is logged with how long it lived and its close code."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        bind_user(scope.get("user"))
        started = time.perf_counter()
        close_code = None
        route = metrics.route_label(scope.get("path", ""))
        sent = metrics.WEBSOCKET_MESSAGES.labels(route, "out")
        received = metrics.WEBSOCKET_MESSAGES.labels(route, "in")
        accepted = False

        async def watched_send(message):
            nonlocal close_code, accepted
            kind = message.get("type")
            if kind == "websocket.send":
                sent.inc()
            elif kind == "websocket.accept" and not accepted:
                accepted = True
                metrics.WEBSOCKET_CONNECTIONS.labels(route).inc()
                metrics.WEBSOCKET_OPEN.labels(route).inc()
            elif kind == "websocket.close":
                close_code = message.get("code", 1000)
            await send(message)

        async def watched_receive():
            message = await receive()
            if message.get("type") == "websocket.receive":
                received.inc()
            return message

        try:
            return await self.inner(scope, watched_receive, watched_send)
        finally:
            if accepted:
                metrics.WEBSOCKET_OPEN.labels(route).dec()
            access_log.info("websocket", path=scope.get("path", ""), close_code=close_code,
                            seconds=round(time.perf_counter() - started, 3))


# --- Celery: a task carries the context of whoever queued it --------------------------------------


@signals.before_task_publish.connect
def _carry_log_context(headers=None, **_):
    if headers is None:
        return
    bound = structlog.contextvars.get_contextvars()
    carried = {key: bound[key] for key in PROPAGATED if key in bound}
    if carried:
        headers[TASK_HEADER] = carried


@signals.task_prerun.connect
def _bind_task_log_context(task=None, task_id=None, **_):
    if task is not None and task.request.is_eager:
        # Run inside the request that queued it (the embedded set-up): its context holds already.
        structlog.contextvars.bind_contextvars(task_id=task_id, task=task.name)
        return
    structlog.contextvars.clear_contextvars()
    carried = getattr(task.request, TASK_HEADER, None) if task is not None else None
    if not carried and task is not None:
        carried = (getattr(task.request, "headers", None) or {}).get(TASK_HEADER)
    structlog.contextvars.bind_contextvars(task_id=task_id, task=getattr(task, "name", ""),
                                           **{k: v for k, v in (carried or {}).items() if k in PROPAGATED})


@signals.task_postrun.connect
def _unbind_task_log_context(task=None, **_):
    if task is not None and task.request.is_eager:
        structlog.contextvars.unbind_contextvars("task_id", "task")
    else:
        structlog.contextvars.clear_contextvars()

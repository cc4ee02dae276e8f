"""Prometheus metrics (prometheus-client). Each process counts its own; with several processes
(granian workers, Celery) set PROMETHEUS_MULTIPROC_DIR to a directory they share, emptied
before they start, and /metrics adds them up. /metrics answers only configured addresses
(METRICS_ALLOWED_IPS) or a bearer token (METRICS_TOKEN): see core.views.metrics.

Labels are bounded: views by their URL name, sockets by their route with ids replaced, tasks
by name, verdicts and failure codes by their fixed sets."""

import os
import re
import time

from celery import signals
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

REQUEST_SECONDS = Histogram(
    "prepforge_http_request_duration_seconds", "Time to answer an HTTP request, by view.",
    ["view", "method", "status"], buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
WEBSOCKET_CONNECTIONS = Counter("prepforge_websocket_connections_total", "WebSocket connections opened.", ["route"])
WEBSOCKET_OPEN = Gauge("prepforge_websocket_connections_open", "WebSocket connections open now.", ["route"],
                       multiprocess_mode="livesum")
WEBSOCKET_MESSAGES = Counter("prepforge_websocket_messages_total", "WebSocket messages, by direction.",
                             ["route", "direction"])
TASK_SECONDS = Histogram("prepforge_celery_task_duration_seconds", "Celery task run time, by task and outcome.",
                         ["task", "outcome"], buckets=(.01, .05, .1, .5, 1, 5, 15, 60, 300))
QUEUE_DEPTH = Gauge("prepforge_celery_queue_depth", "Messages waiting in a Celery queue (read at scrape time).",
                    ["queue"], multiprocess_mode="max")
JUDGE_QUEUE_SECONDS = Histogram("prepforge_judge_queue_seconds", "From submit to the judge starting on it.",
                                buckets=(.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300))
JUDGE_VERDICTS = Counter("prepforge_judge_verdicts_total", "Submissions judged, by verdict.", ["verdict"])
RESUME_PARSE_SECONDS = Histogram("prepforge_resume_parse_seconds", "Reading one resume file.",
                                 buckets=(.1, .25, .5, 1, 2, 5, 10, 30))
RESUME_PARSE_FAILURES = Counter("prepforge_resume_parse_failures_total", "Resume files that could not be read.",
                                ["code"])
AI_CALLS = Counter("prepforge_ai_calls_total", "AI tasks, by engine that answered (model, offline, fallback).",
                   ["task", "engine"])

_IDS = re.compile(r"/(?:[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}|\d+)(?=/|$)")


def route_label(path: str) -> str:
    """`/ws/rooms/<uuid>/doc` -> `/ws/rooms/:id/doc`: one label per route, not per room."""
    return _IDS.sub("/:id", path)[:80]


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def exposition() -> bytes:
    """The text the /metrics endpoint serves: this process's metrics, or every process's."""
    if MULTIPROCESS:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    from prometheus_client import REGISTRY

    return generate_latest(REGISTRY)


# --- Celery task durations (worker side) ------------------------------------------------------------

_task_started: dict[str, float] = {}


@signals.task_prerun.connect
def _task_start(task_id=None, **_):
    _task_started[task_id] = time.perf_counter()


@signals.task_postrun.connect
def _task_end(task_id=None, task=None, state=None, **_):
    started = _task_started.pop(task_id, None)
    if started is not None and task is not None:
        TASK_SECONDS.labels(task.name, (state or "unknown").lower()).observe(time.perf_counter() - started)


def refresh_queue_depths(broker_url: str, queues: list[str]) -> None:
    """Read each queue's length from a Redis broker (kombu keeps a queue as a list of that name)."""
    if not broker_url.startswith(("redis://", "rediss://")):
        return
    import redis

    client = redis.Redis.from_url(broker_url, socket_timeout=1, socket_connect_timeout=1)
    try:
        for queue in queues:
            QUEUE_DEPTH.labels(queue).set(int(client.llen(queue)))  # type: ignore[arg-type]  # sync client
    except redis.RedisError:
        pass  # readiness reports the broker; the metrics page still answers
    finally:
        client.close()

"""The audit log: services call `audit_record` for each sensitive operation (logins and failed
logins, password and MFA changes, token and session revocation, role changes, account deletion,
admin edits and deletes, moderation, points adjustments, challenge and test edits, rejudges). The
event is written when the surrounding transaction commits (at once outside one), so an operation
that rolls back leaves no event, and carries the request's id, address and user agent.

Values of fields whose names look secret are never kept: only that they changed."""

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .log_config import is_secret_key

log = structlog.get_logger("prepforge.audit")


@dataclass(frozen=True)
class RequestOrigin:
    ip: str | None
    user_agent: str
    request_id: str
    user_id: int | None = None
    user_label: str = ""
    via_admin: bool = False  # the Django admin is serving this request


class LazyRequestOrigin:
    """The origin of the request being served (BindUserMiddleware sets it), read when an event is
    recorded: the user is loaded only then (most requests record nothing), as the request's user
    stands at that moment."""

    def __init__(self, request):
        self._request = request
        self._origin: RequestOrigin | None = None

    def resolve(self) -> RequestOrigin:
        if self._origin is None:
            self._origin = origin_from_request(self._request)
        return self._origin

    @property
    def via_admin(self) -> bool:  # asked on every save in a request: the path alone says it
        return admin_path(self._request.path)

    def __getattr__(self, name):
        return getattr(self.resolve(), name)


current_origin: ContextVar[RequestOrigin | LazyRequestOrigin | None] = ContextVar("audit_request_origin", default=None)


def admin_path(path: str) -> bool:
    from django.urls import reverse

    return path.startswith(reverse("admin:index"))


def origin_from_request(request) -> RequestOrigin:
    user = getattr(request, "user", None)
    return RequestOrigin(
        via_admin=admin_path(request.path),
        ip=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        request_id=str(structlog.contextvars.get_contextvars().get("request_id", ""))[:80],
        user_id=user.pk if user is not None and getattr(user, "is_authenticated", False) else None,
        user_label=_label(user) if user is not None and getattr(user, "is_authenticated", False) else "",
    )


def _label(obj) -> str:
    if obj is None:
        return ""
    email = getattr(obj, "email", "")
    return (email or str(obj))[:200]


def safe_changes(changes: dict | None) -> dict:
    """`{"field": [before, after]}` with secret-looking fields reduced to "changed"."""
    clean = {}
    for field, values in (changes or {}).items():
        if is_secret_key(field):
            clean[str(field)] = ["[redacted]", "[redacted]"]
        else:
            before, after = values
            clean[str(field)] = [_jsonable(before), _jsonable(after)]
    return clean


def _jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value if not isinstance(value, str) else value[:500]
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value][:50]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in list(value.items())[:50]}
    return str(value)[:500]


def audit_record(*, action: str, actor=None, subject=None, target=None, target_type: str = "",
                 target_id: str = "", target_label: str = "", changes: dict | None = None,
                 request=None, actor_label: str = "") -> None:
    """Record `action` once the current transaction commits."""
    from .models import AuditEvent

    given = current_origin.get()
    origin = origin_from_request(request) if request is not None else (
        given.resolve() if isinstance(given, LazyRequestOrigin) else given)
    # Without an explicit actor, the signed-in user of the request did it (no query: the origin
    # carries their id and label).
    actor_id = getattr(actor, "pk", None) or (origin.user_id if actor is None and origin else None)
    actor_label = actor_label or _label(actor) or (origin.user_label if actor is None and origin else "")
    if target is not None:
        target_type = target_type or f"{target._meta.app_label}.{target._meta.model_name}"
        target_id = target_id or str(target.pk)
        target_label = target_label or _label(target)
    event = AuditEvent(
        action=action, actor_id=actor_id, actor_label=actor_label, subject=subject if getattr(subject, "pk", None) else None,
        target_type=target_type[:100], target_id=str(target_id)[:64], target_label=target_label[:200],
        changes=safe_changes(changes), ip=origin.ip if origin else None,
        user_agent=origin.user_agent if origin else "", request_id=origin.request_id if origin else "")

    def write():
        event.save()
        log.info("audit", action=action, target_type=event.target_type, target_id=event.target_id)

    transaction.on_commit(write, robust=True)


def audit_purge_expired(*, now=None) -> int:
    """Remove events older than AUDIT_RETENTION_DAYS; the only way an event goes."""
    from .models import AuditEvent

    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted

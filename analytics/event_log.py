"""The append-only event log and its daily totals.

The other apps' services call `event_record` (one call: actor, verb, object, value, time); the row
is written after their transaction commits, so a rolled-back action leaves no event. Rows are
never updated (analytics.models.Event refuses it) except by `events_anonymise` when an account is
deleted. `event_totals_aggregate` turns one day of events into DailyVerbTotal (the platform per
verb), DailyPlatformActivity (the platform's distinct actors) and DailyUserVerbTotal (each user)
with INSERT ... SELECT ... GROUP BY statements: set-based, no
Python loop over rows, and idempotent (the day's totals are replaced as a whole).

This module imports nothing of the other apps, so any app's services can import it."""

import logging
import secrets
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from .models import DailyPlatformActivity, DailyUserVerbTotal, DailyVerbTotal, Event

logger = logging.getLogger(__name__)

# The verbs the apps write (a verb is "<thing>.<what happened>"); readers name them from here.
SUBMISSION_JUDGED = "submission.judged"  # value: percent
CHALLENGE_SOLVED = "challenge.solved"  # value: seconds spent
INTERVIEW_COMPLETED = "interview.completed"  # value: overall score 0..100
RESUME_PARSED = "resume.parsed"
RESUME_PARSE_FAILED = "resume.parse_failed"
POST_CREATED = "post.created"
COMMENT_CREATED = "comment.created"
POST_LIKED = "post.liked"
MESSAGE_SENT = "message.sent"
ACCOUNT_DELETED = "account.deleted"
VERBS = (SUBMISSION_JUDGED, CHALLENGE_SOLVED, INTERVIEW_COMPLETED, RESUME_PARSED, RESUME_PARSE_FAILED,
         POST_CREATED, COMMENT_CREATED, POST_LIKED, MESSAGE_SENT, ACCOUNT_DELETED)


def _local_day(actor, at: datetime) -> date:
    """The actor's own day (their time zone, as streaks use); UTC for system events."""
    tzinfo = getattr(getattr(actor, "preferences", None), "tzinfo", None) if actor is not None else None
    return timezone.localtime(at, tzinfo or UTC).date()


def event_record(*, actor, verb: str, obj=None, object_type: str = "", object_id="", value: float = 0,
                 at: datetime | None = None) -> None:
    """Append one event once the caller's transaction commits (at once outside a transaction).
    `obj` is a model instance (its type and id are taken) or None. Never raises into the caller:
    a failed write is logged, the action it describes has happened all the same."""
    at = at or timezone.now()
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or obj.pk
    event = Event(actor_id=getattr(actor, "pk", None), verb=verb[:64], object_type=object_type[:64],
                  object_id=str(object_id or "")[:64], value=float(value or 0), occurred_at=at,
                  day=_local_day(actor, at))

    def write():
        try:
            event.save()
        except Exception:
            logger.exception("analytics event %s was not recorded", verb)

    transaction.on_commit(write)


def events_anonymise(*, user_id: int) -> int:
    """An account is going: its events keep counting but no longer name it (one opaque token
    per deleted account, so a day's distinct actors stay the same)."""
    return Event.objects.anonymise_actor(user_id=user_id, token=secrets.token_hex(16))


# A deleted account's events carry its token instead of its id: both count as actors.
DISTINCT_ACTORS = "COUNT(DISTINCT actor_id) + COUNT(DISTINCT NULLIF(anonymous_actor, ''))"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@transaction.atomic
def event_totals_aggregate(*, day: date) -> int:
    """Replace the totals of `day` by the day's events (re-running changes nothing). Returns the
    number of (day, verb) rows; a verb without events that day has no row, read as zero."""
    param = connection.ops.adapt_datefield_value(day)
    events = _table(Event)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(DailyVerbTotal)} WHERE day = %s", [param])
        cursor.execute(f"DELETE FROM {_table(DailyUserVerbTotal)} WHERE day = %s", [param])
        cursor.execute(f"DELETE FROM {_table(DailyPlatformActivity)} WHERE day = %s", [param])
        cursor.execute(
            f"INSERT INTO {_table(DailyVerbTotal)} (day, verb, events, actors, value_sum) "
            f"SELECT day, verb, COUNT(*), {DISTINCT_ACTORS}, "
            f"COALESCE(SUM(value), 0) FROM {events} WHERE day = %s GROUP BY day, verb", [param])
        written = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {_table(DailyPlatformActivity)} (day, actors, events) "
            f"SELECT day, {DISTINCT_ACTORS}, COUNT(*) FROM {events} WHERE day = %s GROUP BY day", [param])
        cursor.execute(
            f"INSERT INTO {_table(DailyUserVerbTotal)} (user_id, day, verb, events, value_sum) "
            f"SELECT actor_id, day, verb, COUNT(*), COALESCE(SUM(value), 0) FROM {events} "
            f"WHERE day = %s AND actor_id IS NOT NULL GROUP BY actor_id, day, verb", [param])
    return written


def event_totals_aggregate_recent(*, now: datetime | None = None, days_back: int = 2) -> int:
    """The beat's run: the finished days of the last `days_back` days. Local days run up to a
    day ahead of UTC, so "yesterday" is taken from the earliest zone's point of view."""
    today = (now or timezone.now()).date()
    return sum(event_totals_aggregate(day=today - timedelta(days=back)) for back in range(1, days_back + 2))

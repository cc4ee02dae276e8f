"""Writes of analytics: the daily aggregates, readiness targets and their snapshots, the weekly
summary. Each is idempotent: running it again for the same day (or week) changes nothing."""

import zoneinfo
from dataclasses import asdict
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts import selectors as accounts_selectors
from accounts.models import NotificationType, User
from accounts.services import notification_send
from challenges import selectors as challenge_selectors
from core.exceptions import ValidationFailed

from .engine import TIME_BUCKETS
from .models import (
    SOLVE_BUCKET_FIELDS,
    ChallengeDays,
    DailyActivity,
    DailyTypeActivity,
    ReadinessSnapshot,
    ReadinessTarget,
    WeeklySummary,
)
from .selectors import (
    local_midnight,
    readiness_for,
    readiness_target_of,
    readiness_view,
    target_job_get,
    totals_by_type,
)

AGGREGATED_FIELDS = ("submissions", "accepted", "solved", "score_sum", "time_spent_seconds", "xp")


def _zone(name: str):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


@transaction.atomic
def daily_activity_aggregate(*, day: date, user_ids=None) -> int:
    """Fill DailyActivity and DailyChallengeActivity for `day`, each user's own local day (users
    grouped by time zone, a few grouped queries per zone, whatever the number of users). Re-running
    for the same day gives the same rows; a user with nothing that day has no row (read as zero).
    Returns the DailyActivity rows written."""
    written = 0
    for zone_name, ids in accounts_selectors.user_time_zones(user_ids=user_ids).items():
        tzinfo = _zone(zone_name)
        start, end = local_midnight(day, tzinfo), local_midnight(day + timedelta(days=1), tzinfo)
        totals = challenge_selectors.submission_day_totals(user_ids=ids, start=start, end=end)
        xp = accounts_selectors.xp_day_totals(user_ids=ids, start=start, end=end)
        rows = []
        for user_id in set(totals) | set(xp):
            values = totals.get(user_id, {})
            rows.append(DailyActivity(user_id=user_id, day=day, xp=xp.get(user_id, 0),
                                      **{f: values.get(f, 0) for f in AGGREGATED_FIELDS if f != "xp"}))
        # Rows of users who no longer have anything that day (a rejudge, a deleted submission).
        DailyActivity.objects.filter(day=day, user_id__in=ids).exclude(user_id__in=[r.user_id for r in rows]).delete()
        if rows:
            DailyActivity.objects.bulk_create(rows, update_conflicts=True, unique_fields=["user", "day"],
                                              update_fields=[*AGGREGATED_FIELDS, "computed_at"])
        written += len(rows)
        _challenge_days_replace(day=day, user_ids=ids, start=start, end=end)
    return written


def _challenge_days_replace(*, day: date, user_ids, start: datetime, end: datetime) -> None:
    """The day's per-type rows of these users, replaced as a whole, and each challenge's last
    judged / accepted day moved forward to `day` where the day had some (idempotent)."""
    per_challenge = challenge_selectors.submission_challenge_day_totals(
        user_ids=user_ids, start=start, end=end, upper_bounds=[bound for _, bound in TIME_BUCKETS])
    of_user: dict[int, list[dict]] = {}
    for row in per_challenge:
        of_user.setdefault(row["user_id"], []).append(row)
    per_type = [DailyTypeActivity(user_id=user_id, day=day, challenge_type=kind,
                                  **{k: v for k, v in sums.items() if k != "solve_buckets"},
                                  **dict(zip(SOLVE_BUCKET_FIELDS, sums["solve_buckets"], strict=True)))
                for user_id, rows in of_user.items()
                for kind, sums in totals_by_type(rows, buckets=len(TIME_BUCKETS)).items()]
    DailyTypeActivity.objects.filter(day=day, user_id__in=user_ids).delete()
    DailyTypeActivity.objects.bulk_create(per_type)
    if not per_challenge:
        return
    known = {(r.user_id, r.challenge_id): r for r in ChallengeDays.objects.filter(
        user_id__in={r["user_id"] for r in per_challenge}, challenge_id__in={r["challenge_id"] for r in per_challenge})}
    rows = []
    for row in per_challenge:
        last = known.get((row["user_id"], row["challenge_id"]))
        judged = max(day, last.last_judged_day) if last else day
        accepted = [d for d in (last and last.last_accepted_day, day if row["accepted"] else None) if d]
        rows.append(ChallengeDays(user_id=row["user_id"], challenge_id=row["challenge_id"],
                                  challenge_type=row["challenge_type"], last_judged_day=judged,
                                  last_accepted_day=max(accepted) if accepted else None))
    ChallengeDays.objects.bulk_create(rows, update_conflicts=True, unique_fields=["user", "challenge"],
                                      update_fields=["challenge_type", "last_judged_day", "last_accepted_day"])


def daily_activity_aggregate_recent(*, now: datetime | None = None, days_back: int = 2) -> int:
    """The beat's hourly run: every finished local day of the last `days_back` days (yesterday
    and the day before, so that a submission judged after midnight still lands in its day)."""
    now = now or timezone.now()
    written = 0
    for zone_name, ids in accounts_selectors.user_time_zones().items():
        local_today = timezone.localtime(now, _zone(zone_name)).date()
        for back in range(1, days_back + 1):
            written += daily_activity_aggregate(day=local_today - timedelta(days=back), user_ids=ids)
    return written


def daily_activity_backfill(*, user: User, days: int) -> int:
    """Aggregate the last `days` finished days of one user (the demo seed; a user's first visit)."""
    today = accounts_selectors.user_today(user)
    return sum(daily_activity_aggregate(day=today - timedelta(days=back), user_ids=[user.id])
               for back in range(days, 0, -1))


# --- readiness ------------------------------------------------------------------------------------


def _parts_data(readiness) -> list[dict]:
    return [asdict(part) for part in readiness.parts]


@transaction.atomic
def readiness_snapshot_record(*, user: User, job, day: date | None = None, until: datetime | None = None):
    """Store readiness for `job` on `day` (today in the user's zone by default), computed from the
    evidence before `until` (all of it by default). Upserts: recording a day twice keeps one row."""
    readiness = readiness_for(user=user, job=job, until=until)
    if readiness.value is None:
        return None
    snapshot, _ = ReadinessSnapshot.objects.update_or_create(
        user=user, job=job, day=day or accounts_selectors.user_today(user),
        defaults={"value": round(readiness.value, 2), "parts": _parts_data(readiness)})
    return snapshot


def readiness_target_set(*, user: User, job_id, bar=80) -> ReadinessTarget:
    """Make one of the user's saved jobs their target (another user's job is 'not found'), with
    the bar they aim for (1-100), and record today's readiness for it."""
    try:
        job_id, bar = int(job_id), int(bar)
    except (TypeError, ValueError):
        raise ValidationFailed("Choose a job and a bar between 1 and 100.", code="invalid_target",
                               details={"job_id": ["Choose one of your jobs."]}) from None
    if not 1 <= bar <= 100:
        raise ValidationFailed("The bar is a readiness between 1 and 100.", code="invalid_bar",
                               details={"bar": ["Between 1 and 100."]})
    job = target_job_get(user=user, job_id=job_id)
    with transaction.atomic():
        target, _ = ReadinessTarget.objects.update_or_create(user=user, defaults={"job": job, "bar": bar})
        readiness_snapshot_record(user=user, job=job)
    return target


def readiness_target_clear(*, user: User) -> None:
    ReadinessTarget.objects.filter(user=user).delete()


def readiness_snapshots_record_all() -> int:
    """The beat's run: today's point of every target (idempotent within a day)."""
    count = 0
    for target in ReadinessTarget.objects.select_related("job", "user").order_by("id").iterator():
        if readiness_snapshot_record(user=target.user, job=target.job) is not None:
            count += 1
    return count


def readiness_backfill(*, user: User, job, days: int) -> int:
    """Readiness as it was at the end of each of the last `days` days, from the evidence dated
    before then (the demo seed; so that a new target has its history)."""
    today = accounts_selectors.user_today(user)
    tzinfo = user.preferences.tzinfo
    count = 0
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        if readiness_snapshot_record(user=user, job=job, day=day,
                                     until=local_midnight(day + timedelta(days=1), tzinfo)) is not None:
            count += 1
    return count


# --- weekly summary -------------------------------------------------------------------------------


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_summary_send(*, user: User, now: datetime | None = None) -> WeeklySummary | None:
    """The week's progress, streak and the next three plan items, as a notification sent the ways
    the user's preferences ask for. Once per user per (local, Monday-based) week: a second call in
    the same week sends nothing and returns None."""
    from .selectors import dashboard_get

    now = now or timezone.now()
    week = week_start_of(timezone.localtime(now, user.preferences.tzinfo).date())
    with transaction.atomic():
        summary, created = WeeklySummary.objects.get_or_create(user=user, week_start=week)
        if not created:
            return None
        board = dashboard_get(user=user, range_key="7d")
        view = readiness_view(user=user)
        lines = [f"This week: {board.overview['challenges_solved']} challenge(s) solved, "
                 f"{board.overview['submissions']} submission(s), {board.overview['xp_in_range']} XP.",
                 f"Streak: {board.overview['current_streak']} day(s) (best {board.overview['best_streak']})."]
        if view is not None and view.readiness.rounded is not None:
            lines.append(f"Readiness for {view.target.job.title}: {view.readiness.rounded}/100.")
            steps = view.readiness.plan[:3]
            if steps:
                lines.append("Next: " + "; ".join(item.title for item in steps) + ".")
        summary.body = "\n".join(lines)
        summary.save(update_fields=["body", "updated_at"])
        notification_send(user=user, type=NotificationType.SYSTEM, title="Your week on PrepForge",
                          body=summary.body, url="/analytics/")
    return summary


def weekly_summaries_send(*, now: datetime | None = None) -> int:
    sent = 0
    for user in User.objects.filter(is_active=True).select_related("preferences").order_by("id").iterator():
        if weekly_summary_send(user=user, now=now) is not None:
            sent += 1
    return sent


__all__ = ["daily_activity_aggregate", "daily_activity_aggregate_recent", "daily_activity_backfill",
           "readiness_backfill", "readiness_snapshot_record", "readiness_snapshots_record_all",
           "readiness_target_clear", "readiness_target_of", "readiness_target_set", "weekly_summaries_send",
           "weekly_summary_send"]

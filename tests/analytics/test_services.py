from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from accounts.services import preferences_update, progress_record_event
from analytics import services
from analytics.models import DailyActivity, ReadinessSnapshot, WeeklySummary
from analytics.selectors import readiness_view
from core.exceptions import NotFound, ValidationFailed

from .conftest import check_resume, make_challenge, submit

pytestmark = pytest.mark.django_db


def test_aggregating_a_day_twice_gives_the_same_rows(user, days_ago):
    challenge = make_challenge()
    submit(user, challenge, when=days_ago(3), accepted=False, seconds=100)
    submit(user, challenge, when=days_ago(3), accepted=True, seconds=200)
    day = days_ago(3).date()
    assert services.daily_activity_aggregate(day=day) == 1
    first = list(DailyActivity.objects.values())
    assert services.daily_activity_aggregate(day=day) == 1
    again = list(DailyActivity.objects.values())
    strip = [{k: v for k, v in row.items() if k != "computed_at"} for row in first]
    assert strip == [{k: v for k, v in row.items() if k != "computed_at"} for row in again]
    row = DailyActivity.objects.get()
    assert (row.submissions, row.accepted, row.solved, row.score_sum, row.time_spent_seconds) == (2, 1, 1, 140, 300)


def test_a_day_without_events_has_no_row_and_a_stale_row_goes(user, days_ago):
    submission = submit(user, make_challenge(), when=days_ago(2))
    day = days_ago(2).date()
    services.daily_activity_aggregate(day=day)
    assert DailyActivity.objects.filter(day=day).count() == 1
    assert services.daily_activity_aggregate(day=day - timedelta(days=1)) == 0
    submission.delete()
    from challenges.models import ChallengeProgress
    ChallengeProgress.objects.all().delete()
    services.daily_activity_aggregate(day=day)
    assert not DailyActivity.objects.filter(day=day).exists()


def test_days_are_the_users_own_days(user, make_user):
    tokyo = make_user()
    preferences_update(user=tokyo, data={"timezone": "Asia/Tokyo"})
    challenge = make_challenge()
    # 20:00 UTC on a day is 05:00 the next morning in Tokyo.
    evening = (timezone.now() - timedelta(days=5)).replace(hour=20, minute=0, second=0, microsecond=0)
    submit(user, challenge, when=evening)
    submit(tokyo, challenge, when=evening)
    services.daily_activity_aggregate(day=evening.date())
    services.daily_activity_aggregate(day=evening.date() + timedelta(days=1))
    assert DailyActivity.objects.get(user=user).day == evening.date()
    assert DailyActivity.objects.get(user=tokyo).day == evening.date() + timedelta(days=1)


def test_xp_lands_in_its_day_and_the_recent_run_covers_yesterday(user, achievements):
    progress_record_event(user=user, event_type="practice.session", xp=40, source=("t", "1"))
    from accounts.models import XPEvent
    XPEvent.objects.update(created_at=timezone.now() - timedelta(days=1))
    services.daily_activity_aggregate_recent()
    row = DailyActivity.objects.get(user=user)
    assert row.xp == 40 and row.day == (timezone.now() - timedelta(days=1)).date()


def test_a_target_must_be_ones_own_job_and_a_sane_bar(user, other_user, job):
    with pytest.raises(NotFound):
        services.readiness_target_set(user=other_user, job_id=job.id)
    with pytest.raises(ValidationFailed):
        services.readiness_target_set(user=user, job_id=job.id, bar=0)
    with pytest.raises(ValidationFailed):
        services.readiness_target_set(user=user, job_id="x")
    target = services.readiness_target_set(user=user, job_id=job.id, bar=70)
    assert target.bar == 70 and ReadinessSnapshot.objects.filter(user=user, job=job).count() == 1


def test_doing_a_plan_item_raises_readiness_and_moves_the_plan(user, job, achievements):
    make_challenge(tags=("dynamic-programming",), difficulty="hard")
    make_challenge(tags=("graph",), category="graphs", difficulty="easy")
    check_resume(user, job)
    services.readiness_target_set(user=user, job_id=job.id)
    before = readiness_view(user=user)
    challenge_items = [i for i in before.readiness.plan if i.kind == "challenge"]
    assert challenge_items, before.readiness.plan
    parts = {p.key: p for p in before.readiness.parts}
    assert parts["resume_match"].status == "measured"
    assert parts["interview_dimensions"].status == "no_data"
    assert parts["peer_feedback"].status == "no_data"
    # Do the first challenge of the plan.
    from challenges.models import Challenge
    slug = challenge_items[0].url.rstrip("/").rsplit("/", 1)[-1]
    submit(user, Challenge.objects.get(slug=slug))
    after = readiness_view(user=user)
    assert after.readiness.value > before.readiness.value
    assert challenge_items[0].title not in [i.title for i in after.readiness.plan]
    services.readiness_snapshot_record(user=user, job=job)
    services.readiness_snapshot_record(user=user, job=job)
    assert ReadinessSnapshot.objects.filter(user=user, job=job).count() == 1  # one point a day


def test_readiness_history_is_rebuilt_from_dated_evidence(user, job, days_ago):
    services.readiness_target_set(user=user, job_id=job.id)
    dp = make_challenge(tags=("dynamic-programming",), difficulty="hard")
    graphs = make_challenge(tags=("graph",), category="graphs", difficulty="hard")
    submit(user, dp, when=days_ago(6))
    submit(user, graphs, when=days_ago(3))
    assert services.readiness_backfill(user=user, job=job, days=8) == 8
    values = dict(ReadinessSnapshot.objects.filter(user=user, job=job).values_list("day", "value"))
    assert values[days_ago(7).date()] == 0
    assert 0 < values[days_ago(6).date()] < values[days_ago(3).date()]
    assert values[days_ago(1).date()] == values[days_ago(3).date()]


def test_the_weekly_summary_is_sent_once_a_week_as_the_preferences_say(user, job):
    services.readiness_target_set(user=user, job_id=job.id)
    summary = services.weekly_summary_send(user=user)
    assert summary is not None and "Readiness for" in summary.body and "Next:" in summary.body
    assert Notification.objects.filter(user=user, title="Your week on PrepForge").count() == 1
    assert services.weekly_summary_send(user=user) is None
    assert Notification.objects.filter(user=user, title="Your week on PrepForge").count() == 1
    next_week = timezone.now() + timedelta(days=7)
    preferences_update(user=user, data={"inapp_system": False, "email_system": False})
    assert services.weekly_summary_send(user=user, now=next_week) is not None
    assert WeeklySummary.objects.filter(user=user).count() == 2
    assert Notification.objects.filter(user=user, title="Your week on PrepForge").count() == 1


def test_the_per_type_rows_are_idempotent_and_a_challenges_last_day_only_moves_forward(user, days_ago):
    from analytics.models import ChallengeDays, DailyTypeActivity

    challenge = make_challenge(type="bug-fix")
    submit(user, challenge, when=days_ago(4), accepted=True, seconds=200)
    submit(user, challenge, when=days_ago(2), accepted=False, percent=30, seconds=100)
    for back in (4, 2, 4, 4):  # the older day again, as the hourly run and a backfill do
        services.daily_activity_aggregate(day=days_ago(back).date())
    rows = sorted(DailyTypeActivity.objects.values_list("day", "challenge_type", "submissions", "accepted",
                                                        "percent_worst", "solves_under_5_min"))
    assert rows == [(days_ago(4).date(), "bug-fix", 1, 1, 100.0, 1), (days_ago(2).date(), "bug-fix", 1, 0, 30.0, 0)]
    days = ChallengeDays.objects.get(user=user, challenge=challenge)
    assert (days.last_judged_day, days.last_accepted_day) == (days_ago(2).date(), days_ago(4).date())

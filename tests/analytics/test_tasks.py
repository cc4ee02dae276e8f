import pytest

from analytics import tasks
from analytics.models import DailyActivity, ReadinessSnapshot, WeeklySummary
from analytics.services import readiness_target_set

from .conftest import make_challenge, submit

pytestmark = pytest.mark.django_db


def test_the_hourly_task_aggregates_yesterday_and_records_todays_readiness(user, job, days_ago):
    submit(user, make_challenge(), when=days_ago(1))
    readiness_target_set(user=user, job_id=job.id)
    ReadinessSnapshot.objects.all().delete()
    assert tasks.daily_aggregates_task.delay().get() == 1
    assert tasks.daily_aggregates_task.delay().get() == 1  # idempotent
    assert DailyActivity.objects.filter(user=user, day=days_ago(1).date()).count() == 1
    assert ReadinessSnapshot.objects.filter(user=user).count() == 1


def test_the_weekly_task_sends_once(user, other_user):
    assert tasks.weekly_summaries_task.delay().get() >= 2
    assert tasks.weekly_summaries_task.delay().get() == 0
    assert WeeklySummary.objects.filter(user__in=[user, other_user]).count() == 2

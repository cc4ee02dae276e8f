"""The dashboard's reads: right numbers, and a query count flat in the amount of history."""

import pytest

from analytics import services
from analytics.selectors import dashboard_get, readiness_view

from .conftest import make_challenge, submit

pytestmark = pytest.mark.django_db


def _history(user, days_ago, days: int, per_day: int):
    challenges = [make_challenge(difficulty=d, type=t) for d, t in
                  (("easy", "dsa"), ("medium", "bug-fix"), ("hard", "feature"))]
    for back in range(1, days + 1):
        for i in range(per_day):
            submit(user, challenges[(back + i) % 3], when=days_ago(back), accepted=(i % 2 == 0), seconds=60 * (back + i))
    services.daily_activity_backfill(user=user, days=days + 1)


def test_dashboard_numbers(user, days_ago):
    _history(user, days_ago, days=3, per_day=2)
    board = dashboard_get(user=user, range_key="7d")
    assert len(board.series.days) == 7 and board.series.days[-1] == board.today
    assert sum(board.series.submissions) == 6 and board.overview["submissions"] == 6
    assert board.overview["challenges_solved"] == 3 and board.overview["completion_rate"] == 100
    assert {p["type"] for p in board.performance} == {"dsa", "bug-fix", "feature"}
    assert sum(c for _, c in board.time_distribution) == 3  # accepted ones
    assert len(board.heatmap) == 365 and sum(c for _, c in board.heatmap) == 6 + 3
    assert any(s.skill_id == "dynamic-programming" for s in board.skills)
    assert [s["key"] for s in board.sources if not s["available"]] == []


def test_a_new_user_sees_none_not_zero_for_rates(user):
    board = dashboard_get(user=user, range_key="30d")
    assert board.overview["completion_rate"] is None and board.overview["average_score"] is None
    assert sum(board.series.submissions) == 0 and len(board.series.days) == 30


def _count(django_assert_max_num_queries, user, key):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        dashboard_get(user=user, range_key=key)
    return len(ctx.captured_queries)


def test_dashboard_query_count_is_flat_in_history(user, make_user, days_ago, django_assert_num_queries):
    small = make_user()
    _history(small, days_ago, days=1, per_day=1)
    _history(user, days_ago, days=40, per_day=4)
    small_count = _count(None, small, "365d")
    assert _count(None, user, "365d") == small_count
    with django_assert_num_queries(small_count):
        dashboard_get(user=user, range_key="7d")
    # 14 of the dashboard itself, 1 of the interviews, 3 of the community, 1 of chat (less on SQLite).
    assert small_count <= 19


def test_readiness_query_count_is_flat_in_history(user, make_user, days_ago, django_assert_num_queries):
    from resumes import services as resume_services

    from .conftest import JOB_TEXT

    small = make_user()
    for who, days in ((small, 1), (user, 30)):
        job = resume_services.job_create(user=who, text=JOB_TEXT)
        _history(who, days_ago, days=days, per_day=2)
        services.readiness_target_set(user=who, job_id=job.id)
        services.readiness_backfill(user=who, job=job, days=days)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        readiness_view(user=small)
    with django_assert_num_queries(len(ctx.captured_queries)):
        view = readiness_view(user=user)
    assert len(view.history) >= 30


def test_dashboard_totals_from_the_daily_aggregates_match_the_submissions(user, days_ago):
    """Past days come from DailyChallengeActivity, today from the submissions themselves: the
    figures are the ones the raw submissions give, distinct challenges counted once."""
    from analytics.engine import bucket_durations

    easy, hard = make_challenge(difficulty="easy", type="dsa"), make_challenge(difficulty="hard", type="feature")
    made = [submit(user, easy, when=days_ago(3), accepted=False, percent=20, seconds=100),
            submit(user, easy, when=days_ago(2), accepted=True, seconds=400),
            submit(user, easy, when=days_ago(1), accepted=True, seconds=4000),
            submit(user, hard, when=days_ago(1), accepted=False, percent=55, seconds=1200),
            submit(user, hard, accepted=True, seconds=8000),  # now: read live
            submit(user, hard, when=days_ago(40), accepted=True, seconds=50)]  # outside the range
    services.daily_activity_backfill(user=user, days=45)
    board = dashboard_get(user=user, range_key="7d")
    in_range = made[:5]
    assert board.overview["submissions"] == 5 and board.overview["accepted"] == 3
    assert board.overview["challenges_attempted"] == 2 and board.overview["challenges_solved"] == 2
    assert board.overview["average_score"] == round(sum(s.percent for s in in_range) / 5, 1)
    assert board.overview["time_spent_seconds"] == sum(s.time_spent_seconds for s in in_range)
    assert board.performance == [
        {"type": "dsa", "submissions": 3, "completed": 1, "average_percent": 73.3, "best_percent": 100.0,
         "worst_percent": 20.0, "average_seconds": 1500},
        {"type": "feature", "submissions": 2, "completed": 1, "average_percent": 77.5, "best_percent": 100.0,
         "worst_percent": 55.0, "average_seconds": 4600}]
    assert board.time_distribution == bucket_durations(
        [s.time_spent_seconds for s in in_range if s.verdict == "AC"])
    year = dashboard_get(user=user, range_key="365d")
    assert year.overview["submissions"] == 6 and year.performance[1]["worst_percent"] == 55.0

"""Interview dimensions in readiness: real AI interviews (the offline engine) run through the
interviews services for the target job, their reports' per-dimension scores read through the
interviews selectors, explained like the other parts; and the dimensions over time on the
dashboard, with a flat query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics import services
from analytics.selectors import dashboard_get, readiness_for, readiness_view
from interviews import selectors as interview_selectors
from interviews import services as interview_services
from interviews.models import InterviewSession
from tests.interviews.conftest import TEST_BANK

pytestmark = pytest.mark.django_db

STRONG = ("In my last role I led the migration of our payment service to PostgreSQL. The situation was "
          "slow queries; my task was to cut latency. I profiled, added indexes and a read replica, and "
          "the result was p95 down from 900 ms to 120 ms, measured over two weeks. I learned to measure first.")


@pytest.fixture
def bank(db):
    interview_services.questions_seed(directory=TEST_BANK)


def interview(user, *, job=None, answer=STRONG, finished_days_ago: int = 0) -> InterviewSession:
    session = interview_services.session_start(user=user, interview_type="mixed", difficulty="medium", length=2,
                                               job_id=job.id if job else None,
                                               job_text="" if job else "Frontend developer: React, CSS")
    while session.status == "active":
        _, _, session = interview_services.session_answer(user=user, session_id=session.id, answer=answer)
    if finished_days_ago:
        InterviewSession.objects.filter(pk=session.pk).update(
            finished_at=timezone.now() - timedelta(days=finished_days_ago))
    session.refresh_from_db()
    return session


def _part(readiness):
    return next(p for p in readiness.parts if p.key == "interview_dimensions")


def test_no_interview_for_the_family_is_no_data_with_a_plan_item(user, job, bank):
    interview(user)  # a frontend interview does not count for this backend job
    readiness = readiness_for(user=user, job=job)
    part = _part(readiness)
    assert part.status == "no_data" and part.score == 0.0 and "backend" in part.explanation
    assert [item.kind for item in readiness.plan if item.kind == "interview"] == ["interview"]


def test_the_part_is_the_mean_of_the_dimensions_of_the_latest_interviews(user, job, bank):
    first = interview(user, job=job, answer="I wrote some Python code for an API once and it worked.",
                      finished_days_ago=3)
    second = interview(user, job=job)
    part = _part(readiness_for(user=user, job=job))
    reports = [s.report["dimensions"] for s in (first, second)]
    expected = {}
    for dims in reports:
        for d in dims:
            if d["score"] is not None:
                expected.setdefault(d["dimension"], []).append(d["score"])
    means = [sum(v) / len(v) for v in expected.values()]
    assert part.status == "measured"
    assert part.score == pytest.approx(sum(means) / len(means) / 100)
    assert "last 2 AI interview(s) for backend roles" in part.explanation and len(part.evidence) == 2
    # As of before the second interview, only the first counts (the trend line's history).
    earlier = _part(readiness_for(user=user, job=job, until=timezone.now() - timedelta(days=1)))
    assert earlier.evidence == part.evidence[:1]
    first_scores = [d["score"] for d in reports[0] if d["score"] is not None]
    assert earlier.score == pytest.approx(sum(first_scores) / len(first_scores) / 100)


def test_only_the_latest_few_count(user, job, bank):
    for back in range(interview_selectors.READINESS_INTERVIEWS + 2, 0, -1):
        interview(user, job=job, finished_days_ago=back)
    part = _part(readiness_for(user=user, job=job))
    assert len(part.evidence) == interview_selectors.READINESS_INTERVIEWS


def test_the_dashboard_shows_dimensions_over_time_with_a_flat_query_count(client, user, make_user, job, bank):
    services.readiness_target_set(user=user, job_id=job.id)
    small = make_user()
    interview(small)
    with CaptureQueriesContext(connection) as ctx:
        dashboard_get(user=small, range_key="30d")
    for back in (5, 3, 1):
        interview(user, job=job, finished_days_ago=back)
    board = dashboard_get(user=user, range_key="30d")
    assert len(board.interview_dimensions) == 3
    assert {"relevance", "depth", "structure", "clarity", "concision"} <= set(board.interview_dimensions[0])
    with CaptureQueriesContext(connection) as again:
        dashboard_get(user=user, range_key="30d")
    assert len(again.captured_queries) == len(ctx.captured_queries)
    client.force_login(user)
    page = client.get("/analytics/").content.decode()
    assert 'data-chart="interview-dimensions"' in page and "Interview dimensions over time as a table" in page
    csv = client.get("/analytics/export/interview-dimensions.csv?range=30d").content.decode().splitlines()
    assert csv[0] == "finished,interview,relevance,depth,structure,clarity,concision,overall" and len(csv) == 4
    view = readiness_view(user=user)
    assert _part(view.readiness).status == "measured"
    page = client.get("/analytics/readiness/").content.decode()
    assert "AI interview(s) for backend roles" in page

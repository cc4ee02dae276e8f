import csv
import io
from datetime import timedelta

import pytest

from .conftest import make_challenge, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_client(client, user):
    client.force_login(user)
    return client


def test_the_dashboard_page_shows_charts_tables_and_what_is_not_available(browser_client, user, days_ago,
                                                                         monkeypatch):
    from dataclasses import replace

    from analytics import evidence

    # A source whose selector has not landed (as peer feedback was before analytics.peer_feedback).
    monkeypatch.setattr(evidence, "SOURCES", tuple(
        replace(s, module="analytics.not_landed") if s.key == "peer_feedback" else s for s in evidence.SOURCES))
    submit(user, make_challenge(), when=days_ago(0))
    page = browser_client.get("/analytics/?range=7d").content.decode()
    assert 'data-chart="activity"' in page and "Activity per day as a table" in page
    assert "dist/analytics.js" in page and "Not available yet" in page
    assert "Peer mock-interview feedback" in page and "Interview dimensions over time as a table" in page
    assert 'aria-current="page">7 days' in page


def test_the_shared_pages_do_not_load_the_charts(browser_client):
    assert "analytics.js" not in browser_client.get("/").content.decode()


def test_a_bad_range_says_so(browser_client):
    response = browser_client.get("/analytics/?range=nope")
    assert response.status_code == 200 and "Range must be one of" in response.content.decode()


@pytest.mark.parametrize("chart", ["activity", "xp", "time", "time-distribution", "performance", "heatmap", "skills"])
def test_each_chart_exports_as_csv(browser_client, user, chart, days_ago):
    submit(user, make_challenge(type="feature"), when=days_ago(0), seconds=1000)
    response = browser_client.get(f"/analytics/export/{chart}.csv?range=7d")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, body = rows[0], rows[1:]
    assert all(len(row) == len(header) for row in body)
    if chart == "activity":
        assert len(body) == 7 and body[-1][1:] == ["1", "1"]
    if chart == "time-distribution":
        assert ["15-30 min", "1"] in body
    if chart == "performance":
        assert body == [["feature", "1", "1", "100.0", "100.0", "100.0", "16.7"]]


def test_an_unknown_chart_is_not_found(browser_client):
    assert browser_client.get("/analytics/export/secrets.csv").status_code == 404


def test_setting_a_target_on_the_page(browser_client, user, job, other_user):
    from resumes import services

    from .conftest import JOB_TEXT
    response = browser_client.post("/analytics/readiness/", {"job": job.id, "bar": "70"}, follow=True)
    page = response.content.decode()
    assert "Target saved" in page and "Practice plan" in page and "not available yet" in page
    theirs = services.job_create(user=other_user, text=JOB_TEXT)
    refused = browser_client.post("/analytics/readiness/", {"job": theirs.id}, follow=True).content.decode()
    assert "Choose one of your saved jobs" in refused
    rows = list(csv.reader(io.StringIO(browser_client.get("/analytics/export/readiness.csv").content.decode())))
    assert rows[0] == ["day", "readiness"] and len(rows) == 2


def test_the_user_menu_links_progress(browser_client):
    page = browser_client.get("/").content.decode()
    assert 'href="/analytics/"' in page and ">Progress<" in page


def test_the_platform_overview_is_for_staff_only(client, user, make_user, days_ago, django_assert_max_num_queries,
                                                 django_capture_on_commit_callbacks):
    from analytics import event_log

    with django_capture_on_commit_callbacks(execute=True):
        for accepted in (True, False):
            submission = submit(user, make_challenge(), when=days_ago(1), accepted=accepted)
            # What the challenges services record when the judge finishes (and on a first solve).
            event_log.event_record(actor=user, verb=event_log.SUBMISSION_JUDGED, obj=submission, at=days_ago(1))
            if accepted:
                event_log.event_record(actor=user, verb=event_log.CHALLENGE_SOLVED, at=days_ago(1))
    event_log.event_totals_aggregate(day=days_ago(1).date())
    from challenges.models import Submission
    Submission.objects.filter(pk=submission.pk).update(judged_at=days_ago(1) + timedelta(seconds=30))
    client.force_login(user)
    assert client.get("/analytics/platform/").status_code == 404
    staff = make_user(is_staff=True)
    client.force_login(staff)
    from analytics.selectors import platform_overview
    # 8 of its own, 4 of the event log's totals (per verb and active members, past and today), 5 of
    # community stats, 2 of chat volume.
    with django_assert_max_num_queries(19):
        platform_overview(days=30)
    page = client.get("/analytics/platform/").content.decode()
    assert "Platform overview" in page and "<td>WA</td><td>1</td>" in page
    # Two medium submissions, one accepted, by one person; the rejected one waited 30 s for its verdict.
    assert "<td>medium</td><td>2</td><td>50%</td><td>1</td><td>1</td><td>15.0 s</td>" in page
    assert f"<td>{days_ago(1).date():%Y-%m-%d}</td><td>1</td><td>2</td><td>1</td>" in page

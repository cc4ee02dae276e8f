import pytest
from django.test import Client

from challenges import services

from .conftest import SUM_SOURCE

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(user):
    client = Client()
    client.force_login(user)
    return client


def test_list_page_with_filters(client, challenge):
    page = client.get("/challenges/?difficulty=easy&search=sum").content.decode()
    assert "Sum Two" in page and "warm-up" in page
    assert "Sum Two" not in client.get("/challenges/?difficulty=hard").content.decode()


def test_detail_page_for_anonymous_visitors_invites_login(client, challenge):
    page = client.get("/challenges/sum-two/").content.decode()
    assert "<strong>a + b</strong>" in page and "Log in to run and submit" in page
    assert "Read both numbers." not in page  # hints are revealed one at a time
    assert "Just add." not in page  # the solution shows only after solving


def test_detail_page_embeds_the_editor_data(browser, challenge, user):
    services.draft_save(user=user, challenge=challenge, language="python", code="print('draft')")
    page = browser.get("/challenges/sum-two/?mode=interview").content.decode()
    assert 'id="challenge-data"' in page and "print('draft')" in page
    assert "Interview mode" in page and "Billing is down" in page and "data-timer" in page
    zen = browser.get("/challenges/sum-two/?mode=zen").content.decode()
    assert "Your submissions" not in zen and "Hints" not in zen


def test_solution_shows_after_solving(browser, challenge, user):
    submission = services.submission_create(user=user, challenge=challenge, language="python", source=SUM_SOURCE)
    services.submission_judge(submission_id=submission.id)
    page = browser.get("/challenges/sum-two/").content.decode()
    assert "Solution explained" in page and "Just add." in page and "✔ Solved" in page
    assert f"/submissions/{submission.id}/" in browser.get("/challenges/sum-two/history/").content.decode()
    detail = browser.get(f"/submissions/{submission.id}/").content.decode()
    assert "AC" in detail and "print(a + b)" in detail


def test_someone_elses_submission_page_is_404(client, other_user, challenge, user):
    submission = services.submission_create(user=other_user, challenge=challenge, language="python", source=SUM_SOURCE)
    client.force_login(user)
    assert client.get(f"/submissions/{submission.id}/").status_code == 404


def test_leaderboard_pages(browser, challenge, user):
    services.submission_judge(submission_id=services.submission_create(
        user=user, challenge=challenge, language="python", source=SUM_SOURCE).id)
    for url in ["/leaderboard/", "/leaderboard/?board=weekly", "/leaderboard/?board=monthly&page=2",
                "/challenges/sum-two/leaderboard/"]:
        response = browser.get(url)
        assert response.status_code == 200, url
    assert "Your rank: <strong>#1</strong>" in browser.get("/leaderboard/").content.decode()


def test_unknown_challenge_is_404(client):
    assert client.get("/challenges/nope/").status_code == 404


def test_memory_that_was_not_measured_shows_a_dash(browser, challenge, user, monkeypatch):
    # Without the helper (no C compiler) nothing measures a run's own memory: the page says so
    # rather than showing the judge's own.
    from challenges.judge import sandbox

    monkeypatch.setattr(sandbox, "helper_binary", lambda: None)
    source = "import time\na, b = map(int, input().split())\nif a > 1000:\n    time.sleep(30)\nprint(a + b)\n"
    submission = services.submission_judge(submission_id=services.submission_create(
        user=user, challenge=challenge, language="python", source=source).id)
    assert [r["verdict"] for r in submission.results] == ["AC", "AC", "TLE"]
    assert [r["memory"] for r in submission.results] == [None, None, None] and submission.max_memory is None
    page = browser.get(f"/submissions/{submission.id}/").content.decode()
    assert 'title="not measured">–</span>' in page

from html.parser import HTMLParser

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


# --- issue 9: the challenge pages a new user walks through -----------------------------------------

PARTIAL_SOURCE = "a, b = map(int, input().split())\nprint(a + b if a < 1000 else 0)\n"  # 2 of 4 weight: 50 points


class _TextOf(HTMLParser):
    """Collects the text inside the first element that carries an attribute."""

    def __init__(self, attribute: str):
        super().__init__()
        self.attribute, self.depth, self.parts, self.done = attribute, 0, [], False

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
        elif not self.done and any(name == self.attribute for name, _ in attrs):
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            self.done = self.done or self.depth == 0

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def _text_of(page: str, attribute: str) -> str:
    parser = _TextOf(attribute)
    parser.feed(page)
    return " ".join("".join(parser.parts).split())


def _titles_in_order(page: str, titles: list[str]) -> list[str]:
    return sorted(titles, key=page.index)


def test_difficulties_read_easy_medium_hard_in_the_list_and_its_filter(client, db):
    from challenges.models import Challenge

    from .conftest import plain_challenge

    for slug, title, difficulty in [("h", "A hard one", "hard"), ("m", "A medium one", "medium"),
                                    ("e", "Zed the easy one", "easy")]:
        plain_challenge(slug, title, difficulty)
    page = client.get("/challenges/").content.decode()
    assert _titles_in_order(page, ["A hard one", "A medium one", "Zed the easy one"]) == [
        "Zed the easy one", "A medium one", "A hard one"]
    options = page[page.index('id="f-difficulty"'):]
    assert options.index(">Easy<") < options.index(">Medium<") < options.index(">Hard<")
    # Lists with no order of their own (the admin, the rooms' challenge picker) read the same way.
    assert list(Challenge.objects.values_list("difficulty", flat=True)) == ["easy", "medium", "hard"]
    assert [c.input for c in Challenge.objects.get(slug="e").test_cases.all()] == ["0\n"]  # TestCase orders by it


def test_never_tried_shows_a_dash_not_zero_percent(browser, challenge, user):
    row = _list_row(browser.get("/challenges/").content.decode(), "Sum Two")
    assert 'data-acceptance>—<' in row and 'data-best>—<' in row and "0%" not in row
    head = browser.get("/challenges/sum-two/").content.decode()
    assert _text_of(head, "data-challenge-stats") == "0 solved · Acceptance — · Your best — · 20 XP"
    services.submission_judge(submission_id=services.submission_create(
        user=user, challenge=challenge, language="python", source=PARTIAL_SOURCE).id)
    row = _list_row(browser.get("/challenges/").content.decode(), "Sum Two")
    assert 'data-acceptance>0%<' in row and 'data-best>50 points<' in row
    head = browser.get("/challenges/sum-two/").content.decode()
    assert _text_of(head, "data-challenge-stats") == "0 solved · Acceptance 0% · Your best 50 points · 20 XP"


def _list_row(page: str, title: str) -> str:
    start = page.rindex("<tr>", 0, page.index(title))
    return page[start:page.index("</tr>", start)]


def test_one_score_statement_on_history_submission_page_and_leaderboard(browser, challenge, user):
    submission = services.submission_judge(submission_id=services.submission_create(
        user=user, challenge=challenge, language="python", source=PARTIAL_SOURCE).id)
    assert submission.score_label == "2/3 tests · 50 points"
    history = browser.get("/challenges/sum-two/history/").content.decode()
    detail = browser.get(f"/submissions/{submission.id}/").content.decode()
    board = browser.get("/challenges/sum-two/leaderboard/").content.decode()
    for page in (history, detail):
        assert _text_of(page, "data-score") == "2/3 tests · 50 points"
        assert "50%" not in page and "50.0" not in page
    assert "50 points" in board and "%" not in board.split("<table", 1)[1]


def test_hints_and_the_solution_have_tabs_and_the_solution_shows_on_request(browser, client, challenge, user):
    anonymous = client.get("/challenges/sum-two/").content.decode()
    assert 'id="tab-hints"' in anonymous and 'id="tab-solution"' in anonymous
    assert "Log in to see the hints" in anonymous and "Log in to see the solution" in anonymous
    page = browser.get("/challenges/sum-two/").content.decode()
    assert "Show hint 1 of 2" in page and "data-reveal-solution" in page and "Just add." not in page
    services.hint_reveal(user=user, challenge=challenge)
    assert "Show hint 2 of 2" in browser.get("/challenges/sum-two/").content.decode()
    services.solution_reveal(user=user, challenge=challenge)
    page = browser.get("/challenges/sum-two/").content.decode()
    assert "Just add." in page and "data-reveal-solution" not in page and "✔ Solved" not in page


def test_a_challenge_without_hints_or_solution_has_no_tabs(browser, db):
    from .conftest import plain_challenge

    plain_challenge("bare", "Bare", solution="")
    page = browser.get("/challenges/bare/").content.decode()
    assert 'role="tablist"' not in page and "Solution explained" not in page


def test_a_timed_out_submission_page_says_the_rest_was_not_run(browser, db, user):
    from .conftest import plain_challenge

    challenge = plain_challenge("sleepy", "Sleepy", tests=10, time_limit_ms=500)
    submission = services.submission_judge(submission_id=services.submission_create(
        user=user, challenge=challenge, language="python", source="import time\ntime.sleep(30)\n").id)
    page = browser.get(f"/submissions/{submission.id}/").content.decode()
    assert _text_of(page, "data-score") == "0/10 tests · 0 points"
    assert "Test 1 ran past the time limit" in page and "9 more tests not run" in page


@pytest.mark.parametrize("extra", [2, 12])
def test_the_signed_in_list_costs_the_same_queries_for_any_number_of_challenges(
        browser, user, extra, django_assert_max_num_queries):
    from .conftest import plain_challenge

    for n in range(extra):
        challenge = plain_challenge(f"c{n}", f"Challenge {n}", ["easy", "medium", "hard"][n % 3])
        services.submission_create(user=user, challenge=challenge, language="python", source="print(0)")
    browser.get("/challenges/")  # the first page of a session does one-off work (cache, activity)
    # Session, user, preferences, groups, notifications (the layout's); count, facets, the page.
    with django_assert_max_num_queries(8):
        assert browser.get("/challenges/").status_code == 200


def _status_cells(page: str) -> list[str]:
    """Each row's status cell, first row first."""
    return [cell.split("</td>", 1)[0] for cell in page.split('<td class="cell-status">')[1:]]


def test_signed_in_list_shows_each_viewers_progress_in_the_same_queries_for_more_challenges(
        browser, user, challenge, django_assert_max_num_queries):
    from .conftest import plain_challenge

    services.submission_judge(submission_id=services.submission_create(
        user=user, challenge=challenge, language="python", source=SUM_SOURCE).id)
    plain_challenge("echo", "Echo")
    browser.get("/challenges/")  # the session, the day's activity and the filter choices are in place
    # session user, preferences, roles, badge, the page's rows, their count, the viewer's progress
    with django_assert_max_num_queries(7):
        page = browser.get("/challenges/").content.decode()
    assert ["Solved" in cell for cell in _status_cells(page)] == [False, True]  # Echo, then Sum Two
    assert "100 points" in page  # the best score, from the same query
    for n in range(5):
        plain_challenge(f"echo-{n}", f"Echo {n}")
    browser.get("/challenges/")  # the filter choices are read again after the new challenges
    with django_assert_max_num_queries(7):
        assert len(_status_cells(browser.get("/challenges/").content.decode())) == 7
    api = browser.get("/api/v1/challenges/").json()["results"]
    assert {c["slug"]: c["viewer_status"] for c in api}["sum-two"] == "solved"
    # Filtered by the viewer's progress, the list joins it in and shows the same thing.
    solved = browser.get("/challenges/?status=solved").content.decode()
    assert "Sum Two" in solved and "Echo" not in solved and "✔ Solved" in solved


def test_a_new_challenges_category_and_tags_are_offered_as_filters_at_once(client, challenge):
    from challenges.services import challenge_upsert

    assert "graphs" not in client.get("/challenges/").content.decode()
    challenge_upsert({"slug": "bfs", "title": "BFS", "type": "dsa", "difficulty": "medium", "category": "graphs",
                      "tags": ["bfs-tag"], "statement": "Walk it.",
                      "tests": [{"input": "1\n", "output": "1\n", "hidden": False}]})
    page = client.get("/challenges/").content.decode()
    assert '<option value="graphs"' in page and '<option value="bfs-tag"' in page

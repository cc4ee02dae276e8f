"""Issue 9, part 3, on the challenge pages, in a real browser at desktop size and on a 390x844
phone: difficulties read Easy, Medium, Hard; "—" until something was tried; one score statement
on the result panel and in the history; hints one at a time and the solution in their own tabs
(after solving, or on request); Submit clears the last Run's output; a submission that runs past
the time limit stops there with its verdict; and no page scrolls sideways. Screenshots of every
step land in var/screenshots/ (70-... onward, one set per device)."""

import re

import pytest

from tests.browser.test_challenge_journeys import (
    RIGHT_PY,
    log_in,
    set_editor,
    submit_and_wait,
    sum_two_data,
    wait_editor,
)

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None

DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 860}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
PARTIAL_PY = "a, b = map(int, input().split())\nprint(a + b if a < 1000 else 0)"  # the hidden test (weight 2) fails
SLEEPS_ON_HIDDEN = "import time\nn = int(input())\nif n > 0:\n    time.sleep(30)\nprint(n)"


@pytest.fixture
def first_hour_catalog(db):
    """Two easy challenges, a medium, a hard one (titles chosen so that the alphabet would mix the
    difficulties up), and a ten-test echo whose hidden tests a sleeping solution runs out of time on."""
    from challenges.catalog import challenge_import
    from challenges.services import challenge_upsert

    challenge_import(sum_two_data())
    challenge_import(sum_two_data(slug="all-paths", title="All Paths", difficulty="hard", category="graphs",
                                  tags=["graphs"], description="Sum the weights of all root-to-leaf paths.",
                                  scenario={}))
    challenge_import(sum_two_data(slug="merge-lists", title="Merge Lists", difficulty="medium", category="lists",
                                  tags=["lists"], description="Merge two sorted lists.", scenario={}))
    challenge_upsert({
        "slug": "count-back", "title": "Count Back", "type": "dsa", "difficulty": "easy", "category": "io",
        "description": "Print the number you read.", "statement": "Read *n*, print *n*.",
        "starter": {"python": "n = int(input())\n"}, "time_limit_ms": 500,
        "tests": [{"input": f"{n}\n", "output": f"{n}\n", "hidden": n > 0} for n in range(10)],
    })


def no_sideways_scroll(page, width: int):
    measured = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
    assert max(measured[:2]) <= width, f"{page.url} scrolls sideways: {measured[:2]} px wide in a {width} px window"
    assert measured[2] == width


@pytest.mark.parametrize("device", sorted(DEVICES))
def test_challenges_in_a_new_users_first_hour(new_context, make_user, achievements, first_hour_catalog, shot, device):
    from challenges.models import Submission

    width = DEVICES[device]["viewport"]["width"]
    person = make_user(username=f"grace-{device}", email=f"grace-{device}@example.com", name="Grace Hopper")
    page = new_context(**DEVICES[device]).new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, person.email)

    # 1. The list: Easy, Medium, Hard (in the filter too); nothing tried, so "—", never "0%".
    page.goto("/challenges/")
    difficulties = page.locator(".challenge-table .cell-difficulty").all_inner_texts()
    assert difficulties == ["Easy", "Easy", "Medium", "Hard"], difficulties  # the alphabet: All Paths (hard) first
    assert page.locator("#f-difficulty option").all_inner_texts() == ["Any", "Easy", "Medium", "Hard"]
    assert set(page.locator("[data-acceptance]").all_inner_texts()) == {"—"}
    assert set(page.locator("[data-best]").all_inner_texts()) == {"—"}
    expect(page.locator(".challenge-table")).not_to_contain_text("0%")
    no_sideways_scroll(page, width)
    shot(page, f"70-{device}-challenge-list-new-user")

    # 2. A challenge: its stats say "—" too; the problem, hints and solution are tabs at the top.
    page.locator(".challenge-table a", has_text="Sum Two").click()
    page.wait_for_url(re.compile(r"/challenges/sum-two/$"))
    expect(page.locator("[data-challenge-stats]")).to_have_text("0 solved · Acceptance — · Your best — · 20 XP")
    expect(page.locator("[role=tab]")).to_have_text(["Problem", "Hints 0/2", "Solution"])
    expect(page.locator("#tab-hints")).to_be_in_viewport()
    wait_editor(page, sum_two_data()["starter"]["python"])
    no_sideways_scroll(page, width)
    shot(page, f"71-{device}-challenge-page")

    # 3. Hints, one at a time.
    page.locator("#tab-hints").click()
    expect(page.locator("[data-panel=problem]")).to_be_hidden()
    page.get_by_role("button", name="Show hint 1 of 2").click()
    expect(page.locator("[data-hints] li")).to_have_text(["Read both numbers from one line."])
    page.get_by_role("button", name="Show hint 2 of 2").click()
    expect(page.locator("[data-hints] li")).to_have_count(2)
    expect(page.locator("[data-hints-done]")).to_be_visible()
    expect(page.locator("#tab-hints")).to_have_text("Hints 2/2")
    no_sideways_scroll(page, width)
    shot(page, f"72-{device}-hints")

    # 4. The solution waits for a solve or an explicit request.
    page.locator("#tab-solution").click()
    expect(page.locator("[data-solution-gate]")).to_contain_text("shown once you solve the challenge")
    expect(page.locator("[data-solution]")).to_be_hidden()
    shot(page, f"73-{device}-solution-gate")
    page.locator("#tab-problem").click()

    # 5. Run, then Submit: the Run output goes; the score reads the same on the panel and in history.
    set_editor(page, PARTIAL_PY)
    page.fill("[data-stdin]", "20 22")
    page.locator("[data-run]").click()
    expect(page.locator("[data-run-stdout]")).to_have_text("42\n")
    assert submit_and_wait(page) == "WA"
    expect(page.locator("[data-output]")).to_be_hidden()
    expect(page.locator("[data-run-stdout]")).to_have_count(0)
    expect(page.locator("[data-results] [data-score]")).to_have_text("2/3 tests · 50 points")
    expect(page.locator("[data-best-points]")).to_have_text("50 points")
    expect(page.locator("#submission-history tbody tr").first.locator("[data-score]")).to_have_text(
        "2/3 tests · 50 points")
    no_sideways_scroll(page, width)
    page.locator("[data-results]").scroll_into_view_if_needed()
    shot(page, f"74-{device}-partial-score")

    # 6. Accepted: the solution opens from the verdict, without a reload.
    set_editor(page, RIGHT_PY)
    assert submit_and_wait(page) == "AC"
    expect(page.locator("[data-results] [data-score]")).to_have_text("3/3 tests · 100 points")
    expect(page.locator("[data-best-points]")).to_have_text("100 points")
    expect(page.locator("#submission-history tbody tr").first.locator("[data-score]")).to_have_text(
        "3/3 tests · 100 points")
    page.get_by_role("link", name="Read the solution explained").click()
    expect(page.locator("[data-panel=solution] [data-solution]")).to_contain_text("convert both parts with int")
    no_sideways_scroll(page, width)
    shot(page, f"75-{device}-accepted-solution")

    # 7. A solution that sleeps on the first hidden test: TLE there, the other 8 tests not run.
    page.goto("/challenges/count-back/")
    set_editor(page, SLEEPS_ON_HIDDEN)
    assert submit_and_wait(page) == "TLE"
    results = page.locator("[data-results]")
    expect(results.locator(".test-row")).to_have_count(2)
    expect(results.locator(".test-row .verdict")).to_have_text(["AC", "TLE"])
    expect(results.locator("[data-not-run]")).to_contain_text("8 more tests not run")
    expect(results.locator("[data-score]")).to_have_text("1/10 tests · 10 points")
    expect(page.locator("#submission-history tbody tr").first.locator("[data-score]")).to_have_text(
        "1/10 tests · 10 points")
    latest = Submission.objects.filter(user=person).order_by("-id").first()
    assert (latest.verdict, len(latest.results), latest.not_run) == ("TLE", 2, 8)
    no_sideways_scroll(page, width)
    results.scroll_into_view_if_needed()
    shot(page, f"76-{device}-time-limit-stops-early")

    # 8. Its submission page says the same.
    page.goto(f"/submissions/{latest.id}/")
    expect(page.locator("[data-score]")).to_have_text("1/10 tests · 10 points")
    expect(page.locator("[data-not-run]")).to_contain_text("Test 2 ran past the time limit")
    no_sideways_scroll(page, width)
    shot(page, f"77-{device}-submission-page")

    # 9. The list now has rates and bests where something was tried, and "—" elsewhere.
    page.goto("/challenges/")
    rows = page.locator(".challenge-table tbody tr")
    sum_two, count_back, merge = (rows.filter(has_text=title) for title in ("Sum Two", "Count Back", "Merge Lists"))
    expect(sum_two.locator("[data-acceptance]")).to_have_text("50%")
    expect(sum_two.locator("[data-best]")).to_have_text("100 points")
    expect(count_back.locator("[data-acceptance]")).to_have_text("0%")
    expect(count_back.locator("[data-best]")).to_have_text("10 points")
    expect(merge.locator("[data-acceptance]")).to_have_text("—")
    no_sideways_scroll(page, width)
    shot(page, f"78-{device}-challenge-list-after")

    # 10. Asking for the solution before solving (a link to #solution opens its tab).
    page.goto("/challenges/all-paths/#solution")
    expect(page.locator("#tab-solution")).to_have_attribute("aria-selected", "true")
    page.get_by_role("button", name="Show the solution").click()
    expect(page.locator("[data-solution]")).to_contain_text("convert both parts with int")
    page.reload()
    page.locator("#tab-solution").click()
    expect(page.locator("[data-solution]")).to_be_visible()
    expect(page.locator("[data-reveal-solution]")).to_have_count(0)
    no_sideways_scroll(page, width)
    shot(page, f"79-{device}-solution-on-request")
    assert not errors, f"JavaScript errors: {errors}"

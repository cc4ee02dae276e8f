"""The coding-challenge pages in a real browser against a real server: the catalogue and its
filters, the CodeMirror editor with per-language drafts, Run, Submit with live verdicts, the
interview and zen modes, and the dark theme. Code really runs through the judge. Screenshots of
every step land in var/screenshots/ (50-... onward)."""

import re

import pytest

from tests.browser.conftest import open_from_nav
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None

PY_STARTER = "# Read a and b from one line, print their sum.\n"
CPP_STARTER = "#include <iostream>\nint main() {\n    // read a and b, print a + b\n}\n"
WRONG_PY = "a, b = map(int, input().split())\nprint(a - b)"
RIGHT_PY = "a, b = map(int, input().split())\nprint(a + b)"
CPP_DRAFT = "#include <iostream>\nint main() {\n    long long a, b;\n    std::cin >> a >> b;\n}\n"
ZEN_CODE = "# zen: think first\n"
DISTRACTIONS = ["PM: any news on the billing fix?", "Slack: can you join the incident call?"]


def log_in(page, email: str, password: str = PASSWORD):
    page.goto("/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form[action*='login'] button[type=submit]").first.click()


def sum_two_data(**overrides) -> dict:
    data = {
        "slug": "sum-two", "title": "Sum Two", "type": "dsa", "difficulty": "easy", "category": "math",
        "tags": ["math", "warm-up"], "description": "Add two integers.",
        "statement": "Read two integers *a* and *b* on one line and print **a + b**.",
        "constraints": "- |a|, |b| <= 10^9",
        "examples": [{"input": "1 2", "output": "3", "explanation": "1 + 2 = 3"}],
        "hints": ["Read both numbers from one line.", "Python integers do not overflow."],
        "solution_explanation": "Split the line, convert both parts with `int` and **add** them.",
        "starter": {"python": PY_STARTER, "javascript": "// read a and b, print a + b\n", "cpp": CPP_STARTER},
        "reference": {"python": RIGHT_PY + "\n"},
        "validation": {"forbidden_keywords": ["eval"]},
        "scenario": {"company": "Acme Pay", "role": "Backend engineer", "urgency": "high",
                     "background": "Billing is down and the totals are wrong.", "distractions": DISTRACTIONS},
        "tests": [
            {"input": "1 2\n", "output": "3\n", "hidden": False, "weight": 1},
            {"input": "10 -3\n", "output": "7\n", "hidden": False, "weight": 1},
            {"input": "1000000000 1000000000\n", "output": "2000000000\n", "hidden": True, "weight": 2},
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def catalog(db):
    """Sum Two (easy, the one the journeys solve) and two others for the filters to hide."""
    from challenges.catalog import challenge_import

    challenge, _ = challenge_import(sum_two_data())
    challenge_import(sum_two_data(
        slug="sum-of-paths", title="Sum of Paths", difficulty="hard", category="graphs", tags=["graphs"],
        description="Sum the weights of all root-to-leaf paths.", scenario={}))
    challenge_import(sum_two_data(
        slug="reverse-words", title="Reverse Words", difficulty="easy", category="strings", tags=["strings"],
        description="Reverse the order of the words in a line.", scenario={}))
    return challenge


def editor_text(page) -> str:
    return page.evaluate("window.prepforgeEditor.state.doc.toString()")


def set_editor(page, code: str):
    page.evaluate(
        "(code) => { const view = window.prepforgeEditor;"
        " view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: code}}); }", code)


def wait_editor(page, text: str):
    page.wait_for_function("(t) => window.prepforgeEditor && window.prepforgeEditor.state.doc.toString() === t", arg=text)


def wait_draft_saved(page):
    expect(page.locator("[data-draft-state]")).to_have_text("draft saved")


def choose_language(page, language: str):
    page.select_option("[data-language-select]", language)


def wait_draft_in_db(page, user, language: str, code: str, timeout_ms: int = 5_000):
    from challenges.models import CodeDraft

    for _ in range(timeout_ms // 100):
        if CodeDraft.objects.filter(user=user, challenge__slug="sum-two", language=language, code=code).exists():
            return
        page.wait_for_timeout(100)
    saved = list(CodeDraft.objects.filter(user=user).values_list("language", "code"))
    raise AssertionError(f"the {language} draft was not saved; drafts: {saved}")


def submit_and_wait(page) -> str:
    """Click Submit and wait for the live verdict over the WebSocket."""
    page.evaluate("delete document.body.dataset.lastVerdict")
    page.locator("[data-submit]").click()
    page.wait_for_function("document.body.dataset.lastVerdict", timeout=20_000)
    return page.evaluate("document.body.dataset.lastVerdict")


def test_solve_a_challenge(new_context, make_user, achievements, catalog, shot):
    from accounts.services import progress_record_event
    from challenges.models import CodeDraft, Submission

    person = make_user(username="kent", email="kent@example.com", name="Kent Beck")
    rival = make_user(username="barbara", email="barbara@example.com", name="Barbara Liskov")
    progress_record_event(user=rival, event_type="test.bonus", xp=500, evaluate=False)

    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, person.email)
    expect(page.locator("h1")).to_contain_text("Welcome")

    # 1. The catalogue, then its filters.
    open_from_nav(page, "Practice", "Challenges")
    page.wait_for_url(re.compile(r"/challenges/$"))
    rows = page.locator("table.challenge-table tbody tr")
    expect(rows).to_have_count(3)
    shot(page, "50-challenge-list")
    page.select_option("#f-difficulty", "easy")
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()
    expect(rows).to_have_count(2)
    expect(page.locator("table.challenge-table")).not_to_contain_text("Sum of Paths")
    page.fill("#f-search", "sum")
    with page.expect_navigation():
        page.locator("#f-search").press("Enter")
    assert "difficulty=easy" in page.url and "search=sum" in page.url
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sum Two")
    expect(rows.first).to_contain_text("New")
    expect(page.locator("#f-difficulty")).to_have_value("easy")
    expect(page.locator("#f-search")).to_have_value("sum")
    shot(page, "51-challenge-list-filtered")
    rows.first.locator("a", has_text="Sum Two").click()
    page.wait_for_url(re.compile(r"/challenges/sum-two/$"))

    # 2. The challenge page: statement, editor with the Python starter.
    expect(page.locator("h1")).to_have_text("Sum Two")
    expect(page.locator(".statement")).to_contain_text("print a + b")
    expect(page.locator(".challenge-head")).to_contain_text("20 XP")
    expect(page.locator("[data-language-select]")).to_have_value("python")
    wait_editor(page, PY_STARTER)
    expect(page.locator(".cm-content")).to_contain_text("Read a and b from one line")
    expect(page.locator("#submission-history")).to_contain_text("No submissions yet.")
    expect(page.locator("[data-panel=solution]")).to_be_hidden()
    expect(page.locator("[data-reveal-solution]")).to_have_count(1)  # behind its tab, not yet solved
    shot(page, "52-challenge-python-starter")
    # Opening the page is not an edit: no draft is saved, none is "restored".
    page.wait_for_timeout(1_000)
    expect(page.locator("[data-draft-state]")).to_have_text("")
    assert not CodeDraft.objects.filter(user=person).exists()

    # 3. To C++ and back: each language shows its starter; the drafts survive a reload, even
    # when the language changes before the autosave's 0.8 s are up.
    choose_language(page, "cpp")
    wait_editor(page, CPP_STARTER)
    set_editor(page, CPP_DRAFT)
    expect(page.locator("[data-draft-state]")).to_have_text("editing…")
    choose_language(page, "python")
    wait_editor(page, PY_STARTER)
    set_editor(page, WRONG_PY)
    wait_draft_saved(page)
    page.reload()
    expect(page.locator("[data-language-select]")).to_have_value("python")
    wait_editor(page, WRONG_PY)
    choose_language(page, "cpp")
    wait_editor(page, CPP_DRAFT)
    expect(page.locator(".cm-content")).to_contain_text("std::cin >> a >> b;")
    expect(page.locator("[data-draft-state]")).to_have_text("draft restored")
    assert dict(CodeDraft.objects.filter(user=person).values_list("language", "code")) == {
        "cpp": CPP_DRAFT, "python": WRONG_PY}
    shot(page, "53-challenge-cpp-draft-restored")
    choose_language(page, "python")
    wait_editor(page, WRONG_PY)

    # 4. A wrong answer: live per-test results and the first failing sample.
    assert submit_and_wait(page) == "WA"
    results = page.locator("[data-results]")
    expect(results.locator("[data-verdict]")).to_have_text("Wrong answer")
    expect(results.locator(".test-row")).to_have_count(3)
    expect(results.locator(".test-row[data-test-index='2']")).to_contain_text("(hidden)")
    failing = results.locator(".failing")
    expect(failing).to_contain_text("First failing sample: test 1")
    failing_pres = failing.locator("pre")
    expect(failing_pres.nth(0)).to_have_text("1 2\n")
    expect(failing_pres.nth(1)).to_have_text("3\n")
    expect(failing_pres.nth(2)).to_have_text("-1\n")
    expect(page.locator("#submission-history tbody tr")).to_have_count(1)
    expect(page.locator("#submission-history tbody tr").first).to_contain_text("WA")
    failing.scroll_into_view_if_needed()
    shot(page, "54-challenge-wrong-answer")

    # 5. Fix it with the keyboard: at the end of "print(a - b)" replace "- b)" by "+ b)".
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    for _ in range(4):
        page.keyboard.press("Backspace")
    page.keyboard.type("+ b)")
    page.keyboard.press("Escape")  # close the completion popup, if any
    wait_editor(page, RIGHT_PY)
    wait_draft_saved(page)

    # 6. Run on custom input.
    page.fill("[data-stdin]", "20 22")
    page.locator("[data-run]").click()
    expect(page.locator("[data-run-stdout]")).to_have_text("42\n")
    expect(page.locator("[data-output]")).to_contain_text("Finished")
    shot(page, "55-challenge-run-custom-input")

    # 7. Submit again: accepted; the history table updates in place.
    assert submit_and_wait(page) == "AC"
    expect(results.locator("[data-verdict]")).to_have_text("Accepted")
    expect(results).to_contain_text("3/3 tests")
    expect(results.locator(".verdict-AC")).to_have_count(3)
    expect(results.locator(".failing")).to_have_count(0)
    history = page.locator("#submission-history tbody tr")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("AC")
    expect(history.first.locator("[data-score]")).to_have_text("3/3 tests · 100 points")
    expect(results.locator("[data-score]")).to_have_text("3/3 tests · 100 points")
    shot(page, "56-challenge-accepted")
    latest = Submission.objects.filter(user=person).order_by("-id").first()
    assert (latest.verdict, latest.mode, latest.language) == ("AC", "standard", "python")

    # 8. After a reload: solved, with the solution explained.
    page.reload()
    expect(page.locator(".challenge-head .status-solved")).to_have_text("✔ Solved")
    page.locator("#tab-solution").click()
    solution = page.locator("[data-panel=solution] [data-solution]")
    expect(solution).to_be_visible()
    expect(solution).to_contain_text("convert both parts with int and add them")
    expect(solution.locator("strong")).to_have_text("add")
    wait_editor(page, RIGHT_PY)
    shot(page, "57-challenge-solved")

    # 9. Home: the XP and the notification.
    page.goto("/")
    xp = int(page.get_by_test_id("xp").inner_text())
    assert xp >= 20, xp
    expect(page.locator("[data-notification-list]")).to_contain_text("Solved: Sum Two (+20 XP)")
    shot(page, "58-home-after-solve")

    # 10. The global leaderboard: behind the rival with 500 XP.
    page.goto("/leaderboard/")
    expect(page.locator("main p.card")).to_contain_text("Your rank: #2")
    me = page.locator("tr.me")
    expect(me).to_contain_text("#2")
    expect(me).to_contain_text("Kent Beck")
    expect(me).to_contain_text(f"{xp} XP")
    expect(page.locator("tbody tr").first).to_contain_text("Barbara Liskov")
    shot(page, "59-leaderboard")

    # 11. The catalogue marks it solved.
    page.goto("/challenges/?status=solved")
    expect(page.locator("table.challenge-table tbody tr")).to_have_count(1)
    expect(page.locator("table.challenge-table tbody tr").first).to_contain_text("✔ Solved")

    assert not errors, f"JavaScript errors: {errors}"


def test_interview_mode(new_context, make_user, achievements, catalog, shot):
    from challenges.models import Submission

    person = make_user(username="margaret", email="margaret@example.com", name="Margaret Hamilton")
    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script("window.PREPFORGE_DISTRACTION_SPEEDUP = 0.005")
    log_in(page, person.email)
    page.goto("/challenges/sum-two/?mode=interview")

    bar = page.locator(".interview-bar")
    expect(bar).to_contain_text("Interview mode")
    expect(bar).to_contain_text("Acme Pay")
    expect(bar).to_contain_text("Billing is down")
    expect(page.locator(".mode-switch a[aria-current='page']")).to_have_text("Interview")
    timer = page.locator("[data-timer]")
    first = timer.inner_text()
    page.wait_for_function("(t) => document.querySelector('[data-timer]').textContent !== t", arg=first,
                           timeout=2_500)
    assert re.fullmatch(r"\d\d:\d\d", timer.inner_text())
    # Reloading keeps the interview's clock: it goes on from where it was, not from 00:00.
    at_least_two = "() => document.querySelector('[data-timer]').textContent >= '00:02'"
    page.wait_for_function(at_least_two, timeout=5_000)
    page.reload()
    page.wait_for_function(at_least_two, timeout=1_500)

    distractions = page.locator("[data-distraction-area] .distraction")
    expect(distractions).to_have_count(2, timeout=3_000)
    expect(distractions.first).to_contain_text(DISTRACTIONS[0])
    expect(distractions.nth(1)).to_contain_text(DISTRACTIONS[1])
    shot(page, "60-interview-distractions")
    distractions.first.get_by_role("button", name="Dismiss").click()
    expect(distractions).to_have_count(1)
    expect(distractions.first).to_contain_text(DISTRACTIONS[1])

    wait_editor(page, PY_STARTER)
    set_editor(page, RIGHT_PY)
    page.wait_for_timeout(1_100)  # at least a second on the clock
    assert submit_and_wait(page) == "AC"
    expect(page.locator("[data-results] [data-verdict]")).to_have_text("Accepted")
    expect(page.locator("#submission-history tbody tr").first).to_contain_text("Interview")
    stopped_at = timer.inner_text()
    page.wait_for_timeout(1_200)
    assert timer.inner_text() == stopped_at, "the interview clock still runs after Accepted"
    shot(page, "61-interview-accepted")

    submission = Submission.objects.get(user=person)
    assert submission.mode == "interview"
    assert submission.distractions_met >= 1
    assert submission.time_spent_seconds > 0
    assert not errors, f"JavaScript errors: {errors}"


def test_zen_mode_and_dark_theme(new_context, make_user, achievements, catalog, shot):
    from accounts.services import preferences_update

    person = make_user(username="edsger", email="edsger@example.com", name="Edsger Dijkstra")
    page = new_context(color_scheme="light").new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, person.email)

    # Zen: the problem and the editor, nothing else.
    page.goto("/challenges/sum-two/?mode=zen")
    expect(page.locator("#challenge-page")).to_have_class(re.compile(r"\bmode-zen\b"))
    expect(page.locator(".statement")).to_contain_text("print a + b")
    wait_editor(page, PY_STARTER)
    expect(page.locator("[data-hints]")).to_have_count(0)
    expect(page.locator("[data-reveal-hint]")).to_have_count(0)
    expect(page.locator("#submission-history")).to_have_count(0)
    expect(page.locator(".challenge-head")).not_to_contain_text("solved ·")
    expect(page.locator(".challenge-head")).not_to_contain_text("XP")
    expect(page.locator(".interview-bar")).to_have_count(0)
    shot(page, "62-zen-mode")

    # Leaving the page right after typing still saves the draft (flushed on pagehide).
    set_editor(page, ZEN_CODE)
    page.goto("/challenges/sum-two/")
    wait_draft_in_db(page, person, "python", ZEN_CODE)

    # The standard mode has them all (hints can be revealed).
    expect(page.locator(".challenge-head")).to_contain_text("0 solved · Acceptance — · Your best — · 20 XP")
    page.locator("#tab-hints").click()
    page.locator("[data-reveal-hint]").click()
    expect(page.locator("[data-hints] li")).to_have_count(1)
    expect(page.locator("[data-hints] li").first).to_have_text("Read both numbers from one line.")
    expect(page.locator("[data-reveal-hint]")).to_have_text("Show hint 2 of 2")

    # Dark theme.
    preferences_update(user=person, data={"theme": "dark"})
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    wait_editor(page, ZEN_CODE)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    channels = [int(c) for c in re.findall(r"\d+", background)[:3]]
    assert sum(channels) / 3 < 100, f"dark theme but the page background is {background}"
    editor_bg = page.evaluate("getComputedStyle(document.querySelector('.cm-editor')).backgroundColor")
    channels = [int(c) for c in re.findall(r"\d+", editor_bg)[:3]]
    assert sum(channels) / 3 < 100, f"dark theme but the editor background is {editor_bg}"
    expect(page.locator("[data-hints] li")).to_have_count(1)
    set_editor(page, RIGHT_PY)
    wait_draft_saved(page)
    page.locator("[data-run]").click()
    expect(page.locator("[data-run-stdout]")).to_have_text("3\n")
    shot(page, "63-challenge-dark")
    assert not errors, f"JavaScript errors: {errors}"

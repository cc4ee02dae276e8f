"""Learning in a real browser against a real server: enrol in a playlist, read its lesson (the
page reports the time it is visible; Playwright's clock moves it on), solve its challenge in the
editor so that the judge completes the playlist, get the certificate and its public verify page,
review the challenge; then a code review with a line suggestion that the author applies in one
click. Screenshots in var/screenshots/ (90-... onward)."""

import re

import pytest

from tests.browser.conftest import open_from_nav
from tests.browser.test_challenge_journeys import (
    RIGHT_PY,
    log_in,
    set_editor,
    submit_and_wait,
    sum_two_data,
)

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None

READING = "Read both numbers from one line, then print their sum. " * 4
SOURCE = "a, b = map(int, input().split())\ns = a + b\nprint(s)\n"


@pytest.fixture
def learning_catalog(db):
    from challenges.catalog import challenge_import
    from challenges.playlist_services import playlist_upsert

    challenge, _ = challenge_import(sum_two_data())
    playlist, _ = playlist_upsert(data={
        "slug": "first-steps", "title": "First steps", "summary": "Read, then solve.", "category": "Fundamentals",
        "description": "Two lessons. <script>window.pwned = 1</script>",
        "lessons": [{"title": "Reading input", "kind": "reading", "body": READING},
                    {"title": "Sum Two", "kind": "challenge", "challenge": "sum-two"}]})
    return challenge, playlist


def test_enrol_read_solve_certificate_and_review(new_context, make_user, achievements, learning_catalog, shot):
    challenge, playlist = learning_catalog
    person = make_user(username="grace", email="grace@example.com", name="Grace Hopper")
    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.clock.install()
    log_in(page, person.email)

    open_from_nav(page, "Practice", "Playlists")
    page.wait_for_url(re.compile(r"/playlists/$"))
    expect(page.locator("[data-playlist=first-steps]")).to_contain_text("2 lessons")
    shot(page, "90-playlists")
    page.locator("[data-playlist=first-steps] a").click()
    page.get_by_role("button", name="Enrol").click()
    expect(page.locator("[data-percent]")).to_contain_text("0 of 2 lessons")
    assert page.evaluate("window.pwned") is None

    # The reading completes after the time on the page, reported by the page itself.
    page.get_by_role("link", name="Continue: Reading input").click()
    status = page.locator("[data-lesson-status]")
    expect(status).to_contain_text("completes after 10 s")
    # The page's timer starts in its module script, which runs before DOMContentLoaded: the fake
    # clock must not run before it (the text above is already in the server's HTML).
    page.wait_for_load_state("domcontentloaded")
    page.clock.run_for(16_000)
    expect(status).to_contain_text("Completed")
    shot(page, "91-lesson-read")

    # The challenge lesson completes when the judge accepts a solution.
    page.get_by_role("link", name="Sum Two →").click()
    page.get_by_role("link", name="Open the challenge: Sum Two").click()
    page.wait_for_function("window.prepforgeEditor")
    set_editor(page, RIGHT_PY)
    assert submit_and_wait(page) == "AC"

    page.goto(f"/playlists/{playlist.slug}/")
    expect(page.locator("[data-percent]")).to_contain_text("2 of 2 lessons")
    expect(page.locator("[data-percent]")).to_contain_text("100%")
    expect(page.locator("[data-lessons] [data-done]")).to_have_count(2)
    shot(page, "92-playlist-complete")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    pdf_path = download.value.path()
    from io import BytesIO

    from pdfminer.high_level import extract_text

    text = extract_text(BytesIO(open(pdf_path, "rb").read()))
    assert "Grace Hopper" in text and "First steps" in text
    page.get_by_role("link", name="Verification page").click()
    expect(page.locator("[data-certificate-verified]")).to_contain_text("Grace Hopper")
    verify_url = page.url
    shot(page, "93-certificate-verify")
    anonymous = new_context().new_page()
    anonymous.goto(verify_url)
    expect(anonymous.locator("[data-certificate-verified]")).to_contain_text("First steps")

    # Review the challenge just attempted; the average shows on its page.
    page.goto(f"/playlists/{playlist.slug}/")
    page.locator("#id_rating").select_option("5")
    page.locator("#id_text").fill("Short and clear.")
    page.get_by_role("button", name="Post review").click()
    expect(page.locator("main")).to_contain_text("Thanks for your review.")
    page.goto(f"/challenges/{challenge.slug}/reviews/")
    page.locator("#id_rating").select_option("4")
    page.locator("#id_title").fill("A fair warm-up")
    page.locator("#id_text").fill("Mind the **big** numbers.")
    page.locator("#id_tags").fill("warm-up, overflow")
    page.get_by_role("button", name="Post review").click()
    expect(page.locator("[data-rating-summary]")).to_contain_text("★ 4.0 from 1 review")
    expect(page.locator("[data-review] strong")).to_have_text("big")
    shot(page, "94-challenge-review")
    page.goto(f"/challenges/{challenge.slug}/")
    expect(page.locator("[data-challenge-rating]")).to_contain_text("★ 4.0 (1 review)")
    assert not errors, errors


def test_request_and_give_a_code_review_with_an_applied_suggestion(new_context, make_user, learning_catalog, shot):
    from challenges import services
    from challenges.models import CodeDraft

    challenge, _ = learning_catalog
    author = make_user(username="linus", email="linus@example.com", name="Linus T")
    mentor = make_user(username="ada", email="ada@example.com", name="Ada L")
    for person, source in ((author, SOURCE), (mentor, RIGHT_PY)):
        submission = services.submission_create(user=person, challenge=challenge, language="python", source=source)
        services.submission_judge(submission_id=submission.id)
    mine = author.submissions.get()

    page = new_context().new_page()
    log_in(page, author.email)
    page.goto(f"/submissions/{mine.id}/")
    page.locator("#review-message").fill("Can this be shorter?")
    page.get_by_role("button", name="Request a code review").click()
    expect(page.locator("[data-review-status]")).to_have_text("Pending")
    review_url = page.url

    reviewer = new_context().new_page()
    log_in(reviewer, mentor.email)
    open_from_nav(reviewer, "Practice", "Code reviews")
    reviewer.locator("[data-review-queue] a").first.click()
    form = reviewer.locator("[data-comment-form]")
    form.locator("#id_kind").select_option("suggestion")
    form.locator("#id_line_start").fill("2")
    form.locator("#id_line_end").fill("3")
    form.locator("#id_body").fill("No need for the temporary.")
    form.locator("#id_suggestion").fill("print(a + b)")
    form.get_by_role("button", name="Comment").click()
    expect(reviewer.locator("[data-comment-line='2'] [data-suggestion]")).to_have_text("print(a + b)")
    score = reviewer.locator("[data-score-form]")
    for field, value in (("code_quality", "4"), ("performance", "5"), ("readability", "3"), ("tests", "3")):
        score.locator(f"#id_{field}").fill(value)
    score.get_by_role("button", name="Save scores").click()
    reviewer.locator("[data-status-form] #id_status").select_option("changes_requested")
    reviewer.get_by_role("button", name="Set status").click()
    expect(reviewer.locator("[data-review-status]")).to_have_text("Changes requested")
    shot(reviewer, "95-code-review-given")

    page.goto(review_url)
    expect(page.locator("[data-score-row]")).to_contain_text("Ada L")
    page.get_by_role("button", name="Apply suggestion").click()
    expect(page.locator("main")).to_contain_text("Suggestion applied")
    expect(page.locator("[data-code-line]")).to_have_count(2)
    expect(page.locator("[data-line='2'] [data-code-line]")).to_have_text("print(a + b)")
    expect(page.locator("[data-comment]")).to_contain_text("Applied in version 2")
    expect(page.locator("[data-review-status]")).to_have_text("In review")
    shot(page, "96-code-review-applied")
    assert CodeDraft.objects.get(user=author, challenge=challenge).code == "a, b = map(int, input().split())\nprint(a + b)\n"

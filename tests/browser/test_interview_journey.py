"""An AI mock interview in Chromium against a real server: start it from the navigation, answer
by typing, read the live evaluation, get the next question, finish, open the report, share it.
Screenshots land in var/screenshots/ (interview-...)."""

import re

import pytest

from interviews.models import InterviewTurn
from interviews.services import questions_seed
from tests.browser.conftest import open_from_nav
from tests.browser.test_resume_journeys import log_in

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None


def test_interview_journey(new_context, make_user, shot):
    questions_seed()
    sam = make_user(username="sam", email="sam@example.com", name="Sam Lee")
    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, sam.email)

    open_from_nav(page, "Practice", "Interviews")
    page.wait_for_url(re.compile(r"/interviews/$"))
    page.get_by_role("link", name="Start a mock interview").click()
    page.select_option("#id_interview_type", "behavioral")
    page.fill("#id_length", "2")
    shot(page, "interview-01-start")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the interview").click()
    expect(page.locator("[data-connection]")).to_have_text("Live")
    prompt = page.locator("[data-current-prompt]")
    first_prompt = prompt.inner_text()
    session_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    strong = InterviewTurn.objects.select_related("question").get(session_id=session_id, index=0) \
        .question.sample_strong_answer

    # An empty answer is refused on the page, nothing is sent.
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator("[data-answer-error]")).to_have_text("Type your answer first.")

    page.get_by_label("Your answer").fill(strong)
    expect(page.locator("[data-word-count]")).not_to_have_text("0 words")
    page.get_by_role("button", name="Send answer").click()
    feedback = page.locator("[data-feedback]")
    expect(feedback.locator("[data-overall]")).to_contain_text("Overall:", timeout=5000)
    expect(feedback.locator("[data-dimension='structure']")).to_contain_text("STAR")
    expect(page.locator("[data-transcript] li")).to_have_count(1)
    expect(prompt).not_to_have_text(first_prompt)  # the next question (or a follow-up)
    expect(page.locator("[data-progress]")).to_have_text("Question 2 of 2")
    shot(page, "interview-02-live-feedback")

    # A non-answer: the evaluation says there is not enough evidence, then the report opens.
    page.get_by_label("Your answer").fill("No idea.")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(rf"/interviews/{session_id}/report/$"))
    expect(page.locator("h1")).to_contain_text("interview report")
    expect(page.locator("[data-report-turn]")).to_have_count(2)
    expect(page.locator("[data-evidence-coverage]")).to_contain_text("rest on evidence")
    expect(page.locator("[data-report-turn]").nth(1)).to_contain_text("Not enough evidence")
    shot(page, "interview-03-report")

    page.get_by_role("button", name="Create a share link").click()
    link = page.locator("[data-share-url]").input_value()
    assert "/interviews/shared/" in link
    stranger = new_context().new_page()
    stranger.goto(link)
    expect(stranger.locator("h1")).to_contain_text("interview report")
    expect(stranger.get_by_role("button", name="Create a share link")).to_have_count(0)
    page.get_by_role("button", name="Revoke the link").click()
    assert stranger.goto(link).status == 404
    assert not errors, errors

"""A coding interview in Chromium against a real server: start a technical interview with a
challenge attached, open its live room, type code and run it, answer the question, finish, and
scrub the report's replay to see the code at the start and at the end beside the words said then.
Screenshots: var/screenshots/coding-interview-..."""

import re

import pytest

from interviews.models import InterviewSession, InterviewTurn
from interviews.services import questions_seed
from tests.browser.test_resume_journeys import log_in
from tests.browser.test_room_journeys import (  # noqa: F401
    STARTER,
    sum_two,
    type_at_end,
    wait_ready,
    wait_same_code,
)

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None

LINE = "print(20 + 22)"


def test_coding_interview_replay(new_context, make_user, sum_two, shot):  # noqa: F811
    questions_seed()
    kim = make_user(username="kim", email="kim@example.com", name="Kim Park")
    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, kim.email)

    page.goto("/interviews/start/")
    page.select_option("#id_interview_type", "technical")
    page.fill("#id_length", "1")
    page.get_by_label("Coding challenge (technical interviews)").fill("no-such-thing")
    page.get_by_role("button", name="Start the interview").click()
    expect(page.locator(".errorlist")).to_contain_text("No such challenge")
    page.get_by_label("Coding challenge (technical interviews)").fill("sum-two")
    shot(page, "coding-interview-01-start")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the interview").click()
    expect(page.locator("[data-connection]")).to_have_text("Live")
    session = InterviewSession.objects.get(user=kim)
    expect(page.locator("[data-room-link]")).to_have_attribute("href", f"/rooms/{session.room_id}/")
    shot(page, "coding-interview-02-live")

    # The room opens in a new tab, with the challenge's starter code; the candidate types and runs.
    with page.expect_popup() as popup:
        page.locator("[data-room-link]").click()
    room = popup.value
    room.on("pageerror", lambda exc: errors.append(str(exc)))
    wait_ready(room)
    wait_same_code(room, STARTER)
    type_at_end(room, LINE)
    wait_same_code(room, STARTER + LINE)
    room.locator("[data-run]").click()
    expect(room.locator("[data-run-stdout]")).to_have_text("42\n", timeout=20_000)
    shot(room, "coding-interview-03-room-ran")

    # Back in the interview: answer the (only) question; the interview ends and the report opens.
    page.bring_to_front()
    strong = InterviewTurn.objects.select_related("question").get(session=session, index=0).question.sample_strong_answer
    page.get_by_label("Your answer").fill(strong)
    page.get_by_role("button", name="Send answer").click()
    page.wait_for_url(re.compile(rf"/interviews/{session.pk}/report/$"))

    replay = page.locator("[data-interview-replay]")
    expect(replay).to_have_attribute("data-replay-ready", "true")
    slider = page.locator("[data-replay-slider]")
    code = page.locator("[data-replay-code]")
    # It opens at the end: the final code, the last run and the answer.
    expect(code).to_have_text(STARTER + LINE)
    expect(page.locator("[data-replay-run]")).to_contain_text("Finished")
    expect(page.locator("[data-replay-run] pre")).to_have_text("42\n")
    expect(page.locator("[data-replay-line]")).to_contain_text("You:")
    shot(page, "coding-interview-04-report-replay-end")

    # Scrub to the start: the starter code, the first question, no run yet.
    slider.fill("0")
    expect(code).to_have_text(STARTER)
    expect(page.locator("[data-replay-run]")).to_have_text("No run yet.")
    slider.fill("1")
    expect(page.locator("[data-replay-line]")).to_contain_text("Interviewer:")
    expect(code).to_have_text(STARTER)
    shot(page, "coding-interview-05-report-replay-start")

    # The keyboard moves through it too, and Play runs to the end.
    slider.focus()
    page.keyboard.press("End")
    expect(code).to_have_text(STARTER + LINE)
    slider.fill("0")
    page.locator("[data-replay-play]").click()
    expect(code).to_have_text(STARTER + LINE, timeout=15_000)
    expect(page.locator("[data-replay-play]")).to_have_text("▶ Play", timeout=15_000)
    assert not errors, errors

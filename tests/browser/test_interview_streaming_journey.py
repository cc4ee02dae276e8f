"""The model's evaluation streaming onto the live interview page in Chromium: the site runs with
AI_BASE_URL pointing at a loopback server that streams server-sent events as the OpenAI API does
(tests/interviews/test_streaming.py's), the page shows the evaluation's summary while it is
written, then the validated feedback and the model's next question. Screenshot:
var/screenshots/interview-streaming-*.png."""

import threading
from http.server import ThreadingHTTPServer

import pytest

from interviews.models import InterviewTurn
from interviews.services import questions_seed
from tests.browser.test_resume_journeys import log_in
from tests.interviews.test_streaming import NEXT_QUESTION, SUMMARY, InterviewModel
from tests.live_server import asgi_server

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None


class SlowerModel(InterviewModel):
    chunk_size = 12  # small pieces, 30 ms apart: the page has time to show them


@pytest.fixture
def live_site(allow_async_unsafe, transactional_db, tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowerModel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    SlowerModel.requests, SlowerModel.sent_at, SlowerModel.mode = [], [], "ok"
    try:
        with asgi_server(tmp_path, AI_BASE_URL=f"http://127.0.0.1:{server.server_address[1]}/v1",
                         AI_API_KEY="test-key", AI_MODEL="fake-1", AI_TIMEOUT_SECONDS="5", AI_MAX_RETRIES="0") as url:
            yield url
    finally:
        server.shutdown()
        server.server_close()


def test_the_evaluation_streams_onto_the_page(new_context, make_user, shot):
    questions_seed()
    uma = make_user(username="uma", email="uma@example.com", name="Uma Rao")
    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, uma.email)
    page.goto("/interviews/start/")
    page.select_option("#id_interview_type", "behavioral")
    page.fill("#id_length", "2")
    with page.expect_navigation(timeout=40_000):  # the first model call imports the openai client
        page.get_by_role("button", name="Start the interview").click(timeout=40_000)
    expect(page.locator("[data-connection]")).to_have_text("Live")
    session_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    # Everything the stream shows, as the page changes (the final feedback replaces it quickly).
    page.evaluate("""() => {
        window.streamedTexts = [];
        new MutationObserver(() => {
            const line = document.querySelector('[data-stream-preview]');
            if (line) window.streamedTexts.push(line.textContent);
            const question = document.querySelector('[data-question-stream]');
            if (question && !question.hidden) window.streamedTexts.push(question.textContent);
        }).observe(document.querySelector('[data-interview]'), {subtree: true, childList: true, characterData: true});
    }""")
    strong = InterviewTurn.objects.select_related("question").get(session_id=session_id, index=0) \
        .question.sample_strong_answer
    page.get_by_label("Your answer").fill(strong)
    page.get_by_role("button", name="Send answer").click()
    page.wait_for_function("() => window.streamedTexts.length > 0", timeout=20_000)
    feedback = page.locator("[data-feedback]")
    expect(feedback.locator("[data-overall]")).to_contain_text("Overall:", timeout=15_000)
    expect(feedback).to_contain_text(SUMMARY)
    expect(page.locator("[data-current-prompt]")).to_have_text(NEXT_QUESTION, timeout=10_000)
    expect(page.locator("[data-question-stream]")).to_be_hidden()
    shown = page.evaluate("() => window.streamedTexts")
    partial = [t for t in shown if t.startswith("The model is evaluating your answer… ")]
    assert partial and any(SUMMARY.startswith(t.split("… ", 1)[1]) and t.split("… ", 1)[1] != SUMMARY
                           for t in partial), shown  # a summary cut short: it came in pieces
    assert any(t.startswith("Next question: ") for t in shown), shown
    shot(page, "interview-streaming-02-validated")
    assert not errors, errors

"""A spoken answer in Chromium with a fake microphone playing a sentence Festival's text2wave
spoke: record it, watch the media job on the page, get the live feedback with words per minute,
answer the next question by typing, open the report and play the recording while the transcript
follows it. With a real Redis (REDIS_URL) the media job runs in a real Celery worker, so the
progress really comes over /ws/media/<id>/; without one it runs in the upload request.
Screenshots: var/screenshots/voice-*.png."""

import json
import os
import re
import subprocess

import pytest

from interviews.models import InterviewTurn
from interviews.services import questions_seed
from tests.browser.conftest import chromium_with_fake_media, site_with_media_worker
from tests.browser.test_resume_journeys import log_in
from tests.media.recordings import HAVE_FESTIVAL, HAVE_FFMPEG, SENTENCE

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None


@pytest.fixture(scope="module")
def spoken_wav(tmp_path_factory):
    if not (HAVE_FESTIVAL and HAVE_FFMPEG):
        pytest.skip("Debian's festival and ffmpeg are not installed")
    path = tmp_path_factory.mktemp("voice") / "answer.wav"
    subprocess.run(["text2wave", "-o", str(path)], input=SENTENCE.encode(), check=True, timeout=120)
    return path


@pytest.fixture(scope="module")
def browser(django_db_setup, spoken_wav):
    """Chromium whose microphone plays the wav once (then silence), permission granted."""
    with chromium_with_fake_media(f"--use-file-for-fake-audio-capture={spoken_wav}%noloop") as chromium:
        yield chromium


@pytest.fixture
def live_site(allow_async_unsafe, transactional_db, tmp_path):
    with site_with_media_worker(tmp_path, "test-voice") as base_url:
        yield base_url


def test_answer_by_voice_then_by_typing_and_play_it_back(new_context, make_user, shot):
    questions_seed()
    vic = make_user(username="vic", email="vic@example.com", name="Vic Stone")
    page = new_context().new_page()
    errors, media_events = [], []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def watch(socket):
        if "/ws/media/" in socket.url:
            socket.on("framereceived", lambda frame: media_events.append(json.loads(frame)))

    page.on("websocket", watch)
    log_in(page, vic.email)
    page.goto("/interviews/start/")
    page.select_option("#id_interview_type", "technical")
    page.fill("#id_length", "2")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the interview").click()
    expect(page.locator("[data-connection]")).to_have_text("Live")
    session_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    record = page.get_by_role("button", name="Record answer")
    expect(record).to_be_visible()
    record.click()
    stop = page.get_by_role("button", name="Stop recording")
    expect(stop).to_have_attribute("aria-pressed", "true")
    # The sentence lasts about five seconds: stop once the recorder's clock has passed it.
    expect(page.locator("[data-record-time]")).to_have_text("0:06", timeout=15_000)
    shot(page, "voice-01-recording")
    stop.click()
    if os.environ.get("REDIS_URL"):  # a real worker takes seconds: the job's progress is on the page meanwhile
        expect(page.locator("[data-voice-progress]")).to_be_visible()
        expect(page.locator("[data-voice-status]")).to_have_text(re.compile(r"\d+%|Uploading"))
        shot(page, "voice-02a-processing")
    feedback = page.locator("[data-feedback]")
    expect(feedback.locator("[data-wpm]")).to_contain_text("words per minute", timeout=60_000)
    expect(feedback.locator("[data-speaking]")).to_contain_text("filler word")
    expect(feedback.locator("[data-overall]")).to_contain_text("Overall:")
    expect(page.locator("[data-transcript] li")).to_have_count(1)
    expect(page.locator("[data-transcript] li").first).to_contain_text("spoken")
    shot(page, "voice-02-spoken-feedback")

    spoken = InterviewTurn.objects.select_related("media").get(session_id=session_id, index=0)
    assert spoken.answer_source == "spoken" and spoken.media.owner_id == vic.id
    assert spoken.media.status == "ready" and spoken.media.transcript_status == "transcribed", spoken.media.speaking
    heard = spoken.answer.lower().split()
    assert sum(word in heard for word in SENTENCE.lower().split()) >= 0.5 * len(SENTENCE.split()), spoken.answer
    assert spoken.evaluation["speaking"]["words_per_minute"] > 60
    if os.environ.get("REDIS_URL"):  # a real worker: the page followed the job's stages live
        stages = [event.get("stage") for event in media_events]
        assert "transcribing" in stages and stages[-1] == "ready", media_events

    # The next question, typed: the recorder does not get in the way.
    page.get_by_label("Your answer").fill(
        "I would profile first, then add an index on the column the slow query filters by, cache the hot "
        "reads with a short expiry, and measure the latency before and after to be sure it helped.")
    page.get_by_role("button", name="Send answer").click()
    page.wait_for_url(re.compile(rf"/interviews/{session_id}/report/$"), timeout=20_000)
    turns = page.locator("[data-report-turn]")
    expect(turns).to_have_count(2)
    expect(turns.first.locator("[data-report-speaking]")).to_contain_text("words per minute")
    expect(turns.nth(1).locator("[data-recording]")).to_have_count(0)

    player = turns.first.locator("[data-recording-player]")
    expect(player).to_have_attribute("src", re.compile(rf"/api/v1/media/{spoken.media_id}/file/web/?$"))
    words = turns.first.locator("[data-recording-words] span")
    assert words.count() == len(spoken.media.transcript_words) > 3
    player.evaluate("audio => audio.play()")
    expect(turns.first.locator(".word-current")).to_have_count(1, timeout=10_000)
    page.wait_for_function("() => document.querySelector('[data-recording-player]').currentTime > 1.5")
    marked = turns.first.locator(".word-current")
    expect(marked).to_have_attribute("aria-current", "true")
    shot(page, "voice-03-report-playing")
    assert page.evaluate("() => document.querySelector('[data-recording-player]').error") is None
    assert not errors, errors


def test_a_refused_microphone_says_so_and_typing_still_works(browser, live_site, make_user, shot):
    questions_seed()
    rae = make_user(username="rae", email="rae@example.com", name="Rae Kim")
    context = browser.new_context(base_url=live_site, viewport={"width": 1280, "height": 860})
    try:
        page = context.new_page()
        # What a browser does when the person clicks "Block" on the microphone prompt.
        page.add_init_script("""navigator.mediaDevices.getUserMedia = () =>
            Promise.reject(new DOMException("Permission denied", "NotAllowedError"));""")
        log_in(page, rae.email)
        page.goto("/interviews/start/")
        page.fill("#id_length", "1")
        with page.expect_navigation():
            page.get_by_role("button", name="Start the interview").click()
        expect(page.locator("[data-connection]")).to_have_text("Live")
        page.get_by_role("button", name="Record answer").click()
        expect(page.locator("[data-voice-status]")).to_have_text(re.compile("Microphone permission was refused"))
        expect(page.get_by_role("button", name="Record answer")).to_be_disabled()
        shot(page, "voice-04-microphone-refused")
        page.get_by_label("Your answer").fill("I would add a cache and measure the latency before and after it.")
        page.get_by_role("button", name="Send answer").click()
        page.wait_for_url(re.compile(r"/report/$"), timeout=20_000)
    finally:
        context.close()


def test_send_answer_waits_for_a_recording_being_processed(new_context, make_user, shot):
    """While a recording uploads and its media job runs, the typed "Send answer" is off and says
    why (a typed answer then would take the question and the recording's answer would be refused);
    it comes back when the spoken answer is done, and when processing fails. The upload is held in
    the browser (page.route) so the processing state is there to see in both modes."""
    questions_seed()
    kim = make_user(username="kim", email="kim@example.com", name="Kim Park")
    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    held = []
    page.route("**/api/v1/media/upload*", lambda route: held.append(route))

    def held_upload():
        """The upload the page has just sent, held in the browser (the handler runs a moment after
        the page says "Uploading")."""
        for _ in range(200):
            if held:
                return held.pop()
            page.wait_for_timeout(100)
        raise AssertionError("the page sent no upload")

    log_in(page, kim.email)
    page.goto("/interviews/start/")
    page.select_option("#id_interview_type", "technical")
    page.fill("#id_length", "3")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the interview").click()
    expect(page.locator("[data-connection]")).to_have_text("Live")
    session_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    submit = page.locator("[data-answer-submit]")
    wait = page.locator("[data-answer-wait]")

    page.get_by_role("button", name="Record answer").click()
    expect(submit).to_be_disabled()
    expect(submit).to_have_text("Recording…")
    expect(page.locator("[data-record-time]")).to_have_text("0:06", timeout=15_000)
    page.get_by_role("button", name="Stop recording").click()
    page.wait_for_function("() => document.querySelector('[data-voice-status]').textContent.startsWith('Uploading')")
    upload = held_upload()
    assert not held
    expect(submit).to_be_disabled()
    expect(submit).to_have_text("Processing your recording…")
    expect(submit).to_have_attribute("aria-busy", "true")
    expect(wait).to_be_visible()
    expect(wait).to_contain_text("being processed")
    # Ctrl+Enter in the text box is held too: nothing is sent, the page says why.
    page.get_by_label("Your answer").fill("A typed answer while the recording is processed.")
    page.get_by_label("Your answer").press("Control+Enter")
    expect(page.locator("[data-answer-error]")).to_contain_text("being processed")
    shot(page, "voice-05-send-waits-for-processing")
    assert not InterviewTurn.objects.filter(session_id=session_id, answered_at__isnull=False).exists()

    upload.continue_()  # the real upload and media job: the recording answers question 1
    expect(page.locator("[data-transcript] li")).to_have_count(1, timeout=60_000)
    expect(page.locator("[data-progress]")).to_have_text("Question 2 of 3")
    expect(submit).to_be_enabled()
    expect(submit).to_have_text("Send answer")
    expect(wait).to_be_hidden()
    first = InterviewTurn.objects.get(session_id=session_id, index=0)
    assert first.answer_source == "spoken" and first.media_id is not None

    # Question 2: the media job fails; Send answer comes back with the reason on the page.
    page.get_by_role("button", name="Record answer").click()
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="Stop recording").click()
    page.wait_for_function("() => document.querySelector('[data-voice-status]').textContent.startsWith('Uploading')")
    expect(submit).to_be_disabled()
    held_upload().fulfill(status=201, content_type="application/json", body=json.dumps({
        "id": 999_999, "status": "failed", "failure_code": "corrupt", "progress": 100,
        "failure_reason": "the file is damaged"}))
    expect(page.locator("[data-voice-status]")).to_contain_text("the file is damaged")
    expect(submit).to_be_enabled()
    expect(submit).to_have_text("Send answer")
    shot(page, "voice-06-send-back-after-failure")

    # Question 2 again: the upload is refused outright; Send answer is back, and typing answers it.
    page.get_by_role("button", name="Record answer").click()
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Stop recording").click()
    page.wait_for_function("() => document.querySelector('[data-voice-status]').textContent.startsWith('Uploading')")
    expect(submit).to_be_disabled()
    held_upload().fulfill(status=400, content_type="application/json", body=json.dumps(
        {"error": {"code": "media_too_large", "message": "That file is too large.", "details": {}}}))
    expect(page.locator("[data-voice-status]")).to_contain_text("That file is too large.")
    expect(submit).to_be_enabled()
    page.get_by_label("Your answer").fill(
        "I would profile first, then add an index on the column the slow query filters by and measure again.")
    submit.click()
    expect(page.locator("[data-transcript] li")).to_have_count(2, timeout=20_000)
    assert InterviewTurn.objects.get(session_id=session_id, index=1).answer_source == "typed"
    assert not errors, errors

"""A recording of the whole interview in Chromium with fake camera and microphone: opt in, see the
red indicator and its clock, finish the interview (the recording stops, uploads through the media
API and the media job reads it with ffmpeg), play it on the report and through a share link, see
the link stop working once revoked, and delete the interview with its recording. Then microphone
only, stopped by hand, and the End button. Screenshots: var/screenshots/session-recording-*.png."""

import re

import pytest

from core.models import MediaAsset
from interviews.models import InterviewSession
from interviews.services import questions_seed
from tests.browser.conftest import chromium_with_fake_media, site_with_media_worker
from tests.browser.test_resume_journeys import log_in
from tests.media.recordings import HAVE_FFMPEG

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None

ANSWER = ("I would profile first, then add an index on the column the slow query filters by, cache the hot "
          "reads with a short expiry, and measure the latency before and after to be sure it helped.")


@pytest.fixture(scope="module")
def browser(django_db_setup):
    if not HAVE_FFMPEG:
        pytest.skip("Debian's ffmpeg is not installed")
    with chromium_with_fake_media() as chromium:  # Chromium's own test pattern and beep
        yield chromium


@pytest.fixture
def live_site(allow_async_unsafe, transactional_db, tmp_path):
    with site_with_media_worker(tmp_path, "test-session-recording") as base_url:
        yield base_url


def start_interview(page, length: int) -> int:
    page.goto("/interviews/start/")
    page.select_option("#id_interview_type", "technical")
    page.fill("#id_length", str(length))
    with page.expect_navigation():
        page.get_by_role("button", name="Start the interview").click()
    expect(page.locator("[data-connection]")).to_have_text("Live")
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def signed_in_page(new_context, make_user, username: str):
    """A page signed in as a new user, collecting its script errors, accepting its confirmations."""
    questions_seed()
    person = make_user(username=username, email=f"{username}@example.com", name=username.title())
    page = new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, person.email)
    return page, person, errors


def answer(page, text=ANSWER):
    page.get_by_label("Your answer").fill(text)
    page.get_by_role("button", name="Send answer").click()


def playable_seconds(page, selector: str) -> float:
    """The player's duration once its metadata is in (a MediaRecorder WebM as recorded says none)."""
    page.wait_for_function(f"""() => {{ const p = document.querySelector('{selector}');
        return p && p.readyState >= 1 && Number.isFinite(p.duration); }}""", timeout=20_000)
    return page.evaluate(f"() => document.querySelector('{selector}').duration")


def test_record_the_whole_interview_play_it_share_it_and_delete_it(new_context, make_user, shot, check_accessibility):
    page, ada, errors = signed_in_page(new_context, make_user, "ada")
    session_id = start_interview(page, 2)

    panel = page.locator("[data-session-recorder]")
    expect(panel).to_contain_text("Nothing is recorded unless you start it")
    shot(page, "session-recording-01-offer")
    panel.get_by_role("button", name="Record camera and microphone").click()
    expect(panel.locator("[data-session-recorder-status]")).to_have_text("Recording camera and microphone")
    expect(panel.locator(".recording-dot")).to_be_visible()
    expect(panel.get_by_role("button", name="Stop recording")).to_be_visible()
    page.wait_for_function("() => document.querySelector('[data-session-recorder-preview]').videoWidth > 0")
    answer(page)
    expect(page.locator("[data-transcript] li")).to_have_count(1, timeout=20_000)
    page.wait_for_function("""() => { const [m, s] = document.querySelector('[data-session-recorder-time]')
        .textContent.split(':').map(Number); return m * 60 + s >= 4; }""", timeout=15_000)
    shot(page, "session-recording-02-recording")
    check_accessibility(page, "live interview while recording")
    # The last answer ends the interview: the recording stops, uploads, and then the report opens.
    answer(page)
    page.wait_for_url(re.compile(rf"/interviews/{session_id}/report/$"), timeout=60_000)

    session = InterviewSession.objects.select_related("recording").get(id=session_id)
    asset = session.recording
    assert asset is not None and asset.owner_id == ada.id and asset.purpose == "interview_session"
    section = page.locator("[data-session-recording]")
    expect(section).to_contain_text("Recording of the interview")
    player = section.locator("video[data-session-recording-player]")
    expect(player).to_be_visible(timeout=60_000)  # at once, or once the worker's job is done
    asset.refresh_from_db()
    assert asset.status == "ready" and asset.kind == "video", asset.failure_reason
    assert asset.duration_seconds and asset.duration_seconds >= 4
    seconds = playable_seconds(page, "[data-session-recording-player]")
    assert seconds == pytest.approx(asset.duration_seconds, abs=1.0)  # the remuxed copy says how long it is
    player.evaluate("video => { video.currentTime = 2; return video.play(); }")
    page.wait_for_function("() => document.querySelector('[data-session-recording-player]').currentTime > 2.3")
    assert page.evaluate("() => document.querySelector('[data-session-recording-player]').videoWidth") > 0
    player.evaluate("video => video.pause()")
    shot(page, "session-recording-03-report")
    check_accessibility(page, "report with the session's recording")

    # Shared: whoever holds the link plays it; revoked, it plays nothing.
    page.get_by_role("button", name="Create a share link").click()
    share_url = page.locator("[data-share-url]").input_value()
    stranger = new_context().new_page()
    stranger.goto(share_url)
    shared_player = stranger.locator("[data-session-recording-player]")
    expect(shared_player).to_have_attribute("src", re.compile(r"/interviews/shared/[^/]+/recording/$"))
    assert playable_seconds(stranger, "[data-session-recording-player]") == pytest.approx(seconds, abs=0.1)
    shot(stranger, "session-recording-04-shared")
    recording_url = shared_player.get_attribute("src")
    page.get_by_role("button", name="Revoke the link").click()
    expect(page.get_by_role("button", name="Create a share link")).to_be_visible()
    assert stranger.request.get(recording_url).status == 404
    assert stranger.goto(share_url).status == 404

    # Deleted with the interview.
    page.get_by_role("button", name="Delete this interview and its recordings").click()
    page.wait_for_url(re.compile(r"/interviews/$"))
    expect(page.get_by_text("The interview and its recordings were deleted.")).to_be_visible()
    assert not InterviewSession.objects.filter(id=session_id).exists()
    assert not MediaAsset.objects.filter(id=asset.id).exists()
    assert not errors, errors


def test_microphone_only_stopped_by_hand_then_the_end_button(new_context, make_user, shot):
    page, _, errors = signed_in_page(new_context, make_user, "bo")
    session_id = start_interview(page, 3)
    panel = page.locator("[data-session-recorder]")
    panel.get_by_role("button", name="Record microphone only").click()
    expect(panel.locator("[data-session-recorder-status]")).to_have_text("Recording microphone")
    expect(panel.locator("[data-session-recorder-preview]")).to_have_count(0)  # no camera, no preview
    expect(panel.locator("[data-session-recorder-time]")).to_have_text("0:03", timeout=15_000)
    panel.get_by_role("button", name="Stop recording").click()
    expect(panel.locator("[data-session-recorder-status]")).to_have_text(
        "Recording saved: it plays on the report once it is processed.", timeout=30_000)
    expect(panel.get_by_role("button", name="Record camera and microphone")).to_have_count(0)  # one per interview
    shot(page, "session-recording-05-saved")
    answer(page)
    expect(page.locator("[data-transcript] li")).to_have_count(1, timeout=20_000)
    page.get_by_role("button", name="End interview and see the report").click()
    page.wait_for_url(re.compile(rf"/interviews/{session_id}/report/$"), timeout=30_000)
    player = page.locator("audio[data-session-recording-player]")
    expect(player).to_be_attached(timeout=60_000)
    assert playable_seconds(page, "[data-session-recording-player]") >= 2.5
    expect(page.locator("[data-session-recording-meta]")).to_contain_text("Microphone only")
    shot(page, "session-recording-06-audio-report")
    assert not errors, errors

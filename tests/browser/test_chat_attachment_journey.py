"""Attachments between two people in two real Chromium windows with fake media devices: Alice
sends a photo (made by Pillow, with a GPS position in its EXIF) and records a voice note with
MediaRecorder (Chromium's fake microphone); Bob sees each arrive live, processing first, then the
thumbnail and the voice note's waveform and duration, and plays it. With a real Redis the media
jobs run in a real Celery worker. Screenshots: var/screenshots/chat-attach-*.png."""

import os

import pytest

from chat import services
from core.models import MediaAsset
from tests.browser.conftest import chromium_with_fake_media, site_with_media_worker
from tests.browser.test_chat_journeys import log_in
from tests.chat.attachment_inputs import HAVE_FFMPEG, jpeg_with_gps

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not HAVE_FFMPEG, reason="Debian's ffmpeg is not installed")]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """Chromium with a fake camera and microphone (a beeping tone), permission granted."""
    with chromium_with_fake_media() as chromium:
        yield chromium


@pytest.fixture
def live_site(allow_async_unsafe, transactional_db, tmp_path):
    with site_with_media_worker(tmp_path, "test-attach") as base_url:
        yield base_url


def test_a_photo_and_a_voice_note_arrive_live_and_play(new_context, make_user, shot, tmp_path):
    alice = make_user(username="alice", name="Alice Liddell")
    bob = make_user(username="bob", name="Bob Builder")
    chat = services.chat_private_open(user=alice, other=bob)
    photo = tmp_path / "holiday.jpg"
    photo.write_bytes(jpeg_with_gps())

    a = new_context().new_page()
    b = new_context().new_page()
    errors: list[str] = []
    for page in (a, b):
        page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(a, alice.email)
    log_in(b, bob.email)
    a.goto(f"/chat/{chat.id}/")
    b.goto(f"/chat/{chat.id}/")
    for page in (a, b):
        page.wait_for_function("window.prepforgeChat && window.prepforgeChat.socket.open")

    # Alice attaches the photo with a caption; Bob sees it live, and the thumbnail once processed.
    a.fill("[data-composer-body]", "The view from the hotel")
    a.set_input_files("[data-attach-input]", str(photo))
    theirs = b.locator(".message", has_text="The view from the hotel")
    expect(theirs).to_have_count(1)
    thumbnail = theirs.locator("img[data-attachment-thumbnail]")
    expect(thumbnail).to_be_visible(timeout=30_000)
    b.wait_for_function("() => { const i = document.querySelector('img[data-attachment-thumbnail]');"
                        " return i && i.complete && i.naturalWidth > 0; }")
    size = thumbnail.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    assert size[1] > size[0] and max(size) <= 480, size  # upright (EXIF orientation applied) and small
    expect(a.locator("[data-composer-body]")).to_have_value("")
    shot(b, "chat-attach-01-photo-received")

    # Alice records a voice note with the fake microphone.
    record = a.locator("[data-record-voice]")
    record.click()
    expect(record).to_have_attribute("aria-pressed", "true")
    expect(record).to_contain_text("0:03", timeout=10_000)
    shot(a, "chat-attach-02-recording")
    record.click()
    expect(record).to_have_attribute("aria-pressed", "false")
    voice = b.locator(".message .attachment.audio")
    if os.environ.get("REDIS_URL"):  # a real worker takes a moment: the card says it is processing
        expect(b.locator(".message [data-attachment-status='queued'], .message [data-attachment-status='processing'],"
                         " .message .attachment.audio")).to_have_count(1)
        shot(b, "chat-attach-02b-voice-note-arriving")
    expect(voice).to_have_count(1, timeout=30_000)
    expect(voice.locator("[data-waveform] rect")).not_to_have_count(0)
    expect(voice.locator("[data-duration]")).to_have_text("0:03", timeout=5_000)

    # Bob plays it: the audio really plays (time moves) and the waveform follows.
    voice.locator("audio").evaluate("a => a.play()")
    b.wait_for_function("() => { const a = document.querySelector('.attachment.audio audio');"
                        " return a && a.currentTime > 1; }", timeout=15_000)
    expect(voice.locator("[data-waveform] rect.played")).not_to_have_count(0)
    shot(b, "chat-attach-03-voice-note-playing")

    assets = list(MediaAsset.objects.order_by("id"))
    assert [asset.kind for asset in assets] == ["image", "audio"] and all(x.status == "ready" for x in assets)
    assert assets[1].duration_seconds and 2.5 < assets[1].duration_seconds < 5
    assert not errors, errors

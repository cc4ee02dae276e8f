"""A video call in a private chat, in two real browsers with Chromium's fake camera and
microphone: Alice presses "Video call", Bob's page rings, he answers, and both pages reach
`connectionState` "connected" over loopback with the other's video decoded; Alice hangs up and
both chats show the call's record with its duration. Then Alice calls again and Bob declines:
"Declined video call" in both. Screenshots: var/screenshots/95-... onward.

Nothing leaves loopback: the pages are on 127.0.0.1, `iceServers` is empty (WEBRTC_ICE_SERVERS
unset) and the pages keep only 127.0.0.1 candidates (window.prepforgeCallLoopbackOnly)."""

import pytest

from tests.browser.conftest import chromium_with_fake_media
from tests.browser.test_chat_journeys import log_in
from tests.browser.test_peer_call_journey import LOOPBACK_ONLY, own_address, selected_pairs_js

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None

SELECTED_PAIRS_JS = selected_pairs_js("window.prepforgeChat.call.peers")


@pytest.fixture(scope="module")
def browser(django_db_setup):
    with chromium_with_fake_media("--allow-loopback-in-peer-connection") as chromium:
        yield chromium


@pytest.fixture(autouse=True)
def patient_expectations():
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=None)


@pytest.fixture
def private_chat(make_user):
    # On a thread of its own: Playwright's loop runs in this one.
    from concurrent.futures import ThreadPoolExecutor

    def make():
        from chat import services

        alice = make_user(username="alice", email="alice@example.com", name="Alice Liddell")
        bob = make_user(username="bob", email="bob@example.com", name="Bob Builder")
        return services.chat_private_open(user=alice, other=bob), alice, bob

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(make).result()


def open_chat(new_context, user, chat):
    context = new_context()
    context.set_default_timeout(20_000)
    context.add_init_script(LOOPBACK_ONLY)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload)))
            if "/ws/chat/" in ws.url else None)
    log_in(page, user.email)
    page.goto(f"/chat/{chat.id}/")
    page.wait_for_function("window.prepforgeChat && window.prepforgeChat.socket.open")
    return page, errors, frames


def test_a_video_call_in_a_private_chat(new_context, private_chat, shot):
    chat, alice, bob = private_chat
    a, a_errors, a_frames = open_chat(new_context, alice, chat)
    b, b_errors, b_frames = open_chat(new_context, bob, chat)

    a.get_by_role("button", name="🎥 Video call").click()
    expect(a.locator("[data-call-note]")).to_contain_text("Waiting for the others")
    incoming = b.locator("[data-call-incoming]")
    expect(incoming).to_be_visible()
    expect(incoming).to_contain_text("Alice Liddell is calling you: video call")
    shot(b, "95-chat-call-incoming")
    b.get_by_role("button", name="Answer").click()

    for page in (a, b):
        page.wait_for_function("window.prepforgeChat.call.connectionStates().includes('connected')", timeout=20_000)
        page.wait_for_function("""() => { const v = document.querySelector('[data-remote-video]');
            return v && v.videoWidth > 0 && v.srcObject.getTracks().length === 2; }""", timeout=20_000)
        expect(page.locator("[data-chat-call]")).to_have_attribute("data-call-state", "connected")
        expect(page.locator("[data-remote-state]")).to_have_text("connected")
        pairs = page.evaluate(SELECTED_PAIRS_JS)
        assert pairs and all(own_address(local) and (remote == "127.0.0.1" or kind == "prflx")
                             for local, remote, kind in pairs), pairs
    expect(a.locator("[data-remote-name]")).to_have_text("Bob Builder")
    expect(b.locator("[data-remote-name]")).to_have_text("Alice Liddell")
    signalled = [f for f in a_frames + b_frames if '"call.signal"' in f and '"candidate"' in f]
    assert signalled and all("127.0.0.1" in f for f in signalled)
    shot(a, "96-chat-call-connected")

    a.get_by_role("button", name="Hang up").click()
    for page in (a, b):
        record = page.locator("[data-call-record]").last
        expect(record).to_contain_text("Video call · 0:")
        expect(page.locator("[data-chat-call]")).to_have_attribute("data-in-call", "false")
    expect(b.locator("[data-call-note]")).to_contain_text("Call ended ·")
    assert b.evaluate("document.querySelector('[data-remote-video]')") is None

    # A second call, declined: both chats say so, and Alice's camera is off again.
    a.get_by_role("button", name="🎥 Video call").click()
    expect(incoming).to_be_visible()
    b.get_by_role("button", name="Decline").click()
    for page in (a, b):
        expect(page.locator("[data-call-record]").last).to_contain_text("Declined video call")
    expect(a.locator("[data-call-local]")).to_be_hidden()
    expect(a.locator("[data-call-note]")).to_contain_text("Bob Builder declined")
    shot(a, "97-chat-call-records")
    assert a_errors == [] and b_errors == []

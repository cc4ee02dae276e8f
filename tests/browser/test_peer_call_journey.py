"""A peer mock interview's room in two real browsers: both join the call and Chromium's fake
camera and microphone reach the other side over a real WebRTC connection on loopback
(`connectionState` "connected", frames decoded, the selected candidate pair on 127.0.0.1); the
interviewer picks a question and sees its rubric, which never reaches the candidate's socket or
page; halfway the interviewer swaps roles, both pages follow live, the call stays up, and the new
interviewer picks the second question. A third test: a browser without camera access still
receives the call, and its editor and chat work. Screenshots: var/screenshots/90-... onward.

Nothing leaves loopback: the pages are on 127.0.0.1, `iceServers` is empty (WEBRTC_ICE_SERVERS
unset) and the pages set the test flag that keeps only 127.0.0.1 candidates."""

import re
import time

import pytest

from tests.browser.conftest import chromium_with_fake_media
from tests.browser.test_room_journeys import log_in, wait_ready

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None

LOOPBACK_ONLY = "window.prepforgeCallLoopbackOnly = true;"
FIRST = "starter-system-design-url-shortener"
FIRST_CRITERION = "Requirements and estimates"
SECOND = "starter-behavioral-disagreement"
SECOND_CRITERION = "Handling the disagreement"

# The selected ICE pair of every peer connection of the page: our end's address, and the other
# end's address and type (Chromium hides a peer-reflexive candidate's address: "").
SELECTED_PAIRS_JS = """async () => {
  const pairs = [];
  for (const peer of window.prepforgeRoom.call.peers.values()) {
    const stats = await peer.pc.getStats();
    const byId = new Map(); stats.forEach((s) => byId.set(s.id, s));
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) {
        const pair = byId.get(s.selectedCandidatePairId);
        const remote = byId.get(pair.remoteCandidateId);
        pairs.push([byId.get(pair.localCandidateId).address, remote.address || '', remote.candidateType]);
      }
    });
  }
  return pairs;
}"""


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """Debian's Chromium with fake media devices and loopback allowed for WebRTC (replaces the
    conftest's browser for this module)."""
    with chromium_with_fake_media("--allow-loopback-in-peer-connection") as chromium:
        yield chromium


@pytest.fixture(autouse=True)
def patient_expectations():
    """Two browsers with live video on a shared 2-core machine: give each expectation 15 s
    (Playwright's default, 5 s, comes back afterwards)."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=None)


@pytest.fixture
def bank(db):
    from interviews.services import questions_seed
    from tests.interviews.conftest import TEST_BANK

    questions_seed(directory=TEST_BANK)


@pytest.fixture
def peer_room(make_user):
    # On a thread of its own: Playwright's loop runs in this one, and the services publish their
    # events after commit through async_to_sync.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_peer_room, make_user).result()


def _peer_room(make_user):
    from collaboration import services

    grace = make_user(username="grace", email="grace@example.com", name="Grace Hopper")
    alan = make_user(username="alan", email="alan@example.com", name="Alan Turing")
    room = services.room_create(interviewer=grace, title="Peer interview: Grace and Alan")
    services.room_join(room=room, token=services.invite_token(room=room, role="candidate"), user=alan)
    return room, grace, alan


def own_address(address: str) -> bool:
    """An address of this machine (a socket can be bound to it)."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind((address, 0))
        except OSError:
            return False
    return True


def open_room(new_context, user, room, *, init_script=LOOPBACK_ONLY):
    context = new_context()
    context.set_default_timeout(20_000)
    context.set_default_navigation_timeout(30_000)
    context.add_init_script(init_script)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    frames: list[str] = []  # everything the room's events socket sent this page
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload)))
            if "/events/" in ws.url else None)
    log_in(page, user.email)
    page.goto(f"/rooms/{room.id}/")
    wait_ready(page)
    return page, errors, frames


def wait_connected(page):
    page.wait_for_function("window.prepforgeRoom.call.connectionStates().includes('connected')", timeout=20_000)
    # Frames of the other side's fake camera are decoded here.
    page.wait_for_function("""() => { const v = document.querySelector('[data-remote-video]');
        return v && v.videoWidth > 0 && v.srcObject.getTracks().length === 2; }""", timeout=20_000)


def test_peer_call_panel_and_swap(new_context, peer_room, bank, shot):
    from collaboration.models import InterviewerNote, Participant, RoomQuestion

    room, grace, alan = peer_room
    host, host_errors, host_frames = open_room(new_context, grace, room)
    guest, guest_errors, guest_frames = open_room(new_context, alan, room)

    # --- the call -------------------------------------------------------------------------------
    host.locator("[data-call-join]").click()
    expect(host.locator("[data-call-note]")).to_contain_text("Waiting for the others")
    joined_at = time.monotonic()
    guest.locator("[data-call-join]").click()
    for page in (host, guest):
        wait_connected(page)
        expect(page.locator("[data-call]")).to_have_attribute("data-call-state", "connected")
        expect(page.locator("[data-remote-state]")).to_have_text("connected")
        pairs = page.evaluate(SELECTED_PAIRS_JS)
        # Packets go to the other page's 127.0.0.1 candidate (or back to the socket whose check
        # arrived first: prflx, whose address Chromium hides; the other page's own local end,
        # checked there), from a socket on an address of this machine: they never leave it.
        assert pairs and all(own_address(local) and (remote == "127.0.0.1" or kind == "prflx")
                             for local, remote, kind in pairs), pairs
    print(f"call connected with video decoded on both pages {time.monotonic() - joined_at:.2f} s after the second join")
    expect(host.locator("[data-remote-name]")).to_have_text("Alan Turing")
    expect(guest.locator("[data-remote-name]")).to_have_text("Grace Hopper")
    # Only loopback candidates were signalled.
    signalled = [f for f in host_frames + guest_frames if '"call.signal"' in f and '"candidate"' in f]
    assert signalled and all("127.0.0.1" in f for f in signalled)

    host.locator("[data-call-mute]").click()
    expect(host.locator("[data-call-mute]")).to_have_attribute("aria-pressed", "true")
    assert host.evaluate("window.prepforgeRoom.call.peers.values().next().value.pc.getSenders()"
                         ".find((s) => s.track?.kind === 'audio').track.enabled") is False
    host.locator("[data-call-camera]").click()
    expect(host.locator("[data-call-camera]")).to_have_text("📷 Camera on")
    host.locator("[data-call-camera]").click()
    host.locator("[data-call-mute]").click()
    expect(host.locator("[data-call-mute]")).to_have_attribute("aria-pressed", "false")

    # --- the interviewer's private panel -------------------------------------------------------------
    panel = host.locator("[data-question-panel]")
    expect(panel).to_be_visible()
    expect(guest.locator("[data-question-panel]")).to_be_hidden()
    panel.locator("#panel-category").select_option("system_design")
    panel.locator("#panel-difficulty").select_option("medium")
    panel.locator("[data-panel-search] button").click()
    expect(panel.locator("[data-pick]")).to_have_count(1)
    panel.locator("[data-pick]").click()
    expect(panel.locator("[data-panel-prompt]")).to_have_attribute("data-slug", FIRST)
    expect(panel.locator("[data-panel-rubric]")).to_contain_text(FIRST_CRITERION)
    expect(panel.locator("[data-panel-points] li").first).to_be_visible()
    panel.locator("summary", has_text="Hints").click()
    expect(panel.locator("[data-panel-hints] li").first).to_be_visible()
    shot(host, "90-peer-call-interviewer-panel")
    shot(guest, "91-peer-call-candidate")
    guest.wait_for_timeout(300)
    assert FIRST_CRITERION not in guest.content()
    assert not [f for f in guest_frames if FIRST_CRITERION in f or FIRST in f]

    host.locator("[data-notes]").fill("Needs hints on recursion")
    expect(host.locator("[data-notes-state]")).to_have_text("saved")

    # --- halfway: the interviewer swaps roles -------------------------------------------------------------
    host.once("dialog", lambda dialog: dialog.accept())
    host.locator("[data-swap-roles]").click()
    expect(host.locator("[data-my-role]")).to_have_text("You: Candidate")
    expect(guest.locator("[data-my-role]")).to_have_text("You: Interviewer")
    expect(guest.locator("[data-status]")).to_contain_text("you are the interviewer now")
    expect(host.locator("[data-interviewer-controls]")).to_be_hidden()
    expect(guest.locator("[data-interviewer-controls]")).to_be_visible()
    expect(host.locator("[data-question-panel]")).to_be_hidden()
    assert FIRST_CRITERION not in host.content()  # the panel was emptied, not only hidden
    for page in (host, guest):
        expect(page.locator(f"[data-participant-id='{Participant.objects.get(room=room, user=alan).id}'] .role-pill")
               ).to_have_text("Interviewer")

    # The new interviewer gets the invite, challenge and notes sections live; the old one loses them.
    expect(guest.locator("#invite-candidate")).to_have_value(re.compile(r"/join/\?t="))
    expect(guest.locator("[data-attach-select]")).to_be_visible()
    expect(host.locator("[data-notes]")).to_have_count(0)
    assert "Needs hints on recursion" not in guest.content()  # the other's notes are about them
    guest.locator("[data-notes]").fill("Clear on trade-offs")
    expect(guest.locator("[data-notes-state]")).to_have_text("saved")
    assert dict(InterviewerNote.objects.filter(room=room).values_list("author__username", "text")) == {
        "grace": "Needs hints on recursion", "alan": "Clear on trade-offs"}

    new_panel = guest.locator("[data-question-panel]")
    expect(new_panel).to_contain_text("turn 2")
    expect(new_panel.locator("[data-panel-none]")).to_be_visible()
    new_panel.locator("#panel-words").fill("disagree")
    new_panel.locator("[data-panel-search] button").click()
    new_panel.locator(f"[data-pick='{SECOND}']").click()
    expect(new_panel.locator("[data-panel-rubric]")).to_contain_text(SECOND_CRITERION)
    host.wait_for_timeout(300)
    assert SECOND_CRITERION not in host.content()
    assert not [f for f in host_frames if SECOND_CRITERION in f]

    # The call survived the swap.
    for page in (host, guest):
        assert "connected" in page.evaluate("window.prepforgeRoom.call.connectionStates()")
    shot(guest, "92-peer-call-after-swap-new-interviewer")
    shot(host, "93-peer-call-after-swap-candidate")
    assert dict(Participant.objects.filter(room=room).values_list("user__username", "role")) == {
        "grace": "candidate", "alan": "interviewer"}
    assert list(RoomQuestion.objects.filter(room=room).order_by("turn").values_list("turn", "question__slug")) == [
        (1, FIRST), (2, SECOND)]

    # --- hang up -----------------------------------------------------------------------------------------
    guest.locator("[data-call-hangup]").click()
    expect(host.locator("[data-remote-peer]")).to_have_count(0)
    expect(guest.locator("[data-call-join]")).to_be_visible()
    assert host_errors == [] and guest_errors == []


DENIED_MEDIA = """
window.prepforgeCallLoopbackOnly = true;
navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
"""


def test_without_camera_access_the_call_still_receives_and_the_room_works(new_context, peer_room, shot):
    room, grace, alan = peer_room
    host, host_errors, _ = open_room(new_context, grace, room)
    guest, guest_errors, _ = open_room(new_context, alan, room, init_script=DENIED_MEDIA)
    host.locator("[data-call-join]").click()
    guest.locator("[data-call-join]").click()
    expect(guest.locator("[data-call-note]")).to_contain_text("access was refused")
    expect(guest.locator("[data-call-mute]")).to_be_disabled()
    expect(guest.locator("[data-call-camera]")).to_be_disabled()
    wait_connected(guest)  # the host's camera arrives at the guest, who sends nothing
    host.wait_for_function("window.prepforgeRoom.call.connectionStates().includes('connected')", timeout=20_000)

    guest.locator("[data-chat-input]").fill("I can see you; my camera is off.")
    guest.locator("[data-chat-form] button").click()
    expect(host.locator("[data-chat-list]")).to_contain_text("my camera is off")
    guest.locator(".cm-content").click()
    guest.keyboard.type("print('still editing')")
    host.wait_for_function("window.prepforgeRoom.ytext.toString().includes('still editing')")
    shot(guest, "94-peer-call-no-camera")
    assert host_errors == [] and guest_errors == []

"""A live coding interview in two real browsers against a real server: the interviewer opens a
room and shares the candidate link; a guest without an account joins with a name; both type into
the shared editor (also at the same spot at the same time) and converge, see each other's
cursors, chat, run the code, and the interviewer locks the editor and ends the interview, which
takes both to the summary with the final code and the replay. Screenshots: var/screenshots/70-...
onward."""

import re

import pytest

from tests.browser.conftest import open_from_nav
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None

STARTER = "# Read a and b from one line, print their sum.\n"
LINE_1 = "a, b = map(int, input().split())"
LINE_2 = "print(a + b)"
HIS = "# checked by Grace"
HERS = "# negative numbers too"
TYPING_DELAY_MS = 60  # a quick typist: about 16 keys a second


def log_in(page, email: str, password: str = PASSWORD):
    page.goto("/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form[action*='login'] button[type=submit]").first.click()


@pytest.fixture
def sum_two(db):
    from challenges.catalog import challenge_import

    challenge, _ = challenge_import({
        "slug": "sum-two", "title": "Sum Two", "type": "dsa", "difficulty": "easy", "category": "math",
        "tags": ["math"], "description": "Add two integers.",
        "statement": "Read two integers *a* and *b* on one line and print **a + b**.",
        "examples": [{"input": "1 2", "output": "3"}],
        "starter": {"python": STARTER, "javascript": "// read a and b, print a + b\n"},
        "reference": {"python": f"{LINE_1}\n{LINE_2}\n"},
        "tests": [{"input": "1 2\n", "output": "3\n", "hidden": False, "weight": 1}],
    })
    return challenge


def code(page) -> str:
    """The text in the page's editor (CodeMirror's own view of it)."""
    return page.evaluate("window.prepforgeRoom.view.state.doc.toString()")


def wait_code(page, predicate_js: str, arg=None, timeout=10_000):
    """Wait until `predicate_js` (a function of the editor text and arg) holds."""
    page.wait_for_function(
        f"(arg) => {{ const r = window.prepforgeRoom; if (!r) return false;"
        f" const text = r.view.state.doc.toString(); return ({predicate_js})(text, arg); }}",
        arg=arg, timeout=timeout)


def wait_same_code(page, text: str):
    wait_code(page, "(text, want) => text === want && window.prepforgeRoom.ytext.toString() === want", text)


def wait_ready(page):
    page.wait_for_function("document.body.dataset.roomReady === 'true' && document.body.dataset.docSynced === 'true'")


def type_at_end(page, text: str):
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text, delay=TYPING_DELAY_MS)
    page.keyboard.press("Escape")  # closes the completion popup, if any


def test_live_interview(new_context, make_user, sum_two, shot):
    from collaboration.models import DocumentUpdate, Room, RoomMessage, RoomRun

    grace = make_user(username="grace", email="grace@example.com", name="Grace Hopper")

    # --- 1. The interviewer opens a room from /rooms/ --------------------------------------------
    host_context = new_context(permissions=["clipboard-read", "clipboard-write"])
    host = host_context.new_page()
    host_errors = []
    host.on("pageerror", lambda exc: host_errors.append(str(exc)))
    log_in(host, grace.email)
    open_from_nav(host, "Practice", "Rooms")
    host.wait_for_url(re.compile(r"/rooms/$"))
    expect(host.locator("[data-no-rooms]")).to_be_visible()
    host.fill("#room-title", "Pairing with Ada")
    host.select_option("#room-language", "python")
    host.select_option("#room-challenge", "sum-two")
    shot(host, "70-rooms-new")
    with host.expect_navigation():
        host.locator("[data-create-room] button[type=submit]").click()
    assert re.search(r"/rooms/[0-9a-f-]{36}/$", host.url), host.url
    room = Room.objects.get(title="Pairing with Ada")
    wait_ready(host)
    expect(host.locator("h1")).to_have_text("Pairing with Ada")
    expect(host.locator("[data-participants] li")).to_have_count(1)
    expect(host.locator("[data-participants] li").first).to_contain_text("Grace Hopper")
    expect(host.locator("[data-challenge-link] a")).to_have_text("Sum Two")

    # The starter code of the attached challenge, in one step.
    host.locator("[data-load-starter]").click()
    wait_same_code(host, STARTER)

    # Copy the candidate link with its button.
    host.locator("[data-copy='invite-candidate']").click()
    expect(host.locator("[data-copy='invite-candidate']")).to_have_text("Copied!")
    link = host.evaluate("navigator.clipboard.readText()")
    assert link == host.locator("#invite-candidate").input_value()
    assert re.search(rf"/rooms/{room.id}/join/\?t=", link), link

    # --- 2. A guest opens the link, gives a name and joins --------------------------------------------
    guest_context = new_context()
    guest = guest_context.new_page()
    # Every text the connection badge shows, in order, from the first paint of each page.
    guest.add_init_script("""
      window.connectionTexts = [];
      new MutationObserver(() => {
        const text = document.querySelector("[data-connection]")?.textContent;
        if (text && text !== window.connectionTexts.at(-1)) window.connectionTexts.push(text);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    """)
    guest_errors = []
    guest.on("pageerror", lambda exc: guest_errors.append(str(exc)))
    guest.goto(link)
    expect(guest.locator("h1")).to_have_text("Pairing with Ada")
    expect(guest.locator("button[type=submit]", has_text="Join as candidate")).to_be_visible()
    guest.fill("#guest-name", "Ada")
    shot(guest, "71-join-as-guest")
    with guest.expect_navigation():
        guest.locator("main button[type=submit]", has_text="Join as candidate").click()
    assert guest.url.rstrip("/").endswith(str(room.id)), guest.url
    wait_ready(guest)
    wait_same_code(guest, STARTER)
    expect(guest.locator("[data-connection]")).to_have_text("● Live")
    # A page that has never been live says it is connecting, not reconnecting.
    first_texts = guest.evaluate("window.connectionTexts")
    assert "● Reconnecting…" not in first_texts[:first_texts.index("● Live")], first_texts
    expect(guest.locator("[data-participants] li")).to_have_count(2)
    expect(guest.locator("[data-participant-id][data-online='true']")).to_have_count(2)
    ada_on_host = host.locator("[data-participants] li", has_text="Ada (guest)")
    expect(ada_on_host).to_have_attribute("data-online", "true")
    expect(ada_on_host).to_contain_text("Candidate")
    # The guest sees no interviewer controls.
    expect(guest.locator("[data-end]")).to_have_count(0)
    expect(guest.locator("#invite-candidate")).to_have_count(0)
    expect(guest.locator("[data-notes]")).to_have_count(0)

    # The interviewer starts the clock; everyone's ticks.
    host.locator("[data-timer-toggle]").click()
    expect(host.locator("[data-timer-toggle]")).to_have_text("⏸ Stop timer")

    # --- 3. Both type; both end up with the same text ---------------------------------------------------
    type_at_end(host, LINE_1)
    host.keyboard.press("Enter")
    want = f"{STARTER}{LINE_1}\n"
    wait_same_code(host, want)
    wait_same_code(guest, want)
    type_at_end(guest, LINE_2)
    guest.keyboard.press("Enter")
    want += f"{LINE_2}\n"
    wait_same_code(guest, want)
    wait_same_code(host, want)

    # Each sees the other's cursor with a name.
    expect(host.locator(".cm-ySelectionInfo", has_text="Ada (guest)")).to_be_visible()
    expect(guest.locator(".cm-ySelectionInfo", has_text="Grace Hopper")).to_be_visible()
    expect(guest.locator(".cm-ySelectionCaret")).to_have_count(1)
    shot(host, "72-room-interviewer-sees-guest-cursor")

    # At the same spot at the same time: the guest's keystrokes are in flight while the interviewer
    # types (her document connection is paused, then resumes); the two merge, nothing is lost.
    guest.evaluate("window.prepforgeRoom.provider.disconnect()")
    type_at_end(guest, HERS)
    type_at_end(host, HIS)
    guest.evaluate("window.prepforgeRoom.provider.connect()")
    wait_code(host, "(text, a) => text.includes(a[0]) && text.includes(a[1])", [HIS, HERS])
    wait_code(guest, "(text, a) => text.includes(a[0]) && text.includes(a[1])", [HIS, HERS])
    merged = code(host)
    assert code(guest) == merged
    assert merged.startswith(want) and merged in (want + HIS + HERS, want + HERS + HIS), merged

    # Undo takes back only your own edits: the interviewer's comment goes, Ada's stays.
    host.locator(".cm-content").click()
    host.keyboard.press("Control+z")
    want = want + HERS
    wait_same_code(host, want)
    wait_same_code(guest, want)

    # --- 4. Chat, both ways --------------------------------------------------------------------------
    host.fill("[data-chat-input]", "Hi Ada! Read two numbers and print their sum.")
    host.keyboard.press("Enter")
    expect(guest.locator("[data-chat-list] .chat-message")).to_have_count(1)
    expect(guest.locator("[data-chat-list] .chat-message").first).to_contain_text("Grace Hopper")
    expect(guest.locator("[data-chat-list] .chat-message").first).to_contain_text("Read two numbers")
    guest.fill("[data-chat-input]", "On it: a, b from one line.")
    guest.locator("[data-chat-form] button[type=submit]").click()
    expect(host.locator("[data-chat-list] .chat-message")).to_have_count(2)
    expect(host.locator("[data-chat-list] .chat-message").last).to_contain_text("Ada (guest)")
    expect(host.locator("[data-chat-list] .chat-message").last).to_contain_text("On it")
    expect(guest.locator("[data-chat-input]")).to_have_value("")

    # The guest's connection drops while the interviewer writes: after the reconnection she has
    # every message exactly once (the socket asks for what came after the last one she saw).
    guest.evaluate("window.prepforgeRoom.dropEvents()")
    host.fill("[data-chat-input]", "Take your time.")
    host.keyboard.press("Enter")
    host.fill("[data-chat-input]", "Edge cases count.")
    host.keyboard.press("Enter")
    expect(guest.locator("[data-chat-list] .chat-message")).to_have_count(4)
    expect(guest.locator("[data-connection]")).to_have_text("● Live")
    assert "● Reconnecting…" in guest.evaluate("window.connectionTexts"), "the dropped socket showed no reconnection"
    expect(guest.locator("[data-chat-list] .chat-message").last).to_contain_text("Edge cases count.")
    guest.wait_for_timeout(200)
    expect(guest.locator("[data-chat-list] .chat-message")).to_have_count(4)

    # The language follows for everyone, and back.
    guest.select_option("[data-language-select]", "javascript")
    expect(host.locator("[data-language-select]")).to_have_value("javascript")
    host.wait_for_function("document.body.dataset.roomLanguage === 'javascript'")
    host.select_option("[data-language-select]", "python")
    guest.wait_for_function("document.body.dataset.roomLanguage === 'python'")

    # --- 5. Run: the guest sets the input and runs; both see the output ------------------------------
    guest.fill("[data-stdin]", "20 22")
    expect(host.locator("[data-stdin]")).to_have_value("20 22")
    guest.locator("[data-run]").click()
    expect(guest.locator("[data-run-stdout]")).to_have_text("42\n", timeout=20_000)
    expect(host.locator("[data-run-stdout]")).to_have_text("42\n", timeout=20_000)
    expect(host.locator("[data-run-verdict]")).to_have_text("Finished")
    expect(host.locator("[data-run-output]")).to_contain_text("by Ada (guest)")
    # The clock has been running for everyone.
    expect(guest.locator(".room-timer")).to_have_attribute("data-running", "true")
    expect(guest.locator("[data-timer]")).not_to_have_text("00:00")
    shot(guest, "73-room-guest-ran-code")

    # Private notes, saved as the interviewer types.
    host.fill("[data-notes]", "Clear about parsing; asked about negative numbers.")
    expect(host.locator("[data-notes-state]")).to_have_text("saved")

    # --- 6. The interviewer locks the editor: the guest cannot type ---------------------------------
    host.locator("[data-lock-toggle]").click()
    expect(guest.locator("[data-lock-badge]")).to_be_visible()
    expect(guest.locator(".cm-content")).to_have_attribute("contenteditable", "false")
    guest.locator(".cm-content").click()
    guest.keyboard.press("Control+End")
    guest.keyboard.type("oops")
    guest.wait_for_timeout(300)
    assert code(guest) == want
    assert code(host) == want
    expect(guest.locator("[data-readonly-note]")).to_have_text("Read only while the editor is locked.")
    shot(guest, "74-room-guest-locked")
    expect(host.locator("[data-lock-toggle]")).to_have_text("🔓 Unlock editor")
    shot(host, "75-room-interviewer")

    # Typing at a quick typist's pace never tripped the server's rate limit (close code 4429).
    for page in (host, guest):
        closes = page.evaluate("window.prepforgeRoom.docCloses")
        assert 4429 not in closes, f"the document socket was rate limited: {closes}"

    # --- 7. End the interview: both land on the summary --------------------------------------------
    host.once("dialog", lambda dialog: dialog.accept())
    host.locator("[data-end]").click()
    host.wait_for_url(re.compile(rf"/rooms/{room.id}/summary/$"))
    guest.wait_for_url(re.compile(rf"/rooms/{room.id}/summary/$"))
    for page in (host, guest):
        expect(page.locator("[data-room-status]")).to_have_text("Ended")
        expect(page.locator("[data-final-code]")).to_have_text(want)
        expect(page.locator(".summary-chat .chat-message")).to_have_count(4)
        expect(page.locator(".summary-runs li")).to_have_count(1)
        expect(page.locator(".summary-runs li").first).to_contain_text("42")
        expect(page.locator(".messages")).to_have_count(0)  # the chat is not shown as flash messages
    expect(host.locator("[data-notes-text]")).to_contain_text("negative numbers")
    expect(guest.locator(".private-notes")).to_have_count(0)

    # The replay: the slider goes back in time, Play goes forward to the end.
    slider = host.locator("[data-replay-slider]")
    steps = int(slider.get_attribute("max"))
    assert steps == DocumentUpdate.objects.filter(room=room).count() and steps > 10
    replay_code = host.locator("[data-replay-code]")
    expect(replay_code).to_have_text(want)
    shot(host, "76-summary-interviewer")
    slider.fill("1")
    expect(host.locator("[data-replay-step]")).to_contain_text(f"Edit 1 of {steps}")
    expect(host.locator("[data-replay-step]")).to_contain_text("Grace Hopper")
    expect(replay_code).to_have_text(STARTER)
    slider.fill(str(steps // 2))
    middle = replay_code.inner_text()
    assert middle not in (STARTER, want) and middle.startswith(STARTER), middle
    expect(host.locator("[data-replay-step]")).to_contain_text(f"Edit {steps // 2} of {steps}")
    shot(host, "77-summary-replay-midway")
    host.locator("[data-replay-play]").click()
    expect(host.locator("[data-replay-play]")).to_have_text("⏸ Pause")
    expect(replay_code).to_have_text(want, timeout=15_000)
    expect(host.locator("[data-replay-play]")).to_have_text("▶ Play")
    shot(guest, "78-summary-guest")

    # The interviewer's list of rooms has it, ended, with a link to the summary.
    open_from_nav(host, "Practice", "Rooms")
    item = host.locator("[data-room-list] li", has_text="Pairing with Ada")
    expect(item).to_contain_text("Ended")
    expect(item).to_contain_text("Ada (guest)")
    expect(item.locator("a", has_text="summary")).to_have_attribute("href", f"/rooms/{room.id}/summary/")

    room.refresh_from_db()
    assert room.status == "ended" and room.editor_locked
    assert RoomMessage.objects.filter(room=room).count() == 4
    assert RoomRun.objects.get(room=room).stdout == "42\n"
    assert not host_errors, f"JavaScript errors (interviewer): {host_errors}"
    assert not guest_errors, f"JavaScript errors (guest): {guest_errors}"


REVERSE_STARTER = "# Read a line and print it reversed.\n"
CANDIDATE_CODE = "print(input()[::-1])  # mine\n"


@pytest.fixture
def reverse_line(db):
    from challenges.catalog import challenge_import

    challenge, _ = challenge_import({
        "slug": "reverse-line", "title": "Reverse a Line", "type": "dsa", "difficulty": "medium",
        "category": "strings", "description": "Reverse one line.",
        "statement": "Read one line and print it **reversed**. " + "Mind the whitespace at either end. " * 12,
        "constraints": "The line has at most `10^5` characters.",
        "examples": [{"input": "abc", "output": "cba"}, {"input": "ab c", "output": "c ba"}],
        "starter": {"python": REVERSE_STARTER},
        "reference": {"python": "print(input()[::-1])\n"},
        "tests": [{"input": "abc\n", "output": "cba\n", "hidden": False, "weight": 1}],
    })
    return challenge


@pytest.mark.parametrize("viewport, name", [({"width": 1280, "height": 860}, "desktop"),
                                            ({"width": 390, "height": 844}, "390")])
def test_attaching_a_challenge_shows_it_to_everyone_and_loads_its_starter_without_overwriting_code(
        new_context, make_user, sum_two, reverse_line, shot, viewport, name):
    from collaboration import services

    host_user = make_user(name="Grace Hopper")
    candidate_user = make_user(name="Ada Lovelace")
    room = services.room_create(interviewer=host_user, title="Attach journey")
    invite = services.invite_token(room=room, role="candidate")
    pages = []
    for user, path in ((host_user, f"/rooms/{room.id}/"), (candidate_user, f"/rooms/{room.id}/join/?t={invite}")):
        page = new_context(viewport=viewport).new_page()
        errors = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        log_in(page, user.email)
        page.goto(path)
        if "/join/" in path:
            with page.expect_navigation():
                page.locator("main button[type=submit]", has_text="Join as candidate").click()
        wait_ready(page)
        pages.append((page, errors))
    (host, host_errors), (candidate, candidate_errors) = pages
    expect(candidate.locator("[data-challenge-panel]")).to_be_hidden()
    dialogs, answers = [], []  # the interviewer's confirm dialogs, and the answers to give them

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.accept() if answers.pop(0) else dialog.dismiss()

    host.on("dialog", on_dialog)

    # 1. The code is empty: attaching loads the starter for everyone, with no question asked.
    host.select_option("[data-attach-select]", "sum-two")
    host.locator("[data-attach-form] button[type=submit]").click()
    for page in (host, candidate):
        expect(page.locator("[data-challenge-title]")).to_have_text("Sum Two")
        expect(page.locator("[data-challenge-statement]")).to_contain_text("print a + b")
        expect(page.locator("[data-challenge-statement] strong")).to_have_text("a + b")
        wait_same_code(page, STARTER)
    assert host.url.endswith(f"/rooms/{room.id}/")  # attached live: no reload
    assert dialogs == []
    expect(candidate.locator("[data-status]")).to_contain_text('Grace Hopper attached "Sum Two"')
    shot(candidate, f"80-room-challenge-attached-candidate-{name}")

    # 2. The candidate has written code: attaching another challenge asks first, and "no" keeps it.
    candidate.evaluate("""(code) => { const r = window.prepforgeRoom;
        r.ydoc.transact(() => { r.ytext.delete(0, r.ytext.length); r.ytext.insert(0, code); }); }""",
                       CANDIDATE_CODE)
    wait_same_code(host, CANDIDATE_CODE)
    answers.append(False)
    host.select_option("[data-attach-select]", "reverse-line")
    host.locator("[data-attach-form] button[type=submit]").click()
    for page in (host, candidate):
        expect(page.locator("[data-challenge-title]")).to_have_text("Reverse a Line")
        expect(page.locator("[data-challenge-statement]")).to_contain_text("c ba")  # its examples
    host.wait_for_function("document.querySelector('[data-status]').textContent.includes('stays as it is')")
    assert len(dialogs) == 1 and "Replace it with the Python 3 starter" in dialogs[0], dialogs
    for page in (host, candidate):
        wait_same_code(page, CANDIDATE_CODE)
    # The whole statement stays readable: it scrolls in its box, the editor stays in view.
    statement = candidate.locator("[data-challenge-statement]")
    assert statement.evaluate("(el) => el.scrollHeight > el.clientHeight")  # long: it scrolls
    statement.evaluate("(el) => { el.scrollTop = el.scrollHeight; }")
    expect(statement.locator(".example").last).to_be_in_viewport()
    assert candidate.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # no sideways scroll
    shot(candidate, f"81-room-challenge-second-candidate-{name}")

    # 3. Asked again with "Load starter code" and confirmed: everyone gets the new starter.
    answers.append(True)
    host.locator("[data-load-starter]").click()
    for page in (host, candidate):
        wait_same_code(page, REVERSE_STARTER)
    shot(host, f"82-room-challenge-interviewer-{name}")
    assert len(dialogs) == 2
    assert not host_errors and not candidate_errors, (host_errors, candidate_errors)

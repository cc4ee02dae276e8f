"""Two people chat in two real browsers against a real server: Alice (desktop) opens Bob's
profile and messages him; Bob (a 390 px phone) finds the chat under Community → Chat and sees it
arrive live, types (Alice sees him typing), reads it (Alice's ✓ turns into a read ✓✓); Alice edits
it (Bob sees the new text, marked edited, and the earlier version); Bob reacts and Alice sees the
count; Alice searches for a word and the result jumps to the message in its chat. Screenshots:
var/screenshots/90-... onward."""

import pytest

from tests.browser.conftest import open_from_nav
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None


def log_in(page, email: str):
    page.goto("/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form[action*='login'] button[type=submit]").first.click()


def test_two_people_chat_live(new_context, make_user, shot):
    alice = make_user(username="alice", name="Alice Liddell")
    bob = make_user(username="bob", name="Bob Builder")
    a = new_context().new_page()
    b = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    log_in(a, alice.email)
    log_in(b, bob.email)

    # Alice starts the chat from Bob's profile.
    a.goto("/u/bob/")
    with a.expect_navigation():
        a.get_by_role("button", name="Message").click()
    expect(a.locator("#conversation-title")).to_have_text("Bob Builder")

    # Bob, on his phone, finds it through the navigation (the chat exists: it was opened).
    b.goto("/")
    open_from_nav(b, "Community", "Chat")
    expect(b.locator("[data-chat-list]")).to_contain_text("Alice Liddell")
    b.locator("[data-chat-list] a", has_text="Alice Liddell").click()
    expect(b.locator("#conversation-title")).to_have_text("Alice Liddell")
    b.wait_for_function("window.prepforgeChat && window.prepforgeChat.socket.open")
    a.wait_for_function("window.prepforgeChat && window.prepforgeChat.socket.open")

    # Alice writes; Bob sees it live, and reading it turns Alice's tick into a read receipt.
    a.fill("[data-composer-body]", "Have you tried **binary search** on the answer?")
    a.keyboard.press("Enter")
    mine = a.locator(".message.own").last
    expect(mine.locator("[data-body] strong")).to_have_text("binary search")
    theirs = b.locator(".message").last
    expect(theirs.locator("[data-body]")).to_contain_text("Have you tried binary search on the answer?")
    expect(mine.locator("[data-receipt]")).to_have_attribute("data-receipt", "read")
    shot(b, "90-chat-phone-live-message")

    # Bob types: Alice sees it.
    b.locator("[data-composer-body]").press_sequentially("Not yet", delay=30)
    expect(a.locator("[data-typing]")).to_contain_text("Bob Builder is typing")

    # Alice edits her message: Bob sees the new words, marked edited, with the old version.
    mine.hover()
    mine.locator("[data-edit]").click()
    a.fill("[data-composer-body]", "Have you tried binary search on the answer space?")
    a.keyboard.press("Enter")
    expect(theirs.locator("[data-body]")).to_contain_text("on the answer space?")
    theirs.locator("[data-history-of]").click()
    expect(b.locator("[data-dialog]")).to_contain_text("Have you tried **binary search** on the answer?")
    b.locator("[data-dialog] button", has_text="Close").click()

    # Bob reacts; Alice sees the count and who.
    theirs.locator(".message-actions [data-react='👍']").click()
    expect(mine.locator(".reaction")).to_contain_text("👍 1")
    expect(mine.locator(".reaction")).to_have_attribute("title", "bob")
    shot(a, "91-chat-desktop-edited-reacted")

    # Bob answers; it reaches Alice live.
    b.fill("[data-composer-body]", "Now I have, thanks #bsearch")
    b.locator("[data-composer] button[type=submit]").click()
    expect(a.locator(".message").last.locator("[data-body]")).to_contain_text("Now I have, thanks")
    expect(a.locator(".message").last.locator("[data-body] a")).to_have_attribute("href", "/chat/search/?hashtag=bsearch")

    # Alice searches; the highlighted result jumps to the message in its chat.
    a.goto("/chat/search/")
    a.fill("#s-q", "answer spa")
    a.get_by_role("button", name="Search").click()
    result = a.locator("[data-search-results] li").first
    expect(result.locator("mark").first).to_have_text("answer")
    shot(a, "92-chat-search")
    result.locator("a").click()
    expect(a.locator(".message.highlight [data-body]")).to_contain_text("on the answer space?")

"""A person makes a bot on "My bots" in a real browser, copies its token, and a bot program (httpx
against the same server) answers her in the chat live: long-polled getUpdates, then sendMessage.
A webhook pointed at the machine itself is refused on the page, saying why. Screenshots:
var/screenshots/95-... onward."""

import threading

import httpx
import pytest

from tests.browser.test_chat_journeys import log_in

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None


def run_bot_program(base_url: str, token: str, answered: threading.Event, errors: list):
    """What a bot's owner runs: wait for a message, answer it."""
    try:
        with httpx.Client(base_url=f"{base_url}/api/v1/bot/", headers={"Authorization": f"Bot {token}"},
                          timeout=30) as api:
            for _ in range(5):
                updates = api.post("getUpdates", json={"timeout": 10}).json()
                if updates:
                    message = updates[0]["message"]
                    api.post("sendMessage", json={"chat_id": message["chat"]["id"],
                                                  "text": f"Welcome, {message['from']['first_name']}! You sent {message['text']}",
                                                  "reply_to_message_id": message["message_id"]}).raise_for_status()
                    answered.set()
                    return
    except Exception as exc:  # reported by the test
        errors.append(exc)


def test_a_bot_made_on_the_page_answers_in_the_chat(new_context, make_user, shot, live_site):
    alice = make_user(username="alice", name="Alice Liddell")
    page = new_context().new_page()
    log_in(page, alice.email)
    page.goto("/chat/")
    page.get_by_role("link", name="My bots").click()
    page.fill("#bot-username", "welcome_bot")
    page.fill("#bot-name", "Welcome Bot")
    with page.expect_navigation():
        page.get_by_role("button", name="Create bot").click()
    token = page.locator("#new-token").input_value()
    assert token.split(":")[1]
    shot(page, "95-chat-bot-created-token-once")

    answered, errors = threading.Event(), []
    program = threading.Thread(target=run_bot_program, args=(live_site, token, answered, errors), daemon=True)
    program.start()
    with page.expect_navigation():
        page.get_by_role("button", name="Open a chat with it").click()
    expect(page.locator("#conversation-title")).to_have_text("Welcome Bot")
    page.wait_for_function("window.prepforgeChat && window.prepforgeChat.socket.open")
    page.fill("[data-composer-body]", "/start")
    page.keyboard.press("Enter")
    reply = page.locator(".message", has_text="Welcome, Alice Liddell! You sent /start")
    expect(reply).to_be_visible(timeout=20_000)
    program.join(timeout=20)
    assert answered.is_set() and not errors
    shot(page, "96-chat-bot-answered")

    page.goto("/chat/bots/")
    page.fill("[id^=hook-]", "http://127.0.0.1:8000/hook")
    with page.expect_navigation():
        page.get_by_role("button", name="Save webhook").click()
    expect(page.get_by_role("alert")).to_contain_text("loopback address")
    shot(page, "97-chat-bot-webhook-refused")

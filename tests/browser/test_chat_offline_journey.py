"""The messenger as an installable app, in Chromium against the real server: the manifest and its
icons; Bob's tab in the background shows a browser notification when Alice writes (permission
granted in his browser); Alice loses the connection (Playwright's offline mode), her message waits
on the page, a reload still shows the app shell from the service worker, where she writes a second
one; back online, both reach Bob, each once. Screenshots: var/screenshots/96-... onward."""

import io
import time

import pytest
from PIL import Image

from chat.models import Chat, Message
from core.pwa_views import shell_files
from tests.browser.test_chat_journeys import log_in

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None


def wait_for(predicate, timeout: float = 10.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


SHOWN_NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  return (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, url: n.data && n.data.url }));
}"""


def set_hidden(page, hidden: bool) -> None:
    page.evaluate("""(hidden) => {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
      Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
      document.dispatchEvent(new Event("visibilitychange"));
    }""", hidden)


def controlled(page) -> None:
    """The page is in the service worker's hands (installed, shell cached, clients claimed)."""
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15_000)


def test_the_manifest_names_the_app_and_its_icons_are_real_pngs(new_context):
    page = new_context().new_page()
    page.goto("/")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.request.get(href)
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    body = manifest.json()
    assert body["name"] == "PrepForge" and body["display"] == "standalone" and body["start_url"].startswith("/")
    assert {page.locator(f"meta[name=theme-color][media*='{scheme}']").get_attribute("content")
            for scheme in ("light", "dark")} == {"#ffffff", "#171e29"}
    sizes = set()
    for icon in body["icons"]:
        image = Image.open(io.BytesIO(page.request.get(icon["src"]).body()))
        assert image.format == "PNG" and f"{image.width}x{image.height}" == icon["sizes"]
        sizes.add(image.width)
    assert {192, 512} <= sizes
    worker = page.request.get("/sw.js")
    assert worker.headers["service-worker-allowed"] == "/" and worker.headers["cache-control"] == "no-cache"


def test_offline_messages_wait_and_arrive_once_and_a_background_tab_notifies(new_context, make_user, shot,
                                                                            check_accessibility):
    alice = make_user(username="alice", name="Alice Liddell")
    bob = make_user(username="bob", name="Bob Builder")
    a_context = new_context()
    b_context = new_context(permissions=["notifications"])
    a = a_context.new_page()
    b = b_context.new_page()
    log_in(a, alice.email)
    log_in(b, bob.email)
    a.goto("/u/bob/")
    with a.expect_navigation():
        a.get_by_role("button", name="Message").click()
    chat = Chat.objects.get(kind="private")
    for page in (a, b):
        page.goto(f"/chat/{chat.id}/")
        controlled(page)
        page.wait_for_function("window.prepforgeChat && window.prepforgeChat.socket.open")

    # Nothing asked on load: Alice (who has not chosen) is offered a button; Bob already allowed it.
    expect(a.get_by_role("button", name="Turn on notifications")).to_be_visible()
    expect(b.get_by_role("button", name="Turn on notifications")).to_be_hidden()

    # Bob's chat tab goes to the background. Headless Chromium keeps every page "visible" (a new tab,
    # bring_to_front and a minimised window all leave it so), so the tab is told it is hidden the
    # way the browser tells a background tab: visibilityState and a visibilitychange event.
    set_hidden(b, True)
    a.fill("[data-composer-body]", "Are you free for a mock interview?")
    a.keyboard.press("Enter")
    shown = wait_for(lambda: b.evaluate(SHOWN_NOTIFICATIONS), what="a notification in Bob's browser")
    assert shown == [{"title": "Alice Liddell", "body": "Are you free for a mock interview?",
                      "url": f"/chat/{chat.id}/#m{Message.objects.get(body__startswith='Are you free').id}"}]
    # A message while his tab is in front shows no notification.
    set_hidden(b, False)
    a.fill("[data-composer-body]", "Seen it?")
    a.keyboard.press("Enter")
    expect(b.locator(".message [data-body]", has_text="Seen it?")).to_be_visible()
    assert len(b.evaluate(SHOWN_NOTIFICATIONS)) == 1

    # Alice loses the connection. What she sends waits on the page.
    a_context.set_offline(True)
    a.fill("[data-composer-body]", "Written in the tunnel")
    a.keyboard.press("Enter")
    pending = a.locator(".message.pending")
    expect(pending).to_contain_text("Written in the tunnel")
    expect(pending).to_contain_text("Waiting for the connection")
    shot(a, "96-chat-offline-message-waiting")

    # A reload offline still opens: the service worker's app shell, which knows what waits.
    a.reload()
    expect(a.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(a.locator("[data-offline-list]")).to_contain_text("Written in the tunnel")
    expect(a.locator("[data-offline-chat]")).to_have_text("Bob Builder")
    a.fill("[data-offline-body]", "And one more from the shell")
    a.get_by_role("button", name="Keep to send").click()
    expect(a.locator("[data-offline-list] li")).to_have_count(2)
    shot(a, "97-chat-offline-shell")
    check_accessibility(a, "offline shell")
    a.emulate_media(color_scheme="dark")
    a.reload()  # still offline: the shell again, in the dark theme
    expect(a.locator("html")).to_have_attribute("data-theme", "dark")
    expect(a.locator("[data-offline-list] li")).to_have_count(2)
    check_accessibility(a, "offline shell")
    shot(a, "97-chat-offline-shell-dark")
    assert not Message.objects.filter(body__in=["Written in the tunnel", "And one more from the shell"]).exists()

    # Back online: the real page returns and sends both, in order; Bob sees each once.
    a_context.set_offline(False)
    expect(a.locator("#conversation-title")).to_have_text("Bob Builder", timeout=15_000)
    theirs = b.locator(".message [data-body]")
    expect(theirs.filter(has_text="And one more from the shell")).to_have_count(1, timeout=15_000)
    expect(theirs.filter(has_text="Written in the tunnel")).to_have_count(1)
    expect(a.locator(".message.pending")).to_have_count(0)
    # A second tab of Alice's coming online has nothing left to send, and a reload sends nothing again.
    a.reload()
    a.wait_for_function("window.prepforgeChat && window.prepforgeChat.socket.open")
    expect(a.locator(".message [data-body]", has_text="Written in the tunnel")).to_have_count(1)
    bodies = list(Message.objects.filter(chat=chat).order_by("id").values_list("body", flat=True))
    assert bodies[-2:] == ["Written in the tunnel", "And one more from the shell"]
    assert bodies.count("Written in the tunnel") == 1 and bodies.count("And one more from the shell") == 1
    shot(b, "98-chat-offline-messages-arrived")
    # After all those pages and API answers, the worker's caches hold the shell and nothing else.
    cached = a.evaluate("""async () => {
      const urls = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      }
      return urls;
    }""")
    assert sorted(cached) == sorted(["/offline/", *shell_files()])

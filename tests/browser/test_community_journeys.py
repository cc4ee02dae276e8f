"""The community in a real browser against a real server: a help post with code, a comment and
a reply through htmx, like and bookmark without reloads, accepting an answer; a template forked
and previewed in its sandboxed iframe; a flag handled from the moderation queue. Screenshots in
var/screenshots/community-*.png."""

import pytest
from django.contrib.auth.models import Group

from community import services
from core.roles import MODERATOR
from tests.browser.conftest import open_from_nav
from tests.factories import PASSWORD, UserFactory

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


def test_help_post_with_code_comment_reply_like_bookmark_and_accept(new_context, shot):
    asker, helper = UserFactory(), UserFactory()
    page = new_context().new_page()
    log_in(page, asker.email)
    open_from_nav(page, "Community", "Feed")
    expect(page.locator("h1")).to_have_text("Community")
    page.get_by_role("link", name="New post").click()
    page.select_option("#id_type", "help")
    page.fill("#id_title", "Why does my BFS visit nodes twice?")
    page.fill("#id_body", "I mark nodes when I **pop** them. <script>window.pwned=1</script>")
    page.fill("#id_tags", "graphs, bfs")
    page.select_option("#id_code_language", "python")
    page.fill("#id_code", "while queue:\n    node = queue.popleft()\n    seen.add(node)")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    expect(page.locator("[data-testid=post-code]")).to_contain_text("queue.popleft()")
    expect(page.locator("[data-testid=post-body] strong")).to_have_text("pop")
    assert page.evaluate("window.pwned") is None
    post_url = page.url

    other = new_context().new_page()
    log_in(other, helper.email)
    other.goto(post_url)
    other.fill("#new-comment", "Mark them when you **push** them instead.")
    other.get_by_role("button", name="Comment", exact=True).click()
    expect(other.locator("#comments .comment")).to_have_count(1)
    expect(other.locator("#comment-count")).to_have_text("1 comment")
    # Like and bookmark without a reload: the page keeps its state (the typed text stays).
    other.fill("#new-comment", "draft")
    other.locator("[data-testid=like-button]").click()
    expect(other.locator("[data-testid=like-button]")).to_have_attribute("aria-pressed", "true")
    expect(other.locator("[data-like-count]")).to_have_text("1")
    other.locator("[data-testid=bookmark-button]").click()
    expect(other.locator("[data-testid=bookmark-button]")).to_contain_text("Bookmarked")
    expect(other.locator("#new-comment")).to_have_value("draft")
    other.goto("/community/bookmarks/")
    expect(other.get_by_role("link", name="Why does my BFS visit nodes twice?")).to_be_visible()

    page.reload()
    page.locator("[data-testid=reply-link]").first.click()
    page.locator("textarea[name=body][id^=reply-]").fill("That fixed it, thanks!")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.locator(".comment[data-depth='1']")).to_contain_text("That fixed it")
    shot(page, "community-01-thread")
    with page.expect_navigation():
        page.locator("[data-testid=accept-answer]").first.click()
    expect(page.locator("[data-testid=accepted]")).to_be_visible()
    page.goto("/community/?type=help")
    expect(page.locator(".post-card", has_text="Why does my BFS")).to_contain_text("answered")
    shot(page, "community-02-feed")


def test_fork_a_template_and_preview_it_then_flag_and_moderate(new_context, shot):
    author, forker = UserFactory(), UserFactory()
    moderator = UserFactory()
    moderator.groups.add(Group.objects.get_or_create(name=MODERATOR)[0])
    template = services.template_create(author=author, title="Counter button", category="widgets",
                                        framework="vanilla", files=[
        {"path": "index.html", "content": "<button id=b>0</button><p id=c></p>"},
        {"path": "style.css", "content": "button{font-size:2rem}"},
        {"path": "script.js", "content": (
            "b.onclick=()=>b.textContent=+b.textContent+1;"
            "try{document.cookie;c.textContent='cookies readable'}catch(e){c.textContent='sandboxed'}")}])
    post = services.post_create(author=author, title="Buy cheap followers now", body="spam spam")

    page = new_context().new_page()
    log_in(page, forker.email)
    open_from_nav(page, "Community", "Code templates")
    page.get_by_role("link", name="Counter button").click()
    with page.expect_navigation():
        page.locator("[data-testid=fork-button]").click()
    expect(page.locator("[data-testid=forked-from]")).to_contain_text("Counter button")
    frame = page.frame_locator("[data-testid=template-preview]")
    frame.locator("#b").click()
    frame.locator("#b").click()
    expect(frame.locator("#b")).to_have_text("2")
    expect(frame.locator("#c")).to_have_text("sandboxed")  # opaque origin: no cookies
    shot(page, "community-03-fork-preview")
    page.goto(f"/templates/{template.id}/")
    expect(page.locator("[data-testid=fork-button]")).to_contain_text("Fork (1)")
    page.locator("[data-testid=star-button]").click()
    expect(page.locator("[data-star-count]")).to_have_text("1")

    page.goto(f"/community/posts/{post.id}/")
    page.get_by_text("Flag this post").click()
    page.select_option("#flag-reason", "spam")
    page.fill("#flag-details", "selling followers")
    page.get_by_role("button", name="Send flag").click()
    expect(page.get_by_text("a moderator will look at it")).to_be_visible()

    mod = new_context().new_page()
    log_in(mod, moderator.email)
    mod.goto("/community/moderation/")
    card = mod.locator("[data-flag-id]", has_text="Buy cheap followers")
    expect(card).to_contain_text("selling followers")
    card.locator("input[name=reason]").first.fill("Spam")
    with mod.expect_navigation():
        card.get_by_role("button", name="Hide post").click()
    expect(mod.locator("[data-flag-id]")).to_have_count(0)
    shot(mod, "community-04-moderated")
    page.goto(f"/community/posts/{post.id}/")
    expect(page.locator("h1")).not_to_have_text("Buy cheap followers now")

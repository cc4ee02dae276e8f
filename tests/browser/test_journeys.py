"""The main journeys of the site, in a real browser against a real server (granian: pages and
WebSockets). Screenshots of every step land in var/screenshots/."""

import re
import time

import pytest

from tests.browser.conftest import code_from_mail, newest_mail
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None


def submit(page, form_selector: str = "main form"):
    """Click the submit button of the form (the first one if several) and wait for the page."""
    with page.expect_navigation():
        page.locator(form_selector).locator("button[type=submit]").first.click()


def log_in(page, email: str, password: str = PASSWORD):
    page.goto("/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    submit(page, "main form[action*='login']")


def log_out(page):
    page.locator("header .nav-user summary").click()  # the user's menu holds "Log out"
    with page.expect_navigation():
        page.locator("header form[action*='logout'] button").click()


def unread_badge(page):
    return page.locator("header [data-unread-count]")


def badge_count(page) -> int:
    badge = unread_badge(page)
    if badge.is_hidden():
        return 0
    return int((badge.text_content() or "0").strip() or 0)


def wait_live(page):
    """The notifications WebSocket is open."""
    page.wait_for_function("document.body.dataset.live === 'connected'", timeout=10_000)


def make_png(path, size=160):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size), (37, 99, 235))
    draw = ImageDraw.Draw(image)
    draw.ellipse((size * 0.2, size * 0.2, size * 0.8, size * 0.8), fill=(250, 204, 21))
    draw.rectangle((size * 0.42, size * 0.05, size * 0.58, size * 0.3), fill=(255, 255, 255))
    image.save(path, format="PNG")
    return path


def test_main_journey(new_context, make_user, achievements, mail_dir, tmp_path, shot):
    follower = make_user(username="grace", email="grace@example.com", name="Grace Hopper")

    alice_ctx = new_context()
    page = alice_ctx.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # 1. Landing page, signed out.
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("Prepare for technical interviews")
    expect(page.locator("header")).to_contain_text("Sign up")
    shot(page, "01-landing")

    # 2. Sign up.
    page.locator("main a", has_text="Create a free account").click()
    page.wait_for_url(re.compile(r"/accounts/signup/"))
    page.fill("#id_email", "alice@example.com")
    page.fill("#id_username", "alice")
    page.fill("#id_password1", "a-long-secret-phrase-91")
    page.fill("#id_password2", "a-long-secret-phrase-91")
    shot(page, "02-signup")
    signup_at = time.time() - 1
    submit(page, "main form[action*='signup']")

    # 3. The code from the mail.
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    expect(page.locator("main")).to_contain_text("alice@example.com")
    shot(page, "03-confirm-code")
    code = code_from_mail(newest_mail(mail_dir, since=signup_at))
    page.fill("#id_code", code)
    submit(page, "main form[action*='confirm-email']")

    # 4. Signed in, on the home page.
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_contain_text("Welcome")
    expect(page.locator("header")).to_contain_text("Log out")
    wait_live(page)
    shot(page, "04-home-after-signup")

    # 5. Edit the profile.
    page.goto("/settings/profile/")
    page.fill("#id_name", "Alice Liddell")
    page.fill("#id_headline", "Backend engineer preparing for system design rounds")
    page.fill("#id_skills", "Python, Django, PostgreSQL")
    page.fill("#id_bio", "I like **queues** and _caches_.")
    page.fill("#id_github_username", "alice-codes")
    submit(page, "main form[action$='/settings/profile/']")
    expect(page.locator(".messages")).to_contain_text("Profile saved.")
    expect(page.locator("#id_headline")).to_have_value("Backend engineer preparing for system design rounds")
    shot(page, "05-profile-saved")

    # 6. Upload an avatar.
    avatar = make_png(tmp_path / "avatar.png")
    page.set_input_files("#id_avatar", str(avatar))
    submit(page, "main form[action$='/settings/avatar/']")
    expect(page.locator(".messages")).to_contain_text("Avatar updated.")
    avatar_img = page.locator("main img.avatar").first
    expect(avatar_img).to_be_visible()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", avatar_img.element_handle())
    shot(page, "06-avatar-uploaded")

    # 7. The public profile shows all of it.
    page.goto("/u/alice/")
    main = page.locator("main")
    expect(main.locator("h1")).to_have_text("Alice Liddell")
    expect(main).to_contain_text("Backend engineer preparing for system design rounds")
    for skill in ("Python", "Django", "PostgreSQL"):
        expect(main.locator(".pill", has_text=skill)).to_be_visible()
    expect(main.locator("strong", has_text="queues")).to_be_visible()
    expect(main.locator("a[href='https://github.com/alice-codes']")).to_be_visible()
    public_avatar = main.locator("img.avatar").first
    expect(public_avatar).to_be_visible()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", public_avatar.element_handle())
    shot(page, "07-public-profile")

    # 8. Log out, log back in.
    log_out(page)
    expect(page.locator("header")).to_contain_text("Log in")
    expect(page.locator("h1")).to_contain_text("Prepare for technical interviews")
    shot(page, "08-logged-out")
    page.goto("/accounts/login/")
    page.fill("#id_login", "alice@example.com")
    page.fill("#id_password", "a-long-secret-phrase-91")
    shot(page, "09-login")
    submit(page, "main form[action*='login']")
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_contain_text("Welcome, Alice Liddell")
    wait_live(page)
    before = badge_count(page)
    shot(page, "10-home-logged-in-again")

    # 9. Grace follows Alice from another browser; Alice's page updates without a reload.
    page.evaluate("window.__noReload = true")
    grace = new_context().new_page()
    log_in(grace, follower.email)
    expect(grace.locator("header")).to_contain_text("Log out")
    grace.goto("/u/alice/")
    grace.locator("main button", has_text=re.compile(r"^\s*Follow\s*$")).click()
    expect(grace.locator("main button", has_text="Unfollow")).to_be_visible()
    expect(grace.get_by_test_id("follower-count")).to_have_text("1")
    shot(grace, "11-follower-clicked-follow")

    expect(unread_badge(page)).to_have_text(str(before + 1))
    expect(unread_badge(page)).to_be_visible()
    newest = page.locator("[data-notification-list] li").first
    expect(newest).to_contain_text("started following you")
    expect(newest).to_contain_text("Grace Hopper")
    assert page.evaluate("window.__noReload") is True, "the page was reloaded"
    page.wait_for_timeout(300)  # let the toast finish appearing for the screenshot
    shot(page, "12-live-follow-notification")

    # 10. Mark all as read: the badge goes away.
    page.locator("header a[href='/notifications/']").click()
    page.wait_for_url(re.compile(r"/notifications/$"))
    expect(page.locator("[data-notification-list] li.unread").first).to_be_visible()
    shot(page, "13-notifications")
    submit(page, "main form[action$='/notifications/read-all/']")
    expect(page.locator(".messages")).to_contain_text("as read")
    expect(page.locator("[data-notification-list] li.unread")).to_have_count(0)
    expect(unread_badge(page)).to_be_hidden()
    wait_live(page)
    expect(unread_badge(page)).to_be_hidden()
    shot(page, "14-notifications-all-read")

    assert not errors, f"JavaScript errors: {errors}"


def totp_now(secret: str) -> str:
    """RFC 6238 (30-second steps, SHA-1, six digits), as any authenticator app computes it."""
    import base64
    import hashlib
    import hmac
    import struct

    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def fresh_totp(secret: str) -> str:
    """A code that stays valid for a few seconds more (avoid the edge of a 30-s window)."""
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.2)
    return totp_now(secret)


def test_two_factor_totp(new_context, make_user, achievements, shot):
    person = make_user(username="ada", email="ada@example.com", name="Ada Lovelace")
    page = new_context().new_page()
    log_in(page, person.email)
    expect(page.locator("h1")).to_contain_text("Welcome")

    page.goto("/accounts/2fa/")
    shot(page, "20-2fa-overview")
    page.locator("main a[href$='/2fa/totp/activate/']").click()
    # Security-sensitive: allauth asks for the password again, even right after logging in.
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    shot(page, "21-2fa-confirm-password")
    page.fill("#id_password", PASSWORD)
    submit(page, "main form[action*='/reauthenticate/']")
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.locator("#authenticator_secret").input_value().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret), secret
    shot(page, "22-2fa-activate")
    page.fill("#id_code", fresh_totp(secret))
    submit(page, "main form[action*='/totp/activate/']")
    expect(page.locator("main")).not_to_contain_text("Incorrect code")
    shot(page, "23-2fa-activated")
    from allauth.mfa.models import Authenticator

    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()

    log_out(page)
    log_in(page, person.email)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    expect(page.locator("main")).to_contain_text("authenticator code")
    expect(page.locator("header")).not_to_contain_text("Log out")
    shot(page, "24-2fa-asks-for-code")
    page.fill("#id_code", fresh_totp(secret))
    submit(page, "main form[action*='/2fa/authenticate/']")
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_contain_text("Welcome, Ada Lovelace")
    shot(page, "25-2fa-signed-in")


def test_dark_theme_preference(new_context, make_user, achievements, shot):
    person = make_user(username="linus", email="linus@example.com")
    page = new_context(color_scheme="light").new_page()
    log_in(page, person.email)
    assert page.evaluate("document.documentElement.dataset.theme") == "light"

    page.goto("/settings/preferences/")
    page.select_option("#id_theme", "dark")
    submit(page, "main form")
    expect(page.locator(".messages")).to_contain_text("Preferences saved.")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    shot(page, "30-preferences-dark")

    page.goto("/")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    channels = [int(c) for c in re.findall(r"\d+", background)[:3]]
    assert sum(channels) / 3 < 100, f"dark theme but the page background is {background}"
    shot(page, "31-home-dark")


def test_plain_user_gets_403_on_staff_pages(new_context, make_user, achievements, shot):
    person = make_user(username="plain", email="plain@example.com")
    page = new_context().new_page()
    log_in(page, person.email)
    expect(page.locator("header")).not_to_contain_text("Staff")
    response = page.goto("/staff/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("You may not open this page")
    expect(page.locator("header")).to_contain_text("Log out")
    shot(page, "40-staff-403")

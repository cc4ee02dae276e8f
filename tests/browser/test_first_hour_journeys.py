"""A new user's first hour (issue 9, part 3), in Chromium against the real server with DEBUG on
(as under `make run`), at desktop size and on a 390x844 phone. Screenshots:
var/screenshots/first-hour-<size>-*.png."""

import re

import pytest

from accounts import services
from tests.browser.conftest import code_from_mail, newest_mail
from tests.browser.test_journeys import log_in, submit

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None

SIZES = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(SIZES), ids=list(SIZES))
def size(request):
    return request.param


@pytest.fixture
def page_at(new_context, size):
    def make():
        context = new_context(viewport=SIZES[size], is_mobile=size == "phone", has_touch=size == "phone")
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        return page
    return make


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def test_demo_admin_and_moderator_in_the_admin(page_at, size, shot):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    page = page_at()
    page.goto("/admin/login/")
    page.fill("#id_username", "ada@example.com")
    page.fill("#id_password", "prepforge-demo")
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    expect(page.locator("body")).not_to_contain_text("You don’t have permission")
    expect(page.locator("#content-main")).to_contain_text("Users")
    shot(page, f"first-hour-{size}-01-admin-index")
    page.goto("/admin/accounts/user/?q=grace")
    expect(page.locator("#result_list")).to_contain_text("grace@example.com")
    shot(page, f"first-hour-{size}-02-admin-user-search")

    moderator = page_at()
    moderator.goto("/admin/login/")
    moderator.fill("#id_username", "grace@example.com")
    moderator.fill("#id_password", "prepforge-demo")
    with moderator.expect_navigation():
        moderator.locator("input[type=submit]").click()
    expect(moderator.locator("#content-main")).to_contain_text("Profiles")
    expect(moderator.locator("#content-main")).not_to_contain_text("Users")
    moderator.goto("/admin/accounts/profile/?q=ada")
    expect(moderator.locator("#result_list")).to_contain_text("ada")
    shot(moderator, f"first-hour-{size}-03-moderator-profiles")
    response = moderator.goto("/admin/accounts/user/")
    assert response.status == 403
    expect(moderator.locator("[data-error-page='403']")).to_be_visible()
    shot(moderator, f"first-hour-{size}-04-moderator-no-user-admin")


def test_error_pages_are_the_sites_in_the_viewers_theme(page_at, size, make_user, shot):
    viewer = make_user(username="dora", email="dora@example.com", name="Dora Dark")
    services.preferences_update(user=viewer, data={"theme": "dark"})
    hidden = make_user(username="hidden", email="hidden@example.com")
    services.preferences_update(user=hidden, data={"public_profile": False})
    page = page_at()
    log_in(page, viewer.email)

    for path, name in (("/no-such-page/", "05-404-wrong-url"), ("/u/hidden/", "06-404-private-profile"),
                       ("/api/docs/nothing/", "07-404-under-api-docs")):
        response = page.goto(path)
        assert response.status == 404
        expect(page.locator("[data-error-page='404']")).to_be_visible()
        expect(page.locator("body")).not_to_contain_text("URLconf")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        expect(page.locator("header")).to_contain_text("Log out")
        no_sideways_scroll(page)
        shot(page, f"first-hour-{size}-{name}")
    response = page.goto("/staff/")
    assert response.status == 403
    expect(page.locator("[data-error-page='403']")).to_be_visible()
    shot(page, f"first-hour-{size}-08-403")
    api = page.goto("/api/v1/no-such-thing/")
    assert api.status == 404 and api.json()["error"]["code"] == "not_found"


def test_login_before_confirming_says_so(page_at, size, mail_dir, shot):
    import time

    email = f"new-{size}@example.com"
    page = page_at()
    page.goto("/accounts/signup/")
    page.fill("#id_email", email)
    page.fill("#id_username", f"new-{size}")
    page.fill("#id_password1", "a-long-secret-phrase-91")
    page.fill("#id_password2", "a-long-secret-phrase-91")
    signed_up_at = time.time() - 1
    submit(page, "main form[action*='signup']")
    expect(page.locator("#id_code")).to_be_visible()
    assert code_from_mail(newest_mail(mail_dir, since=signed_up_at))

    # Another tab or device, a minute later: the password is right but the address is unconfirmed.
    other = page_at()
    other.goto("/accounts/login/")
    other.fill("#id_login", email)
    other.fill("#id_password", "a-long-secret-phrase-91")
    submit(other, "main form[action*='login']")
    main = other.locator("main")
    expect(main).not_to_contain_text("Too many failed login attempts")
    expect(main).to_contain_text(f"Your e-mail address {email} is not confirmed yet")
    expect(main).to_contain_text(re.compile(r"new code in (about )?\d+ (minute|second)"))
    no_sideways_scroll(other)
    shot(other, f"first-hour-{size}-09-login-before-confirming")


def test_first_steps_tick_off_and_account_pages_lead_on(page_at, size, make_user, mail_dir, shot):
    import time

    person = make_user(username=f"first-{size}", email=f"first-{size}@example.com", name="Frances Allen")
    page = page_at()
    log_in(page, person.email)
    expect(page.locator("h1")).to_have_text("Welcome, Frances Allen")
    steps = page.locator("[data-first-steps]")
    expect(steps).to_contain_text("0 of 3 done")
    no_sideways_scroll(page)
    shot(page, f"first-hour-{size}-10-home-first-steps")

    page.locator("[data-step='room'] a").click()
    page.wait_for_url(re.compile(r"/rooms/"))
    page.fill("#room-title", "Practice with a friend")
    submit(page, "form[data-create-room]")
    page.wait_for_url(re.compile(r"/rooms/[0-9a-f-]{36}/"))
    page.goto("/resumes/")
    page.locator("main form:has(#scratch-title-input)").locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/resumes/\d+/"))
    page.goto("/")
    expect(steps).to_contain_text("2 of 3 done")
    expect(page.locator("[data-step='room']")).to_have_attribute("data-done", "true")
    expect(page.locator("[data-step='resume']")).to_have_attribute("data-done", "true")
    expect(page.locator("[data-step='challenge']")).to_have_attribute("data-done", "false")
    shot(page, f"first-hour-{size}-11-home-two-steps-done")

    page.goto("/accounts/email/")
    expect(page.locator("[data-only-email]")).to_contain_text(person.email)
    for action in ("action_primary", "action_remove", "action_send"):
        expect(page.locator(f"button[name={action}]")).to_have_count(0)
    no_sideways_scroll(page)
    shot(page, f"first-hour-{size}-12-email-single-address")

    # Forgotten password, by code, to the page that leads back to logging in.
    anonymous = page_at()
    anonymous.goto("/accounts/password/reset/")
    asked_at = time.time() - 1
    anonymous.fill("#id_email", person.email)
    submit(anonymous, "main form[action*='reset']")
    anonymous.fill("#id_code", code_from_mail(newest_mail(mail_dir, since=asked_at)))
    submit(anonymous, "main form")
    anonymous.fill("#id_password1", "another-long-phrase-77")
    anonymous.fill("#id_password2", "another-long-phrase-77")
    submit(anonymous, "main form")
    expect(anonymous.locator("main")).to_contain_text("Your password is now changed")
    shot(anonymous, f"first-hour-{size}-13-password-changed")
    anonymous.locator("[data-testid=login-after-reset]").click()
    anonymous.wait_for_url(re.compile(r"/accounts/login/"))
    log_in(anonymous, person.email, "another-long-phrase-77")
    expect(anonymous.locator("h1")).to_contain_text("Welcome")
    assert not page.js_errors and not anonymous.js_errors



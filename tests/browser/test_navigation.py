"""The grouped navigation (DESIGN.md section 8) in a real browser: a few items in the bar, the
rest one level down in menus that open by click and close with Escape; staff links only for
moderators; the whole bar fits a 390 px phone behind the Menu button."""

import re

import pytest
from django.contrib.auth.models import Group

from core.roles import MODERATOR
from tests.browser.conftest import open_from_nav
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None

BAR_ITEMS = "header nav > a, header nav > details > summary"


def log_in(page, email: str):
    page.goto("/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form[action*='login'] button[type=submit]").first.click()


def test_the_navigation_groups_links_by_purpose(new_context, shot):
    person = UserFactory()
    page = new_context().new_page()
    log_in(page, person.email)
    bar = [text.strip() for text in page.locator(BAR_ITEMS).all_inner_texts()]
    assert [re.sub(r"\s+\d+$", "", item) for item in bar[:4]] == ["Home", "Practice", "Career", "Community"]
    assert len(bar) <= 6 and "Staff" not in bar
    assert not page.locator("header .nav-menu a", has_text="Challenges").is_visible()

    page.locator("header nav summary", has_text="Practice").click()
    expect(page.locator("header .nav-menu a", has_text="Challenges")).to_be_visible()
    shot(page, "90-nav-practice-open")
    page.keyboard.press("Escape")
    expect(page.locator("header .nav-menu a", has_text="Challenges")).to_be_hidden()

    # One menu at a time: opening Career closes Practice.
    page.locator("header nav summary", has_text="Practice").click()
    page.locator("header nav summary", has_text="Career").click()
    expect(page.locator("header .nav-menu a", has_text="Challenges")).to_be_hidden()
    expect(page.locator("header .nav-menu a", has_text="Resume check")).to_be_visible()
    page.locator("header .nav-menu a", has_text="Jobs").click()
    page.wait_for_url(re.compile(r"/jobs/$"))
    # The group of the page one is on is marked in the bar.
    expect(page.locator("header nav summary", has_text="Career")).to_have_attribute("aria-current", "true")


def test_staff_see_the_staff_link_and_the_bar_fits_a_phone(new_context, shot):
    moderator = UserFactory()
    moderator.groups.add(Group.objects.get_or_create(name=MODERATOR)[0])
    desktop = new_context().new_page()
    log_in(desktop, moderator.email)
    assert "Staff" in [text.strip() for text in desktop.locator(BAR_ITEMS).all_inner_texts()]

    phone = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    log_in(phone, moderator.email)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    expect(phone.locator("header nav")).to_be_hidden()
    phone.locator("header [data-nav-toggle]").click()
    phone.locator("header nav summary", has_text="Community").click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "91-nav-phone-open")
    phone.locator("header nav .nav-menu a", has_text="People").click()
    phone.wait_for_url(re.compile(r"/people/$"))
    open_from_nav(phone, "Practice", "Rooms")
    phone.wait_for_url(re.compile(r"/rooms/$"))

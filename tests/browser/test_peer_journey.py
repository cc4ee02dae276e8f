"""Peer mock interviews in two real browsers against a real server: one person offers a time in
the availability editor, the other finds it and books it; both see the booking in their lists and
download its calendar invite, which icalendar reads back. Screenshots: var/screenshots/peer-*."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from tests.browser.conftest import open_from_nav
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser]


def log_in(page, email: str):
    page.goto("/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form[action*='login'] button[type=submit]").first.click()


def download_invite(page) -> Calendar:
    with page.expect_download() as info:
        page.get_by_text("Download the calendar invite (.ics)").click()
    return Calendar.from_ical(open(info.value.path(), "rb").read())


def test_offer_book_and_download_the_invite(new_context, shot):
    interviewer = UserFactory(name="Grace Peer")
    candidate = UserFactory(name="Linus Peer")
    starts = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)

    offering = new_context().new_page()
    log_in(offering, interviewer.email)
    offering.goto("/interviews/peer/availability/")
    offering.fill("#id_one-starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    offering.locator("form:has(#id_one-starts_at) label", has_text="Algorithms").first.click()
    offering.select_option("#id_one-level", "mid")
    offering.locator("form:has(#id_one-starts_at) button[type=submit]").click()
    offering.wait_for_load_state()
    assert "Slot offered." in offering.content()
    shot(offering, "peer-01-availability")

    booking = new_context().new_page()
    log_in(booking, candidate.email)
    open_from_nav(booking, "Practice", "Practise with a peer")
    booking.wait_for_url("**/interviews/peer/")
    booking.select_option("#id_topic", "algorithms")
    with booking.expect_navigation():
        booking.get_by_role("button", name="Filter").click()
    row = booking.locator("tr", has_text="Grace Peer")
    assert row.count() == 1
    shot(booking, "peer-02-find")
    with booking.expect_navigation():
        row.get_by_role("button", name="Book").click()
    assert "/interviews/peer/bookings/" in booking.url
    assert "the interviewee" in booking.content()
    shot(booking, "peer-03-booked")
    candidate_invite = download_invite(booking)

    offering.goto("/interviews/peer/bookings/")
    assert offering.locator("[data-booking-status=scheduled]").count() == 1
    with offering.expect_navigation():
        offering.locator("table a").first.click()
    assert "the interviewer" in offering.content()
    interviewer_invite = download_invite(offering)
    shot(offering, "peer-04-interviewer-booking")

    events = [c.walk("VEVENT")[0] for c in (candidate_invite, interviewer_invite)]
    assert {str(e["UID"]) for e in events} == {str(events[0]["UID"])}
    assert events[0].decoded("DTSTART") == starts
    assert str(candidate_invite["METHOD"]) == "REQUEST"

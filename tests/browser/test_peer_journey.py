"""Peer mock interviews in two real browsers against a real server: one person offers a time in
the availability editor, the other finds it and books it; both see the booking in their lists and
download its calendar invite, which icalendar reads back. Screenshots: var/screenshots/peer-*."""

from datetime import timedelta

import pytest
from django.conf import settings
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


def test_live_status_then_mutual_feedback_revealed_only_after_both(new_context, shot):
    """The interviewer watches their bookings list while the candidate opens the room and confirms
    the interview: the badge follows over the WebSocket without a reload. Then both leave
    feedback, and each reads the other's only once both have written theirs."""
    from playwright.sync_api import expect

    from interviews.peer import services
    from tests.interviews.peer_fixtures import offer, shift

    interviewer = UserFactory(name="Ada Peer")
    candidate = UserFactory(name="Alan Peer")
    booking = services.booking_create(user=candidate, slot_id=offer(interviewer).id, topic="algorithms")
    shift(booking, starts_in=-timedelta(minutes=1))

    watching = new_context().new_page()
    log_in(watching, interviewer.email)
    watching.goto("/interviews/peer/bookings/")
    badge = watching.locator(f"[data-peer-booking='{booking.id}']")
    expect(badge).to_have_text("Starting soon")
    watching.wait_for_function("document.body.dataset.live === 'connected'", timeout=15000)
    points = watching.locator("[data-peer-points]")
    before = services.selectors.points_balance(user=interviewer)
    expect(points).to_have_text(str(before))

    acting = new_context().new_page()
    log_in(acting, candidate.email)
    acting.goto(f"/interviews/peer/bookings/{booking.id}/")
    with acting.expect_navigation():
        acting.get_by_role("button", name="Open the room").click()
    expect(badge).to_have_text("In progress", timeout=15000)
    expect(badge).to_have_attribute("data-booking-status", "in_progress")
    acting.goto(f"/interviews/peer/bookings/{booking.id}/")
    with acting.expect_navigation():
        acting.get_by_role("button", name="The interview took place").click()
    expect(badge).to_have_text("Completed", timeout=15000)
    # Interviewing earned the interviewer points: the navigation's balance follows, no reload.
    expect(points).to_have_text(str(before + settings.PEER_INTERVIEWER_REWARD), timeout=15000)
    shot(watching, "peer-05-live-status")

    def leave_feedback(page, comment: str):
        page.goto(f"/interviews/peer/bookings/{booking.id}/")
        with page.expect_navigation():
            page.get_by_role("link", name="Feedback", exact=True).last.click()
        form = page.locator("#feedback-form")
        for field, value in (("problem_solving", "4"), ("communication", "5"), ("code_quality", "3"),
                             ("hints_needed", "few"), ("would_hire", "yes"), ("rating", "4")):
            form.locator(f"input[name='{field}'][value='{value}']").check()
        form.locator("textarea[name=comments]").fill(comment)
        with page.expect_navigation():
            form.get_by_role("button", name="Send feedback").click()
        assert "Thanks for your feedback." in page.content()

    from_candidate = "Ada explained the hash map trade-off clearly and kept asking me about edge cases."
    from_interviewer = "Alan found the linear solution after one hint; test the empty input before saying done."
    leave_feedback(acting, from_candidate)
    assert from_candidate in acting.content()  # their own
    watching.goto(f"/interviews/peer/bookings/{booking.id}/feedback/")
    expect(watching.locator("#feedback-waiting")).to_contain_text("has written their feedback")
    assert from_candidate not in watching.content()
    shot(watching, "peer-06-feedback-hidden")
    leave_feedback(watching, from_interviewer)
    assert from_candidate in watching.content()
    acting.reload()
    assert from_interviewer in acting.content()
    expect(acting.locator("[data-feedback-half='1']")).to_contain_text("First half")
    shot(acting, "peer-07-feedback-revealed")
    # The revealed feedback counts in the candidate's progress on /interviews/.
    acting.goto("/interviews/")
    expect(acting.locator("[data-peer-progress]")).to_contain_text("Feedback from peers")
    expect(acting.locator("[data-peer-average='problem_solving']")).to_have_text("4.0")

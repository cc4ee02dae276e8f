from datetime import time, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from interviews.models import PeerBooking, PeerSlot
from interviews.peer import services
from tests.interviews.peer_fixtures import offer, shift

pytestmark = pytest.mark.django_db


def test_offer_find_book_and_see_the_booking_in_pages(client, user, other_user):
    client.force_login(other_user)
    assert client.get("/interviews/peer/availability/").status_code == 200
    starts = (timezone.now() + timedelta(days=2)).astimezone(other_user.preferences.tzinfo)
    response = client.post("/interviews/peer/availability/", {
        "kind": "one_off", "one-starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "one-minutes": 60,
        "one-topics": ["algorithms"], "one-level": "mid", "one-languages": ["python"]})
    assert response.status_code == 302
    slot = PeerSlot.objects.get(owner=other_user)
    again = client.post("/interviews/peer/availability/", {
        "kind": "one_off", "one-starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "one-minutes": 60,
        "one-topics": ["algorithms"], "one-level": "mid"})
    assert again.status_code == 200 and b"overlaps your time" in again.content
    weekly = client.post("/interviews/peer/availability/", {
        "kind": "weekly", "week-weekday": 4, "week-start_time": "07:15", "week-minutes": 45,
        "week-topics": ["behavioral"], "week-level": "junior"})
    assert weekly.status_code == 302

    client.force_login(user)
    page = client.get("/interviews/peer/?topic=algorithms")
    assert page.status_code == 200 and other_user.display_name.encode() in page.content
    # People read labels; the form still posts the keys.
    assert b">Algorithms<" in page.content and b'value="algorithms"' in page.content
    assert b">Python<" in page.content and b"Mid-level" in page.content
    booked = client.post("/interviews/peer/book/", {"slot": slot.id, "topic": "algorithms", "language": "python"})
    booking = PeerBooking.objects.get(slot=slot)
    assert booked.status_code == 302 and booked["Location"] == f"/interviews/peer/bookings/{booking.id}/"
    detail = client.get(booked["Location"])
    assert b"The room opens at the start time" in detail.content and b"invite.ics" in detail.content
    invite = client.get(f"/interviews/peer/bookings/{booking.id}/invite.ics")
    assert Calendar.from_ical(invite.content).walk("VEVENT")[0]["UID"] == f"peer-booking-{booking.id}@127.0.0.1"
    assert b"scheduled" in client.get("/interviews/peer/bookings/").content
    taken = client.post("/interviews/peer/book/", {"slot": slot.id, "topic": "algorithms"}, follow=True)
    assert b"Someone else has just booked this slot" in taken.content


def test_withdrawing_a_slot_and_stopping_a_weekly_slot(client, user, other_user):
    slot = offer(user)
    three_days_on = (timezone.now() + timedelta(days=3)).weekday()  # never the 48-hour slot's day
    weekly, _ = services.weekly_offer(user=user, weekday=three_days_on, start=time(18, 0), minutes=30, topics=["behavioral"],
                                      level="senior")
    client.force_login(user)
    page = client.get("/interviews/peer/availability/")
    assert b"Behavioral" in page.content and b"Senior" in page.content
    done = client.post(f"/interviews/peer/availability/slots/{slot.id}/withdraw/", follow=True)
    assert b"Slot withdrawn." in done.content
    stopped = client.post(f"/interviews/peer/availability/weekly/{weekly.id}/withdraw/", follow=True)
    assert b"Weekly slot stopped." in stopped.content
    assert not PeerSlot.objects.filter(owner=user, status="open").exists()
    other = offer(other_user)  # someone else's slot: nothing happens, and they are told
    refused = client.post(f"/interviews/peer/availability/slots/{other.id}/withdraw/", follow=True)
    assert b"No such slot." in refused.content and PeerSlot.objects.get(id=other.id).status == "open"


def test_the_booking_page_links_the_room_and_never_writes_on_get(client, user, other_user):
    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    shift(booking, starts_in=timedelta(seconds=-5))
    client.force_login(user)
    page = client.get(f"/interviews/peer/bookings/{booking.id}/")
    assert b"Open the room" in page.content
    assert PeerBooking.objects.get(id=booking.id).room_id is None  # GET changed nothing
    opened = client.post(f"/interviews/peer/bookings/{booking.id}/room/")
    booking.refresh_from_db()
    assert opened.status_code == 302 and opened["Location"] == f"/rooms/{booking.room_id}/"
    assert f"/rooms/{booking.room_id}/".encode() in client.get(f"/interviews/peer/bookings/{booking.id}/").content
    done = client.post(f"/interviews/peer/bookings/{booking.id}/complete/", follow=True)
    assert b"earned their points" in done.content


def test_strangers_get_404_pages(client, user, other_user, make_user):
    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    client.force_login(make_user())
    assert client.get(f"/interviews/peer/bookings/{booking.id}/").status_code == 404
    assert client.get(f"/interviews/peer/bookings/{booking.id}/invite.ics").status_code == 404
    assert client.post(f"/interviews/peer/bookings/{booking.id}/cancel/").status_code == 404
    assert PeerBooking.objects.get(id=booking.id).status == "scheduled"


def test_report_and_block_from_the_booking_page(client, user, other_user):
    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    client.force_login(user)
    response = client.post(f"/interviews/peer/bookings/{booking.id}/report/",
                           {"reason": "abuse", "details": "rude", "block": "1"}, follow=True)
    assert b"Reported to the moderators. Blocked." in response.content
    assert other_user.peer_blocked_by.filter(blocker=user).exists()


def test_admin_lists_reports_for_moderators(client, user, other_user, make_user):
    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    services.peer_report(user=user, booking_id=booking.id, reason="spam")
    staff = make_user(is_staff=True)
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    for path in ("/admin/interviews/peerreport/", "/admin/interviews/pointsentry/", "/admin/interviews/peerbooking/",
                 "/admin/interviews/pointsaccount/"):
        assert client.get(path).status_code == 200, path


def test_seed_peer_offers_open_slots_for_the_demo_users_once():
    from django.core.management import call_command

    from accounts.models import User

    call_command("seed_demo")
    call_command("seed_peer")
    seeded = PeerSlot.objects.filter(status="open").count()
    assert seeded >= 20
    call_command("seed_peer")
    assert PeerSlot.objects.count() == seeded
    ada = User.objects.get(username="ada")
    assert services.selectors.slots_matching(user=ada, topic="system_design").count() >= 4

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from interviews.models import PeerBooking
from interviews.peer import services
from tests.interviews.peer_fixtures import offer, shift

pytestmark = pytest.mark.django_db


def client_for(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_offer_find_and_book_through_the_api_with_and_without_slashes(api_client, user, other_user):
    owner = client_for(api_client, other_user)
    starts = (timezone.now() + timedelta(days=2)).replace(microsecond=0, second=0)
    response = owner.post("/api/v1/peer/availability/slots", {
        "starts_at": starts.astimezone(other_user.preferences.tzinfo).strftime("%Y-%m-%dT%H:%M"),
        "topics": ["algorithms"], "level": "mid", "languages": ["python"]}, format="json")
    assert response.status_code == 201, response.json()
    slot_id = response.json()["id"]
    weekly = owner.post("/api/v1/peer/availability/weekly/", {"weekday": 2, "start_time": "18:30",
                                                              "topics": ["behavioral"], "level": "senior"},
                        format="json")
    assert weekly.status_code == 201 and weekly.json()["start_time"] == "18:30"
    assert owner.get("/api/v1/peer/availability").status_code == 200

    booker = client_for(api_client, user)
    listed = booker.get("/api/v1/peer/slots/?topic=algorithms").json()
    assert [s["id"] for s in listed] == [slot_id]
    booked = booker.post("/api/v1/peer/bookings", {"slot": slot_id, "topic": "algorithms"}, format="json")
    assert booked.status_code == 201 and booked.json()["role"] == "interviewee"
    again = booker.post("/api/v1/peer/bookings/", {"slot": slot_id, "topic": "algorithms"}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "slot_taken"
    booking_id = booked.json()["id"]
    assert booker.get("/api/v1/peer/bookings").json()["count"] == 1
    invite = booker.get(f"/api/v1/peer/bookings/{booking_id}/invite/")
    assert invite["Content-Type"].startswith("text/calendar")
    assert str(Calendar.from_ical(invite.content)["METHOD"]) == "REQUEST"
    points = booker.get("/api/v1/peer/points/").json()
    assert points["balance"] == 10 and [e["reason"] for e in points["entries"]] == ["booking", "starting_grant"]
    cancelled = booker.post(f"/api/v1/peer/bookings/{booking_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_bad_input_gets_the_error_envelope(api_client, user, other_user):
    c = client_for(api_client, user)
    past = c.post("/api/v1/peer/availability/slots/", {"starts_at": "2020-01-01T09:00", "topics": ["algorithms"],
                                                       "level": "mid"}, format="json")
    assert past.status_code == 400 and past.json()["error"]["code"] == "slot_in_past"
    assert c.post("/api/v1/peer/availability/slots/", {"starts_at": "soon", "topics": ["x"], "level": "mid"},
                  format="json").json()["error"]["code"] == "invalid"
    assert c.get("/api/v1/peer/slots/?topic=cooking").json()["error"]["code"] == "invalid_query"
    own = offer(user)
    assert c.post("/api/v1/peer/bookings/", {"slot": own.id, "topic": "algorithms"},
                  format="json").json()["error"]["code"] == "own_slot"
    services.points_ensure(user=user)
    services.points_record(user_id=user.id, amount=-20, reason="adjustment")
    poor = c.post("/api/v1/peer/bookings/", {"slot": offer(other_user, hours_ahead=100).id, "topic": "algorithms"},
                  format="json")
    assert poor.status_code == 402 and poor.json()["error"]["code"] == "insufficient_points"
    assert c.post("/api/v1/peer/match/", {"topic": "frontend"}, format="json").json()["error"]["code"] == "no_match"


@pytest.mark.parametrize("action", ["cancel", "room", "complete", "no-show", "reschedule", "report"])
def test_someone_elses_booking_answers_404(api_client, user, other_user, make_user, action):
    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    shift(booking, starts_in=-timedelta(minutes=20))
    stranger = client_for(api_client, make_user())
    body = {"starts_at": "2030-01-01T09:00", "reason": "abuse"}
    response = stranger.post(f"/api/v1/peer/bookings/{booking.id}/{action}/", body, format="json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert stranger.get(f"/api/v1/peer/bookings/{booking.id}").status_code == 404
    assert stranger.get(f"/api/v1/peer/bookings/{booking.id}/invite").status_code == 404
    assert PeerBooking.objects.get(id=booking.id).status == "scheduled"


def test_room_join_through_the_api_at_start(api_client, user, other_user):
    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    c = client_for(api_client, other_user)
    assert c.post(f"/api/v1/peer/bookings/{booking.id}/room/").json()["error"]["code"] == "too_early"
    shift(booking, starts_in=timedelta(seconds=-1))
    opened = c.post(f"/api/v1/peer/bookings/{booking.id}/room/").json()
    assert opened["status"] == "in_progress" and opened["room_url"].startswith("/rooms/")


def test_blocks_through_the_api(api_client, user, other_user):
    slot = offer(other_user)
    c = client_for(api_client, user)
    assert c.post("/api/v1/peer/blocks/", {"username": other_user.username}, format="json").status_code == 201
    assert c.get("/api/v1/peer/slots/").json() == []
    assert c.post("/api/v1/peer/bookings/", {"slot": slot.id, "topic": "algorithms"}, format="json").status_code == 404
    assert c.delete(f"/api/v1/peer/blocks/{other_user.username}").status_code == 204
    assert c.post("/api/v1/peer/blocks/", {"username": "nobody-here"}, format="json").status_code == 404


def test_anonymous_is_refused(api_client):
    assert api_client.get("/api/v1/peer/bookings/").status_code in (401, 403)


def test_every_peer_endpoint_is_in_the_schema(api_client):
    paths = api_client.get("/api/schema/?format=json").json()["paths"]
    for path in ("/api/v1/peer/availability/", "/api/v1/peer/availability/slots/", "/api/v1/peer/availability/weekly/",
                 "/api/v1/peer/slots/", "/api/v1/peer/match/", "/api/v1/peer/bookings/",
                 "/api/v1/peer/bookings/{booking_id}/", "/api/v1/peer/bookings/{booking_id}/invite/",
                 "/api/v1/peer/bookings/{booking_id}/cancel/", "/api/v1/peer/bookings/{booking_id}/reschedule/",
                 "/api/v1/peer/bookings/{booking_id}/room/", "/api/v1/peer/bookings/{booking_id}/complete/",
                 "/api/v1/peer/bookings/{booking_id}/no-show/", "/api/v1/peer/bookings/{booking_id}/report/",
                 "/api/v1/peer/blocks/", "/api/v1/peer/blocks/{username}/", "/api/v1/peer/points/"):
        assert path in paths, path


def test_offered_times_are_wall_clock_in_the_given_zone_or_the_instant_of_an_offset(api_client, user):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    c = client_for(api_client, user)
    day = (timezone.now() + timedelta(days=5)).date()
    local = c.post("/api/v1/peer/availability/slots/", {
        "starts_at": f"{day}T09:00", "timezone": "America/New_York", "topics": ["algorithms"], "level": "mid"},
        format="json").json()
    assert datetime.fromisoformat(local["starts_at"]).astimezone(ZoneInfo("America/New_York")).hour == 9
    instant = c.post("/api/v1/peer/availability/slots/", {
        "starts_at": f"{day}T18:00:00+02:00", "topics": ["algorithms"], "level": "mid"}, format="json").json()
    assert datetime.fromisoformat(instant["starts_at"]).astimezone(ZoneInfo("UTC")).hour == 16
    assert c.post("/api/v1/peer/availability/slots/", {
        "starts_at": f"{day}T09:00", "timezone": "Mars/Base", "topics": ["algorithms"], "level": "mid"},
        format="json").status_code == 400

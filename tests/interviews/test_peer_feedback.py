"""Mutual feedback after a peer interview: once each, participants only, hidden from its receiver
until both have written (or the deadline), good feedback earns its author points once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import Conflict, NotFound, ValidationFailed
from interviews.models import PeerFeedback, PointsEntry
from interviews.peer import selectors, services
from tests.interviews.peer_fixtures import offer, shift

pytestmark = pytest.mark.django_db

GOOD_COMMENT = ("Clear structure: you asked about the input size first, talked through a brute force, then found "
                "the hash map. Next time test the empty input before you say you are done.")
RUBRIC = {"problem_solving": 4, "communication": 5, "code_quality": 3, "hints_needed": "few", "would_hire": "yes",
          "rating": 4}


def held_interview(interviewee, interviewer, *, ended_ago=timedelta(minutes=5)):
    """A booking that took place and was confirmed by the interviewee."""
    booking = services.booking_create(user=interviewee, slot_id=offer(interviewer).id, topic="algorithms")
    shift(booking, starts_in=-(ended_ago + (booking.ends_at - booking.starts_at)))
    return services.booking_complete(user=interviewee, booking_id=booking.id)


def give(author, booking, comments=GOOD_COMMENT, **changes):
    return services.feedback_submit(user=author, booking_id=booking.id, **(RUBRIC | changes), comments=comments)


def test_feedback_is_hidden_from_its_receiver_until_both_have_written(user, other_user):
    booking = held_interview(user, other_user)
    mine = give(user, booking)
    assert mine.receiver == other_user
    peer_view = selectors.feedback_for_booking(user=other_user, booking=booking)
    assert peer_view["received"] is None and peer_view["peer_has_written"] and peer_view["open"]
    assert list(selectors.feedback_received(user=other_user)) == []
    give(other_user, booking, rating=2, comments="Too quiet.")
    assert selectors.feedback_for_booking(user=other_user, booking=booking)["received"] == mine
    assert [f.author for f in selectors.feedback_received(user=other_user)] == [user]
    assert [f.rating for f in selectors.feedback_received(user=user)] == [2]


def test_feedback_is_revealed_at_the_deadline_without_an_answer(user, other_user, settings):
    settings.PEER_FEEDBACK_REVEAL_AFTER = timedelta(hours=1)
    booking = held_interview(user, other_user, ended_ago=timedelta(minutes=30))
    give(user, booking)
    assert list(selectors.feedback_received(user=other_user)) == []
    later = timezone.now() + timedelta(hours=1)
    assert len(selectors.feedback_received(user=other_user, now=later)) == 1
    assert selectors.feedback_for_booking(user=other_user, booking=booking, now=later)["received"] is not None
    shift(booking, starts_in=-timedelta(hours=3))
    with pytest.raises(Conflict) as closed:
        give(other_user, booking)
    assert closed.value.code == "feedback_closed"


def test_feedback_only_once_only_participants_only_after_it_took_place(user, other_user, make_user):
    booking = held_interview(user, other_user)
    give(user, booking)
    with pytest.raises(Conflict) as twice:
        give(user, booking)
    assert twice.value.code == "feedback_exists"
    with pytest.raises(NotFound):
        give(make_user(), booking)
    upcoming = services.booking_create(user=user, slot_id=offer(other_user, hours_ahead=100).id, topic="algorithms")
    with pytest.raises(Conflict) as early:
        give(user, upcoming)
    assert early.value.code == "feedback_not_open"
    with pytest.raises(ValidationFailed) as bad:
        give(other_user, booking, rating=6)
    assert bad.value.code == "invalid_score"
    assert PeerFeedback.objects.count() == 1


def test_good_feedback_earns_its_author_points_once_and_a_terse_one_does_not(user, other_user, settings):
    settings.PEER_FEEDBACK_REWARD = 3
    booking = held_interview(user, other_user)
    before = selectors.points_balance(user=other_user)
    good = give(other_user, booking)
    assert selectors.points_balance(user=other_user) == before + 3
    entry = PointsEntry.objects.get(user=other_user, reason="good_feedback")
    assert (entry.source_type, entry.source_id) == ("peer_feedback", str(good.id))
    assert services.points_record(user_id=other_user.id, amount=3, reason="good_feedback",
                                  source_type="peer_feedback", source_id=str(good.id)) is None
    user_before = selectors.points_balance(user=user)
    give(user, booking, comments="ok")
    assert selectors.points_balance(user=user) == user_before
    assert not PointsEntry.objects.filter(user=user, reason="good_feedback").exists()


def test_feedback_received_list_is_flat_in_the_number_of_rows(user, make_user, django_assert_num_queries):
    services.points_record(user_id=user.id, amount=50, reason="adjustment")
    for _ in range(3):
        peer = make_user()
        booking = held_interview(user, peer)
        give(peer, booking)
        give(user, booking)
    with django_assert_num_queries(1):
        rows = [selectors.feedback_data(f) for f in selectors.feedback_received(user=user)]
    assert len(rows) == 3


def client_for(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_feedback_through_the_api_with_idor_and_visibility(api_client, user, other_user, make_user):
    booking = held_interview(user, other_user)
    url = f"/api/v1/peer/bookings/{booking.id}/feedback/"
    stranger = client_for(api_client, make_user())
    assert stranger.get(url).status_code == 404
    denied = stranger.post(url, RUBRIC | {"comments": "x"}, format="json")
    assert denied.status_code == 404 and denied.json()["error"]["code"] == "not_found"

    me = client_for(api_client, user)
    sent = me.post(url, RUBRIC | {"comments": GOOD_COMMENT}, format="json")
    assert sent.status_code == 201, sent.json()
    assert sent.json()["given"]["rating"] == 4 and sent.json()["received"] is None
    again = me.post(url.rstrip("/"), RUBRIC, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "feedback_exists"
    bad = me.post(url, RUBRIC | {"rating": "five", "hints_needed": "lots"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"

    peer = client_for(api_client, other_user)
    waiting = peer.get(url).json()
    assert waiting["received"] is None and waiting["peer_has_written"] and waiting["open"]
    assert peer.get("/api/v1/peer/feedback/received/").json()["count"] == 0
    peer.post(url, RUBRIC | {"rating": 3}, format="json")
    assert peer.get(url).json()["received"]["comments"] == GOOD_COMMENT
    received = peer.get("/api/v1/peer/feedback/received/").json()
    assert received["count"] == 1 and received["results"][0]["author_username"] == user.username


def test_feedback_endpoints_are_in_the_schema(api_client, user):
    schema = client_for(api_client, user).get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/peer/bookings/{booking_id}/feedback/" in schema["paths"]
    post = schema["paths"]["/api/v1/peer/bookings/{booking_id}/feedback/"]["post"]
    assert "201" in post["responses"] and post["requestBody"]
    assert "/api/v1/peer/feedback/received/" in schema["paths"]


def test_feedback_page_form_and_reveal(client, user, other_user, make_user):
    booking = held_interview(user, other_user)
    client.force_login(user)
    page = client.get(f"/interviews/peer/bookings/{booking.id}/")
    assert f"/interviews/peer/bookings/{booking.id}/feedback/".encode() in page.content
    url = f"/interviews/peer/bookings/{booking.id}/feedback/"
    form = client.get(url)
    assert b'id="feedback-form"' in form.content
    empty = client.post(url, {})
    assert empty.status_code == 200 and b"This field is required" in empty.content
    done = client.post(url, RUBRIC | {"comments": GOOD_COMMENT})
    assert done.status_code == 302
    client.force_login(other_user)
    hidden = client.get(url)
    assert GOOD_COMMENT.encode() not in hidden.content and b'id="feedback-waiting"' in hidden.content
    client.post(url, RUBRIC | {"comments": "Thanks"})
    shown = client.get(url)
    assert b"Clear structure" in shown.content
    assert b"Clear structure" in client.get("/interviews/peer/feedback/").content
    client.force_login(make_user())
    assert client.get(url).status_code == 404
    assert client.post(url, RUBRIC).status_code == 404


def test_moderators_read_feedback_in_the_admin(client, user, other_user, make_user):
    booking = held_interview(user, other_user)
    feedback = give(user, booking)
    staff = make_user(is_staff=True)
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    listed = client.get("/admin/interviews/peerfeedback/")
    assert listed.status_code == 200 and f"booking {booking.id}".encode() in listed.content
    assert client.get(f"/admin/interviews/peerfeedback/{feedback.id}/change/").status_code == 200


def test_booking_status_shows_starting_soon_within_the_window(user, other_user, settings):
    settings.PEER_STARTING_SOON = timedelta(minutes=15)
    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    assert selectors.booking_data(booking, user=user)["live_status"] == "scheduled"
    shift(booking, starts_in=timedelta(minutes=14))
    data = selectors.booking_data(booking, user=user)
    assert (data["status"], data["live_status"], data["live_label"]) == ("scheduled", "starting_soon", "Starting soon")
    assert selectors.booking_status_event(booking)["live_status"] == "starting_soon"


def test_one_feedback_per_half_each_opening_when_its_half_is_over(user, other_user):
    """`other_user` offered the slot, so they interview the first half; after the role swap
    `user` interviews them in the second."""
    from collaboration.models import Participant
    from collaboration.services import room_roles_swap

    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    shift(booking, starts_in=timedelta(seconds=-5))
    booking = services.booking_open_room(user=user, booking_id=booking.id)
    for author in (other_user, user):  # neither half is over yet
        with pytest.raises(Conflict) as early:
            give(author, booking)
        assert early.value.code == "half_not_over"
    assert not selectors.feedback_for_booking(user=other_user, booking=booking)["open"]

    room_roles_swap(room=booking.room, by=Participant.objects.get(room=booking.room, user=other_user))
    booking.room.refresh_from_db()
    assert selectors.feedback_for_booking(user=other_user, booking=booking)["open"]
    first = give(other_user, booking)
    assert (first.half, first.receiver) == (1, user)
    with pytest.raises(Conflict) as second_too_early:
        give(user, booking)
    assert second_too_early.value.code == "half_not_over"

    shift(booking, starts_in=-timedelta(minutes=61))  # the interview is over: the second half too
    second = give(user, booking)
    assert (second.half, second.receiver) == (2, other_user)
    with pytest.raises(Conflict) as twice:
        give(user, booking)
    assert twice.value.code == "feedback_exists"
    # Per half, each receiver reads theirs now that both have written.
    assert selectors.feedback_for_booking(user=user, booking=booking)["received"] == first
    assert selectors.feedback_for_booking(user=other_user, booking=booking)["received"] == second
    assert selectors.feedback_data(first)["half_label"] == "First half"


def weak_feedback_from_two_peers(user, make_user, *, reveal=True):
    """Two peers interview `user` (first half) and both find them hard to follow."""
    services.points_record(user_id=user.id, amount=50, reason="adjustment")
    bookings = []
    for _ in range(2):
        peer = make_user()
        booking = held_interview(user, peer)
        give(peer, booking, communication=2, hints_needed="many", comments="Quiet while coding.")
        if reveal:
            give(user, booking)
        bookings.append(booking)
    return bookings


def test_revealed_peer_feedback_feeds_progress_and_mistake_patterns(user, make_user):
    from interviews.selectors import interview_progress

    bookings = weak_feedback_from_two_peers(user, make_user)
    progress = interview_progress(user=user)
    assert progress["peer"]["count"] == 2 and progress["peer"]["by_dimension"]["communication"] == 2.0
    assert progress["peer"]["would_hire_share"] == 1.0
    patterns = {p["code"]: p for p in progress["mistakes"] if p["source"] == "peer"}
    assert set(patterns) == {"peer_communication", "peer_many_hints"}
    evidence = patterns["peer_communication"]["evidence"]
    assert {e["url"] for e in evidence} == {f"/interviews/peer/bookings/{b.id}/feedback/" for b in bookings}
    assert all(e["detail"] == "communication 2/5" and "Algorithms with" in e["title"] for e in evidence)


def test_hidden_peer_feedback_is_not_counted_anywhere(user, make_user):
    from interviews.selectors import interview_progress

    weak_feedback_from_two_peers(user, make_user, reveal=False)  # user has not written theirs
    progress = interview_progress(user=user)
    assert progress["peer"]["count"] == 0 and progress["peer"]["by_dimension"]["communication"] is None
    assert not [p for p in progress["mistakes"] if p["source"] == "peer"]


def test_peer_feedback_ratings_for_readiness_is_one_query(user, make_user, django_assert_num_queries):
    weak_feedback_from_two_peers(user, make_user)
    with django_assert_num_queries(1):
        ratings = selectors.peer_feedback_ratings(user=user, recent=10)
    assert [r["communication"] for r in ratings["recent"]] == [2, 2]
    assert set(ratings["recent"][0]) >= {"at", "half", "topic", "problem_solving", "code_quality", "rating"}
    assert selectors.peer_feedback_ratings(user=user, recent=1)["count"] == 1


def test_the_interviews_page_shows_peer_feedback_and_its_patterns(client, user, make_user):
    weak_feedback_from_two_peers(user, make_user)
    client.force_login(user)
    page = client.get("/interviews/").content.decode()
    assert "Feedback from peers" in page and 'data-peer-average="communication">2.0<' in page
    assert 'data-mistake="peer_communication" data-mistake-source="peer"' in page
    assert "peer feedback</span>" in page and "communication 2/5" in page

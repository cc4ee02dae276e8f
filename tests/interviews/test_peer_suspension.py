"""Moderators suspend a user from peer interviews (with a reason, audited, reversible): while it
is in force the user cannot book or be matched, and nobody sees or books their slots."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import Notification
from core.exceptions import Forbidden, NotFound, ValidationFailed
from core.models import AuditEvent
from core.roles import MODERATOR, role_permissions_sync
from interviews.models import PeerSuspension
from interviews.peer import selectors, services
from tests.interviews.peer_fixtures import offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(make_user):
    role_permissions_sync()
    person = make_user(username="peer-mod", is_staff=True)
    person.groups.add(Group.objects.get_or_create(name=MODERATOR)[0])
    return person


def test_a_suspension_blocks_booking_and_matching_until_it_is_lifted(
        user, other_user, make_user, moderator, django_capture_on_commit_callbacks):
    theirs = offer(other_user)
    with pytest.raises(Forbidden):
        services.peer_suspend(moderator=make_user(), user=other_user, reason="abuse")  # not a moderator
    with pytest.raises(ValidationFailed):
        services.peer_suspend(moderator=moderator, user=other_user, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.peer_suspend(moderator=moderator, user=other_user, reason="Abusive in two interviews")
    assert services.peer_suspend(moderator=moderator, user=other_user, reason="again").reason == \
        "Abusive in two interviews"  # already in force: the same one

    # Nobody sees or books their slots, and they cannot book or be matched.
    assert list(selectors.slots_matching(user=user)) == []
    with pytest.raises(NotFound):
        services.booking_create(user=user, slot_id=theirs.id, topic="algorithms")
    mine = offer(user, hours_ahead=60)
    for attempt in (lambda: services.booking_create(user=other_user, slot_id=mine.id, topic="algorithms"),
                    lambda: services.booking_auto_match(user=other_user, topic="algorithms")):
        with pytest.raises(Forbidden) as refused:
            attempt()
        assert refused.value.code == "peer_suspended"
    event = AuditEvent.objects.get(action="peer.user_suspended")
    assert (event.actor_id, event.subject_id, event.changes["reason"]) == (
        moderator.id, other_user.id, [None, "Abusive in two interviews"])
    assert Notification.objects.filter(user=other_user, title__contains="suspended from peer").exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.peer_unsuspend(moderator=moderator, user=other_user, reason="Appeal accepted")
    assert [s.id for s in selectors.slots_matching(user=user)] == [theirs.id]
    assert services.booking_create(user=other_user, slot_id=mine.id, topic="algorithms").interviewee == other_user
    assert AuditEvent.objects.filter(action="peer.user_unsuspended", subject=other_user).exists()
    assert PeerSuspension.objects.get(user=other_user).lift_reason == "Appeal accepted"


def test_the_api_says_why_a_suspended_user_cannot_book(api_client, user, other_user, moderator):
    slot = offer(other_user)
    services.peer_suspend(moderator=moderator, user=user, reason="Repeated no-shows")
    api_client.force_authenticate(user)
    response = api_client.post("/api/v1/peer/bookings/", {"slot": slot.id, "topic": "algorithms"}, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "peer_suspended"


def test_moderators_suspend_from_a_report_and_lift_in_the_admin(client, user, other_user, moderator):
    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    report = services.peer_report(user=user, booking_id=booking.id, reason="abuse", details="Rude")
    client.force_login(moderator)
    listed = client.get("/admin/interviews/peerreport/")
    assert listed.status_code == 200 and b"suspend_reported" in listed.content
    asked = client.post("/admin/interviews/peerreport/", {"action": "suspend_reported",
                                                          "_selected_action": [report.id]})
    assert asked.status_code == 200 and b"Suspend from peer interviews" in asked.content
    done = client.post("/admin/interviews/peerreport/", {"action": "suspend_reported", "_selected_action": [report.id],
                                                         "apply": "1", "reason": "Rude to the candidate"})
    assert done.status_code == 302
    suspension = PeerSuspension.objects.get(user=other_user, lifted_at__isnull=True)
    assert (suspension.by, suspension.reason) == (moderator, "Rude to the candidate")
    client.post("/admin/interviews/peersuspension/", {"action": "lift", "_selected_action": [suspension.id],
                                                      "apply": "1", "reason": "Apologised"})
    assert PeerSuspension.objects.get(id=suspension.id).lifted_at is not None

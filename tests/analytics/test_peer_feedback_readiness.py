"""Peer feedback in readiness: real peer interviews booked, held and rated through the
interviews.peer services, read back through its selectors only once the receiver may read them,
explained like the other parts, and a peer interview in the plan while the part is low."""

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.selectors import readiness_for
from analytics.services import readiness_target_set
from tests.interviews.test_peer_feedback import give, held_interview

pytestmark = pytest.mark.django_db


def _part(readiness):
    return next(p for p in readiness.parts if p.key == "peer_feedback")


def test_without_feedback_the_part_has_no_data_and_the_plan_books_a_peer_interview(user, job):
    readiness = readiness_for(user=user, job=job)
    part = _part(readiness)
    assert part.status == "no_data" and part.score == 0.0 and "No peer mock-interview feedback" in part.explanation
    peer_items = [item for item in readiness.plan if item.kind == "peer"]
    assert [item.url for item in peer_items] == ["/interviews/peer/"]


def test_feedback_counts_once_the_receiver_may_read_it_and_is_explained(client, user, other_user, job):
    booking = held_interview(user, other_user)
    give(other_user, booking, problem_solving=5, communication=3, code_quality=4, rating=4, would_hire="yes")
    # Not readable yet (the user has not written theirs): readiness shows nothing of it.
    assert _part(readiness_for(user=user, job=job)).status == "no_data"
    before = readiness_for(user=user, job=job).value
    give(user, booking)
    readiness = readiness_for(user=user, job=job)
    part = _part(readiness)
    # (5-1)/4, (3-1)/4, (4-1)/4, (4-1)/4 -> 1, 0.5, 0.75, 0.75: mean 0.75.
    assert part.status == "measured" and part.score == pytest.approx(0.75)
    assert "problem solving 5.0/5, communication 3.0/5, code quality 4.0/5, overall rating 4.0/5" in part.explanation
    assert "75/100" in part.explanation
    assert part.evidence == (f"Peer interview {booking.starts_at:%Y-%m-%d} (Algorithms) by "
                             f"{other_user.display_name}: problem solving 5, communication 3, code quality 4, "
                             f"overall rating 4, would hire: yes",)
    assert readiness.value > before
    assert not [item for item in readiness.plan if item.kind == "peer"]  # 0.75 is not below the bar
    readiness_target_set(user=user, job_id=job.id)
    client.force_login(user)
    page = client.get("/analytics/readiness/").content.decode()
    assert "Peer mock-interview feedback" in page and "overall rating 4.0/5" in page
    assert "would hire: yes" in page


def test_the_history_counts_only_feedback_given_before_the_day(user, other_user, job):
    booking = held_interview(user, other_user)
    give(other_user, booking, rating=1, problem_solving=1, communication=1, code_quality=1)
    give(user, booking)
    low = _part(readiness_for(user=user, job=job))
    assert low.status == "measured" and low.score == 0.0
    assert [i.kind for i in readiness_for(user=user, job=job).plan if i.kind == "peer"] == ["peer"]
    yesterday = timezone.now() - timedelta(days=1)
    assert _part(readiness_for(user=user, job=job, until=yesterday)).status == "no_data"

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from interviews.engine.peer_schedule import (
    ScheduleError,
    SlotCandidate,
    cancellation_outcome,
    keys_of,
    mask_of,
    overlapping,
    rank_for_match,
    weekly_occurrences,
)

BERLIN = ZoneInfo("Europe/Berlin")


def test_weekly_slot_stays_at_nine_local_across_the_dst_change():
    # Europe/Berlin leaves summer time on Sunday 25 October 2026.
    found = weekly_occurrences(weekday=0, start=time(9, 0), minutes=60, tz_name="Europe/Berlin",
                               window_start=datetime(2026, 10, 12, tzinfo=UTC), window_end=datetime(2026, 11, 3, tzinfo=UTC))
    assert [b.astimezone(BERLIN).strftime("%a %H:%M") for b, _ in found] == ["Mon 09:00"] * 4
    assert [b.hour for b, _ in found] == [7, 7, 8, 8]  # UTC moves by the change, the wall clock does not
    assert all(e - b == timedelta(hours=1) for b, e in found)


def test_wall_time_skipped_by_spring_forward_moves_forward_by_the_gap():
    # 02:30 does not exist in New York on Sunday 8 March 2026.
    found = weekly_occurrences(weekday=6, start=time(2, 30), minutes=30, tz_name="America/New_York",
                               window_start=datetime(2026, 3, 7, tzinfo=UTC), window_end=datetime(2026, 3, 10, tzinfo=UTC))
    assert len(found) == 1
    assert found[0][0].astimezone(ZoneInfo("America/New_York")).strftime("%H:%M") == "03:30"


def test_occurrences_before_the_window_are_left_out_and_bad_input_is_refused():
    start = datetime(2026, 12, 7, 10, tzinfo=UTC)  # a Monday, 11:00 in Berlin
    found = weekly_occurrences(weekday=0, start=time(9), minutes=60, tz_name="Europe/Berlin",
                               window_start=start, window_end=start + timedelta(days=8))
    assert [b.date().isoformat() for b, _ in found] == ["2026-12-14"]
    with pytest.raises(ScheduleError) as error:
        weekly_occurrences(weekday=7, start=time(9), minutes=60, tz_name="UTC", window_start=start, window_end=start)
    assert error.value.code == "invalid_weekday"
    with pytest.raises(ScheduleError, match="time zone"):
        weekly_occurrences(weekday=1, start=time(9), minutes=60, tz_name="Mars/Olympus", window_start=start,
                           window_end=start)
    with pytest.raises(ScheduleError, match="minutes"):
        weekly_occurrences(weekday=1, start=time(9), minutes=5, tz_name="UTC", window_start=start, window_end=start)


def test_masks_round_trip_and_refuse_unknown_keys():
    known = ("a", "b", "c")
    assert keys_of(mask_of(["c", "a"], known, what="topic"), known) == ["a", "c"]
    with pytest.raises(ScheduleError) as error:
        mask_of(["z"], known, what="topic")
    assert error.value.code == "invalid_topic"


def test_overlap_ignores_touching_ends():
    t = datetime(2026, 1, 1, 9, tzinfo=UTC)
    hour = timedelta(hours=1)
    assert overlapping((t, t + hour), [(t + hour, t + 2 * hour)]) is None
    assert overlapping((t, t + hour), [(t + hour / 2, t + 2 * hour)]) == (t + hour / 2, t + 2 * hour)


def test_matching_prefers_level_then_shared_languages_then_earliest():
    t = datetime(2026, 1, 1, 9, tzinfo=UTC)
    ranked = rank_for_match([SlotCandidate(1, t, "senior", 0b1), SlotCandidate(2, t + timedelta(days=1), "mid", 0b1),
                             SlotCandidate(3, t + timedelta(days=2), "mid", 0b11), SlotCandidate(4, t, "mid", 0)],
                            level="mid", language_mask=0b11)
    assert ranked == [3, 2, 4, 1]


def test_cancellation_outcomes():
    start = datetime(2026, 1, 2, 9, tzinfo=UTC)
    window = timedelta(hours=12)
    early = start - timedelta(days=1)
    late = start - timedelta(hours=1)
    rules = {"cost": 10, "late_penalty": 5, "late_window": window, "starts_at": start}
    assert cancellation_outcome(by_interviewer=False, now=early, **rules).refund_to_interviewee == 10
    late_by_interviewee = cancellation_outcome(by_interviewer=False, now=late, **rules)
    assert late_by_interviewee.late and late_by_interviewee.refund_to_interviewee == 0
    late_by_interviewer = cancellation_outcome(by_interviewer=True, now=late, **rules)
    assert (late_by_interviewer.refund_to_interviewee, late_by_interviewer.penalty_to_interviewer) == (10, 5)
    with pytest.raises(ScheduleError) as error:
        cancellation_outcome(by_interviewer=False, now=start, **rules)
    assert error.value.code == "already_started"


def test_half_time_and_when_each_half_can_be_rated():
    from interviews.engine.peer_schedule import feedback_half_over, half_time

    starts = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
    ends = starts + timedelta(minutes=60)
    assert half_time(starts, ends) == starts + timedelta(minutes=30)

    def over(half, *, minutes, swaps=0, closed=False, completed=False):
        return feedback_half_over(half, starts_at=starts, ends_at=ends, now=starts + timedelta(minutes=minutes),
                                  swaps=swaps, room_closed=closed, completed=completed)

    assert not over(1, minutes=10) and over(1, minutes=10, swaps=1) and over(1, minutes=30)
    assert not over(2, minutes=45, swaps=1) and over(2, minutes=60)
    assert over(2, minutes=45, closed=True) and over(2, minutes=5, completed=True)


def test_peer_feedback_patterns_need_two_peers_and_quote_the_newest_evidence():
    from interviews.engine.peer_feedback_patterns import ReceivedFeedback, peer_feedback_patterns

    def feedback(i, **scores):
        base = {"problem_solving": 4, "communication": 4, "code_quality": 4, "hints_needed": "few",
                "would_hire": "yes"}
        return ReceivedFeedback(id=i, booking_id=10 + i, half=1, topic="Algorithms", author=f"Peer {i}",
                                at=f"2026-11-0{i}T10:00:00+00:00", url=f"/f/{i}", **(base | scores))

    assert peer_feedback_patterns([feedback(1, code_quality=1)]) == []  # one opinion is not a pattern
    found = peer_feedback_patterns([feedback(1, code_quality=1), feedback(2, code_quality=2, would_hire="no"),
                                    feedback(3, would_hire="strong_no", communication=5)])
    assert [(p["code"], p["occurrences"]) for p in found] == [("peer_code_quality", 2), ("peer_would_not_hire", 2)]
    assert [e["feedback"] for e in found[0]["evidence"]] == [2, 1]  # newest first
    assert found[1]["evidence"][0]["detail"] == "would hire: strong no"

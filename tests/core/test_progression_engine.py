"""The gamification rules, alone (no database)."""

from datetime import date, timedelta

import pytest

from accounts.progression import (
    AchievementRule,
    CriteriaType,
    Observation,
    compute_streak,
    level_for_xp,
    level_progress,
    rule_is_met,
    xp_for_level,
)
from accounts.progression.achievements import rule_progress


@pytest.mark.parametrize(
    ("xp", "level"),
    [(0, 1), (99, 1), (100, 2), (299, 2), (300, 3), (599, 3), (600, 4), (1000, 5), (4499, 9), (4500, 10)],
)
def test_level_boundaries_follow_the_documented_formula(xp, level):
    assert level_for_xp(xp) == level


def test_level_is_exact_for_every_xp_up_to_a_high_level():
    for level in range(1, 200):
        assert level_for_xp(xp_for_level(level)) == level
        assert level_for_xp(xp_for_level(level + 1) - 1) == level


def test_level_progress_reports_position_inside_the_level():
    p = level_progress(450)
    assert (p.level, p.level_floor_xp, p.next_level_xp, p.into_level, p.percent) == (3, 300, 600, 150, 50)


D = date(2026, 11, 18)  # a Wednesday


def days(*offsets):
    return [D - timedelta(days=o) for o in offsets]


def test_no_activity_no_streak():
    assert compute_streak([], D).current == 0


def test_consecutive_days_count():
    result = compute_streak(days(0, 1, 2), D)
    assert (result.current, result.active_today) == (3, True)


def test_today_not_done_yet_keeps_yesterdays_streak():
    result = compute_streak(days(1, 2, 3), D)
    assert result.current == 3 and not result.active_today


def test_one_missed_day_in_a_week_is_frozen():
    # Active Mon, (missed Tue), Wed: the streak survives with one freeze and counts 2 days.
    result = compute_streak(days(0, 2), D)
    assert result.current == 2
    assert result.frozen_days == (D - timedelta(days=1),)


def test_second_missed_day_in_the_same_week_breaks_the_streak():
    # Sun 15 .. Sat 21 is not one ISO week; use Mon 16 (offset 2) and Fri 20 in a later week.
    wednesday = D
    active = [wednesday, wednesday - timedelta(days=2), wednesday - timedelta(days=4)]
    # Missed Tue and Sun... Sunday is in the previous ISO week, so it is that week's freeze.
    result = compute_streak(active, wednesday)
    assert result.current == 3
    # Now two gaps inside the same ISO week (Mon 16 and ... ) -> only the newer one is forgiven.
    saturday = date(2026, 11, 21)
    active = [saturday, saturday - timedelta(days=2), saturday - timedelta(days=4)]  # Sat, Thu, Tue
    result = compute_streak(active, saturday)
    assert result.current == 2  # Fri forgiven, Wed is the week's second miss


def test_two_missed_days_in_a_row_break_the_streak():
    assert compute_streak(days(0, 3, 4, 5), D).current == 1


def test_yesterday_missed_is_covered_by_this_weeks_freeze():
    result = compute_streak(days(2, 3), D)
    assert result.current == 2 and result.frozen_days == (D - timedelta(days=1),)


def test_longest_streak_is_found_in_the_past():
    active = days(0) + days(*range(20, 30))
    result = compute_streak(active, D)
    assert result.current == 1 and result.longest == 10


def test_future_days_are_ignored():
    assert compute_streak([D + timedelta(days=1)], D).current == 0


def rule(kind, target, event="challenge.solved", special=""):
    return AchievementRule("x", CriteriaType(kind), target, event, special)


def test_count_rule_counts_its_event_only():
    obs = Observation(event_type="challenge.solved", event_counts={"challenge.solved": 9, "post": 50})
    assert not rule_is_met(rule("count", 10), obs)
    obs = Observation(event_type="challenge.solved", event_counts={"challenge.solved": 10})
    assert rule_is_met(rule("count", 10), obs)
    assert rule_progress(rule("count", 10), Observation(event_type="", event_counts={"challenge.solved": 4})) == (4, 10)


def test_score_and_time_rules_look_at_the_event_that_just_happened():
    assert rule_is_met(rule("score", 90, "interview.completed"),
                       Observation(event_type="interview.completed", event_value=92))
    assert not rule_is_met(rule("score", 90, "interview.completed"),
                           Observation(event_type="challenge.solved", event_value=92))
    assert rule_is_met(rule("time", 300), Observation(event_type="challenge.solved", event_value=120))
    assert not rule_is_met(rule("time", 300), Observation(event_type="challenge.solved", event_value=301))
    assert not rule_is_met(rule("time", 300), Observation(event_type="challenge.solved", event_value=None))


def test_streak_level_and_special_rules():
    assert rule_is_met(rule("streak", 7), Observation(event_type="", streak=7))
    assert not rule_is_met(rule("level", 5), Observation(event_type="", level=4))
    assert rule_is_met(rule("special", 1, special="night_owl"), Observation(event_type="", local_hour=2))
    assert not rule_is_met(rule("special", 1, special="night_owl"), Observation(event_type="", local_hour=5))
    assert rule_is_met(rule("special", 1, special="early_bird"), Observation(event_type="", local_hour=5))
    assert not rule_is_met(rule("special", 1, special="no_such_rule"), Observation(event_type=""))

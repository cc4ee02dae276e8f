"""The analytics engine alone: no Django, no database."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.engine import (
    MEASURED,
    NO_DATA,
    NOT_AVAILABLE,
    JobSkill,
    Part,
    PlanItem,
    ReadinessInput,
    SkillEvidence,
    bucket_durations,
    fill_days,
    readiness_compute,
    readiness_value,
    skill_level,
    skill_levels,
    trend_projection,
)
from analytics.engine.series import t95

SKILLS = (JobSkill("dynamic-programming", "Dynamic programming", True),
          JobSkill("graph-algorithms", "Graph algorithms", True),
          JobSkill("docker", "Docker", False))


def test_levels_follow_the_documented_thresholds():
    assert [skill_level(p) for p in (0, 0.5, 1, 2, 3.9, 4, 7, 10.9, 11, 50)] == [0, 0, 1, 2, 2, 3, 4, 4, 5, 5]


def test_skill_levels_group_evidence_and_keep_what_moved_them():
    levels = skill_levels([
        SkillEvidence("dp", "DP", "challenge", 2, "Solved A (medium)"),
        SkillEvidence("dp", "DP", "challenge", 3, "Solved B (hard)"),
        SkillEvidence("sql", "SQL", "resume", 1, "Resume: listed"),
        SkillEvidence("go", "Go", "resume", 0, "ignored"),
    ])
    assert [(s.skill_id, s.level, s.points) for s in levels] == [("dp", 3, 5), ("sql", 1, 1)]
    assert [e.label for e in levels[0].evidence] == ["Solved B (hard)", "Solved A (medium)"]
    assert levels[0].next_level_points == 7


def test_readiness_is_the_weighted_mean_of_counted_parts():
    data = ReadinessInput(job_skills=SKILLS, challenge_points={"dynamic-programming": 4, "graph-algorithms": 2},
                          resume_match=70)
    result = readiness_compute(data)
    resume, skills = result.parts
    assert resume.status == skills.status == MEASURED
    # Skills: DP level 3 (3/3), graphs level 2 (2/3), docker 0 at half weight -> (1 + 2/3) / 2.5.
    assert skills.score == pytest.approx((1 + 2 / 3) / 2.5)
    assert result.value == pytest.approx(100 * (0.4 * 0.7 + 0.6 * skills.score) / 1.0)
    assert [g.skill_id for g in result.gaps] == ["graph-algorithms", "docker"]


def test_a_source_that_is_not_available_is_left_out_not_counted_as_zero():
    absent = Part("interview_dimensions", "Interviews", 0.3, NOT_AVAILABLE)
    base = ReadinessInput(job_skills=SKILLS, challenge_points={"dynamic-programming": 11}, resume_match=50)
    with_absent = ReadinessInput(**{**base.__dict__, "other_parts": (absent,)})
    assert readiness_value(with_absent) == pytest.approx(readiness_value(base))
    present_but_empty = ReadinessInput(**{**base.__dict__, "other_parts": (Part("x", "X", 0.3, NO_DATA, 0.0),)})
    assert readiness_value(present_but_empty) < readiness_value(base)


def test_no_resume_check_counts_as_zero_and_the_plan_starts_with_measuring_it():
    data = ReadinessInput(job_skills=SKILLS, challenge_points={})
    result = readiness_compute(data, [PlanItem("resume", "Check your resume"),
                                      PlanItem("challenge", "Solve X", skill_points={"docker": 3})])
    assert result.parts[0].status == NO_DATA and result.value == 0
    assert [i.title for i in result.plan] == ["Check your resume", "Solve X"]
    assert result.plan[0].gain is None and result.plan[1].gain > 0


def test_an_interview_to_do_stays_in_the_plan_with_an_unknown_gain():
    interviews = Part("interview_dimensions", "Interviews", 0.3, NO_DATA, 0.0, "No interview yet")
    data = ReadinessInput(job_skills=SKILLS, challenge_points={}, resume_match=60, other_parts=(interviews,))
    result = readiness_compute(data, [PlanItem("interview", "Do a mock interview"),
                                      PlanItem("learning", "Read about it")])
    assert [(i.title, i.gain) for i in result.plan] == [("Do a mock interview", None)]  # no gain: dropped
    assert result.value == pytest.approx(100 * 0.4 * 0.6 / (0.4 + 0.6 + 0.3))


def test_checks_of_unknown_gain_come_in_the_order_of_the_part_they_measure():
    """Resume match (weight 0.4), then AI interviews (0.3), then peer feedback (0.15), whatever
    their titles say, and all before the items whose gain is known."""
    data = ReadinessInput(job_skills=SKILLS, challenge_points={})
    result = readiness_compute(data, [PlanItem("peer", "Book a peer mock interview"),
                                      PlanItem("challenge", "Solve X", skill_points={"docker": 3}),
                                      PlanItem("interview", "Do a mock interview"),
                                      PlanItem("resume", "Check your resume")])
    assert [i.kind for i in result.plan] == ["resume", "interview", "peer", "challenge"]


def test_the_plan_is_ordered_by_gain_and_drops_items_that_change_nothing():
    data = ReadinessInput(job_skills=SKILLS, challenge_points={"dynamic-programming": 11}, resume_match=60)
    items = [PlanItem("challenge", "More DP", skill_points={"dynamic-programming": 3}),  # already at target
             PlanItem("challenge", "Docker easy", skill_points={"docker": 1}),
             PlanItem("challenge", "Graphs hard", skill_points={"graph-algorithms": 3}),
             PlanItem("learning", "Close a resume gap", resume_points=5)]
    plan = readiness_compute(data, items).plan
    assert [i.title for i in plan] == ["Graphs hard", "Docker easy", "Close a resume gap"]
    assert plan[0].gain > plan[1].gain > plan[2].gain > 0


points = st.dictionaries(st.sampled_from([s.skill_id for s in SKILLS]), st.floats(0, 20), max_size=3)


@settings(max_examples=80, deadline=None)
@given(points, st.one_of(st.none(), st.floats(0, 100)), points, st.floats(0, 30))
def test_doing_a_plan_item_never_lowers_readiness(before, match, extra, resume_points):
    data = ReadinessInput(job_skills=SKILLS, challenge_points=before, resume_match=match)
    value = readiness_value(data) or 0
    item = PlanItem("challenge", "item", skill_points=extra, resume_points=resume_points)
    for planned in readiness_compute(data, [item]).plan:
        assert planned.gain > 0
    after_points = {k: before.get(k, 0) + extra.get(k, 0) for k in set(before) | set(extra)}
    after_match = None if match is None else min(100, match + resume_points)
    assert (readiness_value(ReadinessInput(job_skills=SKILLS, challenge_points=after_points,
                                           resume_match=after_match)) or 0) >= value - 1e-9
    assert 0 <= value <= 100


def test_buckets_and_days():
    assert bucket_durations([10, 299, 300, 1000, 3599, 3600, 7200, 99999, -1]) == [
        ("under 5 min", 2), ("5-15 min", 1), ("15-30 min", 1), ("30-60 min", 1), ("1-2 h", 1), ("over 2 h", 2)]
    start = date(2026, 1, 30)
    assert fill_days({date(2026, 2, 1): 3}, start, date(2026, 2, 2)) == [
        (date(2026, 1, 30), 0), (date(2026, 1, 31), 0), (date(2026, 2, 1), 3), (date(2026, 2, 2), 0)]


def test_trend_says_plainly_when_there_is_not_enough_history():
    day = date(2026, 3, 1)
    assert trend_projection([], 80).status == "not_enough_history"
    p = trend_projection([(day, 10), (day + timedelta(days=1), 20)], 80)
    assert p.status == "not_enough_history" and "2 day(s)" in p.explanation
    assert trend_projection([(day, 85)], 80).status == "reached"


def test_a_perfect_line_projects_a_date_with_a_tight_interval():
    day = date(2026, 3, 1)
    series = [(day + timedelta(days=i), 20 + 5 * i) for i in range(5)]  # 20..40, +5 a day
    p = trend_projection(series, 80)
    assert p.status == "projected"
    assert p.slope_per_day == pytest.approx(5)
    assert p.crosses_on == day + timedelta(days=12)  # 40 + 5 * 8 = 80 on day 4 + 8
    assert p.earliest == p.crosses_on == p.latest


def test_noise_widens_the_interval_and_a_flat_trend_gives_no_date():
    day = date(2026, 3, 1)
    noisy = [(day + timedelta(days=i), v) for i, v in enumerate([20, 30, 24, 36, 31, 42])]
    p = trend_projection(noisy, 80)
    assert p.status == "projected" and p.slope_low < p.slope_per_day < p.slope_high
    assert p.earliest <= p.crosses_on <= p.latest
    flat = [(day + timedelta(days=i), v) for i, v in enumerate([30, 32, 29, 31, 30])]
    q = trend_projection(flat, 80)
    assert q.status == "not_rising" and q.crosses_on is None and "no date" in q.explanation


def test_t_quantiles():
    assert t95(1) == pytest.approx(12.706) and t95(21) == pytest.approx(2.086) and t95(100) == 1.96

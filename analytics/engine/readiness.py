"""Skill levels and readiness for a target job, with the practice plan that would raise it.

Readiness (0-100) is a weighted mean of parts, one per evidence source (analytics/evidence.py):

    readiness = 100 * sum(weight * score for counted parts) / sum(weight of counted parts)

A part is "measured" (score 0..1 from evidence), "no_data" (its app is here but the user has not
produced evidence for this job yet: it counts as 0, and the plan says how to get it), or
"not_available" (its app has not landed: left out of both sums, and said so on the page).

The challenge-skills part: every skill the job asks for has a weight (required 1, preferred 0.5)
and a level 0-5 from solved challenges; the part's score is sum(weight * min(level, TARGET_LEVEL)
/ TARGET_LEVEL) / sum(weight). Levels come from evidence points (LEVEL_POINTS thresholds).

A plan item carries the evidence it would add (skill points, or ATS points for the resume part);
its gain is readiness with that evidence added minus readiness now, so the plan is ordered by
what each item would really do to the figure. Adding evidence never lowers a level nor a part,
so doing an item never lowers readiness (tested)."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

# Points needed for levels 1..5 (a medium solve is 2 points, so: 1 medium = 2, 4 mediums ~ level 4).
LEVEL_POINTS: tuple[float, ...] = (1, 2, 4, 7, 11)
TARGET_LEVEL = 3
REQUIRED_WEIGHT, PREFERRED_WEIGHT = 1.0, 0.5
DIFFICULTY_POINTS = {"easy": 1.0, "medium": 2.0, "hard": 3.0}
RESUME_POINTS = {"used_in_role": 2.0, "listed": 1.0, "mentioned": 0.5}

MEASURED, NO_DATA, NOT_AVAILABLE = "measured", "no_data", "not_available"
# Plan items whose gain cannot be known before they are done (they measure, they add no points), in
# the order the plan lists them: by the weight of the part each one measures.
UNMEASURED_KINDS = ("resume", "interview", "peer")


@dataclass(frozen=True)
class SkillEvidence:
    """One thing that moved a skill: a solved challenge or a resume mention."""

    skill_id: str
    name: str
    source: str  # "challenge" | "resume"
    points: float
    label: str
    url: str = ""


@dataclass(frozen=True)
class SkillLevel:
    skill_id: str
    name: str
    level: int
    points: float
    evidence: tuple[SkillEvidence, ...]

    @property
    def next_level_points(self) -> float | None:
        return LEVEL_POINTS[self.level] if self.level < len(LEVEL_POINTS) else None


def skill_level(points: float) -> int:
    return sum(1 for threshold in LEVEL_POINTS if points >= threshold)


def skill_levels(evidence: Iterable[SkillEvidence]) -> list[SkillLevel]:
    """Per skill: its points, level and the evidence behind it; strongest first."""
    grouped: dict[str, list[SkillEvidence]] = defaultdict(list)
    for item in evidence:
        if item.points > 0:
            grouped[item.skill_id].append(item)
    levels = []
    for skill_id, items in grouped.items():
        points = sum(i.points for i in items)
        items.sort(key=lambda i: -i.points)
        levels.append(SkillLevel(skill_id, items[0].name, skill_level(points), points, tuple(items)))
    levels.sort(key=lambda s: (-s.level, -s.points, s.name.lower()))
    return levels


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    weight: float
    status: str  # MEASURED | NO_DATA | NOT_AVAILABLE
    score: float | None = None  # 0..1 when measured
    explanation: str = ""
    evidence: tuple[str, ...] = ()

    @property
    def counted(self) -> bool:
        return self.status != NOT_AVAILABLE

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(100 * self.score)


@dataclass(frozen=True)
class JobSkill:
    skill_id: str
    name: str
    required: bool

    @property
    def weight(self) -> float:
        return REQUIRED_WEIGHT if self.required else PREFERRED_WEIGHT


@dataclass(frozen=True)
class PlanItem:
    kind: str  # "challenge" | "learning" | "resume" | "interview" | "peer"
    title: str
    url: str = ""
    skill_points: Mapping[str, float] = field(default_factory=dict)  # what it adds to which skills
    resume_points: float = 0.0  # ATS points it would add to the resume match
    detail: str = ""
    gain: float | None = None  # readiness points; None: cannot be known before it is done


@dataclass(frozen=True)
class Gap:
    skill_id: str
    name: str
    required: bool
    level: int
    target: int
    source: str  # "challenges" | "resume"
    detail: str = ""


@dataclass(frozen=True)
class Readiness:
    value: float | None
    parts: tuple[Part, ...]
    gaps: tuple[Gap, ...]
    plan: tuple[PlanItem, ...]

    @property
    def rounded(self) -> int | None:
        return None if self.value is None else round(self.value)

    @property
    def missing_sources(self) -> list[Part]:
        return [p for p in self.parts if p.status == NOT_AVAILABLE]


@dataclass(frozen=True)
class ReadinessInput:
    """Everything readiness is computed from; the Django side fills it from the selectors."""

    job_skills: tuple[JobSkill, ...]
    challenge_points: Mapping[str, float]  # skill id -> points from solved challenges
    challenge_evidence: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # skill id -> labels
    resume_match: float | None = None  # the ATS total for this job, 0..100; None: never analysed
    resume_gaps: tuple[Gap, ...] = ()
    resume_weight: float = 0.4
    challenge_weight: float = 0.6
    other_parts: tuple[Part, ...] = ()  # interview dimensions, peer feedback... (evidence registry)


def _skills_score(job_skills: tuple[JobSkill, ...], points: Mapping[str, float]) -> float:
    total = sum(s.weight for s in job_skills)
    if not total:
        return 0.0
    shown = sum(s.weight * min(skill_level(points.get(s.skill_id, 0)), TARGET_LEVEL) / TARGET_LEVEL
                for s in job_skills)
    return shown / total


def _parts(data: ReadinessInput) -> tuple[Part, ...]:
    if data.job_skills:
        levels = {s.skill_id: skill_level(data.challenge_points.get(s.skill_id, 0)) for s in data.job_skills}
        at_target = sum(1 for s in data.job_skills if levels[s.skill_id] >= TARGET_LEVEL)
        evidence = tuple(label for s in data.job_skills for label in data.challenge_evidence.get(s.skill_id, ()))
        skills = Part("challenge_skills", "Skills shown by solved challenges", data.challenge_weight, MEASURED,
                      _skills_score(data.job_skills, data.challenge_points),
                      f"{at_target} of {len(data.job_skills)} skills the job asks for are at level "
                      f"{TARGET_LEVEL} or above (required count double).", evidence)
    else:
        skills = Part("challenge_skills", "Skills shown by solved challenges", data.challenge_weight, NO_DATA, 0.0,
                      "The job names no skill from the ontology, so no challenge can show one.")
    if data.resume_match is None:
        resume = Part("resume_match", "Resume match (ATS) for this job", data.resume_weight, NO_DATA, 0.0,
                      "No resume has been checked against this job yet: it counts as 0 until one is.")
    else:
        resume = Part("resume_match", "Resume match (ATS) for this job", data.resume_weight, MEASURED,
                      max(0.0, min(100.0, data.resume_match)) / 100,
                      f"The latest ATS check of your resume against this job scored {data.resume_match:g}/100.")
    return (resume, skills, *data.other_parts)


def _value(parts: tuple[Part, ...]) -> float | None:
    counted = [p for p in parts if p.counted]
    weight = sum(p.weight for p in counted)
    if not weight:
        return None
    return 100 * sum(p.weight * (p.score or 0.0) for p in counted) / weight


def _with_item(data: ReadinessInput, item: PlanItem) -> ReadinessInput:
    points = dict(data.challenge_points)
    for skill_id, extra in item.skill_points.items():
        points[skill_id] = points.get(skill_id, 0) + max(0.0, extra)
    match = data.resume_match
    if item.resume_points and match is not None:
        match = min(100.0, match + max(0.0, item.resume_points))
    return replace(data, challenge_points=points, resume_match=match)


def readiness_value(data: ReadinessInput) -> float | None:
    return _value(_parts(data))


def readiness_compute(data: ReadinessInput, candidates: Iterable[PlanItem] = (), plan_size: int = 8) -> Readiness:
    parts = _parts(data)
    value = _value(parts)
    gaps = [Gap(s.skill_id, s.name, s.required, skill_level(data.challenge_points.get(s.skill_id, 0)),
                TARGET_LEVEL, "challenges",
                f"{data.challenge_points.get(s.skill_id, 0):g} of {LEVEL_POINTS[TARGET_LEVEL - 1]:g} points "
                f"from solved challenges")
            for s in data.job_skills if skill_level(data.challenge_points.get(s.skill_id, 0)) < TARGET_LEVEL]
    gaps.sort(key=lambda g: (not g.required, g.level, g.name.lower()))
    plan = []
    for item in candidates:
        if item.gain is None and item.kind in UNMEASURED_KINDS:
            plan.append(item)  # a check or an interview: its effect is unknown until it is measured
            continue
        after = readiness_value(_with_item(data, item))
        gain = (after or 0.0) - (value or 0.0)
        if gain > 1e-9:
            plan.append(replace(item, gain=gain))
    # Checks whose effect is unknown come first, in the order of UNMEASURED_KINDS (the weight of the
    # part each one measures), then the rest by what they add.
    plan.sort(key=lambda i: (i.gain is not None, UNMEASURED_KINDS.index(i.kind) if i.gain is None else 0,
                             -(i.gain or 0.0), i.title.lower()))
    return Readiness(value, parts, (*gaps, *data.resume_gaps), tuple(plan[:plan_size]))

"""A question as the engine sees it, and the seed format (one TOML/JSON table per question) read
into it with every rule of the format checked, so that a bad seed file fails with the slug and
the field at fault instead of half-loading."""

import re
from dataclasses import dataclass, field

CATEGORIES = ("behavioral", "hr", "system_design", "dsa_concepts", "language_framework", "role_specific")
DIFFICULTIES = ("easy", "medium", "hard")
DIMENSIONS = ("relevance", "depth", "structure", "clarity", "concision")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WEIGHT_TOLERANCE = 0.011


class SeedError(ValueError):
    """One question of a seed or import does not follow the format."""


@dataclass(frozen=True)
class TalkingPoint:
    text: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class RubricItem:
    criterion: str
    dimension: str
    weight: float
    weak: str
    fair: str
    strong: str


@dataclass(frozen=True)
class FollowUp:
    prompt: str
    talking_point: int | None


@dataclass(frozen=True)
class QuestionSpec:
    slug: str
    category: str
    difficulty: str
    prompt: str
    skills: tuple[str, ...] = ()
    role_families: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    star: bool = False
    hints: tuple[str, ...] = ()
    talking_points: tuple[TalkingPoint, ...] = ()
    rubric: tuple[RubricItem, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    sample_strong_answer: str = ""
    sample_weak_answer: str = ""
    # The calibrated difficulty (calibration.py), when there is one: rating and how many answers.
    rating: float | None = None
    rated_answers: int = 0
    extra: dict = field(default_factory=dict, compare=False, hash=False)


def _text(data: dict, key: str, slug: str, *, required: bool = True, max_length: int = 5000) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise SeedError(f"{slug}: {key} must be text")
    value = value.strip()
    if required and not value:
        raise SeedError(f"{slug}: {key} is required")
    if len(value) > max_length:
        raise SeedError(f"{slug}: {key} is longer than {max_length} characters")
    return value


def _strings(data: dict, key: str, slug: str, *, lower: bool = False, max_items: int = 60) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SeedError(f"{slug}: {key} must be a list of non-empty strings")
    if len(value) > max_items:
        raise SeedError(f"{slug}: {key} has more than {max_items} items")
    cleaned = [v.strip()[:300] for v in value]
    return tuple(v.lower() for v in cleaned) if lower else tuple(cleaned)


def parse_question(data, *, known_skills=None, known_role_families=None) -> QuestionSpec:
    """One `[[question]]` table → a QuestionSpec, or SeedError naming what is wrong.
    `known_skills` (the ontology's ids) and `known_role_families`, when given, are enforced."""
    if not isinstance(data, dict):
        raise SeedError("a question must be a table")
    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 80:
        raise SeedError(f"{slug!r}: slug must be kebab-case (a-z, 0-9, hyphens), at most 80 characters")
    category = data.get("category")
    if category not in CATEGORIES:
        raise SeedError(f"{slug}: category must be one of {', '.join(CATEGORIES)}")
    difficulty = data.get("difficulty")
    if difficulty not in DIFFICULTIES:
        raise SeedError(f"{slug}: difficulty must be one of {', '.join(DIFFICULTIES)}")
    skills = _strings(data, "skills", slug, lower=True)
    if known_skills is not None:
        unknown = [s for s in skills if s not in known_skills]
        if unknown:
            raise SeedError(f"{slug}: skills not in the ontology: {', '.join(unknown)}")
    role_families = _strings(data, "role_families", slug, lower=True)
    if known_role_families is not None:
        unknown = [r for r in role_families if r not in known_role_families]
        if unknown:
            raise SeedError(f"{slug}: unknown role families: {', '.join(unknown)}")
    star = data.get("star", category == "behavioral")
    if not isinstance(star, bool):
        raise SeedError(f"{slug}: star must be true or false")

    points = []
    raw_points = data.get("talking_points", [])
    if not isinstance(raw_points, list):
        raise SeedError(f"{slug}: talking_points must be a list of tables")
    for index, point in enumerate(raw_points):
        if not isinstance(point, dict):
            raise SeedError(f"{slug}: talking point {index} must be a table")
        keywords = _strings(point, "keywords", f"{slug} talking point {index}", lower=True)
        if not keywords:
            raise SeedError(f"{slug}: talking point {index} needs keywords")
        points.append(TalkingPoint(_text(point, "text", f"{slug} talking point {index}", max_length=300), keywords))

    rubric = []
    raw_rubric = data.get("rubric", [])
    if not isinstance(raw_rubric, list):
        raise SeedError(f"{slug}: rubric must be a list of tables")
    for index, item in enumerate(raw_rubric):
        where = f"{slug} rubric {index}"
        if not isinstance(item, dict):
            raise SeedError(f"{where}: must be a table")
        dimension = item.get("dimension")
        if dimension not in DIMENSIONS:
            raise SeedError(f"{where}: dimension must be one of {', '.join(DIMENSIONS)}")
        weight = item.get("weight")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 1:
            raise SeedError(f"{where}: weight must be a number in (0, 1]")
        rubric.append(RubricItem(_text(item, "criterion", where, max_length=120), dimension, float(weight),
                                 _text(item, "weak", where, max_length=500), _text(item, "fair", where, max_length=500),
                                 _text(item, "strong", where, max_length=500)))
    if rubric and abs(sum(r.weight for r in rubric) - 1.0) > WEIGHT_TOLERANCE:
        raise SeedError(f"{slug}: rubric weights sum to {sum(r.weight for r in rubric):.2f}, not 1.0")

    follow_ups = []
    raw_follow_ups = data.get("follow_ups", [])
    if not isinstance(raw_follow_ups, list):
        raise SeedError(f"{slug}: follow_ups must be a list of tables")
    for index, item in enumerate(raw_follow_ups):
        where = f"{slug} follow-up {index}"
        if not isinstance(item, dict):
            raise SeedError(f"{where}: must be a table")
        point = item.get("talking_point")
        if point is not None and (isinstance(point, bool) or not isinstance(point, int)
                                  or not 0 <= point < len(points)):
            raise SeedError(f"{where}: talking_point must be the index of one of its {len(points)} talking points")
        follow_ups.append(FollowUp(_text(item, "prompt", where, max_length=1000), point))

    return QuestionSpec(
        slug=slug, category=category, difficulty=difficulty, prompt=_text(data, "prompt", slug, max_length=3000),
        skills=skills, role_families=role_families, keywords=_strings(data, "keywords", slug, lower=True),
        star=star, hints=_strings(data, "hints", slug), talking_points=tuple(points), rubric=tuple(rubric),
        follow_ups=tuple(follow_ups),
        sample_strong_answer=_text(data, "sample_strong_answer", slug, required=False, max_length=5000),
        sample_weak_answer=_text(data, "sample_weak_answer", slug, required=False, max_length=5000),
    )


def question_to_data(spec: QuestionSpec) -> dict:
    """The seed format of one question (what export writes and import reads back)."""
    data = {
        "slug": spec.slug, "category": spec.category, "difficulty": spec.difficulty, "skills": list(spec.skills),
        "role_families": list(spec.role_families), "prompt": spec.prompt, "keywords": list(spec.keywords),
        "star": spec.star, "hints": list(spec.hints), "sample_strong_answer": spec.sample_strong_answer,
        "sample_weak_answer": spec.sample_weak_answer,
        "talking_points": [{"text": p.text, "keywords": list(p.keywords)} for p in spec.talking_points],
        "rubric": [{"criterion": r.criterion, "dimension": r.dimension, "weight": r.weight, "weak": r.weak,
                    "fair": r.fair, "strong": r.strong} for r in spec.rubric],
        "follow_ups": [{"prompt": f.prompt, **({"talking_point": f.talking_point} if f.talking_point is not None
                                               else {})} for f in spec.follow_ups],
    }
    return data

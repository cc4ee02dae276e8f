"""The interview question seed files (interviews/seed/questions/*.toml) follow their format.

Read with tomllib only, so that the content is checked apart from the interviews app and its
loader; the only project code imported is the resume ontology and the ATS, which own the skill
and role-family names the questions may use."""

import itertools
import re
import tomllib
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from resumes.ats.job import ROLE_WORDS
from resumes.ats.scoring import ROLE_ADJUSTMENTS
from resumes.ontology import default_ontology

SEED_DIR = Path(__file__).resolve().parents[2] / "interviews" / "seed" / "questions"
CATEGORIES = ("behavioral", "hr", "system_design", "dsa_concepts", "language_framework", "role_specific")
DIFFICULTIES = {"easy", "medium", "hard"}
DIMENSIONS = {"relevance", "depth", "structure", "clarity", "concision"}
MIN_TOTAL, MIN_PER_CATEGORY, MIN_PER_DIFFICULTY = 160, 22, 4
QUESTION_KEYS = {"slug", "category", "difficulty", "skills", "role_families", "prompt", "keywords", "star",
                 "hints", "sample_strong_answer", "sample_weak_answer", "talking_points", "rubric",
                 "follow_ups"}
OPTIONAL_KEYS = {"role_families"}
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Two prompts this alike (rapidfuzz's token_sort_ratio, 0-100) ask the same thing.
NEAR_DUPLICATE = 80
# Keywords match as substrings, so "ms" is in "problems" and "now" in "know". A keyword found in
# more of the bank's weak samples (vague answers, mostly to other questions) than this is too
# generic to evidence anything.
MOST_WEAK_SAMPLES_PER_KEYWORD = 4


def words(text: str) -> int:
    return len(text.split())


def points_hit(answer: str, question: dict) -> list[int]:
    lower = answer.lower()
    return [i for i, point in enumerate(question["talking_points"])
            if any(keyword in lower for keyword in point["keywords"])]


def load() -> list[tuple[str, dict]]:
    loaded = []
    for category in CATEGORIES:
        data = tomllib.loads((SEED_DIR / f"{category}.toml").read_text(encoding="utf-8"))
        assert set(data) == {"question"}, f"{category}.toml: only [[question]] tables"
        loaded += [(category, question) for question in data["question"]]
    return loaded


QUESTIONS = load()


def test_every_category_has_its_file_and_nothing_else_is_there():
    assert sorted(p.name for p in SEED_DIR.iterdir()) == sorted(f"{c}.toml" for c in CATEGORIES)


def test_counts_per_category_and_difficulty():
    assert len(QUESTIONS) >= MIN_TOTAL
    for category in CATEGORIES:
        own = [q for c, q in QUESTIONS if c == category]
        assert len(own) >= MIN_PER_CATEGORY, category
        for difficulty in DIFFICULTIES:
            count = sum(q["difficulty"] == difficulty for q in own)
            assert count >= MIN_PER_DIFFICULTY, (category, difficulty, count)


def test_slugs_are_unique_kebab_case_and_prefixed_by_category():
    slugs = [q["slug"] for _, q in QUESTIONS]
    assert len(slugs) == len(set(slugs)), sorted(s for s in slugs if slugs.count(s) > 1)
    for category, question in QUESTIONS:
        assert SLUG.fullmatch(question["slug"]), question["slug"]
        assert question["slug"].startswith(category.replace("_", "-") + "-"), question["slug"]


def test_no_two_prompts_ask_the_same_thing():
    prompts = [(q["slug"], q["prompt"].lower()) for _, q in QUESTIONS]
    alike = [(a, b) for (a, pa), (b, pb) in itertools.combinations(prompts, 2)
             if fuzz.token_sort_ratio(pa, pb) >= NEAR_DUPLICATE]
    assert not alike


def each_question(check) -> list[str]:
    """Runs `check(category, question)` on every question; the failures, one line per question.
    (One test over all questions rather than one test each: 168 Django-fixture set-ups cost CI
    far more than the checks.)"""
    failures = []
    for category, question in QUESTIONS:
        try:
            check(category, question)
        except AssertionError as error:
            failures.append(f"{question.get('slug', '?')}: {error}")
    return failures


def shape_and_allowed_values(category, question):
    assert QUESTION_KEYS - OPTIONAL_KEYS <= set(question) <= QUESTION_KEYS, sorted(set(question) ^ QUESTION_KEYS)
    assert question["category"] == category
    assert question["difficulty"] in DIFFICULTIES, question["difficulty"]
    assert isinstance(question["star"], bool)
    # Behavioral questions are the ones judged on STAR; technical ones never are.
    if category == "behavioral":
        assert question["star"] is True, "a behavioral question is judged on STAR"
    elif category != "hr":
        assert question["star"] is False, "only behavioral and HR questions are judged on STAR"
    assert question["prompt"].strip() and question["prompt"].strip() == question["prompt"]
    assert question["keywords"] and all(isinstance(k, str) and k.strip() for k in question["keywords"])
    assert 1 <= len(question["hints"]) <= 3 and all(h.strip() for h in question["hints"]), "1-3 hints"


def known_names(category, question):
    ontology = default_ontology()
    assert question["skills"], "at least one skill"
    unknown = [s for s in question["skills"] if ontology.get(s) is None]
    assert not unknown, f"not in the resume ontology: {unknown}"
    assert len(set(question["skills"])) == len(question["skills"]), "a skill twice"
    families = set(ROLE_WORDS) | set(ROLE_ADJUSTMENTS)
    unknown = [f for f in question.get("role_families", []) if f not in families]
    assert not unknown, f"not an ATS role family: {unknown}"
    if category == "role_specific":
        assert question.get("role_families"), "a role-specific question names its roles"


def points_rubric_and_follow_ups(category, question):
    points = question["talking_points"]
    assert 3 <= len(points) <= 5, f"{len(points)} talking points"
    for point in points:
        assert set(point) == {"text", "keywords"} and point["text"].strip() and point["keywords"], point
        assert all(k and k == k.lower() and k.strip() == k for k in point["keywords"]), point["keywords"]
    rubric = question["rubric"]
    assert 3 <= len(rubric) <= 5, f"{len(rubric)} rubric criteria"
    for criterion in rubric:
        assert set(criterion) == {"criterion", "dimension", "weight", "weak", "fair", "strong"}, criterion
        assert criterion["dimension"] in DIMENSIONS, criterion["dimension"]
        assert 0 < criterion["weight"] <= 1, criterion["weight"]
        assert all(criterion[k].strip() for k in ("criterion", "weak", "fair", "strong"))
    total = sum(c["weight"] for c in rubric)
    assert abs(total - 1.0) <= 1e-6, f"rubric weights sum to {total}"
    follow_ups = question["follow_ups"]
    assert 1 <= len(follow_ups) <= 3, f"{len(follow_ups)} follow-ups"
    for follow_up in follow_ups:
        assert set(follow_up) == {"prompt", "talking_point"} and follow_up["prompt"].strip(), follow_up
        index = follow_up["talking_point"]
        assert isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(points), index


def sample_answers(category, question):
    strong, weak = question["sample_strong_answer"], question["sample_weak_answer"]
    assert 80 <= words(strong) <= 200, f"strong sample has {words(strong)} words"
    assert 20 <= words(weak) <= 60, f"weak sample has {words(weak)} words"
    missed = [p["text"] for i, p in enumerate(question["talking_points"]) if i not in points_hit(strong, question)]
    assert not missed, f"the strong sample misses: {missed}"
    hit = points_hit(weak, question)
    assert len(hit) <= 1, f"the weak sample covers points {hit}"
    # The question's keywords are the terms a strong answer uses: the strong sample is one.
    unused = [k for k in question["keywords"] if k.lower() not in strong.lower()]
    assert not unused, f"the strong sample never uses the keywords {unused}"


@pytest.mark.parametrize("check", [shape_and_allowed_values, known_names, points_rubric_and_follow_ups,
                                   sample_answers], ids=lambda check: check.__name__)
def test_every_question(check):
    failures = each_question(check)
    assert not failures, "\n".join(failures)


def test_keywords_are_specific():
    weak_samples = [q["sample_weak_answer"].lower() for _, q in QUESTIONS]
    keywords = {keyword.lower() for _, question in QUESTIONS
                for keyword in [*question["keywords"], *(k for p in question["talking_points"] for k in p["keywords"])]}
    generic = sorted((keyword, count) for keyword in keywords
                     if (count := sum(keyword in sample for sample in weak_samples)) > MOST_WEAK_SAMPLES_PER_KEYWORD)
    assert not generic, f"keywords found in many vague answers: {generic}"


def test_the_checks_catch_a_bad_answer():
    """The keyword matching the sample checks rest on: a strong answer pasted as the weak one fails."""
    _, question = QUESTIONS[0]
    assert len(points_hit(question["sample_strong_answer"], question)) == len(question["talking_points"])
    assert len(points_hit(question["sample_strong_answer"], question)) > 1
    assert points_hit("", question) == []

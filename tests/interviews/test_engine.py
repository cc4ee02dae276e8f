"""The interview engine alone: no Django, no database."""

import glob
import tomllib
from pathlib import Path

import pytest

from interviews.engine import (
    SeedError,
    SessionState,
    calibrated_label,
    choose_next,
    elo_update,
    evaluate,
    parse_question,
)
from interviews.engine.calibration import PRIORS
from interviews.engine.questions import question_to_data

# The product's seed and the tests' small bank of known questions (tests/interviews/questions/).
SEED_FILES = sorted(glob.glob(str(Path(__file__).resolve().parents[2] / "interviews/seed/questions/*.toml"))
                    + glob.glob(str(Path(__file__).resolve().parent / "questions/*.toml")))
QUESTIONS = [parse_question(item) for path in SEED_FILES for item in tomllib.loads(Path(path).read_text())["question"]]
BY_SLUG = {q.slug: q for q in QUESTIONS}


def test_the_seed_files_parse_and_cover_several_categories():
    assert SEED_FILES and len(QUESTIONS) >= 8
    assert len({q.category for q in QUESTIONS}) >= 5
    assert len(BY_SLUG) == len(QUESTIONS)  # slugs are unique across files


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.slug)
def test_the_strong_sample_scores_above_the_weak_one(question):
    strong = evaluate(question, question.sample_strong_answer)
    weak = evaluate(question, question.sample_weak_answer)
    assert strong["overall"] is not None and strong["overall"] >= 50, strong["summary"]
    # A weak sample that gives no evidence scores no number at all, which is below any number.
    assert weak["overall"] is None or weak["overall"] < strong["overall"] - 15
    assert len(strong["talking_points"]["covered"]) > len(weak["talking_points"]["covered"])


def test_every_score_is_explained_by_quotes_from_the_answer_and_the_rubric():
    question = BY_SLUG["starter-behavioral-slow-service"]
    answer = question.sample_strong_answer
    result = evaluate(question, answer)
    for dimension in result["dimensions"]:
        assert dimension["status"] == "scored" and dimension["reason"]
    depth = next(d for d in result["dimensions"] if d["dimension"] == "depth")
    assert depth["evidence"] and all(e.split("”")[0].lstrip("“").rstrip("…") in answer for e in depth["evidence"]
                                     if e.startswith("“"))
    assert depth["rubric"][0]["criterion"] == "Diagnosis and fix" and depth["rubric"][0]["level"] == "strong"
    structure = next(d for d in result["dimensions"] if d["dimension"] == "structure")
    assert "STAR" in structure["reason"] and any(e.startswith("Result:") for e in structure["evidence"])
    assert result["evidence_share"] == 1.0


@pytest.mark.parametrize(("answer", "code"), [
    ("", "empty"),
    ("   \n ", "empty"),
    ("\x00\x01\x02binary\x00" * 20, "unintelligible"),
    ("qzxv bklmn trrpsk wxqz " * 10, "unintelligible"),
    ("Tell me about a time you had to fix a slow service that users were complaining about.", "copied_question"),
    ("It was slow, I fixed it.", "too_short"),
    ("My favourite holiday destination is Portugal. The beaches near Lagos are beautiful in spring and the "
     "seafood is excellent, especially grilled sardines with a glass of wine.", "off_topic"),
])
def test_answers_that_cannot_support_a_judgement_say_so(answer, code):
    question = BY_SLUG["starter-behavioral-slow-service"]
    result = evaluate(question, answer)
    assert code in {c["code"] for c in result["checks"]}
    assert result["overall"] is None and result["verdict"] == "not_enough_evidence"
    unjudged = [d for d in result["dimensions"] if d["score"] is None]
    assert unjudged and all(d["status"] == "not_enough_evidence" and d["reason"] for d in unjudged)
    assert result["evidence_share"] < 1.0
    assert result["summary"].startswith("Not enough evidence")


def test_job_terms_used_and_missing():
    question = BY_SLUG["starter-behavioral-slow-service"]
    terms = [{"term": "Redis", "variants": ["redis"]}, {"term": "Kafka", "variants": ["kafka"]}]
    result = evaluate(question, question.sample_strong_answer, job_terms=terms)
    assert result["job_terms"] == {"used": ["Redis"], "missing": ["Kafka"]}


def test_a_spoken_answer_adds_words_per_minute():
    question = BY_SLUG["starter-behavioral-slow-service"]
    result = evaluate(question, question.sample_strong_answer, duration_seconds=60)
    assert result["delivery"]["words_per_minute"] == result["word_count"]


def _state(**kwargs):
    return SessionState(**{"interview_type": "mixed", "level": 1, "seed": "s", **kwargs})


def test_a_missed_talking_point_gets_its_follow_up():
    question = BY_SLUG["starter-system-design-url-shortener"]
    answer = ("I would use base62 codes from a counter so there are no collisions, store them in a key-value "
              "database partitioned by code, and put Redis in front as a cache because reads dominate.")
    evaluation = evaluate(question, answer)
    assert 0 in {m["index"] for m in evaluation["talking_points"]["missed"]}
    choice = choose_next(QUESTIONS, _state(asked={question.slug}), last=question, last_evaluation=evaluation)
    assert choice.kind == "follow_up" and choice.slug == question.slug and choice.talking_point == 0
    assert "per second" in choice.prompt
    # Never two follow-ups in a row: after one, a new question.
    after = choose_next(QUESTIONS, _state(asked={question.slug}), last=question, last_evaluation=evaluation,
                        last_was_follow_up=True)
    assert after.kind == "question" and after.slug != question.slug


def test_harder_after_strong_easier_after_weak_never_a_repeat():
    question = BY_SLUG["starter-python-gil"]
    strong = evaluate(question, question.sample_strong_answer)
    strong["talking_points"]["missed"] = []  # no follow-up: look at the level only
    weak = evaluate(question, question.sample_weak_answer)
    weak["talking_points"]["missed"] = []
    asked = {question.slug}
    harder = choose_next(QUESTIONS, _state(asked=asked), last=question, last_evaluation=strong)
    easier = choose_next(QUESTIONS, _state(asked=asked), last=question, last_evaluation=weak)
    assert harder.level == 2 and BY_SLUG[harder.slug].difficulty == "hard" and "harder" in harder.reason
    assert easier.level == 0 and BY_SLUG[easier.slug].difficulty == "easy" and "easier" in easier.reason
    everything = {q.slug for q in QUESTIONS}
    assert choose_next(QUESTIONS, _state(asked=everything)) is None


def test_the_choice_aims_at_gaps_and_the_job():
    gap = choose_next(QUESTIONS, _state(interview_type="technical", gap_skills=("rate-limiting",), level=1))
    assert "rate-limiting" in BY_SLUG[gap.slug].skills and "gap" in gap.reason
    job = choose_next(QUESTIONS, _state(interview_type="technical", target_skills=("python", "concurrency")))
    assert {"python", "concurrency"} & set(BY_SLUG[job.slug].skills) and "job asks" in job.reason
    behavioral = choose_next(QUESTIONS, _state(interview_type="behavioral"))
    assert BY_SLUG[behavioral.slug].category == "behavioral"


def test_elo_calibration_moves_the_question_the_right_way():
    hard_for_them = elo_update(question_rating=PRIORS["easy"], question_answers=0, ability=1500, ability_answers=0,
                               score=10)
    assert hard_for_them.question_rating > PRIORS["easy"] and hard_for_them.ability < 1500
    easy_for_them = elo_update(question_rating=PRIORS["hard"], question_answers=0, ability=1500, ability_answers=0,
                               score=95)
    assert easy_for_them.question_rating < PRIORS["hard"] and easy_for_them.ability > 1500
    rating = PRIORS["easy"]
    for answers in range(30):  # everyone does badly on it: it is really hard
        rating = elo_update(question_rating=rating, question_answers=answers, ability=1500, ability_answers=5,
                            score=15).question_rating
    assert calibrated_label(rating, 30) == "hard"
    assert calibrated_label(1500, 2) == "medium (provisional)" and calibrated_label(None, 0) == ""


@pytest.mark.parametrize(("change", "message"), [
    ({"slug": "Not Kebab"}, "kebab-case"),
    ({"category": "trivia"}, "category"),
    ({"difficulty": "extreme"}, "difficulty"),
    ({"skills": ["not-a-skill-at-all"]}, "ontology"),
    ({"rubric": [{"criterion": "x", "dimension": "depth", "weight": 0.5, "weak": "a", "fair": "b", "strong": "c"}]},
     "sum to"),
    ({"follow_ups": [{"prompt": "Why?", "talking_point": 99}]}, "talking_point"),
    ({"talking_points": [{"text": "A point", "keywords": []}]}, "keywords"),
])
def test_the_seed_format_is_enforced(change, message):
    data = {**question_to_data(BY_SLUG["starter-dsa-hash-map"]), **change}
    with pytest.raises(SeedError, match=message):
        parse_question(data, known_skills={"data-structures", "big-o"})


def test_export_and_parse_round_trip():
    for question in QUESTIONS:
        again = parse_question(question_to_data(question))
        assert again == question

"""Interview progress and mistake patterns mined from a user's evaluations."""

import statistics

from .evaluation import FAIR

# (code, what it looks like, how it shows in an evaluation, what to do)
PATTERNS = (
    ("star_missing_result", "Behavioral answers without a result",
     lambda e, star: star and _structure_lacks(e, "result"),
     "End every story with the outcome, in numbers if you can, and what you learned."),
    ("star_missing_situation", "Behavioral answers without context",
     lambda e, star: star and _structure_lacks(e, "situation"),
     "Open with one or two sentences of situation: where, when, what was at stake."),
    ("no_figures", "Answers without concrete figures",
     lambda e, star: _reason_has(e, "depth", "no figures"),
     "Quantify: latency, users, money, time saved; estimates count in system design."),
    ("no_reasoning", "Choices without the reason for them",
     lambda e, star: _reason_has(e, "depth", "does not say why"),
     "Say why for every choice (\"because...\", the trade-off you accepted)."),
    ("too_short", "Answers too short to judge",
     lambda e, star: any(c["code"] == "too_short" for c in e.get("checks", [])),
     "Aim for one to two minutes: the point, an example, the result."),
    ("off_topic", "Answers that miss the question",
     lambda e, star: any(c["code"] == "off_topic" for c in e.get("checks", [])),
     "Repeat the question's key term in your first sentence, then answer it."),
    ("long_sentences", "Long, hard-to-follow sentences",
     lambda e, star: _score_below(e, "clarity", FAIR),
     "Shorter sentences, fewer fillers (\"basically\", \"like\", \"kind of\")."),
)


def _dimension(evaluation: dict, name: str) -> dict:
    return next((d for d in evaluation.get("dimensions", []) if d["dimension"] == name), {})


def _structure_lacks(evaluation: dict, part: str) -> bool:
    structure = _dimension(evaluation, "structure")
    return structure.get("score") is not None and part in structure.get("reason", "").split("missing", 1)[-1] \
        and "missing" in structure.get("reason", "")


def _reason_has(evaluation: dict, name: str, text: str) -> bool:
    dimension = _dimension(evaluation, name)
    return dimension.get("score") is not None and text in dimension.get("reason", "")


def _score_below(evaluation: dict, name: str, limit: int) -> bool:
    score = _dimension(evaluation, name).get("score")
    return score is not None and score < limit


def mistake_patterns(answers: list[tuple[dict, bool]], minimum: int = 2) -> list[dict]:
    """`answers`: (evaluation, the question is judged for STAR). Patterns seen at least
    `minimum` times, most frequent first, each with its occurrences and a recommendation."""
    found = []
    for code, label, test, advice in PATTERNS:
        occurrences = sum(1 for evaluation, star in answers if test(evaluation, star))
        if occurrences >= minimum:
            found.append({"code": code, "pattern": label, "occurrences": occurrences, "recommendation": advice})
    return sorted(found, key=lambda p: -p["occurrences"])


def progress_summary(scores: list[int | None], per_dimension: dict[str, list[int]]) -> dict:
    """Answered, how many could be judged, the average, and consistency (the spread of scores:
    lower is steadier)."""
    judged = [s for s in scores if s is not None]
    return {
        "answered": len(scores), "judged": len(judged),
        "average": round(statistics.fmean(judged)) if judged else None,
        "consistency": round(statistics.pstdev(judged), 1) if len(judged) > 1 else None,
        "recent_average": round(statistics.fmean(judged[-5:])) if judged else None,
        "by_dimension": {d: (round(statistics.fmean(v)) if v else None) for d, v in per_dimension.items()},
    }

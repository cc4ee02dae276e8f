"""Interview progress and mistake patterns mined from a user's evaluations."""

import statistics
from dataclasses import dataclass

from .evaluation import FAIR

# (code, what it looks like, what the evaluation said when it shows it (None when it does not),
# what to do)
PATTERNS = (
    ("star_missing_result", "Behavioral answers without a result",
     lambda e, star: _dimension_reason(e, "structure") if star and _structure_lacks(e, "result") else None,
     "End every story with the outcome, in numbers if you can, and what you learned."),
    ("star_missing_situation", "Behavioral answers without context",
     lambda e, star: _dimension_reason(e, "structure") if star and _structure_lacks(e, "situation") else None,
     "Open with one or two sentences of situation: where, when, what was at stake."),
    ("no_figures", "Answers without concrete figures",
     lambda e, star: _dimension_reason(e, "depth") if _reason_has(e, "depth", "no figures") else None,
     "Quantify: latency, users, money, time saved; estimates count in system design."),
    ("no_reasoning", "Choices without the reason for them",
     lambda e, star: _dimension_reason(e, "depth") if _reason_has(e, "depth", "does not say why") else None,
     "Say why for every choice (\"because...\", the trade-off you accepted)."),
    ("too_short", "Answers too short to judge",
     lambda e, star: _check_message(e, "too_short"),
     "Aim for one to two minutes: the point, an example, the result."),
    ("off_topic", "Answers that miss the question",
     lambda e, star: _check_message(e, "off_topic"),
     "Repeat the question's key term in your first sentence, then answer it."),
    ("long_sentences", "Long, hard-to-follow sentences",
     lambda e, star: _dimension_reason(e, "clarity") if _score_below(e, "clarity", FAIR) else None,
     "Shorter sentences, fewer fillers (\"basically\", \"like\", \"kind of\")."),
)
EVIDENCE_SHOWN = 5  # the newest answers behind a pattern that it lists


@dataclass(frozen=True)
class AnsweredTurn:
    """One evaluated answer, with where it was given (for a pattern's evidence)."""

    session: int
    turn: int  # the turn's index in its interview (0 = the first question)
    prompt: str
    at: str  # ISO time of the answer
    evaluation: dict
    star: bool  # the question is judged for STAR


def _dimension(evaluation: dict, name: str) -> dict:
    return next((d for d in evaluation.get("dimensions", []) if d["dimension"] == name), {})


def _dimension_reason(evaluation: dict, name: str) -> str:
    dimension = _dimension(evaluation, name)
    return f"{name.capitalize()} {dimension.get('score')}: {dimension.get('reason', '')}".strip()


def _check_message(evaluation: dict, code: str) -> str | None:
    return next((c.get("message", code) for c in evaluation.get("checks", []) if c.get("code") == code), None)


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


def mistake_patterns(answers: list[AnsweredTurn], minimum: int = 2) -> list[dict]:
    """Patterns seen in at least `minimum` answers, most frequent first: code, source, pattern,
    occurrences, how many interviews, a recommendation and the evidence (newest first: which
    interview, which question, what the evaluation said), in the shape the challenge patterns'
    evidence has (title, at, detail, and the source's own keys)."""
    found = []
    for code, label, said, advice in PATTERNS:
        hits = [(answer, detail) for answer in answers
                if (detail := said(answer.evaluation, answer.star)) is not None]
        if len(hits) < minimum:
            continue
        hits.sort(key=lambda hit: hit[0].at, reverse=True)
        found.append({
            "code": code, "source": "interviews", "pattern": label, "occurrences": len(hits),
            "interviews": len({answer.session for answer, _ in hits}), "recommendation": advice,
            "evidence": [{"session": answer.session, "turn": answer.turn, "question": answer.prompt,
                          "title": f"Interview #{answer.session}, question {answer.turn + 1}",
                          "at": answer.at, "detail": detail} for answer, detail in hits[:EVIDENCE_SHOWN]],
        })
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

"""The end-of-interview report from its evaluations: scores per dimension and overall, strengths
and weaknesses with what they rest on, and how much of the report rests on evidence."""

from collections import Counter
from typing import Any

from .evaluation import STRONG
from .questions import DIMENSIONS

WEAK_DIMENSION = 55


def build_report(turns: list[dict]) -> dict:
    """`turns`: [{"slug", "prompt", "kind", "evaluation"}] in the order asked (answered ones)."""
    per_dimension: dict[str, list[int]] = {d: [] for d in DIMENSIONS}
    judged = unjudged = 0
    missed_points: Counter[str] = Counter()
    covered_points: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    overall_scores = []
    for turn in turns:
        evaluation = turn["evaluation"]
        for dimension in evaluation.get("dimensions", []):
            if dimension["score"] is None:
                unjudged += 1
                reasons[dimension["reason"]] += 1
            else:
                judged += 1
                per_dimension[dimension["dimension"]].append(dimension["score"])
        if evaluation.get("overall") is not None:
            overall_scores.append(evaluation["overall"])
        for point in evaluation.get("talking_points", {}).get("missed", []):
            missed_points[point["text"]] += 1
        for point in evaluation.get("talking_points", {}).get("covered", []):
            covered_points[point["text"]] += 1
    dimensions: list[dict[str, Any]] = []
    for dimension in DIMENSIONS:
        scores = per_dimension[dimension]
        dimensions.append({"dimension": dimension, "score": round(sum(scores) / len(scores)) if scores else None,
                           "answers_judged": len(scores)})
    overall = round(sum(overall_scores) / len(overall_scores)) if overall_scores else None
    scored = [d for d in dimensions if d["score"] is not None]
    strengths = [f"{d['dimension'].title()}: {d['score']} over {d['answers_judged']} answers"
                 for d in sorted(scored, key=lambda d: -d["score"]) if d["score"] >= STRONG - 5][:3]
    strengths += [f"Covered: {text}" for text, _ in covered_points.most_common(2)]
    weaknesses = [f"{d['dimension'].title()}: {d['score']} over {d['answers_judged']} answers"
                  for d in sorted(scored, key=lambda d: d["score"]) if d["score"] < WEAK_DIMENSION][:3]
    weaknesses += [f"Missed{' ' + str(n) + ' times' if n > 1 else ''}: {text}"
                   for text, n in missed_points.most_common(3)]
    total = judged + unjudged
    return {
        "overall": overall,
        "dimensions": dimensions,
        "weakest_dimensions": [d["dimension"] for d in sorted(scored, key=lambda d: d["score"])][:2],
        "strengths": strengths,
        "weaknesses": weaknesses,
        "answers": len(turns),
        "answers_scored": len(overall_scores),
        "evidence": {"judged": judged, "not_enough_evidence": unjudged,
                     "share": round(judged / total, 2) if total else 0.0,
                     "reasons": [r for r, _ in reasons.most_common(3)]},
    }

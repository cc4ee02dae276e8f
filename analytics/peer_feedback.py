"""Readiness' "peer feedback" part, read through interviews.peer's selectors.

Until interviews.peer offers its own ``peer_feedback_evidence`` (feedback one row per half of a
swapped interview is being built there), analytics builds the part here from the feedback the user
may read (``feedback_received``: once they have written theirs, or after the reveal delay), so the
figure never shows a score before the peer page does. The same contract as every plug-in source
(analytics/evidence.py): {"score": 0..1 or None, "explanation", "evidence"}."""

from datetime import datetime

# The latest this many pieces of feedback count: recent practice, not a lifetime average.
READINESS_PEER_FEEDBACK = 5
# The rubric's 1..5 scores that make the part (each mapped 1 -> 0, 5 -> 1), with their labels.
SCORED = (("problem_solving", "problem solving"), ("communication", "communication"),
          ("code_quality", "code quality"), ("rating", "overall rating"))
WOULD_HIRE_LABELS = {"strong_yes": "strong yes", "yes": "yes", "no": "no", "strong_no": "strong no"}


def _unit(score: float) -> float:
    return max(0.0, min(1.0, (score - 1) / 4))


def peer_feedback_evidence(*, user, job, until: datetime | None = None) -> dict:
    """The mean of the rubric scores of the user's last READINESS_PEER_FEEDBACK readable peer
    feedback (received before `until` when given), 0..1; None until there is one. Peer interviews
    are not tied to a role family, so every readable one counts for any job. One query."""
    from interviews.peer import selectors as peer_selectors

    received = peer_selectors.feedback_received(user=user, now=until)
    if until is not None:
        received = received.filter(created_at__lt=until)
    rows = list(received[:READINESS_PEER_FEEDBACK])
    if not rows:
        return {"score": None, "explanation": "No peer mock-interview feedback you can read yet: this part counts "
                "as 0 until a peer has rated you (and you have written yours, or the reveal time has passed).",
                "evidence": []}
    means = {field: sum(getattr(row, field) for row in rows) / len(rows) for field, _ in SCORED}
    score = sum(_unit(value) for value in means.values()) / len(means)
    shown = ", ".join(f"{label} {means[field]:.1f}/5" for field, label in SCORED)
    return {"score": score,
            "explanation": f"Mean of the rubric in your last {len(rows)} peer feedback ({shown}); each score is "
                           f"mapped 1 → 0 and 5 → 1, and the part is their mean: {round(100 * score)}/100.",
            "evidence": [f"Peer interview {row.booking.starts_at:%Y-%m-%d} ({row.booking.get_topic_display()}) by "
                         f"{row.author.display_name}: " + ", ".join(f"{label} {getattr(row, field)}"
                                                                    for field, label in SCORED)
                         + f", would hire: {WOULD_HIRE_LABELS.get(row.would_hire, row.would_hire)}" for row in rows]}

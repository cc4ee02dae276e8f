"""Mistake patterns mined from the feedback peers gave a user in mock interviews: the same
weakness named by the rubric of two or more interviews (a low score on one dimension, many
hints needed, a "would not hire"), each with the feedback that shows it. Pure Python, no Django."""

from dataclasses import dataclass

MINIMUM = 2  # two interviewers saw it: a pattern, not one person's opinion
EVIDENCE_SHOWN = 5
LOW_SCORE = 2  # 1 (weak) ... 5 (excellent): 2 or below is weak


@dataclass(frozen=True)
class ReceivedFeedback:
    id: int
    booking_id: int
    half: int
    topic: str  # its label
    author: str
    at: str  # ISO time
    problem_solving: int
    communication: int
    code_quality: int
    hints_needed: str
    would_hire: str
    url: str = ""


# (code, what it looks like, which feedback shows it, the detail quoted as evidence, what to do)
PATTERNS = (
    ("peer_problem_solving", "Peers rate your problem solving as weak",
     lambda f: f.problem_solving <= LOW_SCORE, lambda f: f"problem solving {f.problem_solving}/5",
     "Before coding, restate the problem, ask about input sizes and edge cases, and say a brute force first."),
    ("peer_communication", "Peers found you hard to follow",
     lambda f: f.communication <= LOW_SCORE, lambda f: f"communication {f.communication}/5",
     "Think aloud: say what you are about to try and why, and check in with the interviewer after each step."),
    ("peer_code_quality", "Peers rate your code quality as weak",
     lambda f: f.code_quality <= LOW_SCORE, lambda f: f"code quality {f.code_quality}/5",
     "Name things for what they hold, split long functions, and test the empty and single-element inputs aloud."),
    ("peer_many_hints", "You needed many hints",
     lambda f: f.hints_needed == "many", lambda f: "needed many hints",
     "When stuck, say what you know and what you would try next before asking; practise the topic's patterns."),
    ("peer_would_not_hire", "Peers would not hire on this showing",
     lambda f: f.would_hire in ("no", "strong_no"), lambda f: f"would hire: {f.would_hire.replace('_', ' ')}",
     "Read the comments of these interviews side by side: the weakest dimension they share is the one to practise."),
)


def peer_feedback_patterns(feedback: list[ReceivedFeedback], minimum: int = MINIMUM) -> list[dict]:
    """Patterns seen in at least `minimum` pieces of feedback, most frequent first, each with its
    occurrences, a recommendation and the newest evidence (who said it, when, on what topic)."""
    newest_first = sorted(feedback, key=lambda f: f.at, reverse=True)
    found = []
    for code, label, shows, detail, advice in PATTERNS:
        hits = [f for f in newest_first if shows(f)]
        if len(hits) < minimum:
            continue
        found.append({
            "code": code, "pattern": label, "occurrences": len(hits), "recommendation": advice,
            "evidence": [{"feedback": f.id, "booking": f.booking_id, "title": f"{f.topic} with {f.author}",
                          "detail": detail(f), "at": f.at, "url": f.url} for f in hits[:EVIDENCE_SHOWN]],
        })
    return sorted(found, key=lambda p: -p["occurrences"])

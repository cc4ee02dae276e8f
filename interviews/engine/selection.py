"""The next question of an interview: a follow-up when the last answer missed a talking point the
question has a follow-up for, otherwise a new question one step harder after a strong answer and
one step easier after a weak one, never one already asked, aimed at a target job's skills and a
resume analysis' gaps when there are any. Deterministic for a session (its seed breaks ties)."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from .calibration import PRIORS, difficulty_rating
from .evaluation import FAIR, STRONG
from .questions import DIFFICULTIES, QuestionSpec

TYPE_CATEGORIES = {
    "technical": ("system_design", "dsa_concepts", "language_framework", "role_specific"),
    "behavioral": ("behavioral",),
    "hr": ("hr",),
    "mixed": ("behavioral", "hr", "system_design", "dsa_concepts", "language_framework", "role_specific"),
}
LEVEL_RATINGS = tuple(PRIORS[d] for d in DIFFICULTIES)


@dataclass
class SessionState:
    interview_type: str
    level: int  # 0 easy, 1 medium, 2 hard: where the interview stands now
    asked: set[str] = field(default_factory=set)
    categories_asked: list[str] = field(default_factory=list)
    target_skills: tuple[str, ...] = ()  # the job's requirements, the resume's gaps first
    gap_skills: tuple[str, ...] = ()
    role_family: str = ""
    seed: str = ""


@dataclass(frozen=True)
class Choice:
    kind: str  # "follow_up" | "question"
    slug: str
    prompt: str
    level: int
    reason: str
    talking_point: int | None = None


def next_level(level: int, overall: int | None) -> tuple[int, str]:
    if overall is None:
        return max(0, level - 1), "easier: the last answer did not give enough to judge"
    if overall >= STRONG:
        return min(2, level + 1), f"harder: the last answer was strong ({overall})"
    if overall < FAIR:
        return max(0, level - 1), f"easier: the last answer was weak ({overall})"
    return level, f"same level: the last answer was fair ({overall})"


def follow_up_for(question: QuestionSpec, evaluation: dict) -> tuple[int, str, int] | None:
    """(index, prompt, talking point) of the follow-up probing a missed talking point, if any."""
    if evaluation.get("overall") is None:
        return None  # nothing to follow up on: ask something else
    missed = {m["index"] for m in evaluation.get("talking_points", {}).get("missed", [])}
    for index, follow_up in enumerate(question.follow_ups):
        if follow_up.talking_point is not None and follow_up.talking_point in missed:
            return index, follow_up.prompt, follow_up.talking_point
    return None


def _tiebreak(seed: str, slug: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{seed}:{slug}".encode(), digest_size=4).digest(), "big")


def choose_next(questions: Iterable[QuestionSpec], state: SessionState, *, last: QuestionSpec | None = None,
                last_evaluation: dict | None = None, last_was_follow_up: bool = False) -> Choice | None:
    """The next thing to ask, or None when every fitting question has been asked."""
    level, level_reason = state.level, "the chosen starting difficulty"
    if last is not None and last_evaluation is not None:
        if not last_was_follow_up:
            follow_up = follow_up_for(last, last_evaluation)
            if follow_up is not None:
                index, prompt, point = follow_up
                return Choice("follow_up", last.slug, prompt, state.level,
                              f"follow-up: the answer missed “{last.talking_points[point].text}”", point)
        level, level_reason = next_level(state.level, last_evaluation.get("overall"))
    allowed = TYPE_CATEGORIES.get(state.interview_type, TYPE_CATEGORIES["mixed"])
    target = set(state.target_skills)
    gaps = set(state.gap_skills)
    wanted_rating = LEVEL_RATINGS[level]
    recent = state.categories_asked[-1] if state.categories_asked else ""
    best, best_key, best_reason = None, None, ""
    for question in questions:
        if question.slug in state.asked or question.category not in allowed:
            continue
        rating = difficulty_rating(question.difficulty, question.rating, question.rated_answers)
        distance = abs(rating - wanted_rating) / 200.0  # one label step = 1.0
        skills = set(question.skills)
        gap_hits = skills & gaps
        target_hits = skills & target
        # One gap outweighs one step of difficulty; two steps outweigh a gap.
        score = -distance * 6 + 8 * min(2, len(gap_hits)) + 3 * min(2, len(target_hits))
        if state.role_family and state.role_family in question.role_families:
            score += 1.5
        if len(allowed) > 1 and question.category == recent:
            score -= 1.0  # vary the categories of a mixed interview
        key = (score, _tiebreak(state.seed, question.slug))
        if best_key is None or key > best_key:
            best, best_key = question, key
            best_reason = (f"a resume gap ({', '.join(sorted(gap_hits))})" if gap_hits else
                           f"the job asks for {', '.join(sorted(target_hits))}" if target_hits else "")
    if best is None:
        return None
    reason = level_reason + (f"; aimed at {best_reason}" if best_reason else "")
    if DIFFICULTIES.index(best.difficulty) != level:
        reason += f" (no {DIFFICULTIES[level]} question of this kind is left: the closest is {best.difficulty})"
    return Choice("question", best.slug, best.prompt, level, reason)

"""Question difficulty re-estimated from the scores its answers receive: an Elo rating.

Why Elo rather than a fitted one-parameter IRT (Rasch) model: each answer updates the question
and the candidate at once, in constant time, inside the transaction that stores the answer; it
needs no batch fit and behaves sensibly after a handful of answers. Elo's update is a stochastic-
gradient step on the same logistic model as 1PL IRT (the probability of a good answer depends on
ability minus difficulty), so the ratings read the same way. Scores are partial credit
(overall / 100), not right/wrong. The author's label is the prior: easy 1300, medium 1500,
hard 1700; candidates start at 1500."""

from dataclasses import dataclass

CALIBRATION_MODEL = "elo"
PRIORS = {"easy": 1300.0, "medium": 1500.0, "hard": 1700.0}
START_ABILITY = 1500.0
SCALE = 400.0
PROVISIONAL_BELOW = 5  # answers; fewer than this and the calibrated label says it is provisional


@dataclass(frozen=True)
class Calibration:
    question_rating: float
    ability: float
    expected: float
    outcome: float


def expected_outcome(ability: float, difficulty: float) -> float:
    return 1.0 / (1.0 + 10 ** ((difficulty - ability) / SCALE))


def _k(answers: int) -> float:
    # Moves fast while little is known, then settles.
    return max(24.0, 120.0 / (1 + answers) ** 0.5)


def elo_update(*, question_rating: float, question_answers: int, ability: float, ability_answers: int,
               score: float) -> Calibration:
    """The new question rating and candidate ability after one answer scored `score` (0-100).
    A worse answer than expected makes the question harder (its rating rises)."""
    outcome = max(0.0, min(1.0, score / 100.0))
    expected = expected_outcome(ability, question_rating)
    return Calibration(question_rating=question_rating + _k(question_answers) * (expected - outcome),
                       ability=ability + _k(ability_answers) * (outcome - expected),
                       expected=expected, outcome=outcome)


def calibrated_label(rating: float | None, answers: int) -> str:
    """easy / medium / hard from a rating (the midpoints between the priors), "" when unrated."""
    if rating is None or answers == 0:
        return ""
    label = "easy" if rating < 1400 else "medium" if rating < 1600 else "hard"
    return label + (" (provisional)" if answers < PROVISIONAL_BELOW else "")


def difficulty_rating(label: str, rating: float | None, answers: int) -> float:
    """The rating to plan with: the calibrated one once it rests on enough answers, else the prior."""
    if rating is not None and answers >= PROVISIONAL_BELOW:
        return rating
    return PRIORS.get(label, 1500.0)

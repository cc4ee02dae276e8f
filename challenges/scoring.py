"""How a score is stated, everywhere it is shown (the result panel, the submission history and
page, the challenge leaderboard, the API): the tests passed out of all the tests, and points out
of 100 weighted by the tests' weights, as in "7/10 tests · 70 points". Acceptance rates are a
share of submissions, so they stay percentages; a rate or a best over no attempt is "—"."""

import math

NO_VALUE = "—"


def points(percent: float) -> int:
    """Whole points out of 100 (half up), where 100 means every test passed: a score just short
    of it is 99, never rounded up to a full score."""
    if percent >= 100:
        return 100
    return max(0, min(99, math.floor(percent + 0.5)))


def points_label(value: int | None) -> str:
    if value is None:
        return NO_VALUE
    return f"{value} point{'' if value == 1 else 's'}"


def score_label(*, passed: int, total: int, percent: float) -> str:
    return f"{passed}/{total} tests · {points_label(points(percent))}"


def rate_label(rate: int | None) -> str:
    return NO_VALUE if rate is None else f"{rate}%"

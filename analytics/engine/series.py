"""Day series, duration buckets and a least-squares trend with its confidence interval."""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

# (label, upper bound in seconds, exclusive); the last bucket is open-ended.
TIME_BUCKETS: tuple[tuple[str, float], ...] = (
    ("under 5 min", 5 * 60), ("5-15 min", 15 * 60), ("15-30 min", 30 * 60),
    ("30-60 min", 60 * 60), ("1-2 h", 2 * 3600), ("over 2 h", math.inf),
)

# Two-sided 95% Student t quantiles by degrees of freedom; beyond 30 the normal 1.96 is close enough.
_T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
        10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
        18: 2.101, 19: 2.093, 20: 2.086, 22: 2.074, 24: 2.064, 26: 2.056, 28: 2.048, 30: 2.042}
MIN_POINTS = 3


def t95(dof: int) -> float:
    if dof <= 0:
        return math.inf
    if dof in _T95:
        return _T95[dof]
    if dof > 30:
        return 1.96
    return _T95[max(k for k in _T95 if k < dof)]  # the next smaller dof: a slightly wider interval


def fill_days(values: Mapping[date, float], start: date, end: date) -> list[tuple[date, float]]:
    """Every day from start to end inclusive; a day without a value is zero (no activity), not missing."""
    days = (end - start).days + 1
    return [(start + timedelta(days=i), float(values.get(start + timedelta(days=i), 0))) for i in range(max(days, 0))]


def bucket_durations(seconds: Iterable[float]) -> list[tuple[str, int]]:
    counts = [0] * len(TIME_BUCKETS)
    for value in seconds:
        if value is None or value < 0:
            continue
        for index, (_, upper) in enumerate(TIME_BUCKETS):
            if value < upper:
                counts[index] += 1
                break
    return [(label, counts[i]) for i, (label, _) in enumerate(TIME_BUCKETS)]


@dataclass(frozen=True)
class Projection:
    """Where a series is heading. `status`: "reached" (the latest value is at the bar already),
    "not_enough_history" (fewer than MIN_POINTS days), "not_rising" (the slope's 95% interval
    includes zero or is below it: no date can be promised), "projected" (a date, and the earliest
    and latest dates the interval allows; `latest` is None when the slow end never gets there)."""

    status: str
    points: int
    slope_per_day: float | None = None
    slope_low: float | None = None
    slope_high: float | None = None
    crosses_on: date | None = None
    earliest: date | None = None
    latest: date | None = None
    explanation: str = ""


def trend_projection(series: list[tuple[date, float]], bar: float) -> Projection:
    """Least squares of value on day over `series` (one value per day, any gaps), its slope's 95%
    confidence interval, and when the fitted line crosses `bar`."""
    points = sorted(series)
    n = len(points)
    if n and points[-1][1] >= bar:
        return Projection("reached", n, explanation=f"Already at or above {bar:g}.")
    if n < MIN_POINTS:
        return Projection("not_enough_history", n,
                          explanation=f"Not enough history: {n} day(s) measured, at least {MIN_POINTS} needed.")
    origin = points[0][0]
    xs = [(d - origin).days for d, _ in points]
    ys = [v for _, v in points]
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return Projection("not_enough_history", n, explanation="All measurements are from one day.")
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = mean_y - slope * mean_x
    residual = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    dof = n - 2
    stderr = math.sqrt(residual / dof / sxx) if dof > 0 else math.inf
    half = t95(dof) * stderr
    low, high = slope - half, slope + half
    if slope <= 0 or low <= 0:
        return Projection("not_rising", n, slope, low, high,
                          explanation=(f"At the current pace ({slope:+.2f} a day, 95% interval {low:+.2f} to "
                                       f"{high:+.2f}) the trend may not be rising: no date can be given."))
    last_x, last_y = xs[-1], intercept + slope * xs[-1]

    def crossing(rate: float) -> date:
        return origin + timedelta(days=math.ceil(last_x + max(0.0, bar - last_y) / rate))

    return Projection("projected", n, slope, low, high, crossing(slope), crossing(high), crossing(low),
                      explanation=(f"Fitted on {n} days: {slope:+.2f} a day (95% interval {low:+.2f} to {high:+.2f})."))

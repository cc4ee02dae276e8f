"""Daily streaks with a weekly freeze.

A streak counts consecutive active days in the user's own calendar. One missed day per ISO week
is forgiven (a "freeze"): the streak survives it, though the missed day does not count. Today
not being active yet never breaks a streak, since the day is not over."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class StreakResult:
    current: int
    longest: int
    active_today: bool
    frozen_days: tuple[date, ...] = field(default_factory=tuple)


def _week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso[0], iso[1]


def _run_backwards(days: set[date], start: date) -> tuple[int, list[date]]:
    """Length of the streak ending at `start` (an active day), walking back in time."""
    count, frozen, used_weeks = 0, [], set()
    day = start
    while True:
        if day in days:
            count += 1
            day -= ONE_DAY
            continue
        # A single missed day between two active days, once per ISO week.
        if (day - ONE_DAY) in days and _week(day) not in used_weeks:
            used_weeks.add(_week(day))
            frozen.append(day)
            day -= ONE_DAY
            continue
        return count, frozen


def compute_streak(active_days: Iterable[date], today: date) -> StreakResult:
    days = {d for d in active_days if d <= today}
    active_today = today in days
    current, frozen = 0, list[date]()
    if active_today:
        current, frozen = _run_backwards(days, today)
    else:
        yesterday = today - ONE_DAY
        if yesterday in days:
            current, frozen = _run_backwards(days, yesterday)
        elif (yesterday - ONE_DAY) in days:
            # Yesterday was missed: this week's freeze may cover it.
            count, earlier_frozen = _run_backwards(days, yesterday - ONE_DAY)
            if _week(yesterday) not in {_week(d) for d in earlier_frozen}:
                current, frozen = count, [yesterday, *earlier_frozen]

    longest = current
    # Longest streak ever: try each run's last day as an end point.
    for day in days:
        if (day + ONE_DAY) not in days:
            length, _ = _run_backwards(days, day)
            longest = max(longest, length)
    return StreakResult(current, longest, active_today, tuple(sorted(frozen)))

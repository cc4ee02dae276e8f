"""Levels from XP.

Reaching level n takes 50 * n * (n - 1) XP in total: level 2 at 100 XP, 3 at 300, 4 at 600,
5 at 1,000, 10 at 4,500. Each level asks 100 XP more than the one before, so early levels come
quickly and later ones mean sustained practice."""

from dataclasses import dataclass
from math import isqrt

XP_STEP = 50


def xp_for_level(level: int) -> int:
    if level < 1:
        raise ValueError("levels start at 1")
    return XP_STEP * level * (level - 1)


def level_for_xp(xp: int) -> int:
    if xp <= 0:
        return 1
    # Largest n with 50 n (n - 1) <= xp, i.e. n = floor((1 + sqrt(1 + 4 xp / 50)) / 2).
    level = (1 + isqrt(1 + (4 * xp) // XP_STEP)) // 2
    # isqrt on the floored quotient can undershoot by one near a boundary; settle exactly.
    while xp_for_level(level + 1) <= xp:
        level += 1
    while xp_for_level(level) > xp:
        level -= 1
    return level


@dataclass(frozen=True)
class LevelProgress:
    level: int
    xp: int
    level_floor_xp: int
    next_level_xp: int

    @property
    def into_level(self) -> int:
        return self.xp - self.level_floor_xp

    @property
    def level_span(self) -> int:
        return self.next_level_xp - self.level_floor_xp

    @property
    def percent(self) -> int:
        return int(100 * self.into_level / self.level_span)


def level_progress(xp: int) -> LevelProgress:
    level = level_for_xp(xp)
    return LevelProgress(level, max(xp, 0), xp_for_level(level), xp_for_level(level + 1))

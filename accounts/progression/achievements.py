"""Achievement criteria as data.

Every achievement names a criteria type and a target:
- count:   the user has recorded `target` events of `event_type`;
- streak:  the user's current streak reaches `target` days;
- score:   one event of `event_type` carries a value (a score) of at least `target`;
- time:    one event of `event_type` carries a duration in seconds of at most `target`;
- level:   the user reaches level `target`;
- special: a named rule from SPECIAL_RULES (time of day, profile completeness...).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class CriteriaType(StrEnum):
    COUNT = "count"
    STREAK = "streak"
    SCORE = "score"
    TIME = "time"
    LEVEL = "level"
    SPECIAL = "special"


@dataclass(frozen=True)
class AchievementRule:
    code: str
    criteria_type: CriteriaType
    target: int
    event_type: str = ""
    special_rule: str = ""


@dataclass(frozen=True)
class Observation:
    """What the service knows about the user when it evaluates, after recording an event."""

    event_type: str
    event_value: float | None = None
    event_counts: dict[str, int] = field(default_factory=dict)
    streak: int = 0
    level: int = 1
    local_hour: int = 12
    profile_completeness: int = 0  # percent


SPECIAL_RULES: dict[str, Callable[[Observation, AchievementRule], bool]] = {
    # Active between midnight and 4 a.m. in the user's own time zone.
    "night_owl": lambda obs, rule: obs.local_hour < 4,
    # Active before 7 a.m. in the user's own time zone.
    "early_bird": lambda obs, rule: 4 <= obs.local_hour < 7,
    # Every profile field filled in.
    "complete_profile": lambda obs, rule: obs.profile_completeness >= rule.target,
}


def rule_progress(rule: AchievementRule, obs: Observation) -> tuple[int, int]:
    """(current, target) for progress bars; binary rules report 0 or 1 of 1."""
    match rule.criteria_type:
        case CriteriaType.COUNT:
            return min(obs.event_counts.get(rule.event_type, 0), rule.target), rule.target
        case CriteriaType.STREAK:
            return min(obs.streak, rule.target), rule.target
        case CriteriaType.LEVEL:
            return min(obs.level, rule.target), rule.target
        case _:
            return int(rule_is_met(rule, obs)), 1


def rule_is_met(rule: AchievementRule, obs: Observation) -> bool:
    match rule.criteria_type:
        case CriteriaType.COUNT:
            return obs.event_counts.get(rule.event_type, 0) >= rule.target
        case CriteriaType.STREAK:
            return obs.streak >= rule.target
        case CriteriaType.LEVEL:
            return obs.level >= rule.target
        case CriteriaType.SCORE:
            return (
                obs.event_type == rule.event_type
                and obs.event_value is not None
                and obs.event_value >= rule.target
            )
        case CriteriaType.TIME:
            return (
                obs.event_type == rule.event_type
                and obs.event_value is not None
                and 0 <= obs.event_value <= rule.target
            )
        case CriteriaType.SPECIAL:
            check = SPECIAL_RULES.get(rule.special_rule)
            return bool(check and check(obs, rule))
    return False

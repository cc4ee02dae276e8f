"""Gamification rules with no Django inside: levels, streaks and achievement criteria.

The services in accounts.services feed these functions with rows from the ledger and store
what they return; tests and benchmarks call them directly."""

from .achievements import AchievementRule, CriteriaType, Observation, rule_is_met
from .levels import level_for_xp, level_progress, xp_for_level
from .streaks import StreakResult, compute_streak

__all__ = [
    "AchievementRule",
    "CriteriaType",
    "Observation",
    "StreakResult",
    "compute_streak",
    "level_for_xp",
    "level_progress",
    "rule_is_met",
    "xp_for_level",
]

"""The arithmetic of analytics, with no Django inside: skill levels, readiness and its plan,
trends with their uncertainty, time buckets. Tested alone (tests/analytics/test_engine.py)."""

from .readiness import (
    MEASURED,
    NO_DATA,
    NOT_AVAILABLE,
    TARGET_LEVEL,
    Gap,
    JobSkill,
    Part,
    PlanItem,
    Readiness,
    ReadinessInput,
    SkillEvidence,
    SkillLevel,
    readiness_compute,
    readiness_value,
    skill_level,
    skill_levels,
)
from .series import TIME_BUCKETS, Projection, bucket_durations, fill_days, trend_projection

__all__ = [
    "MEASURED", "NOT_AVAILABLE", "NO_DATA", "TARGET_LEVEL", "Gap", "JobSkill", "ReadinessInput",
    "readiness_value", "TIME_BUCKETS", "Part", "PlanItem", "Projection", "Readiness", "SkillEvidence", "SkillLevel",
    "bucket_durations", "fill_days", "readiness_compute", "skill_level", "skill_levels", "trend_projection",
]

"""XP ledger, levels, streaks and achievements. Other apps call `progress_record_event` after
they record something that counts (a solved challenge, a finished interview); it awards the XP,
updates the level and evaluates achievements in one transaction."""

import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from core.exceptions import ValidationFailed

from ..lock_objects import lock_progress_for_update
from ..models import (
    Achievement,
    ActivityDay,
    NotificationType,
    User,
    UserAchievement,
    XPEvent,
)
from ..progression import AchievementRule, CriteriaType, Observation, compute_streak, rule_is_met
from ..progression.levels import level_for_xp
from .notifications import notification_send

logger = logging.getLogger(__name__)

ACHIEVEMENTS_FILE = Path(__file__).resolve().parent.parent / "data" / "achievements.json"
DAILY_ACTIVE_XP = 5
STREAK_LOOKBACK_DAYS = 400
ACHIEVEMENT_REASON = "achievement.unlocked"


@dataclass
class RecordResult:
    event: XPEvent | None  # None when this source was already recorded
    leveled_up_to: int | None = None
    unlocked: list[Achievement] = field(default_factory=list)


def _source_parts(source) -> tuple[str, str]:
    if source is None:
        return "", ""
    if isinstance(source, tuple):
        return str(source[0]), str(source[1])
    return source._meta.label_lower, str(source.pk)


def _add_xp(user: User, amount: int) -> int | None:
    """Add to the user's total under the progress row lock; returns the new level if it rose."""
    progress = lock_progress_for_update(user.id)
    progress.xp_total = max(0, progress.xp_total + amount)
    new_level = level_for_xp(progress.xp_total)
    rose = new_level > progress.level
    progress.level = new_level
    progress.save(update_fields=["xp_total", "level", "updated_at"])
    return new_level if rose else None


@transaction.atomic
def progress_record_event(
    *, user: User, event_type: str, xp: int = 0, source=None, value: float | None = None,
    evaluate: bool = True, occurred_at=None,
) -> RecordResult:
    """Append one event to the ledger (at most once per source), add its XP, and evaluate
    achievements. `source` is a model instance or an ("app.model", id) pair."""
    if not event_type or len(event_type) > 64:
        raise ValidationFailed("An event type is 1 to 64 characters.", code="invalid_event_type")
    source_type, source_id = _source_parts(source)
    try:
        with transaction.atomic():
            event = XPEvent.objects.create(
                user=user, reason=event_type, amount=xp, value=value,
                source_type=source_type, source_id=source_id,
            )
    except IntegrityError:
        return RecordResult(event=None)

    result = RecordResult(event=event)
    if xp:
        result.leveled_up_to = _add_xp(user, xp)
        if result.leveled_up_to:
            _notify_level(user, result.leveled_up_to)
    if evaluate:
        result.unlocked = achievements_evaluate(
            user=user, event_type=event_type, value=value, occurred_at=occurred_at
        )
    return result


def _notify_level(user: User, level: int) -> None:
    notification_send(
        user=user, type=NotificationType.ACHIEVEMENT, title=f"Level up! You reached level {level}",
        url="/", data={"level": level},
    )


def _local_time(user: User, when=None):
    return timezone.localtime(when or timezone.now(), user.preferences.tzinfo)


@transaction.atomic
def progress_record_activity(*, user: User, when=None) -> RecordResult | None:
    """Mark the user active today (in their own time zone): updates the streak, grants the daily
    XP once a day. Returns None when the day was already recorded."""
    now_local = _local_time(user, when)
    today = now_local.date()
    _, created = ActivityDay.objects.get_or_create(user=user, day=today)
    if not created:
        return None
    since = today - timedelta(days=STREAK_LOOKBACK_DAYS)
    days = ActivityDay.objects.filter(user=user, day__gte=since).values_list("day", flat=True)
    streak = compute_streak(days, today)
    progress = lock_progress_for_update(user.id)
    progress.current_streak = streak.current
    progress.longest_streak = max(progress.longest_streak, streak.longest)
    progress.last_active_on = today
    progress.save(update_fields=["current_streak", "longest_streak", "last_active_on", "updated_at"])
    return progress_record_event(
        user=user, event_type="daily.active", xp=DAILY_ACTIVE_XP, source=("day", today.isoformat()),
        occurred_at=now_local,
    )


def _rule(achievement: Achievement) -> AchievementRule:
    return AchievementRule(
        code=achievement.code,
        criteria_type=CriteriaType(achievement.criteria_type),
        target=achievement.target,
        event_type=achievement.event_type,
        special_rule=achievement.special_rule,
    )


def _observe(user: User, event_type: str, value, pending: list[Achievement], occurred_at) -> Observation:
    from ..models import Profile, Progress
    from ..selectors import user_row

    counted = {a.event_type for a in pending if a.criteria_type == CriteriaType.COUNT}
    counts = dict(
        XPEvent.objects.filter(user=user, reason__in=counted)
        .values_list("reason")
        .annotate(n=Count("id"))
        .values_list("reason", "n")
    ) if counted else {}
    progress = user_row(Progress, user)
    needs_profile = any(a.special_rule == "complete_profile" for a in pending)
    completeness = user_row(Profile, user).completeness if needs_profile else 0
    return Observation(
        event_type=event_type,
        event_value=value,
        event_counts=counts,
        streak=progress.current_streak,
        level=progress.level,
        local_hour=_local_time(user, occurred_at).hour,
        profile_completeness=completeness,
    )


@transaction.atomic
def achievements_evaluate(
    *, user: User, event_type: str, value: float | None = None, occurred_at=None
) -> list[Achievement]:
    """Unlock every active achievement whose rule the user now meets, each at most once; award
    its XP and notify. Rewards can raise the level, which can unlock level achievements, so this
    repeats until nothing more unlocks."""
    unlocked: list[Achievement] = []
    for _round in range(5):
        earned = UserAchievement.objects.filter(user=user).values_list("achievement_id", flat=True)
        pending = list(Achievement.objects.filter(is_active=True).exclude(id__in=earned))
        if not pending:
            break
        observation = _observe(user, event_type, value, pending, occurred_at)
        newly = [a for a in pending if rule_is_met(_rule(a), observation)]
        if not newly:
            break
        for achievement in newly:
            try:
                with transaction.atomic():
                    UserAchievement.objects.create(user=user, achievement=achievement)
            except IntegrityError:
                continue  # unlocked concurrently
            unlocked.append(achievement)
            notification_send(
                user=user, type=NotificationType.ACHIEVEMENT,
                title=f"Achievement unlocked: {achievement.name}",
                body=f"{achievement.description} (+{achievement.reward_xp} XP)",
                url="/achievements/",
                data={"achievement": achievement.code, "rarity": achievement.rarity},
            )
            if achievement.reward_xp:
                progress_record_event(
                    user=user, event_type=ACHIEVEMENT_REASON, xp=achievement.reward_xp,
                    source=achievement, evaluate=False,
                )
        # Only levels can change from here on.
        event_type, value = "level.reached", None
    return unlocked


@transaction.atomic
def achievement_catalog_sync(*, path: Path = ACHIEVEMENTS_FILE) -> int:
    """Create or update the achievements defined in the data file. Idempotent."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    for order, entry in enumerate(entries):
        code = entry["code"]
        defaults = {k: v for k, v in entry.items() if k != "code"}
        defaults.setdefault("sort_order", order)
        Achievement.objects.update_or_create(code=code, defaults=defaults)
    return len(entries)

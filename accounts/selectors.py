"""Every non-trivial read of the accounts domain."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import CASCADE, SET_NULL, Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core.exceptions import NotFound, first_or_not_found
from core.roles import MODERATOR, user_has_role

from .models import Achievement, ActivityDay, Follow, Notification, Progress, User, UserAchievement
from .progression import Observation, compute_streak, level_progress
from .progression.achievements import AchievementRule, CriteriaType, rule_progress
from .progression.levels import LevelProgress
from .progression.streaks import StreakResult


def user_row(model, user: User):
    """One of a user's own rows (Profile, Preferences, Progress), read fresh from the database;
    a missing one is an unsaved row with the defaults, so that reading never writes."""
    return model.objects.filter(user_id=user.id).first() or model(user=user)


# --- notifications ---------------------------------------------------------------------------


def _live_notifications(user_id: int) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user_id, in_app=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    qs = _live_notifications(user.id).order_by("-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def notification_get_for_user(*, user: User, notification_id: int) -> Notification:
    """Another user's notification is 'not found', never 'forbidden'."""
    notification = first_or_not_found(_live_notifications(user.id).filter(id=notification_id),
                                      "No such notification.")
    return notification


def notification_unread_count(*, user_id: int) -> int:
    return _live_notifications(user_id).filter(read_at__isnull=True).count()


def notification_badge(*, user_id: int) -> tuple[int, int]:
    """(unread count, newest id) in one query: the page header's badge and the id from which the
    live connection asks for anything newer."""
    from django.db.models import Max

    agg = _live_notifications(user_id).aggregate(
        unread=Count("id", filter=Q(read_at__isnull=True)), newest=Max("id")
    )
    return agg["unread"], agg["newest"] or 0


def notifications_after(*, user_id: int, last_id: int, limit: int) -> list[Notification]:
    """What a reconnecting client missed, oldest first."""
    return list(_live_notifications(user_id).filter(id__gt=last_id).order_by("id")[:limit])


# --- progress ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressSummary:
    xp: int
    level: LevelProgress
    streak: StreakResult
    achievements_unlocked: int
    achievements_total: int


def user_today(user: User) -> date:
    return timezone.localtime(timezone.now(), user.preferences.tzinfo).date()


def progress_summary(*, user: User) -> ProgressSummary:
    progress = user_row(Progress, user)
    today = user_today(user)
    days = ActivityDay.objects.filter(user=user, day__gte=today - timedelta(days=400)).values_list(
        "day", flat=True
    )
    streak = compute_streak(days, today)
    streak = StreakResult(
        streak.current, max(streak.longest, progress.longest_streak), streak.active_today,
        streak.frozen_days,
    )
    return ProgressSummary(
        xp=progress.xp_total,
        level=level_progress(progress.xp_total),
        streak=streak,
        achievements_unlocked=UserAchievement.objects.filter(user=user).count(),
        achievements_total=Achievement.objects.filter(is_active=True).count(),
    )


@dataclass(frozen=True)
class AchievementStatus:
    achievement: Achievement
    unlocked_at: object
    current: int
    target: int

    @property
    def percent(self) -> int:
        return int(100 * self.current / self.target) if self.target else 0


def achievement_board(*, user: User) -> list[AchievementStatus]:
    """Every active achievement with the user's unlock time or progress toward it."""
    from django.db.models import Count as _Count

    from .models import XPEvent

    unlocked = dict(
        UserAchievement.objects.filter(user=user).values_list("achievement_id", "unlocked_at")
    )
    achievements = list(Achievement.objects.filter(is_active=True))
    counted = {a.event_type for a in achievements if a.criteria_type == CriteriaType.COUNT}
    counts = dict(
        XPEvent.objects.filter(user=user, reason__in=counted)
        .values("reason").annotate(n=_Count("id")).values_list("reason", "n")
    )
    progress = user_row(Progress, user)
    observation = Observation(
        event_type="", event_counts=counts, streak=progress.current_streak, level=progress.level
    )
    board = []
    for achievement in achievements:
        rule = AchievementRule(achievement.code, CriteriaType(achievement.criteria_type),
                               achievement.target, achievement.event_type, achievement.special_rule)
        current, target = rule_progress(rule, observation)
        if achievement.id in unlocked:
            current = target
        board.append(AchievementStatus(achievement, unlocked.get(achievement.id), current, target))
    return board


def achievements_recent(*, user: User, limit: int = 6) -> list[UserAchievement]:
    return list(UserAchievement.objects.filter(user=user).select_related("achievement")[:limit])


# --- people ------------------------------------------------------------------------------------


def _profile_visible(viewer, user: User) -> bool:
    if user.preferences.public_profile:
        return True
    return viewer.is_authenticated and (viewer.id == user.id or user_has_role(viewer, MODERATOR))


def user_get_public(*, viewer, username: str) -> User:
    """A profile page's user. A private profile is 'not found' to everyone but its owner and
    moderators."""
    user = (
        User.objects.filter(username__iexact=username, is_active=True)
        .select_related("profile", "preferences", "progress")
        .annotate(
            follower_count=Count("follower_links", distinct=True),
            following_count=Count("following_links", distinct=True),
        )
        .first()
    )
    if user is None or not _profile_visible(viewer, user):
        raise NotFound("No such user.")
    user.viewer_follows = bool(
        viewer.is_authenticated
        and Follow.objects.filter(follower_id=viewer.id, following=user).exists()
    )
    return user


def user_get_to_unfollow(*, viewer, username: str) -> User:
    """Whom `viewer` may unfollow: anyone whose profile they may see, and anyone they already
    follow (a profile turned private must not trap its followers, who know it exists). To anyone
    else a private profile is 'not found', exactly like a name nobody has."""
    user = User.objects.filter(username__iexact=username, is_active=True).select_related("preferences").first()
    if user is None:
        raise NotFound("No such user.")
    follows = viewer.is_authenticated and Follow.objects.filter(follower_id=viewer.id, following=user).exists()
    if not (follows or _profile_visible(viewer, user)):
        raise NotFound("No such user.")
    return user


def public_stats_visible(*, viewer, user: User) -> bool:
    return user.preferences.show_stats or (viewer.is_authenticated and viewer.id == user.id)


def public_activity_visible(*, viewer, user: User) -> bool:
    return user.preferences.show_activity or (viewer.is_authenticated and viewer.id == user.id)


def activity_days(*, user: User, days: int = 84) -> list[tuple[date, bool]]:
    today = user_today(user)
    start = today - timedelta(days=days - 1)
    active = set(ActivityDay.objects.filter(user=user, day__gte=start).values_list("day", flat=True))
    return [(start + timedelta(days=i), (start + timedelta(days=i)) in active) for i in range(days)]


def _people(viewer) -> QuerySet[User]:
    qs = User.objects.filter(is_active=True).select_related("profile", "progress")
    if viewer.is_authenticated:
        qs = qs.annotate(
            viewer_follows=Exists(Follow.objects.filter(follower_id=viewer.id, following=OuterRef("pk")))
        )
    return qs


def _visible_to(viewer, qs: QuerySet[User]) -> QuerySet[User]:
    if viewer.is_authenticated and user_has_role(viewer, MODERATOR):
        return qs
    own = Q(pk=viewer.id) if viewer.is_authenticated else Q(pk__in=[])
    # No preferences row yet means the defaults: a public profile.
    return qs.filter(Q(preferences__public_profile=True) | Q(preferences__isnull=True) | own)


def followers_of(*, viewer, user: User) -> QuerySet[User]:
    return _visible_to(viewer, _people(viewer).filter(following_links__following=user)).order_by(
        "-following_links__created_at"
    )


def following_of(*, viewer, user: User) -> QuerySet[User]:
    return _visible_to(viewer, _people(viewer).filter(follower_links__follower=user)).order_by(
        "-follower_links__created_at"
    )


def people_search(*, viewer, query: str = "") -> QuerySet[User]:
    qs = _visible_to(viewer, _people(viewer))
    if query:
        qs = qs.filter(Q(username__icontains=query) | Q(name__icontains=query))
    return qs.order_by("-progress__xp_total", "username")


def staff_overview() -> dict:
    now = timezone.now()
    return {
        "users_total": User.objects.count(),
        "users_active_7d": ActivityDay.objects.filter(day__gte=(now - timedelta(days=7)).date())
        .values("user_id").distinct().count(),
        "signups_7d": User.objects.filter(date_joined__gte=now - timedelta(days=7)).count(),
        "notifications_7d": Notification.objects.filter(created_at__gte=now - timedelta(days=7)).count(),
        "recent_users": list(User.objects.order_by("-date_joined").select_related("progress")[:10]),
    }


def achievement_catalog():
    """The active achievements, as the public catalog lists them."""
    return Achievement.objects.filter(is_active=True).values(
        "code", "name", "description", "icon", "category", "rarity", "reward_xp", "criteria_type", "target")


@dataclass(frozen=True)
class FirstStep:
    key: str
    title: str
    hint: str
    url: str
    done: bool


@dataclass(frozen=True)
class HomeStart:
    """What a user's home opens with: "Welcome" or "Welcome back", and the first steps."""

    returning: bool
    steps: list[FirstStep]

    @property
    def steps_done(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def all_done(self) -> bool:
        return all(step.done for step in self.steps)


def home_start(*, user: User) -> HomeStart:
    """One query: whether the user was here on an earlier day, has a resume, an accepted
    submission, and a room they created or joined. The other apps build on accounts, so their
    models are imported here, where the home page gathers them, not at the top."""
    from django.urls import reverse

    from challenges.models import Submission
    from collaboration.models import Participant
    from resumes.models import Resume

    today = user_today(user)
    facts = User.objects.filter(pk=user.pk).annotate(
        returning=Exists(ActivityDay.objects.filter(user=OuterRef("pk"), day__lt=today)),
        has_resume=Exists(Resume.objects.filter(user=OuterRef("pk"))),
        has_solved=Exists(Submission.objects.filter(user=OuterRef("pk"), verdict="AC")),
        has_room=Exists(Participant.objects.filter(user=OuterRef("pk"))),
    ).values("returning", "has_resume", "has_solved", "has_room").get()
    steps = [
        FirstStep("resume", "Upload a resume",
                  "Get its ATS score and what to fix, or build one from scratch.",
                  reverse("resume-list") + "#upload-title", facts["has_resume"]),
        FirstStep("challenge", "Solve a first challenge",
                  "Pick an Easy one and submit until every test passes.",
                  reverse("challenge-list"), facts["has_solved"]),
        FirstStep("room", "Open a live room",
                  "Practise an interview with a friend: share the link, code together.",
                  reverse("room-list") + "#new-room-title", facts["has_room"]),
    ]
    return HomeStart(returning=facts["returning"], steps=steps)


# --- reads for analytics (analytics reads this app only through these) ---------------------------


def user_get_for_stats(*, viewer, user_id: int, activity: bool = False) -> User:
    """A user whose analytics `viewer` may see: themselves; staff and moderators; anyone else
    only when the profile is public and shows stats (and activity, for the heat-map). Everyone
    else is 'not found', like a user who does not exist."""
    user = User.objects.filter(id=user_id, is_active=True).select_related("preferences", "progress").first()
    if user is None:
        raise NotFound("No such user.")
    if viewer.is_authenticated and (viewer.id == user.id or viewer.is_staff or user_has_role(viewer, MODERATOR)):
        return user
    prefs = user.preferences
    if not (prefs.public_profile and prefs.show_stats and (prefs.show_activity or not activity)):
        raise NotFound("No such user.")
    return user


def xp_day_totals(*, user_ids, start, end) -> dict[int, int]:
    """XP earned per user in [start, end). One grouped query."""
    from django.db.models import Sum

    from .models import XPEvent

    rows = (XPEvent.objects.filter(user_id__in=user_ids, created_at__gte=start, created_at__lt=end)
            .values("user_id").annotate(total=Sum("amount")))
    return {r["user_id"]: r["total"] or 0 for r in rows}


def xp_user_ids(*, start, end) -> set[int]:
    from .models import XPEvent

    return set(XPEvent.objects.filter(created_at__gte=start, created_at__lt=end).values_list("user_id", flat=True))


def user_time_zones(*, user_ids=None) -> dict[str, list[int]]:
    """Time zone name -> ids of the active users in it (no preferences row: UTC). One query."""
    qs = User.objects.filter(is_active=True)
    if user_ids is not None:
        qs = qs.filter(id__in=user_ids)
    zones: dict[str, list[int]] = {}
    for user_id, zone in qs.values_list("id", "preferences__timezone"):
        zones.setdefault(zone or "UTC", []).append(user_id)
    return zones


@dataclass(frozen=True)
class DeletionLine:
    what: str
    count: int


@dataclass(frozen=True)
class DeletionPlan:
    removed: list[DeletionLine]
    kept_anonymised: list[DeletionLine]


def accounts_going_with(*, user) -> list[int]:
    """Ids of the accounts that exist only for `user` and are deleted with them (a chat bot's own
    account). A model that points at the user marks, in `ACCOUNT_DELETED_WITH_OWNER`, its field
    holding such an account; read from the relations, so accounts names no other app."""
    ids: list[int] = []
    for relation in User._meta.related_objects:
        account_field = getattr(relation.related_model, "ACCOUNT_DELETED_WITH_OWNER", None)
        if account_field and relation.field.name != account_field and relation.on_delete is CASCADE:
            ids += relation.related_model._base_manager.filter(**{relation.field.name: user}).values_list(
                f"{account_field}_id", flat=True)
    return sorted(set(ids))


def account_deletion_plan(*, user) -> DeletionPlan:
    """What deleting `user` would remove and what it would keep without their name, read from the
    relations themselves (every model that points at the user, with its on_delete), so the page
    can never say something the deletion does not do. The accounts that go with the user (their
    bots') count as theirs. One count per model or kept relation that has rows."""
    accounts = [user.id, *accounts_going_with(user=user)]
    cascades: dict[type, list[str]] = {}
    removed, kept = [], []
    for relation in User._meta.related_objects:
        model, field = relation.related_model, relation.field
        if relation.many_to_many or model._meta.auto_created:
            continue
        if relation.on_delete is SET_NULL:
            count = model._base_manager.filter(**{f"{field.name}__in": accounts}).count()
            if count:
                kept.append(DeletionLine(f"{model._meta.verbose_name_plural} ({field.verbose_name})", count))
        else:
            cascades.setdefault(model, []).append(field.name)
    for model, names in cascades.items():
        # A row pointing at two of the accounts (a bot: its owner and its own account) counts once.
        any_account = Q()
        for name in names:
            any_account |= Q(**{f"{name}__in": accounts})
        count = model._base_manager.filter(any_account).count()
        if count:
            removed.append(DeletionLine(str(model._meta.verbose_name_plural), count))
        account_field = getattr(model, "ACCOUNT_DELETED_WITH_OWNER", None)
        if account_field and count:
            removed.append(DeletionLine(f"accounts of your {model._meta.verbose_name_plural}", count))
    removed.sort(key=lambda line: line.what)
    kept.sort(key=lambda line: line.what)
    return DeletionPlan(removed, kept)

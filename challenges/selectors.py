"""Every non-trivial read of the challenges domain."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Avg, Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from accounts.models import Progress, User, XPEvent
from core.exceptions import first_or_not_found

from . import scoring
from .models import Challenge, ChallengeProgress, CodeDraft, Difficulty, Submission, difficulty_rank

STATUS_FILTERS = ("solved", "attempted", "new")


def _visible(user) -> QuerySet[Challenge]:
    qs = Challenge.objects.filter(is_active=True)
    if not (user.is_authenticated and user.is_staff):
        qs = qs.filter(is_public=True)
    return qs


def challenge_list(*, user, difficulty="", type="", category="", tag="", status="", search="") -> QuerySet[Challenge]:
    qs = _visible(user).defer("statement", "solution_explanation", "starter_code", "reference_solutions",
                              "examples", "hints", "scenario", "constraints")
    if difficulty:
        qs = qs.filter(difficulty=difficulty)
    if type:
        qs = qs.filter(type=type)
    if category:
        qs = qs.filter(category=category)
    if tag:
        qs = qs.filter(tags__icontains=f'"{tag}"')
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(description__icontains=search) | Q(tags__icontains=search))
    if user.is_authenticated:
        mine = ChallengeProgress.objects.filter(user=user, challenge=OuterRef("pk"))
        qs = qs.annotate(
            viewer_solved=Exists(mine.filter(solved_at__isnull=False)),
            viewer_attempted=Exists(mine.filter(attempts__gt=0)),
            viewer_best_score=Subquery(mine.filter(attempts__gt=0).values("best_score")[:1]),
        )
        if status == "solved":
            qs = qs.filter(viewer_solved=True)
        elif status == "attempted":
            qs = qs.filter(viewer_attempted=True, viewer_solved=False)
        elif status == "new":
            qs = qs.filter(viewer_attempted=False)
    return qs.order_by(difficulty_rank(), "title")


def challenge_facets() -> dict:
    rows = Challenge.objects.filter(is_active=True, is_public=True).values_list("category", "tags")
    categories, tags = set(), set()
    for category, tag_list in rows:
        categories.add(category)
        tags.update(tag_list or [])
    return {"categories": sorted(categories), "tags": sorted(tags)}


DIFFICULTY_RANK = {"easy": 0, "medium": 1, "hard": 2}


def _topic(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def challenges_for_practice(*, topics: Collection[str], languages: Collection[str] = ()) -> list[Challenge]:
    """The public challenges that practise any of `topics` (a tag or category: any case, hyphens or
    spaces alike) or can be solved in one of `languages`; easiest first. One query. Tags are JSON
    lists, so the matching is done here rather than in SQL (portable across databases)."""
    wanted_topics = {_topic(t) for t in topics if t}
    wanted_languages = {_topic(language) for language in languages if language}
    if not wanted_topics and not wanted_languages:
        return []
    rows = Challenge.objects.filter(is_active=True, is_public=True).only(
        "slug", "title", "difficulty", "category", "tags", "starter_code")
    chosen = []
    for challenge in rows:
        names = {_topic(t) for t in (challenge.tags or []) if isinstance(t, str)} | {_topic(challenge.category)}
        solvable_in = {_topic(language) for language in (challenge.starter_code or {})}
        if names & wanted_topics or solvable_in & wanted_languages:
            chosen.append(challenge)
    chosen.sort(key=lambda c: (DIFFICULTY_RANK.get(c.difficulty, 3), c.title))
    return chosen


def challenge_get(*, user, slug: str) -> Challenge:
    challenge = first_or_not_found(_visible(user).filter(slug=slug), "No such challenge.")
    return challenge


def challenge_progress(*, user, challenge: Challenge) -> ChallengeProgress | None:
    if not user.is_authenticated:
        return None
    return ChallengeProgress.objects.filter(user=user, challenge=challenge).first()


def drafts_for(*, user, challenge: Challenge) -> dict[str, str]:
    if not user.is_authenticated:
        return {}
    return dict(CodeDraft.objects.filter(user=user, challenge=challenge).values_list("language", "code"))


def submission_get_for_user(*, user, submission_id: int) -> Submission:
    """Someone else's submission is 'not found' (staff see all)."""
    qs = Submission.objects.select_related("challenge", "user")
    if not user.is_staff:
        qs = qs.filter(user=user)
    submission = first_or_not_found(qs.filter(id=submission_id), "No such submission.")
    return submission


def submissions_of(*, user, challenge: Challenge | None = None) -> QuerySet[Submission]:
    qs = Submission.objects.filter(user=user).select_related("challenge").defer("source", "results")
    if challenge is not None:
        qs = qs.filter(challenge=challenge)
    return qs.order_by("-id")


# --- leaderboards ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    rank: int
    user: User
    value: float
    detail: object = None


def _ranked_users() -> Q:
    # No preferences row yet means the defaults, which show the user.
    return Q(user__is_active=True) & (Q(user__preferences__public_profile=True, user__preferences__show_stats=True)
                                      | Q(user__preferences__isnull=True))


def period_start(period: str, now: datetime | None = None) -> datetime:
    """Weeks start on Monday 00:00 UTC, months on the 1st."""
    now = (now or timezone.now()).astimezone(UTC)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "weekly":
        return day - timedelta(days=day.weekday())
    if period == "monthly":
        return day.replace(day=1)
    raise ValueError(period)


def leaderboard_global(*, offset: int = 0, limit: int = 25) -> list[Standing]:
    rows = (Progress.objects.filter(_ranked_users(), xp_total__gt=0).select_related("user", "user__profile")
            .order_by("-xp_total", "user_id")[offset:offset + limit])
    return _with_ranks([(row.user, row.xp_total, row.level) for row in rows],
                       lambda value: Progress.objects.filter(_ranked_users(), xp_total__gt=value).count(), offset)


def viewer_rank_global(*, user) -> Standing | None:
    progress = Progress.objects.filter(user=user).first()
    if not progress or progress.xp_total <= 0:
        return None
    higher = Progress.objects.filter(_ranked_users(), xp_total__gt=progress.xp_total).count()
    return Standing(higher + 1, user, progress.xp_total, progress.level)


def _period_totals(period: str):
    return (XPEvent.objects.filter(_ranked_users(), created_at__gte=period_start(period))
            .values("user_id").annotate(total=Sum("amount")).filter(total__gt=0))


def leaderboard_period(*, period: str, offset: int = 0, limit: int = 25) -> list[Standing]:
    rows = list(_period_totals(period).order_by("-total", "user_id")[offset:offset + limit])
    users = User.objects.select_related("profile").in_bulk([r["user_id"] for r in rows])
    return _with_ranks([(users[r["user_id"]], r["total"], None) for r in rows],
                       lambda value: _period_totals(period).filter(total__gt=value).count(), offset)


def viewer_rank_period(*, user, period: str) -> Standing | None:
    mine = (XPEvent.objects.filter(user=user, created_at__gte=period_start(period))
            .aggregate(total=Sum("amount"))["total"]) or 0
    if mine <= 0:
        return None
    return Standing(_period_totals(period).filter(total__gt=mine).count() + 1, user, mine)


def leaderboard_challenge(*, challenge: Challenge, offset: int = 0, limit: int = 25) -> list[Standing]:
    rows = (ChallengeProgress.objects.filter(_ranked_users(), challenge=challenge, best_score__gt=0)
            .select_related("user", "user__profile").order_by("-best_score", "best_at", "user_id")[offset:offset + limit])
    standings, rank = [], offset
    previous = None
    for index, row in enumerate(rows):
        key = (row.best_score, row.best_at)
        rank = offset + index + 1 if key != previous else rank
        previous = key
        standings.append(Standing(rank, row.user, scoring.points(row.best_score), row.best_at))
    return standings


def viewer_rank_challenge(*, user, challenge: Challenge) -> Standing | None:
    mine = ChallengeProgress.objects.filter(user=user, challenge=challenge, best_score__gt=0).first()
    if mine is None:
        return None
    ahead = ChallengeProgress.objects.filter(_ranked_users(), challenge=challenge).filter(
        Q(best_score__gt=mine.best_score) | Q(best_score=mine.best_score, best_at__lt=mine.best_at)).count()
    return Standing(ahead + 1, user, scoring.points(mine.best_score), mine.best_at)


def _with_ranks(rows, count_higher, offset: int) -> list[Standing]:
    """Competition ranking (1, 2, 2, 4). A page's first row may tie with rows on the page before,
    so its rank costs one count query; the rest follow from their position."""
    standings: list[Standing] = []
    for index, (user, value, detail) in enumerate(rows):
        if index == 0:
            rank = count_higher(value) + 1
        elif value == standings[-1].value:
            rank = standings[-1].rank
        else:
            rank = offset + index + 1
        standings.append(Standing(rank, user, value, detail))
    return standings


def challenge_known_outputs(*, slug: str, reference_solutions: dict, time_limit_ms: int,
                            memory_limit_mb: int) -> dict[str, str]:
    """{input: expected output} of a stored challenge's tests, but only while its reference
    solutions and limits are the ones given (the outputs were made by that reference); else {}."""
    challenge = Challenge.objects.filter(slug=slug).first()
    if challenge is None or challenge.reference_solutions != reference_solutions \
            or (challenge.time_limit_ms, challenge.memory_limit_mb) != (time_limit_ms, memory_limit_mb):
        return {}
    return dict(challenge.test_cases.values_list("input", "expected_output"))


# --- reads for analytics (analytics reads this app only through these) ---------------------------


def solved_challenges_of(*, user, until: datetime | None = None) -> list[dict]:
    """The challenges `user` solved (solved before `until` when given), newest first. One query."""
    qs = ChallengeProgress.objects.filter(user=user, solved_at__isnull=False)
    if until is not None:
        qs = qs.filter(solved_at__lt=until)
    return list(qs.order_by("-solved_at").values(
        "solved_at", "best_score", slug=F("challenge__slug"), title=F("challenge__title"),
        type=F("challenge__type"), difficulty=F("challenge__difficulty"), category=F("challenge__category"),
        tags=F("challenge__tags")))


def submission_day_totals(*, user_ids: Collection[int], start: datetime, end: datetime) -> dict[int, dict]:
    """Per user, the judged submissions created in [start, end) and the challenges first solved
    then: {user_id: {submissions, accepted, score_sum, time_spent_seconds, solved}}. Two grouped
    queries, whatever the number of users."""
    rows = (Submission.objects.filter(user_id__in=user_ids, status="done", created_at__gte=start, created_at__lt=end)
            .values("user_id").annotate(submissions=Count("id"), accepted=Count("id", filter=Q(verdict="AC")),
                                        score_sum=Sum("percent"), time_spent_seconds=Sum("time_spent_seconds")))
    totals = {r["user_id"]: {"submissions": r["submissions"], "accepted": r["accepted"],
                             "score_sum": r["score_sum"] or 0.0, "time_spent_seconds": r["time_spent_seconds"] or 0,
                             "solved": 0} for r in rows}
    solved = (ChallengeProgress.objects.filter(user_id__in=user_ids, solved_at__gte=start, solved_at__lt=end)
              .values("user_id").annotate(n=Count("id")))
    for row in solved:
        totals.setdefault(row["user_id"], {"submissions": 0, "accepted": 0, "score_sum": 0.0,
                                           "time_spent_seconds": 0, "solved": 0})["solved"] = row["n"]
    return totals


def submission_challenge_day_totals(*, user_ids: Collection[int], start: datetime, end: datetime,
                                   upper_bounds: list[float]) -> list[dict]:
    """Per user and challenge, the judged submissions created in [start, end): {user_id,
    challenge_id, challenge_type, submissions, accepted, percent_sum, percent_best, percent_worst,
    seconds_sum, solve_buckets}, where solve_buckets counts the accepted ones with a time by the
    bounds (the last one open-ended when it is infinite). One grouped query, whatever the number of users."""
    lows = [0.0, *upper_bounds[:-1]]
    buckets = {}
    for index, (low, high) in enumerate(zip(lows, upper_bounds, strict=True)):
        condition = Q(verdict="AC", time_spent_seconds__gt=0, time_spent_seconds__gte=low)
        if high != float("inf"):
            condition &= Q(time_spent_seconds__lt=high)
        buckets[f"b{index}"] = Count("id", filter=condition)
    rows = (Submission.objects.filter(user_id__in=user_ids, status="done", created_at__gte=start, created_at__lt=end)
            .values("user_id", "challenge_id", challenge_type=F("challenge__type"))
            .annotate(submissions=Count("id"), accepted=Count("id", filter=Q(verdict="AC")),
                      percent_sum=Sum("percent"), percent_best=Max("percent"), percent_worst=Min("percent"),
                      seconds_sum=Sum("time_spent_seconds"), **buckets)
            .order_by("user_id", "challenge_id"))
    return [{**{k: v for k, v in row.items() if k not in buckets},
             "solve_buckets": [row[f"b{i}"] for i in range(len(upper_bounds))]} for row in rows]


def submission_user_ids(*, start: datetime, end: datetime) -> set[int]:
    """Who submitted or solved anything in [start, end). Two queries."""
    ids = set(Submission.objects.filter(created_at__gte=start, created_at__lt=end).values_list("user_id", flat=True))
    ids |= set(ChallengeProgress.objects.filter(solved_at__gte=start, solved_at__lt=end)
               .values_list("user_id", flat=True))
    return ids


def difficulty_outcomes(*, since: datetime) -> list[dict]:
    """Judged submissions since `since` per challenge difficulty, easiest first: how many, how many
    accepted, how many people tried and solved, and the mean wait from submitting to the verdict
    (the judge's queue and run time, seconds). One query."""
    from django.db.models import DurationField, ExpressionWrapper

    wait = ExpressionWrapper(F("judged_at") - F("created_at"), output_field=DurationField())
    rows = (Submission.objects.filter(status="done", created_at__gte=since, judged_at__isnull=False)
            .values(difficulty=F("challenge__difficulty"))
            .annotate(submissions=Count("id"), accepted=Count("id", filter=Q(verdict="AC")),
                      people=Count("user", distinct=True),
                      solvers=Count("user", distinct=True, filter=Q(verdict="AC")), wait=Avg(wait)))
    found = [{**row, "acceptance": round(100 * row["accepted"] / row["submissions"]) if row["submissions"] else None,
              "wait_seconds": None if row["wait"] is None else round(row["wait"].total_seconds(), 1)}
             for row in rows]
    order = {value: rank for rank, value in enumerate(Difficulty.values)}
    return sorted(found, key=lambda row: order.get(row["difficulty"], len(order)))


def verdict_mix(*, since: datetime) -> dict[str, int]:
    """Judged submissions since `since` by verdict, for the staff overview. One query."""
    return dict(Submission.objects.filter(status="done", created_at__gte=since).values("verdict")
                .annotate(n=Count("id")).values_list("verdict", "n"))


def judged_failures_with_tests(*, user, limit: int = 300) -> list[dict]:
    """The user's latest judged submissions that were not accepted, with what mining mistake
    patterns needs (interviews' progress reads it): the per-test verdicts, and for each challenge the
    size of every test's input in judging order, its topic and its explanation. Two queries,
    whatever the number of submissions."""
    from django.db.models.functions import Length

    from .models import TestCase

    rows = list(Submission.objects.filter(user=user, status="done").exclude(verdict="AC")
                .order_by("-id").values("id", "language", "verdict", "results", "created_at",
                                        "challenge_id", slug=F("challenge__slug"), title=F("challenge__title"),
                                        topic=F("challenge__category"),
                                        explanation=F("challenge__solution_explanation"))[:limit])
    sizes: dict[int, list[int]] = {}
    for challenge_id, size in (TestCase.objects.filter(challenge_id__in={r["challenge_id"] for r in rows})
                               .order_by("challenge", "order", "id")
                               .values_list("challenge_id", Length("input"))):
        sizes.setdefault(challenge_id, []).append(size)
    for row in rows:
        row["test_sizes"] = sizes.get(row["challenge_id"], [])
    return rows

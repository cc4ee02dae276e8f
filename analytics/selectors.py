"""Reads of analytics. Other apps are read only through their selectors. The dashboard reads the
daily aggregates (DailyActivity) for past days and today's live numbers, so its query count is
flat in the amount of history (tests/analytics/test_selectors.py)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.urls import reverse

from accounts import selectors as accounts_selectors
from challenges import selectors as challenge_selectors
from core.exceptions import NotFound, ValidationFailed
from resumes import selectors as resume_selectors

from . import event_log, evidence
from .engine import (
    TARGET_LEVEL,
    TIME_BUCKETS,
    Gap,
    JobSkill,
    PlanItem,
    Projection,
    Readiness,
    ReadinessInput,
    SkillEvidence,
    SkillLevel,
    fill_days,
    readiness_compute,
    skill_levels,
    trend_projection,
)
from .engine.readiness import DIFFICULTY_POINTS, NO_DATA, NOT_AVAILABLE, RESUME_POINTS
from .models import (
    SOLVE_BUCKET_FIELDS,
    ChallengeDays,
    DailyActivity,
    DailyPlatformActivity,
    DailyTypeActivity,
    DailyVerbTotal,
    Event,
    ReadinessSnapshot,
    ReadinessTarget,
)
from .skill_map import practice_topics_for, skill_name, skills_for_topics

RANGES = {"7d": 7, "30d": 30, "365d": 365}
RANGE_LABELS = {"7d": "7 days", "30d": "30 days", "365d": "A year"}
HEATMAP_DAYS = 364  # 52 full weeks, then today
SERIES_FIELDS = ("submissions", "solved", "xp", "time_spent_seconds")
# Below this interview-dimensions part (0..1), the plan suggests another mock interview.
INTERVIEW_PRACTICE_BELOW = 0.75
# The same for the peer-feedback part: below it, the plan suggests a peer mock interview.
PEER_PRACTICE_BELOW = 0.75


def range_key_valid(value: str | None) -> str:
    key = value or "30d"
    if key not in RANGES:
        raise ValidationFailed(f"Range must be one of {', '.join(RANGES)}.", code="invalid_range",
                               details={"range": [f"Choose {', '.join(RANGES)}."]})
    return key


def local_midnight(day: date, tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tzinfo)


@dataclass(frozen=True)
class DaySeries:
    days: list[date]
    submissions: list[float]
    solved: list[float]
    xp: list[float]
    time_spent_seconds: list[float]


@dataclass(frozen=True)
class Dashboard:
    range_key: str
    start: date
    today: date
    overview: dict
    series: DaySeries
    heatmap: list[tuple[date, int]]
    performance: list[dict]
    time_distribution: list[tuple[str, int]]
    skills: list[SkillLevel]
    sources: list[dict]
    # AI interviews finished in the range, oldest first: {"at", "title", "overall", <dimension>: score}.
    interview_dimensions: list[dict] = field(default_factory=list)
    # The community and chat apps' figures for this user in the range ({} while an app is absent).
    community: dict = field(default_factory=dict)


def _day_rows(user, start: date, today: date) -> dict[date, dict]:
    """Aggregated days in [start, today) plus today's live numbers."""
    rows = {r["day"]: r for r in DailyActivity.objects.filter(user=user, day__gte=start, day__lt=today)
            .values("day", *SERIES_FIELDS)}
    tzinfo = user.preferences.tzinfo
    begin, end = local_midnight(today, tzinfo), local_midnight(today + timedelta(days=1), tzinfo)
    live = challenge_selectors.submission_day_totals(user_ids=[user.id], start=begin, end=end).get(user.id, {})
    xp = accounts_selectors.xp_day_totals(user_ids=[user.id], start=begin, end=end).get(user.id, 0)
    rows[today] = {"day": today, "submissions": live.get("submissions", 0), "solved": live.get("solved", 0),
                   "xp": xp, "time_spent_seconds": live.get("time_spent_seconds", 0)}
    return rows


def skill_progress(*, user, until: datetime | None = None) -> list[SkillLevel]:
    """Level 1-5 per ontology skill from solved challenges and resume evidence, with the items
    that moved it. Two queries."""
    items: list[SkillEvidence] = []
    for row in challenge_selectors.solved_challenges_of(user=user, until=until):
        points = DIFFICULTY_POINTS.get(row["difficulty"], 1.0)
        label = f"Solved {row['title']} ({row['difficulty']})"
        url = reverse("challenge-detail", args=[row["slug"]])
        for skill_id in sorted(skills_for_topics([*(row["tags"] or []), row["category"]])):
            items.append(SkillEvidence(skill_id, skill_name(skill_id), "challenge", points, label, url))
    if until is None:
        for row in resume_selectors.resume_skill_evidence(user=user):
            points = RESUME_POINTS.get(row["shown"], 0.5)
            items.append(SkillEvidence(row["skill"], row["name"], "resume", points,
                                       f"Resume: {row['shown'].replace('_', ' ')}",
                                       reverse("resume-list")))
    return skill_levels(items)


def dashboard_get(*, user, range_key: str = "30d") -> Dashboard:
    range_key = range_key_valid(range_key)
    today = accounts_selectors.user_today(user)
    start = today - timedelta(days=RANGES[range_key] - 1)
    heat_start = today - timedelta(days=HEATMAP_DAYS)
    rows = _day_rows(user, min(start, heat_start), today)
    since = local_midnight(start, user.preferences.tzinfo)
    in_range = [(d, r) for d, r in sorted(rows.items()) if d >= start]
    series = {f: dict((d, r[f]) for d, r in in_range) for f in SERIES_FIELDS}
    filled = {f: fill_days(series[f], start, today) for f in SERIES_FIELDS}
    heat = fill_days({d: r["submissions"] + r["solved"] for d, r in rows.items()}, heat_start, today)
    summary = accounts_selectors.progress_summary(user=user)
    totals = submission_stats(user=user, start=start, today=today)
    attempted = totals["attempted"]
    overview = {
        "submissions": totals["submissions"], "accepted": totals["accepted"],
        "challenges_attempted": attempted, "challenges_solved": totals["solved"],
        "completion_rate": round(100 * totals["solved"] / attempted) if attempted else None,
        "average_score": None if totals["average_percent"] is None else round(totals["average_percent"], 1),
        "time_spent_seconds": totals["time_spent_seconds"],
        "xp_in_range": int(sum(v for _, v in filled["xp"])),
        "xp_total": summary.xp, "level": summary.level.level,
        "current_streak": summary.streak.current, "best_streak": summary.streak.longest,
        "achievements_unlocked": summary.achievements_unlocked, "achievements_total": summary.achievements_total,
    }
    return Dashboard(
        range_key=range_key, start=start, today=today, overview=overview,
        series=DaySeries([d for d, _ in filled["xp"]], *[[v for _, v in filled[f]] for f in SERIES_FIELDS]),
        heatmap=[(d, int(v)) for d, v in heat], performance=totals["performance"],
        time_distribution=list(zip([label for label, _ in TIME_BUCKETS], totals["solve_buckets"], strict=True)),
        skills=skill_progress(user=user), sources=evidence.dashboard_sources(),
        interview_dimensions=interview_dimensions_over_time(user=user, since=since),
        community=community_of(user=user, since=since))


def totals_by_type(rows, *, buckets: int) -> dict[str, dict]:
    """Judged-submission rows (per challenge or per type, of any days) summed per challenge type:
    {type: {submissions, accepted, percent_sum, percent_best, percent_worst, seconds_sum,
    solve_buckets}}. The daily aggregation and the dashboard fold the same way."""
    by_type: dict[str, dict] = {}
    for row in rows:
        kind = by_type.setdefault(row["challenge_type"], {
            "submissions": 0, "accepted": 0, "percent_sum": 0.0, "percent_best": row["percent_best"],
            "percent_worst": row["percent_worst"], "seconds_sum": 0, "solve_buckets": [0] * buckets})
        for name in ("submissions", "accepted", "percent_sum", "seconds_sum"):
            kind[name] += row[name] or 0
        kind["percent_best"] = max(kind["percent_best"], row["percent_best"])
        kind["percent_worst"] = min(kind["percent_worst"], row["percent_worst"])
        counts = [*row["solve_buckets"], *[0] * buckets][:buckets]  # rows made with other buckets still add
        kind["solve_buckets"] = [a + b for a, b in zip(kind["solve_buckets"], counts, strict=True)]
    return by_type


def submission_stats(*, user, start: date, today: date) -> dict:
    """The user's judged submissions from `start` to now: totals, performance per challenge type
    and accepted solve times by TIME_BUCKETS. Past days are summed from DailyTypeActivity and the
    distinct challenges tried and solved come from ChallengeDays; today's submissions are read
    live. Three queries, whatever the history (the past days are summed in SQL)."""
    tzinfo = user.preferences.tzinfo
    bounds = [bound for _, bound in TIME_BUCKETS]
    live = challenge_selectors.submission_challenge_day_totals(
        user_ids=[user.id], start=local_midnight(today, tzinfo),
        end=local_midnight(today + timedelta(days=1), tzinfo), upper_bounds=bounds)
    from django.db.models import Max, Min, Sum

    past = (DailyTypeActivity.objects.filter(user=user, day__gte=start, day__lt=today).values("challenge_type")
            .annotate(submissions=Sum("submissions"), accepted=Sum("accepted"), percent_sum=Sum("percent_sum"),
                      percent_best=Max("percent_best"), percent_worst=Min("percent_worst"),
                      seconds_sum=Sum("seconds_sum"), **{name: Sum(name) for name in SOLVE_BUCKET_FIELDS})
            .order_by("challenge_type"))
    rows = [*({**row, "solve_buckets": [row.pop(name) for name in SOLVE_BUCKET_FIELDS]} for row in past), *live]
    tried = {(r["challenge_id"], r["challenge_type"]) for r in live}
    solved = {(r["challenge_id"], r["challenge_type"]) for r in live if r["accepted"]}
    for challenge_id, kind, accepted_day in (ChallengeDays.objects.filter(user=user, last_judged_day__gte=start)
                                             .values_list("challenge_id", "challenge_type", "last_accepted_day")):
        tried.add((challenge_id, kind))
        if accepted_day is not None and accepted_day >= start:
            solved.add((challenge_id, kind))
    by_type = totals_by_type(rows, buckets=len(bounds))
    buckets = [sum(counts) for counts in zip(*(k["solve_buckets"] for k in by_type.values()), strict=True)] \
        if by_type else [0] * len(bounds)
    submissions = sum(k["submissions"] for k in by_type.values())
    performance = [{"type": name, "submissions": k["submissions"],
                    "completed": sum(1 for _, kind in solved if kind == name),
                    "average_percent": round(k["percent_sum"] / k["submissions"], 1),
                    "best_percent": round(k["percent_best"], 1), "worst_percent": round(k["percent_worst"], 1),
                    "average_seconds": round(k["seconds_sum"] / k["submissions"])}
                   for name, k in sorted(by_type.items()) if k["submissions"]]
    return {"submissions": submissions, "accepted": sum(k["accepted"] for k in by_type.values()),
            "attempted": len(tried), "solved": len(solved),
            "average_percent": sum(k["percent_sum"] for k in by_type.values()) / submissions if submissions else None,
            "time_spent_seconds": sum(k["seconds_sum"] for k in by_type.values()),
            "performance": performance, "solve_buckets": buckets}


def community_of(*, user, since: datetime) -> dict:
    """The user's community contributions (community selectors) and chat messages sent (chat
    selectors) in the range; an app not installed leaves its figures out. Four queries."""
    found = dict(_app_stats("community", "dashboard_evidence", user=user, since=since))
    sent = _app_stats_value("chat", "messages_sent_count", user=user, since=since)
    if sent is not None:
        found["messages_sent"] = sent
    return found


def _app_stats_value(app: str, selector: str, **kwargs):
    from importlib import import_module

    from django.apps import apps

    if not apps.is_installed(app):
        return None
    reader = getattr(import_module(f"{app}.selectors"), selector, None)
    return reader(**kwargs) if reader else None


def interview_dimensions_over_time(*, user, since: datetime) -> list[dict]:
    """Each AI interview finished since `since` with its score per dimension: one query (none
    while the interviews app is not installed)."""
    from django.apps import apps

    if not apps.is_installed("interviews"):
        return []
    from interviews import selectors as interview_selectors

    return [{"at": finished_at, "title": title or "Interview", "overall": overall, **dimensions}
            for _, finished_at, _, title, dimensions, overall
            in interview_selectors.finished_reports_of(user=user, since=since)]


def interview_dimension_names() -> tuple[str, ...]:
    from interviews.engine.questions import DIMENSIONS

    return DIMENSIONS


def analytics_subject_get(*, viewer, user_id: int, activity: bool = False):
    """Whose analytics: accounts' privacy rules (a private profile or hidden stats is 404)."""
    return accounts_selectors.user_get_for_stats(viewer=viewer, user_id=user_id, activity=activity)


# --- readiness ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadinessView:
    target: ReadinessTarget
    readiness: Readiness
    history: list[tuple[date, float]]
    projection: Projection


def readiness_target_of(*, user) -> ReadinessTarget | None:
    return ReadinessTarget.objects.filter(user=user).select_related("job").first()


def _job_skills(job) -> tuple[JobSkill, ...]:
    parsed = job.parsed if isinstance(job.parsed, dict) else {}
    required = [s for s in parsed.get("required_skills") or [] if isinstance(s, str)]
    preferred = [s for s in parsed.get("preferred_skills") or [] if isinstance(s, str) and s not in required]
    return (*(JobSkill(s, skill_name(s), True) for s in required),
            *(JobSkill(s, skill_name(s), False) for s in preferred))


def readiness_input(*, user, job, until: datetime | None = None) -> tuple[ReadinessInput, list[PlanItem]]:
    """The readiness engine's input for one job (as of `until`, for the history) and the plan's
    candidate items. Queries: solved challenges, the latest analysis, the practice challenges."""
    job_skills = _job_skills(job)
    wanted = {s.skill_id for s in job_skills}
    points: dict[str, float] = {}
    labels: dict[str, list[str]] = {}
    solved_slugs = set()
    for row in challenge_selectors.solved_challenges_of(user=user, until=until):
        solved_slugs.add(row["slug"])
        for skill_id in skills_for_topics([*(row["tags"] or []), row["category"]]) & wanted:
            points[skill_id] = points.get(skill_id, 0) + DIFFICULTY_POINTS.get(row["difficulty"], 1.0)
            labels.setdefault(skill_id, []).append(f"{skill_name(skill_id)}: solved {row['title']}")
    analysis = resume_selectors.job_latest_analysis(user=user, job=job, until=until)
    resume_gaps: list[Gap] = []
    candidates: list[PlanItem] = []
    if analysis is None:
        candidates.append(PlanItem("resume", "Check your resume against this job", reverse("resume-list"),
                                   detail="Gives the resume-match part its first measurement."))
    else:
        for gap in (analysis.gaps or {}).get("gaps", []) if isinstance(analysis.gaps, dict) else []:
            if not isinstance(gap, dict) or not gap.get("name"):
                continue
            resume_gaps.append(Gap(str(gap.get("skill", "")), str(gap["name"]), bool(gap.get("required")), 0,
                                   TARGET_LEVEL, "resume", f"{gap.get('severity', '')} gap in your resume".strip()))
            steps = [s for s in gap.get("learning_path") or [] if isinstance(s, str)]
            candidates.append(PlanItem(
                "learning", f"Close the resume gap: {gap['name']}", reverse("job-detail", args=[job.id]),
                resume_points=float(gap.get("points") or 0),
                detail=(steps[0] if steps else "Show it in a role on your resume, then check again.")))
    if until is None:
        topics = practice_topics_for(wanted)
        for challenge in challenge_selectors.challenges_for_practice(topics=topics):
            if challenge.slug in solved_slugs:
                continue
            skills = skills_for_topics([*(challenge.tags or []), challenge.category]) & wanted
            if not skills:
                continue
            gain_points = DIFFICULTY_POINTS.get(challenge.difficulty, 1.0)
            candidates.append(PlanItem(
                "challenge", f"Solve {challenge.title} ({challenge.difficulty})",
                reverse("challenge-detail", args=[challenge.slug]),
                skill_points={s: gain_points for s in skills},
                detail="Practises " + ", ".join(sorted(skill_name(s) for s in skills))))
    other_parts = evidence.plugged_parts(user=user, job=job, until=until)
    interview = next((p for p in other_parts if p.key == "interview_dimensions"), None)
    if until is None and interview is not None and interview.status != NOT_AVAILABLE \
            and (interview.score or 0) < INTERVIEW_PRACTICE_BELOW:
        family = (job.parsed or {}).get("role_family", "general") if isinstance(job.parsed, dict) else "general"
        candidates.append(PlanItem(
            "interview", f"Do an AI mock interview for {family} roles", reverse("interview-start"),
            detail=("Gives the interview-dimensions part its first measurement." if interview.status == NO_DATA
                    else f"Your interview dimensions average {interview.percent}/100: practise the weakest.")))
    peer = next((p for p in other_parts if p.key == "peer_feedback"), None)
    if until is None and peer is not None and peer.status != NOT_AVAILABLE and (peer.score or 0) < PEER_PRACTICE_BELOW:
        candidates.append(PlanItem(
            "peer", "Book a peer mock interview", reverse("peer-find"),
            detail=("Gives the peer-feedback part its first measurement." if peer.status == NO_DATA
                    else f"Your peer feedback averages {peer.percent}/100: ask your next peer what to work on.")))
    data = ReadinessInput(
        job_skills=job_skills, challenge_points=points,
        challenge_evidence={k: tuple(v) for k, v in labels.items()},
        resume_match=None if analysis is None else float(analysis.total), resume_gaps=tuple(resume_gaps),
        resume_weight=evidence.source("resume_match").weight,
        challenge_weight=evidence.source("challenge_skills").weight,
        other_parts=other_parts)
    return data, candidates


def readiness_for(*, user, job, until: datetime | None = None) -> Readiness:
    data, candidates = readiness_input(user=user, job=job, until=until)
    return readiness_compute(data, candidates)


def readiness_history(*, user, job) -> list[tuple[date, float]]:
    return list(ReadinessSnapshot.objects.filter(user=user, job=job).order_by("day").values_list("day", "value"))


def readiness_view(*, user) -> ReadinessView | None:
    target = readiness_target_of(user=user)
    if target is None:
        return None
    readiness = readiness_for(user=user, job=target.job)
    history = readiness_history(user=user, job=target.job)
    today = accounts_selectors.user_today(user)
    if readiness.value is not None:
        # Today's point is the live figure (the snapshot of today may be older than the last solve).
        history = [(d, v) for d, v in history if d != today] + [(today, readiness.value)]
    return ReadinessView(target, readiness, history, trend_projection(history, target.bar))


def target_jobs_of(*, user):
    return resume_selectors.jobs_of(user=user)


def target_job_get(*, user, job_id: int):
    try:
        return resume_selectors.job_get(user=user, job_id=job_id)
    except NotFound:
        raise NotFound("No such job description.") from None


# --- staff ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlatformOverview:
    days: int
    start: date
    members: int
    signups: int
    active_7d: int
    per_day: list[tuple[date, int, int, int]]  # day, active members, submissions, solves
    verdicts: dict[str, int]
    parses: dict[str, int]
    # From the event log: per day, events of each verb in PLATFORM_VERBS (the daily totals for
    # past days, today's events counted live), and the community and chat apps' own stats.
    verb_days: list[tuple[date, dict[str, int]]] = field(default_factory=list)
    community: dict = field(default_factory=dict)
    # Per challenge difficulty: submissions, acceptance, people who tried and solved, judge wait.
    difficulties: list[dict] = field(default_factory=list)
    chat: dict = field(default_factory=dict)


def platform_overview(*, days: int = 30) -> PlatformOverview:
    """The platform per day from the event log's daily totals (past days; today counted live),
    with the verdict mix and resume reads. The per-day figures have no user key, so they stay the
    same when an account is deleted. A flat number of queries."""
    from django.utils import timezone

    today = timezone.now().date()
    start = today - timedelta(days=days - 1)
    events = verb_days(start=start, today=today, verbs=(*PLATFORM_VERBS, *PER_DAY_VERBS))
    active = active_actors_per_day(start=start, today=today)
    per_day = [(d, active[d], counts[event_log.SUBMISSION_JUDGED], counts[event_log.CHALLENGE_SOLVED])
               for d, counts in events]
    accounts = accounts_selectors.staff_overview()
    since = local_midnight(start, timezone.get_current_timezone())
    return PlatformOverview(days, start, accounts["users_total"], accounts["signups_7d"], accounts["users_active_7d"],
                            per_day, challenge_selectors.verdict_mix(since=since),
                            resume_selectors.parse_status_counts(since=since),
                            verb_days=events, community=_app_stats("community",
                            "community_overview"), chat=_app_stats("chat", "chat_overview", since=since),
                            difficulties=challenge_selectors.difficulty_outcomes(since=since))


# The platform page's "per day" columns besides active members: submissions and first solves.
PER_DAY_VERBS = (event_log.SUBMISSION_JUDGED, event_log.CHALLENGE_SOLVED)


def active_actors_per_day(*, start: date, today: date) -> dict[date, int]:
    """Distinct actors of any event per day from `start` to `today` (DailyPlatformActivity for
    past days, today's events counted live); every day is there. Two queries."""
    from django.db.models import Count, Q

    actors = dict(DailyPlatformActivity.objects.filter(day__gte=start, day__lt=today).values_list("day", "actors"))
    live = Event.objects.filter(day=today).aggregate(
        named=Count("actor", distinct=True), anonymous=Count("anonymous_actor", distinct=True,
                                                             filter=~Q(anonymous_actor="")))
    actors[today] = live["named"] + live["anonymous"]
    return {d: int(actors.get(d, 0)) for d, _ in fill_days({}, start, today)}


PLATFORM_VERBS = (event_log.INTERVIEW_COMPLETED, event_log.POST_CREATED, event_log.COMMENT_CREATED,
                  event_log.POST_LIKED, event_log.MESSAGE_SENT, event_log.RESUME_PARSED,
                  event_log.RESUME_PARSE_FAILED)


def verb_days(*, start: date, today: date, verbs=PLATFORM_VERBS) -> list[tuple[date, dict[str, int]]]:
    """Events per day and verb from `start` to `today`: the daily totals for past days, today's
    events counted from the log. Every day and verb is there (zero when nothing happened). Two
    queries."""
    from django.db.models import Count

    counts: dict[date, dict[str, int]] = {}
    for day, verb, events in (DailyVerbTotal.objects.filter(day__gte=start, day__lt=today, verb__in=verbs)
                              .values_list("day", "verb", "events")):
        counts.setdefault(day, {})[verb] = events
    counts[today] = dict(Event.objects.filter(day=today, verb__in=verbs).values_list("verb")
                         .annotate(n=Count("id")).order_by("verb"))
    return [(d, {v: int(counts.get(d, {}).get(v, 0)) for v in verbs}) for d, _ in fill_days({}, start, today)]


def _app_stats(app: str, selector: str, **kwargs) -> dict:
    """Another app's stats selector, or {} while that app (or the selector) has not landed."""


    return _app_stats_value(app, selector, **kwargs) or {}


# --- your data ------------------------------------------------------------------------------------


def data_exports_of(*, user, limit: int = 5):
    from .models import DataExport

    return list(DataExport.objects.filter(user=user).order_by("-created_at", "-id")[:limit])


def data_export_get_for_user(*, user, export_id: int):
    """The user's own export; anyone else's is 'not found'."""
    from .models import DataExport

    export = DataExport.objects.filter(pk=export_id, user=user).first()
    if export is None:
        raise NotFound("No such export.")
    return export

"""Every write of the challenges domain."""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from accounts.models import NotificationType
from accounts.services import notification_send, progress_record_activity, progress_record_event
from analytics import event_log as analytics_verbs
from analytics.event_log import event_record
from core import metrics
from core.audit import audit_record
from core.exceptions import ApplicationError, Conflict, NotFound, ValidationFailed
from core.realtime import publish_on_commit
from core.recovery import requeue_lost

from .judge import Limits, TestResult, Verdict, get_checker
from .judge import TestCase as JudgeTestCase
from .judge_gateway import require_judge, runtime_for
from .lock_objects import (
    lock_challenge_by_slug_for_update,
    lock_challenge_for_update,
    lock_challenge_progress_for_update,
    lock_submission_for_update,
)
from .models import (
    Challenge,
    ChallengeProgress,
    CodeDraft,
    Mode,
    Submission,
    SubmissionStatus,
    TestCase,
)
from .playlist_services import on_submission_accepted
from .realtime import submission_group

logger = logging.getLogger(__name__)
SHOWN_BYTES = 2048


class SourceRejected(ApplicationError):
    code = "source_rejected"


# --- validation before anything runs ---------------------------------------------------------------


def _keyword_pattern(keyword: str) -> re.Pattern:
    return re.compile(rf"(?<![A-Za-z0-9_]){re.escape(keyword)}(?![A-Za-z0-9_])")


def source_validate(*, challenge: Challenge | None, language: str, source: str):
    """Returns the runtime; raises a clear error for anything that must not reach the judge."""
    runtime = runtime_for(language)
    if not isinstance(source, str) or not source.strip():
        raise SourceRejected("Write some code first.", code="empty_source")
    if "\x00" in source:
        raise SourceRejected("The source contains binary data (NUL bytes).", code="binary_source")
    size = len(source.encode("utf-8", errors="surrogatepass"))
    if size > settings.JUDGE_MAX_SOURCE_BYTES:
        raise SourceRejected(f"The source is {size:,} bytes; the limit is {settings.JUDGE_MAX_SOURCE_BYTES:,}.",
                             code="source_too_long")
    if challenge is not None:
        used = [k for k in challenge.forbidden_keywords if _keyword_pattern(k).search(source)]
        if used:
            raise SourceRejected(f"This challenge does not allow: {', '.join(used)}.", code="forbidden_keyword",
                                 details={"keywords": used})
        missing = [k for k in challenge.required_keywords if not _keyword_pattern(k).search(source)]
        if missing:
            raise SourceRejected(f"This challenge asks you to use: {', '.join(missing)}.", code="required_keyword",
                                 details={"keywords": missing})
    return runtime


def judge_limits(*, time_limit_ms: int, memory_limit_mb: int) -> Limits:
    cpu = time_limit_ms / 1000
    return Limits(cpu_time=cpu, wall_time=max(2.0, cpu * 2 + 1), memory=memory_limit_mb * 1024 * 1024)


def challenge_limits(challenge: Challenge) -> Limits:
    return judge_limits(time_limit_ms=challenge.time_limit_ms, memory_limit_mb=challenge.memory_limit_mb)


# --- progress, hints, drafts ---------------------------------------------------------------------------


def _progress_for(user, challenge) -> ChallengeProgress:
    try:
        with transaction.atomic():
            progress, _ = ChallengeProgress.objects.get_or_create(user=user, challenge=challenge)
    except IntegrityError:
        progress = ChallengeProgress.objects.get(user=user, challenge=challenge)
    return progress


@transaction.atomic
def challenge_start(*, user, challenge: Challenge, mode: str = Mode.STANDARD,
                    restart: bool = False) -> ChallengeProgress:
    """Start the clock on a challenge, once (the first start counts toward its popularity). In
    interview mode also start the interview clock, once: starting again keeps it running from
    where it began, and only `restart` sets it back to zero. Pages call this by an explicit POST,
    never on a page view."""
    if mode not in Mode.values:
        raise ValidationFailed(details={"mode": [f"Choose one of {', '.join(Mode.values)}."]})
    progress = lock_challenge_progress_for_update(_progress_for(user, challenge).id)
    now, changed = timezone.now(), []
    if progress.started_at is None:
        progress.started_at = now
        changed.append("started_at")
        Challenge.objects.filter(id=challenge.id).update(popularity=F("popularity") + 1)
    if mode == Mode.INTERVIEW and (progress.interview_started_at is None or restart):
        progress.interview_started_at = now
        changed.append("interview_started_at")
    if changed:
        progress.save(update_fields=[*changed, "updated_at"])
    return progress


@transaction.atomic
def hint_reveal(*, user, challenge: Challenge) -> tuple[int, str]:
    """Reveal the next hint. Returns (how many are revealed now, the new hint)."""
    progress = lock_challenge_progress_for_update(_progress_for(user, challenge).id)
    if progress.hints_revealed >= len(challenge.hints):
        raise ApplicationError("There are no more hints.", code="no_more_hints")
    progress.hints_revealed += 1
    progress.save(update_fields=["hints_revealed", "updated_at"])
    return progress.hints_revealed, challenge.hints[progress.hints_revealed - 1]


@transaction.atomic
def solution_reveal(*, user, challenge: Challenge) -> str:
    """The solution explained: to a user who solved the challenge, or before solving on their
    explicit request (LeetCode's editorial is open to anyone who asks). A reveal before solving is
    noted once, so that it stays shown on every device; solving afterwards still counts in full."""
    if not challenge.solution_explanation.strip():
        raise ApplicationError("This challenge has no solution write-up yet.", code="no_solution")
    progress = lock_challenge_progress_for_update(_progress_for(user, challenge).id)
    if progress.solved_at is None and progress.solution_revealed_at is None:
        progress.solution_revealed_at = timezone.now()
        progress.save(update_fields=["solution_revealed_at", "updated_at"])
    return challenge.solution_explanation


def draft_save(*, user, challenge: Challenge, language: str, code: str) -> CodeDraft:
    runtime = runtime_for(language)
    if len(code.encode("utf-8", errors="surrogatepass")) > settings.JUDGE_MAX_SOURCE_BYTES:
        raise SourceRejected("The draft is too long.", code="source_too_long")
    draft, _ = CodeDraft.objects.update_or_create(
        user=user, challenge=challenge, language=runtime.language, defaults={"code": code}
    )
    return draft


# --- submissions ---------------------------------------------------------------------------------------


@transaction.atomic
def submission_create(*, user, challenge: Challenge, language: str, source: str, mode: str = Mode.STANDARD,
                      time_spent_seconds: int | None = None, distractions_met: int = 0) -> Submission:
    """Validate and queue a submission; the judge task starts after commit."""
    if not challenge.is_active or (not challenge.is_public and not user.is_staff):
        raise ApplicationError("This challenge is not open for submissions.", code="challenge_closed")
    if mode not in Mode.values:
        raise ValidationFailed(details={"mode": [f"Choose one of {', '.join(Mode.values)}."]})
    runtime = source_validate(challenge=challenge, language=language, source=source)
    progress = lock_challenge_progress_for_update(_progress_for(user, challenge).id)
    if progress.started_at is None:
        progress.started_at = timezone.now()
    if time_spent_seconds is None:
        time_spent_seconds = int((timezone.now() - progress.started_at).total_seconds())
    progress.attempts += 1
    progress.save(update_fields=["started_at", "attempts", "updated_at"])
    submission = Submission.objects.create(
        user=user, challenge=challenge, language=runtime.language, source=source, mode=mode,
        time_spent_seconds=max(0, min(int(time_spent_seconds), 7 * 86400)),
        distractions_met=max(0, min(int(distractions_met), 1000)),
        total=challenge.test_cases.count(),
    )
    from .tasks import submission_judge_task

    transaction.on_commit(lambda: submission_judge_task.delay(submission.id), robust=True)
    return submission


def _public_result(result: TestResult, case: TestCase) -> dict:
    data = {
        "index": result.index, "verdict": str(result.verdict), "hidden": case.is_hidden,
        "weight": case.weight, "cpu_time": result.cpu_time, "wall_time": result.wall_time,
        "memory": result.memory, "message": result.message,
    }
    if not case.is_hidden:
        data.update(input=case.input[:SHOWN_BYTES], expected_output=case.expected_output[:SHOWN_BYTES],
                    stdout=result.stdout[:SHOWN_BYTES], stderr=result.stderr[:SHOWN_BYTES])
    return data


def judging_deadline(submission: Submission) -> timedelta:
    """How long judging this submission may take before it counts as stalled (its worker died):
    every test at its time limit, with room for compiling and saving."""
    tests = max(submission.total, 1)
    seconds = submission.challenge.time_limit_ms / 1000 * 1.5 * tests + settings.JUDGE_STALL_GRACE_SECONDS
    return timedelta(seconds=seconds)


def _stalled(submission: Submission, now) -> bool:
    return submission.status == SubmissionStatus.RUNNING and submission.updated_at < now - judging_deadline(submission)


def submission_judge(*, submission_id: int) -> Submission | None:
    """Judge a queued submission. Running it twice judges it once. A submission left "running" by
    a worker that died (past its judging deadline) is judged again from the start."""
    with transaction.atomic():
        submission = lock_submission_for_update(submission_id)
        if submission is None:
            return None
        if _stalled(submission, timezone.now()):
            logger.warning("submission %s was left running by a lost worker: judging it again", submission.id)
        elif submission.status != SubmissionStatus.QUEUED:
            return submission
        submission.status = SubmissionStatus.RUNNING
        submission.results = []
        submission.save(update_fields=["status", "results", "updated_at"])
    metrics.JUDGE_QUEUE_SECONDS.observe(max(0.0, (timezone.now() - submission.created_at).total_seconds()))
    group = submission_group(submission.id)
    publish_on_commit(group, {"type": "submission.status", "submission_id": submission.id, "status": "running"})

    challenge = submission.challenge
    cases = list(challenge.test_cases.all())
    collected: list[dict] = []

    def on_result(result: TestResult):
        collected.append(_public_result(result, cases[result.index]))
        Submission.objects.filter(id=submission.id).update(results=collected, passed=sum(
            1 for r in collected if r["verdict"] == "AC"))
        publish_on_commit(group, {"type": "submission.test", "submission_id": submission.id,
                                  "result": collected[-1], "done": len(collected), "total": len(cases)})

    try:
        judge = require_judge()
        runtime = runtime_for(submission.language)
        outcome = judge.judge(
            runtime, submission.source,
            [JudgeTestCase(c.input, c.expected_output, c.weight) for c in cases],
            challenge_limits(challenge), get_checker(challenge.checker, challenge.float_tolerance),
            on_result=on_result,
        )
    except Exception:  # the judge failed, not the program: record it, never lose the submission
        logger.exception("judging submission %s failed", submission.id)
        Submission.objects.filter(id=submission.id).update(status=SubmissionStatus.ERROR, verdict=Verdict.IE)
        metrics.JUDGE_VERDICTS.labels(str(Verdict.IE)).inc()
        submission.refresh_from_db()
        publish_on_commit(group, {"type": "submission.judged", "submission": submission_summary(submission)})
        return submission
    return _submission_record_outcome(submission.id, outcome, collected)


@transaction.atomic
def _submission_record_outcome(submission_id: int, outcome, collected: list[dict]) -> Submission:
    submission = lock_submission_for_update(submission_id)
    if submission is None:  # deleted while it was being judged (its challenge went, say)
        raise NotFound("This submission no longer exists.", code="submission_not_found")
    if submission.status != SubmissionStatus.RUNNING:
        return submission  # a judge that took over from this one has recorded it already
    submission.status = SubmissionStatus.DONE
    submission.verdict = str(outcome.verdict)
    submission.score, submission.max_score = outcome.score, outcome.max_score
    submission.percent = outcome.percent
    submission.passed = outcome.passed
    submission.results = collected
    submission.compile_output = outcome.compile.output if outcome.compile else ""
    submission.max_cpu_time = max((t.cpu_time for t in outcome.tests), default=None)
    submission.max_memory = max((t.memory for t in outcome.tests if t.memory is not None), default=None)
    submission.judged_at = timezone.now()
    submission.save()
    metrics.JUDGE_VERDICTS.labels(submission.verdict).inc()
    event_record(actor=submission.user, verb=analytics_verbs.SUBMISSION_JUDGED, obj=submission,
                 value=submission.percent)
    first_solve = _progress_record(submission)
    _challenge_stats_refresh(submission.challenge_id)
    if first_solve:
        _reward_first_solve(submission)
    if submission.accepted:
        on_submission_accepted(submission)  # playlists' challenge lessons, after the commit
    publish_on_commit(submission_group(submission.id),
                      lambda: {"type": "submission.judged", "submission": submission_summary(submission)})
    return submission


def _progress_record(submission: Submission) -> bool:
    """Best score per user and challenge; returns True on the user's first accepted solve."""
    progress = lock_challenge_progress_for_update(_progress_for(submission.user, submission.challenge).id)
    changed = []
    if submission.percent > progress.best_score:
        progress.best_score, progress.best_at = submission.percent, submission.judged_at
        changed += ["best_score", "best_at"]
    first_solve = submission.accepted and progress.solved_at is None
    if first_solve:
        progress.solved_at = submission.judged_at
        changed.append("solved_at")
    if changed:
        progress.save(update_fields=[*changed, "updated_at"])
    return first_solve


def _challenge_stats_refresh(challenge_id: int) -> None:
    """Recount a challenge's stats from the submissions, under the challenge's row lock, so that
    concurrent judgements cannot lose an update."""
    lock_challenge_for_update(challenge_id)
    judged = Submission.objects.filter(challenge_id=challenge_id, status=SubmissionStatus.DONE)
    totals = judged.aggregate(
        attempts=Count("id"), successes=Count("id", filter=Q(verdict="AC")), average_score=Avg("percent"),
        average_time=Avg("time_spent_seconds", filter=Q(verdict="AC")),
    )
    Challenge.objects.filter(id=challenge_id).update(
        attempts=totals["attempts"], successes=totals["successes"],
        average_score=round(totals["average_score"] or 0, 2),
        average_time_seconds=round(totals["average_time"] or 0, 1),
        solvers=ChallengeProgress.objects.filter(challenge_id=challenge_id, solved_at__isnull=False).count(),
    )


def _reward_first_solve(submission: Submission) -> None:
    challenge, user = submission.challenge, submission.user
    event_record(actor=user, verb=analytics_verbs.CHALLENGE_SOLVED, obj=challenge, value=submission.time_spent_seconds)
    progress_record_event(user=user, event_type="challenge.solved", xp=challenge.xp_reward, source=challenge,
                          value=submission.time_spent_seconds)
    progress_record_event(user=user, event_type=f"challenge.solved.{challenge.difficulty}", source=challenge)
    progress_record_activity(user=user)
    notification_send(
        user=user, type=NotificationType.CHALLENGE, title=f"Solved: {challenge.title} (+{challenge.xp_reward} XP)",
        body=f"All {submission.total} tests passed in {submission.language}.",
        url=f"/challenges/{challenge.slug}/", data={"challenge": challenge.slug, "submission": submission.id},
    )


def submission_summary(submission: Submission) -> dict:
    return {
        "id": submission.id, "challenge": submission.challenge.slug, "language": submission.language,
        "mode": submission.mode, "status": submission.status, "verdict": submission.verdict,
        "score": submission.score, "max_score": submission.max_score, "percent": submission.percent,
        "points": submission.points, "score_label": submission.score_label, "not_run": submission.not_run,
        "passed": submission.passed, "total": submission.total, "compile_output": submission.compile_output,
        "results": submission.results, "time_spent_seconds": submission.time_spent_seconds,
        "created_at": submission.created_at.isoformat(),
        "judged_at": submission.judged_at.isoformat() if submission.judged_at else None,
    }


# --- creating and updating challenges -------------------------------------------------------------

CHALLENGE_REQUIRED = ("slug", "title", "type", "difficulty", "category", "statement", "tests")


def _spec_tests(spec: dict) -> list[tuple[str, str, bool, int]]:
    tests = spec.get("tests")
    if not isinstance(tests, list) or not tests:
        raise ValidationFailed(details={"tests": ["Give at least one test case."]})
    wanted = []
    for index, test in enumerate(tests):
        if not isinstance(test, dict) or not isinstance(test.get("input", ""), str) \
                or not isinstance(test.get("output"), str):
            raise ValidationFailed(details={"tests": [f"Test {index}: give its input and output as text."]})
        wanted.append((test.get("input", ""), test["output"], bool(test.get("hidden", True)),
                       int(test.get("weight", 1))))
    return wanted


@transaction.atomic
def challenge_upsert(spec: dict, *, author=None) -> tuple[Challenge, bool]:
    """Create or update the challenge `spec["slug"]` from a complete spec (every test with its input
    and expected output) and replace its test cases. Returns (challenge, created). Idempotent: for
    the same spec nothing is written, so timestamps and test-case ids stay as they were."""
    missing = [key for key in CHALLENGE_REQUIRED if key not in spec]
    if missing:
        raise ValidationFailed(details={key: ["This field is required."] for key in missing})
    wanted = _spec_tests(spec)
    validation = spec.get("validation", {})
    fields = {
        "title": spec["title"], "description": spec.get("description", "")[:300], "type": spec["type"],
        "difficulty": spec["difficulty"], "category": spec["category"], "tags": spec.get("tags", []),
        "time_limit_ms": spec.get("time_limit_ms", 2000), "memory_limit_mb": spec.get("memory_limit_mb", 256),
        "checker": spec.get("checker", "tokens"), "float_tolerance": spec.get("float_tolerance", 1e-6),
        "statement": spec["statement"], "constraints": spec.get("constraints", ""),
        "examples": spec.get("examples", []), "hints": spec.get("hints", []),
        "solution_explanation": spec.get("solution_explanation", ""),
        "starter_code": spec.get("starter", {}), "reference_solutions": spec.get("reference", {}),
        "forbidden_keywords": validation.get("forbidden_keywords", []),
        "required_keywords": validation.get("required_keywords", []),
        "scenario": spec.get("scenario", {}),
    }
    existing_challenge = lock_challenge_by_slug_for_update(spec["slug"])
    created = existing_challenge is None
    challenge = existing_challenge if existing_challenge is not None else Challenge(slug=spec["slug"], author=author)
    before_fields = {k for k, v in fields.items() if created or getattr(challenge, k) != v}
    changed = bool(before_fields)
    for key, value in fields.items():
        setattr(challenge, key, value)
    if changed:
        challenge.save()
    existing = [(c.input, c.expected_output, c.is_hidden, c.weight) for c in challenge.test_cases.all()]
    if wanted != existing:
        challenge.test_cases.all().delete()
        TestCase.objects.bulk_create([
            TestCase(challenge=challenge, order=i, input=inp, expected_output=out, is_hidden=hidden, weight=weight)
            for i, (inp, out, hidden, weight) in enumerate(wanted)
        ])
    if changed or wanted != existing:
        audit_record(action="challenge.created" if created else "challenge.updated", actor=author, target=challenge,
                     changes={"fields": [None, sorted(before_fields)]} | (
                         {"tests": [len(existing), len(wanted)]} if wanted != existing else {}))
    return challenge, created


def challenge_create(*, data: dict, author) -> Challenge:
    """Staff: a new challenge from the API's validated shape (the seed files' shape). A taken slug
    is a Conflict, never an overwrite of someone else's challenge. Not one transaction: building
    the tests runs reference solutions through the judge, and challenge_upsert is atomic itself."""
    from .catalog import challenge_import  # here: the catalog's seed loading may call services

    if Challenge.objects.filter(slug=data["slug"]).exists():
        raise Conflict("That slug is taken.", code="slug_taken")
    challenge, _ = challenge_import(data, author=author)
    return challenge


def challenge_update(*, challenge: Challenge, data: dict) -> Challenge:
    """Staff: replace a challenge's content and tests; its slug stays."""
    from .catalog import challenge_import

    updated, _ = challenge_import({**data, "slug": challenge.slug})
    return updated


@transaction.atomic
def challenge_delete(*, challenge: Challenge) -> None:
    """Staff only: the challenge goes with its tests, submissions and progress."""
    audit_record(action="challenge.deleted", target=challenge)
    challenge.delete()


@transaction.atomic
def challenge_rejudge(*, challenge: Challenge) -> int:
    """Queue every judged submission of a challenge again (after its tests changed)."""
    from .tasks import submission_judge_task

    ids = list(challenge.submissions.exclude(status=SubmissionStatus.QUEUED).values_list("id", flat=True))
    Submission.objects.filter(id__in=ids).update(status=SubmissionStatus.QUEUED, verdict="", results=[],
                                                 total=challenge.test_cases.count())
    for submission_id in ids:
        transaction.on_commit(partial(submission_judge_task.delay, submission_id), robust=True)
    audit_record(action="challenge.rejudged", target=challenge, changes={"submissions": [None, len(ids)]})
    return len(ids)


def submissions_recover(*, now=None, limit: int = 500) -> int:
    """Find judging work that the queue lost and give it back to the workers (Celery beat, every
    RECOVERY_SWEEP_SECONDS): submissions left running past their judging deadline by a worker
    that died, and submissions queued for longer than JUDGE_REQUEUE_SECONDS whose message may be
    gone (a Redis restart). A duplicate message is harmless: judging checks the state first."""
    from .tasks import submission_judge_task

    now = now or timezone.now()
    found = 0
    running = Submission.objects.filter(status=SubmissionStatus.RUNNING).select_related("challenge").order_by("id")
    for submission in running[:limit]:
        if _stalled(submission, now):
            Submission.objects.filter(id=submission.id, status=SubmissionStatus.RUNNING).update(
                status=SubmissionStatus.QUEUED, results=[], updated_at=now)
            transaction.on_commit(partial(submission_judge_task.delay, submission.id), robust=True)
            found += 1
    waiting = Submission.objects.filter(status=SubmissionStatus.QUEUED,
                                        updated_at__lt=now - timedelta(seconds=settings.JUDGE_REQUEUE_SECONDS))
    found += requeue_lost(waiting, submission_judge_task, now=now, limit=limit)
    if found:
        logger.warning("re-queued %d submission(s) the queue had lost", found)
    return found


# --- custom runs ------------------------------------------------------------------------------------


@dataclass
class RunOutcome:
    language: str
    version: str
    compile_ok: bool
    compile_output: str
    stdout: str
    stderr: str
    exit_code: int | None
    signal: int | None
    status: str
    verdict: str
    message: str
    cpu_time: float
    wall_time: float
    memory: int


def code_run(*, user, language: str, source: str, stdin: str = "", challenge: Challenge | None = None) -> RunOutcome:
    """Run code once on the user's own input, synchronously, within the challenge's limits."""
    from .judge import verdict_for

    runtime = source_validate(challenge=challenge, language=language, source=source)
    if len(stdin.encode("utf-8", errors="surrogatepass")) > settings.JUDGE_MAX_STDIN_BYTES:
        raise SourceRejected("The input is too large.", code="stdin_too_long")
    limits = challenge_limits(challenge) if challenge else Limits()
    compiled, execution = require_judge().execute(runtime, source, stdin, limits)
    if execution is None:
        return RunOutcome(runtime.language, runtime.version, False, compiled.output, "", "", None, None,
                          "CE", "CE", "compilation failed", 0, 0, 0)
    return RunOutcome(
        runtime.language, runtime.version, True, compiled.output if compiled else "",
        execution.stdout.decode(errors="replace"), execution.stderr.decode(errors="replace"),
        execution.exit_code, execution.signal, execution.status, str(verdict_for(execution, runtime, limits)),
        execution.message, round(execution.cpu_time, 4), round(execution.wall_time, 4), execution.memory,
    )

"""Every non-trivial read of the interviews domain, with the permission checks."""

from django.db.models import Q, QuerySet
from django.urls import reverse

from core.exceptions import NotFound, first_or_not_found

from .engine import question_to_data
from .models import InterviewSession, InterviewTurn, Question, SessionStatus


def question_list(*, category: str = "", difficulty: str = "", skill: str = "", role_family: str = "",
                  search: str = "", include_inactive: bool = False) -> QuerySet[Question]:
    """The bank, filtered. Skills and role families are JSON lists: matched with a JSON
    containment where the database has one, and a text match on SQLite."""
    rows = Question.objects.all() if include_inactive else Question.objects.filter(is_active=True)
    if category:
        rows = rows.filter(category=category)
    if difficulty:
        rows = rows.filter(difficulty=difficulty)
    if skill:
        rows = rows.filter(_json_list_contains("skills", skill.strip().lower()))
    if role_family:
        rows = rows.filter(_json_list_contains("role_families", role_family.strip().lower()))
    if search:
        term = search.strip()
        rows = rows.filter(Q(prompt__icontains=term) | Q(slug__icontains=term) | Q(keywords__icontains=term))
    return rows.order_by("category", "difficulty", "slug")


def _json_list_contains(field: str, value: str) -> Q:
    from django.db import connection

    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [value]})
    import json

    return Q(**{f"{field}__icontains": json.dumps(value)})


def question_get(*, slug: str, include_inactive: bool = False) -> Question:
    rows = Question.objects.all() if include_inactive else Question.objects.filter(is_active=True)
    return first_or_not_found(rows.filter(slug=slug), "No such question.")


def question_facets() -> dict:
    skills = sorted({s for row in Question.objects.filter(is_active=True).values_list("skills", flat=True)
                     for s in row})
    return {"skills": skills}


def questions_for_choice() -> list[Question]:
    """Every active question, as the next-question choice needs them: one query."""
    return list(Question.objects.filter(is_active=True).order_by("slug"))


def questions_for_skills(*, skills, exclude, limit: int = 5) -> list[Question]:
    """Active questions that practise any of `skills` (most overlap first), not in `exclude`."""
    wanted = set(skills)
    rows = [q for q in Question.objects.filter(is_active=True).exclude(slug__in=list(exclude))
            .only("slug", "prompt", "category", "skills", "difficulty") if wanted & set(q.skills)]
    rows.sort(key=lambda q: (-len(wanted & set(q.skills)), q.slug))
    return rows[:limit]


def questions_export(queryset) -> dict:
    return {"question": [question_to_data(q.spec()) for q in queryset]}


def session_get_for_user(*, user, session_id: int) -> InterviewSession:
    """The user's own session; anyone else's (or none) is a 404."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound("No such interview.")
    return first_or_not_found(InterviewSession.objects.filter(user=user, id=session_id), "No such interview.")


def session_get_shared(*, token: str) -> InterviewSession:
    if not token or len(token) > 64:
        raise NotFound("This link does not work (it may have been revoked).")
    return first_or_not_found(
        InterviewSession.objects.select_related("user", "recording").filter(share_token=token, status=SessionStatus.FINISHED),
        "This link does not work (it may have been revoked).")


def shared_recording(*, token: str, turn_index: int):
    """The web-playable recording of one spoken answer of a shared report, for whoever holds its
    link: (asset, file, content type). A revoked or unknown link, a turn of another interview, or
    an answer without a recording is the same 404."""
    from core.media_selectors import media_file_of

    session = session_get_shared(token=token)
    turn = first_or_not_found(
        InterviewTurn.objects.select_related("media").filter(session=session, index=turn_index, media__isnull=False,
                                                               answered_at__isnull=False),
        "No such recording.")
    assert turn.media is not None
    return media_file_of(asset=turn.media, variant="web")


def shared_session_recording(*, token: str):
    """The web-playable recording of a shared report's whole session, for whoever holds its link:
    (asset, file, content type). A revoked or unknown link, or no ready recording, is the same 404."""
    from core.media_selectors import media_file_of

    session = session_get_shared(token=token)
    if session.recording_id is None:
        raise NotFound("No such recording.")
    return media_file_of(asset=session.recording, variant="web")


def sessions_of(*, user) -> QuerySet[InterviewSession]:
    return InterviewSession.objects.filter(user=user).order_by("-created_at")


def session_turns(*, session: InterviewSession) -> list[InterviewTurn]:
    return list(session.turns.select_related("question", "media").order_by("index"))


def open_turn(turns: list[InterviewTurn]) -> InterviewTurn | None:
    return next((t for t in turns if t.answered_at is None), None)


def turn_data(turn: InterviewTurn) -> dict:
    """What the page and the API show of one turn (the question's hints too: the live page offers
    them)."""
    return {"index": turn.index, "kind": turn.kind, "prompt": turn.prompt, "question": turn.question.slug,
            "category": turn.question.category, "difficulty": turn.question.difficulty,
            "hints": list(turn.question.hints), "reason": turn.reason,
            "answer": turn.answer if turn.answered_at else None, "answer_source": turn.answer_source or None,
            "media": turn.media_id,
            "evaluation": turn.evaluation if turn.answered_at else None,
            "engine": turn.engine or None,
            "answered_at": turn.answered_at.isoformat() if turn.answered_at else None}


def session_data(session: InterviewSession, turns: list[InterviewTurn]) -> dict:
    current = open_turn(turns)
    return {"id": session.pk, "interview_type": session.interview_type, "difficulty": session.difficulty,
            "length": session.length, "status": session.status, "job_title": session.job_title,
            "target_skills": session.target_skills, "gap_skills": session.gap_skills,
            "answered": sum(1 for t in turns if t.answered_at), "turns": [turn_data(t) for t in turns],
            "current_turn": current.index if current else None,
            "report": session.report or None, "created_at": session.created_at.isoformat(),
            "finished_at": session.finished_at.isoformat() if session.finished_at else None,
            "shared": bool(session.share_token),
            "room_url": f"/rooms/{session.room_id}/" if session.room_id else None,
            "recording": session.recording_id}


def analyses_for_start(*, user, limit: int = 20) -> list:
    """The user's latest resume analyses, to aim an interview at their gaps."""
    from resumes.models import Analysis

    return list(Analysis.objects.select_related("version__resume").filter(user=user).order_by("-created_at")[:limit])


def answered_turns_of(*, user, limit: int = 500) -> list[InterviewTurn]:
    """The user's latest answered turns with their questions (oldest first): one query."""
    rows = (InterviewTurn.objects.select_related("question").filter(session__user=user, answered_at__isnull=False)
            .order_by("-answered_at")[:limit])
    return list(reversed(rows))


def interview_progress(*, user) -> dict:
    from .engine.progress import AnsweredTurn, mistake_patterns, progress_summary
    from .engine.questions import DIMENSIONS
    from .peer.selectors import peer_feedback_mistakes, peer_feedback_ratings

    turns = answered_turns_of(user=user)
    per_dimension: dict[str, list[int]] = {d: [] for d in DIMENSIONS}
    for turn in turns:
        for dimension in turn.evaluation.get("dimensions", []):
            if dimension.get("score") is not None:
                per_dimension[dimension["dimension"]].append(dimension["score"])
    summary = progress_summary([t.overall for t in turns], per_dimension)
    summary["sessions"] = InterviewSession.objects.filter(user=user).count()
    summary["mistakes"] = mistake_patterns([
        AnsweredTurn(session=t.session_id, turn=t.index, prompt=t.prompt, at=t.answered_at.isoformat(),
                     evaluation=t.evaluation, star=t.question.star) for t in turns])
    for pattern in summary["mistakes"]:
        for evidence in pattern["evidence"]:
            evidence["url"] = reverse("interview-report", args=[evidence["session"]]) + f"#turn-{evidence['turn']}"
    summary["mistakes"] += challenge_mistakes(user=user)
    summary["mistakes"] += peer_feedback_mistakes(user=user)
    summary["mistakes"].sort(key=lambda p: -p["occurrences"])
    summary["peer"] = peer_feedback_ratings(user=user)
    return summary


def challenge_mistakes(*, user) -> list[dict]:
    """Recurring failures in the user's challenge submissions (read through the challenges app's
    selector), as patterns with their evidence (interviews/engine/submission_mistakes.py). Two
    queries."""
    from challenges.selectors import judged_failures_with_tests

    from .engine.submission_mistakes import (
        JudgedSubmission,
        TestOutcome,
        submission_mistake_patterns,
    )

    submissions = [
        JudgedSubmission(
            id=row["id"], challenge_slug=row["slug"], challenge_title=row["title"], topic=row["topic"],
            language=row["language"], verdict=row["verdict"], at=row["created_at"].isoformat(),
            results=tuple(TestOutcome(index=r["index"], verdict=r["verdict"]) for r in row["results"] or []
                          if isinstance(r, dict) and isinstance(r.get("index"), int)),
            test_sizes=tuple(row["test_sizes"]), solution_explanation=row["explanation"])
        for row in judged_failures_with_tests(user=user)]
    patterns = submission_mistake_patterns(submissions)
    for pattern in patterns:
        for evidence in pattern["evidence"]:
            evidence["url"] = reverse("submission-detail", args=[evidence["submission"]])
    return patterns


def recommend_questions(*, user, gap_skills=(), limit: int = 5) -> dict:
    """The next questions for the user's weakest dimensions and gaps: questions not yet answered,
    whose rubric weighs the weakest dimension most, or that practise a gap skill."""
    progress = interview_progress(user=user)
    scored = {d: s for d, s in progress["by_dimension"].items() if s is not None}
    weakest = sorted(scored, key=lambda d: scored[d])[:2]
    answered = set(InterviewTurn.objects.filter(session__user=user, answered_at__isnull=False)
                   .values_list("question__slug", flat=True))
    gaps = set(gap_skills)
    ranked = []
    for question in Question.objects.filter(is_active=True).exclude(slug__in=answered):
        weight = sum(r["weight"] for r in question.rubric if r["dimension"] in weakest)
        gap_hits = sorted(gaps & set(question.skills))
        if weight or gap_hits:
            why = ([f"practises {', '.join(gap_hits)}"] if gap_hits else []) + \
                  ([f"weighs {' and '.join(weakest)} ({weight:.0%})"] if weight else [])
            ranked.append((len(gap_hits) * 2 + weight, question, "; ".join(why)))
    ranked.sort(key=lambda r: (-r[0], r[1].slug))
    return {"weakest_dimensions": weakest, "gap_skills": sorted(gaps),
            "questions": [{"slug": q.slug, "prompt": q.prompt, "category": q.category, "difficulty": q.difficulty,
                           "why": why} for _, q, why in ranked[:limit]]}


def session_timeline(*, session: InterviewSession) -> dict | None:
    """The coding interview's replay (interviews/engine/timeline.py): the room's code, its runs
    and the transcript on one timeline; None for an interview without a room. Three queries
    whatever the number of edits, runs or turns."""
    from collaboration.models import DocumentUpdate, RoomRun

    from .engine.timeline import CodeUpdate, Run, Turn, build_timeline

    if session.room_id is None:
        return None
    updates = [CodeUpdate(at=at, data=bytes(data)) for at, data in
               DocumentUpdate.objects.filter(room_id=session.room_id).order_by("id").values_list("created_at", "data")]
    runs = [Run(at=r.created_at, verdict=r.verdict, stdout=r.stdout, stderr=r.stderr, exit_code=r.exit_code,
                wall_time=r.wall_time)
            for r in RoomRun.objects.filter(room_id=session.room_id).order_by("created_at")]
    turns = [Turn(index=t.index, prompt=t.prompt, asked_at=t.created_at, answer=t.answer, answered_at=t.answered_at,
                  overall=t.overall) for t in session.turns.order_by("index")]
    timeline = build_timeline(start=session.created_at, updates=updates, runs=runs, turns=turns,
                              end=session.finished_at)
    return {"session": session.pk, "room_url": f"/rooms/{session.room_id}/", **timeline}


# --- analytics: the readiness evidence and the dimensions over time ------------------------------

# How many of the latest finished interviews of a role family readiness averages: recent practice
# is what the figure should follow, and a few interviews are enough to smooth one bad day.
READINESS_INTERVIEWS = 5


def finished_reports_of(*, user, since=None, until=None, role_family: str = "", limit: int | None = None) -> list:
    """The user's finished AI interviews with a report, oldest first, as (finished_at, role_family,
    job title, {dimension: score or None}, overall): one query."""
    qs = InterviewSession.objects.filter(user=user, status=SessionStatus.FINISHED, finished_at__isnull=False)
    if since is not None:
        qs = qs.filter(finished_at__gte=since)
    if until is not None:
        qs = qs.filter(finished_at__lt=until)
    if role_family:
        qs = qs.filter(role_family=role_family)
    rows = qs.order_by("-finished_at", "-id").values_list("id", "finished_at", "role_family", "job_title", "report")
    if limit is not None:
        rows = rows[:limit]
    found = []
    for session_id, finished_at, family, title, report in reversed(list(rows)):
        report = report if isinstance(report, dict) else {}
        dimensions = {d.get("dimension"): d.get("score") for d in report.get("dimensions") or []
                      if isinstance(d, dict) and d.get("dimension")}
        found.append((session_id, finished_at, family, title, dimensions, report.get("overall")))
    return found


def readiness_evidence(*, user, job, until=None) -> dict:
    """Readiness' "interview dimensions" part (analytics/evidence.py): the mean per dimension of
    the latest READINESS_INTERVIEWS finished AI interviews for the job's role family, then the
    mean of the dimensions, 0..1. None (no data) until there is one such interview."""
    from .engine.questions import DIMENSIONS

    parsed = job.parsed if isinstance(job.parsed, dict) else {}
    family = str(parsed.get("role_family") or "general")
    reports = [r for r in finished_reports_of(user=user, until=until, role_family=family, limit=READINESS_INTERVIEWS)
               if any(score is not None for score in r[4].values())]
    if not reports:
        return {"score": None, "explanation": f"No finished AI interview for {family} roles yet: this part counts "
                f"as 0 until you do one.", "evidence": []}
    means = {}
    for dimension in DIMENSIONS:
        scores = [r[4][dimension] for r in reports if r[4].get(dimension) is not None]
        if scores:
            means[dimension] = sum(scores) / len(scores)
    score = sum(means.values()) / len(means) / 100
    shown = ", ".join(f"{d} {round(v)}" for d, v in means.items())
    return {"score": max(0.0, min(1.0, score)),
            "explanation": f"Mean of your last {len(reports)} AI interview(s) for {family} roles, per dimension "
                           f"({shown}); the part is the mean of the dimensions: {round(100 * score)}/100.",
            "evidence": [f"Interview {finished_at:%Y-%m-%d}{' for ' + title if title else ''}: " +
                         ", ".join(f"{d} {s}" for d, s in dims.items() if s is not None)
                         for _, finished_at, _, title, dims, _ in reports]}

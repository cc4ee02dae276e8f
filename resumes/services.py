"""Every write of the resumes domain."""

import difflib
import hashlib
import json
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from analytics import event_log as analytics_verbs
from analytics.event_log import event_record
from challenges.judge.slots import NoFreeSlot, SlotPool
from core import metrics
from core.ai_gateway import ai_complete
from core.exceptions import ApplicationError, NotFound, ValidationFailed
from core.file_storage import files_kept_only_with_their_rows
from core.realtime import publish_on_commit, user_group
from core.recovery import requeue_lost

from . import content as resume_content
from .ats import SHOWN_LABELS, Practice, parse_job, practice_topics, score_resume
from .lock_objects import lock_resume_version_for_update, lock_roadmap_for_update
from .models import Analysis, JobDescription, ParseStatus, Resume, ResumeVersion, Roadmap
from .parsing import UnreadableDocument, detect_format

ROOT = Path(__file__).resolve().parent.parent


class ResumeRejected(ApplicationError):
    code = "resume_rejected"


# --- uploads and parsing ------------------------------------------------------------------------


def _next_number(resume: Resume) -> int:
    return (resume.versions.aggregate(n=Max("number"))["n"] or 0) + 1


@files_kept_only_with_their_rows
@transaction.atomic
def resume_upload(*, user, upload, title: str = "") -> ResumeVersion:
    """Store an uploaded resume as a new resume (or a new version of `resume`) and queue its
    parsing. The file's type is decided from its bytes."""
    size = getattr(upload, "size", None) or 0
    if size > settings.RESUME_MAX_UPLOAD_BYTES:
        raise ResumeRejected(f"The file is larger than {settings.RESUME_MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
                             code="file_too_large")
    upload.seek(0)
    data = upload.read(settings.RESUME_MAX_UPLOAD_BYTES + 1)
    try:
        kind = detect_format(data).kind
    except UnreadableDocument as error:
        raise ResumeRejected(error.message, code=error.code)
    name = Path(getattr(upload, "name", "") or "resume").stem[:80]
    resume = Resume.objects.create(user=user, title=(title or name or "My resume")[:120])
    return _new_upload_version(resume, data, kind, note="Uploaded")


@files_kept_only_with_their_rows
@transaction.atomic
def resume_upload_version(*, resume: Resume, upload) -> ResumeVersion:
    upload.seek(0)
    data = upload.read(settings.RESUME_MAX_UPLOAD_BYTES + 1)
    if len(data) > settings.RESUME_MAX_UPLOAD_BYTES:
        raise ResumeRejected("The file is too large.", code="file_too_large")
    try:
        kind = detect_format(data).kind
    except UnreadableDocument as error:
        raise ResumeRejected(error.message, code=error.code)
    return _new_upload_version(resume, data, kind, note="Uploaded a new file")


def _new_upload_version(resume: Resume, data: bytes, kind: str, note: str) -> ResumeVersion:
    version = ResumeVersion(resume=resume, number=_next_number(resume), note=note, file_kind=kind,
                            parse_status=ParseStatus.PENDING)
    extension = {"pdf": "pdf", "docx": "docx", "text": "txt"}[kind]
    # The stored name is random (resume_file_name): this one only gives the extension.
    version.file.save(f"resume.{extension}", ContentFile(data), save=False)
    version.save()
    from .tasks import resume_parse_task

    transaction.on_commit(lambda: resume_parse_task.delay(version.id), robust=True)
    return version


def version_download_name(version: ResumeVersion) -> str:
    """What the owner's browser saves an uploaded file as: their title, never the stored name."""
    safe = "".join(ch for ch in version.resume.title if ch.isalnum() or ch in " -_").strip() or "resume"
    extension = {"pdf": "pdf", "docx": "docx", "text": "txt"}.get(version.file_kind, "bin")
    return f"{safe}-v{version.number}.{extension}"


class ReadersBusy(Exception):
    """Every resume reader stayed busy for as long as the caller would wait: the version is queued."""


def _readers() -> SlotPool:
    # flock slots shared by every process on this machine (web and Celery), like the judge's.
    return SlotPool(settings.RESUME_PARSE_CONCURRENCY, lock_dir=Path(settings.RESUME_PARSE_LOCK_DIR))


def _parse_in_child(data: bytes) -> dict:
    """Run the parse worker with CPU, memory and file limits."""
    seconds, memory = settings.RESUME_PARSE_SECONDS, settings.RESUME_PARSE_MEMORY

    def limits():
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # it writes no files
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    try:
        finished = subprocess.run([sys.executable, "-m", settings.RESUME_PARSE_WORKER], input=data,
                                  capture_output=True, timeout=seconds * 2, cwd=ROOT, preexec_fn=limits,
                                  env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"})
    except subprocess.TimeoutExpired:
        return {"ok": False, "code": "parse_timeout", "message": "Reading this file took too long."}
    if finished.returncode != 0 or not finished.stdout:
        return {"ok": False, "code": "parse_failed",
                "message": "This file could not be read (it may be damaged or far too complex)."}
    try:
        return json.loads(finished.stdout)
    except ValueError:
        return {"ok": False, "code": "parse_failed", "message": "This file could not be read."}


def resume_read(data: bytes) -> dict:
    """Read a resume file exactly as an upload is read (the limited child process), storing
    nothing: `{"content", "parsed", "text", "kind"}`, or ResumeRejected saying why not."""
    try:
        detect_format(data)
    except UnreadableDocument as error:
        raise ResumeRejected(error.message, code=error.code)
    result = _parse_in_child(data)
    if not result.get("ok"):
        raise ResumeRejected(result.get("message") or "This file could not be read.", code=result.get("code"))
    return result


def _lock_version_being_parsed(version_id: int) -> ResumeVersion:
    version = lock_resume_version_for_update(version_id)
    if version is None:  # the resume was deleted while its file was being read
        raise NotFound("This resume version no longer exists.", code="version_not_found")
    return version


def _status_set(version_id: int, status: str) -> ResumeVersion:
    with transaction.atomic():
        version = _lock_version_being_parsed(version_id)
        version.parse_status = status
        version.save(update_fields=["parse_status", "updated_at"])
    _publish_status(version)
    return version


def version_parse(*, version_id: int, wait_seconds: float | None = None) -> ResumeVersion | None:
    """Parse an uploaded version in a limited child process (idempotent: a parsed version is
    left alone). At most RESUME_PARSE_CONCURRENCY children run at once on this machine; while
    they are all busy the version shows as queued, and after `wait_seconds` (default
    RESUME_PARSE_QUEUE_SECONDS) without a free one this raises ReadersBusy, still queued."""
    version = ResumeVersion.objects.select_related("resume").filter(id=version_id).first()
    if version is None or version.parse_status not in (ParseStatus.PENDING, ParseStatus.QUEUED, ParseStatus.PARSING):
        return version
    with version.file.open("rb") as handle:
        data = handle.read()
    readers = _readers()
    try:
        with readers.acquire(timeout=0):
            return _parse_now(version_id, data)
    except NoFreeSlot:
        pass
    if version.parse_status != ParseStatus.QUEUED:
        _status_set(version_id, ParseStatus.QUEUED)
    wait = settings.RESUME_PARSE_QUEUE_SECONDS if wait_seconds is None else wait_seconds
    try:
        with readers.acquire(timeout=wait):
            return _parse_now(version_id, data)
    except NoFreeSlot:
        raise ReadersBusy(f"no resume reader was free within {wait:.0f}s")


def _parse_now(version_id: int, data: bytes) -> ResumeVersion:
    _status_set(version_id, ParseStatus.PARSING)
    started = time.perf_counter()
    result = _parse_in_child(data)
    metrics.RESUME_PARSE_SECONDS.observe(time.perf_counter() - started)
    if not result.get("ok"):
        metrics.RESUME_PARSE_FAILURES.labels(result.get("code") or "parse_failed").inc()
    with transaction.atomic():
        version = _lock_version_being_parsed(version_id)
        if version.parse_status != ParseStatus.PARSING:
            return version  # another reader finished it first
        if result.get("ok"):
            version.parse_status = ParseStatus.DONE
            version.text = result["text"][:200_000]
            version.content = resume_content.normalise(result["content"])
            version.parsed = result["parsed"]
            version.general_score = _general_score(version)
        else:
            version.parse_status = ParseStatus.FAILED
            version.parse_error = result.get("message", "This file could not be read.")[:300]
        version.save()
        event_record(actor=None, verb=analytics_verbs.RESUME_PARSED if result.get("ok") else
                     analytics_verbs.RESUME_PARSE_FAILED, obj=version)
    _publish_status(version)
    return version


def versions_recover(*, now=None, limit: int = 200) -> int:
    """Resume reads the queue lost (a killed worker, a Redis restart), found from the database and
    queued again (Celery beat): versions waiting for longer than RESUME_REQUEUE_SECONDS, and
    versions still "reading" long after a reader would have finished or been killed. A duplicate
    message is harmless: a read version is left alone."""
    from .tasks import resume_parse_task

    now = now or timezone.now()
    waiting_since = now - timedelta(seconds=settings.RESUME_REQUEUE_SECONDS)
    reading_since = now - timedelta(seconds=2 * settings.RESUME_PARSE_SECONDS + settings.RESUME_REQUEUE_SECONDS)
    lost = ResumeVersion.objects.filter(
        Q(parse_status__in=(ParseStatus.PENDING, ParseStatus.QUEUED), updated_at__lt=waiting_since)
        | Q(parse_status=ParseStatus.PARSING, updated_at__lt=reading_since))
    return requeue_lost(lost, resume_parse_task, now=now, limit=limit)


def version_parse_give_up(*, version_id: int) -> ResumeVersion | None:
    """The readers stayed busy for too long: say so on the version, so the upload can be retried."""
    with transaction.atomic():
        version = lock_resume_version_for_update(version_id)
        if version is None or version.parse_status not in (ParseStatus.PENDING, ParseStatus.QUEUED):
            return version
        version.parse_status = ParseStatus.FAILED
        version.parse_error = "Too many files are being read right now. Upload it again in a few minutes."
        version.save(update_fields=["parse_status", "parse_error", "updated_at"])
    _publish_status(version)
    return version


def _publish_status(version: ResumeVersion) -> None:
    publish_on_commit(user_group(version.resume.user_id), {
        "type": "resume.parse", "resume": version.resume_id, "version": version.id,
        "status": version.parse_status, "error": version.parse_error})


def _parsed_of(version: ResumeVersion):
    """The engine's view of a stored version (from its text; uploads keep their format report)."""
    from .parsing import parse_text
    from .parsing.extract import ExtractedText

    parsed = parse_text(ExtractedText(version.file_kind or "text", version.text))
    stored = (version.parsed or {}).get("format")
    if stored:
        for key, value in stored.items():
            if hasattr(parsed.format, key):
                setattr(parsed.format, key, value)
    return parsed


def _general_score(version: ResumeVersion) -> int:
    return score_resume(_parsed_of(version), None).total


# --- builder -------------------------------------------------------------------------------------


@transaction.atomic
def resume_create_blank(*, user, title: str = "") -> ResumeVersion:
    resume = Resume.objects.create(user=user, title=(title or "New resume")[:120])
    content = resume_content.empty_content()
    content["contact"]["name"] = user.display_name
    content["contact"]["email"] = user.email
    return _save_content(resume, content, note="Started in the builder")


@transaction.atomic
def resume_save(*, resume: Resume, content: dict, note: str = "") -> ResumeVersion:
    """A builder save: a new version with its text and general score."""
    try:
        clean = resume_content.normalise(content)
    except resume_content.InvalidContent as error:
        raise ValidationFailed(str(error), code="invalid_resume")
    latest = resume.latest
    if latest and latest.content == clean and latest.parse_status == ParseStatus.DONE:
        return latest  # nothing changed: no new version
    return _save_content(resume, clean, note=note or "Edited in the builder")


def _save_content(resume: Resume, content: dict, note: str) -> ResumeVersion:
    version = ResumeVersion(resume=resume, number=_next_number(resume), note=note[:200], content=content,
                            text=resume_content.render_text(content), file_kind="text")
    version.general_score = _general_score(version)
    version.save()
    Resume.objects.filter(id=resume.id).update(updated_at=version.created_at)
    return version


def version_diff(*, old: ResumeVersion, new: ResumeVersion) -> list[tuple[str, str]]:
    """Line diff of two versions' text: [(kind, line)] with kind in ' ', '+', '-'."""
    def text_of(version):
        # Both sides as the builder renders them, so that an upload and its first edit compare
        # like with like (the raw extracted text has other line breaks and order).
        return resume_content.render_text(version.content) if version.content else version.text

    rows = []
    for line in difflib.ndiff(text_of(old).splitlines(), text_of(new).splitlines()):
        if line.startswith("? "):
            continue
        rows.append((line[:1], line[2:]))
    return rows


@transaction.atomic
def resume_delete(*, resume: Resume) -> None:
    for version in resume.versions.all():
        if version.file:
            storage, name = version.file.storage, version.file.name
            transaction.on_commit(partial(storage.delete, name))
    resume.delete()


# --- jobs and analyses ---------------------------------------------------------------------------------


def job_identity(text: str) -> str:
    """What makes two pastes the same job: the text with its case and whitespace folded (a
    posting copied twice differs in line breaks, indentation and trailing spaces, not in words)."""
    return hashlib.sha256(" ".join((text or "").casefold().split()).encode()).hexdigest()


@dataclass(frozen=True)
class JobSaved:
    job: JobDescription
    created: bool  # False: the user had pasted this job before, and that job is returned


def _job_pasted_before(user, identity: str) -> JobDescription | None:
    job = JobDescription.objects.filter(user=user, parsed__identity=identity).order_by("created_at").first()
    if job is not None:
        return job
    # Jobs saved before the identity was stored: compared by their text (a user has a few).
    for older in JobDescription.objects.filter(user=user).exclude(parsed__has_key="identity").order_by("created_at"):
        if job_identity(older.text) == identity:
            return older
    return None


@transaction.atomic
def job_save(*, user, text: str, title: str = "", company: str = "") -> JobSaved:
    """A pasted job, read once: pasting the same text again (any case or whitespace) returns the
    job already saved, unchanged, with created=False."""
    text = (text or "").strip()
    if len(text) < 80:
        raise ValidationFailed("Paste the whole job description (at least a few lines).", code="job_too_short",
                               details={"text": ["Paste the whole job description."]})
    if len(text) > 50_000:
        raise ValidationFailed("That is longer than any job description.", code="job_too_long")
    identity = job_identity(text)
    existing = _job_pasted_before(user, identity)
    if existing is not None:
        return JobSaved(existing, created=False)
    job = parse_job(text)
    return JobSaved(JobDescription.objects.create(
        user=user, title=(title or job.title)[:120], company=company[:120], text=text,
        parsed={"title": job.title, "seniority": job.seniority, "role_family": job.role_family,
                "required_skills": job.required_skills, "preferred_skills": job.preferred_skills,
                "required_names": [_skill_name(s) for s in job.required_skills],
                "preferred_names": [_skill_name(s) for s in job.preferred_skills],
                "years_required": job.years_required, "responsibilities": job.responsibilities,
                "identity": identity}), created=True)


def job_create(*, user, text: str, title: str = "", company: str = "") -> JobDescription:
    """The job for this text: a new one, or the one the user saved before (see job_save)."""
    return job_save(user=user, text=text, title=title, company=company).job


@transaction.atomic
def job_delete(*, job: JobDescription) -> None:
    """Its analyses stay, without the job."""
    job.delete()


def _score_data(score) -> tuple[list, list]:
    categories = [{"key": c.key, "label": c.label, "score": c.score, "weight": round(c.weight, 3),
                   "points": c.points, "evidence": c.evidence} for c in score.categories]
    recommendations = [{"text": r.text, "points": r.points, "source": r.source, "line": r.line, "quote": r.quote,
                        "category": c.key, "skill": r.skill} for c in score.categories for r in c.recommendations]
    recommendations.sort(key=lambda r: -r["points"])
    return categories, recommendations


def _skill_name(skill_id: str) -> str:
    from .ontology import default_ontology

    skill = default_ontology().get(skill_id)
    return skill.name if skill else skill_id


def _practice_for(job) -> list[Practice]:
    """What PrepForge offers that practises the job's skills (and their families): one query."""
    from challenges.selectors import challenges_for_practice

    from .ontology import default_ontology

    topics = practice_topics(job.required_skills + job.preferred_skills, default_ontology())
    return [Practice(kind="challenge", title=c.title, url=reverse("challenge-detail", args=[c.slug]),
                     difficulty=c.difficulty, topics=(*(c.tags or []), c.category),
                     languages=tuple(c.starter_code or {}))
            for c in challenges_for_practice(topics=topics, languages=topics)]


def _practice_data(item: Practice) -> dict:
    return {"kind": item.kind, "title": item.title, "url": item.url, "difficulty": item.difficulty}


def _gaps_data(report) -> dict:
    """The stored (and API) shape of a gap report; documented in resumes/ats/__init__.py."""
    if report is None:
        return {}
    counts = {shown: 0 for shown in SHOWN_LABELS}
    for item in report.evidence.values():
        counts[item.shown] += 1
    return {"matched": report.matched, "transferable": report.transferable, "shown_counts": counts,
            "terms": report.terms,
            "gaps": [{"skill": g.skill_id, "name": g.name, "severity": g.severity, "required": g.required,
                      "kind": g.kind, "points": g.points,
                      "transferable_from": g.transferable_from,
                      "transferable_from_name": _skill_name(g.transferable_from) if g.transferable_from else "",
                      "transfer_score": round(g.transfer_score, 2),
                      "estimated_hours": g.estimated_hours, "learning_path": g.learning_path,
                      "skills": [{"skill": m.skill_id, "name": m.name, "kind": m.kind, "severity": m.severity,
                                  "required": m.required, "shown": m.shown, "mentions": m.mentions,
                                  "years": m.years, "years_asked": m.years_asked,
                                  "transferable_from": m.transferable_from,
                                  "transfer_score": round(m.transfer_score, 2), "job_line": m.job_line}
                                 for m in g.skills],
                      "practice": [_practice_data(p) for p in g.practice]} for g in report.gaps]}


@transaction.atomic
def analysis_run(*, user, version: ResumeVersion, job: JobDescription | None = None) -> Analysis:
    """Score a version (against a job when given): an explained score, recommendations, gaps."""
    if version.parse_status != ParseStatus.DONE:
        raise ApplicationError("This version has not been read yet.", code="not_parsed")
    parsed = _parsed_of(version)
    job_model = parse_job(job.text) if job else None
    score = score_resume(parsed, job_model, practice=_practice_for(job_model) if job_model else None)
    categories, recommendations = _score_data(score)
    analysis = Analysis.objects.create(user=user, version=version, job=job, total=score.total,
                                       role_family=score.role_family, categories=categories,
                                       recommendations=recommendations, gaps=_gaps_data(score.gaps))
    if job is not None:
        from accounts.services import progress_record_event

        progress_record_event(user=user, event_type="resume.scored", value=score.total, source=analysis)
    return analysis


def skill_gap_report(*, version: ResumeVersion, job: JobDescription) -> dict:
    """The gaps of the latest analysis's shape, without storing an analysis. Scored, because what
    closing a gap wins back comes from the score's weights."""
    job_model = parse_job(job.text)
    return _gaps_data(score_resume(_parsed_of(version), job_model, practice=_practice_for(job_model)).gaps)


# --- roadmap -------------------------------------------------------------------------------------------

ROADMAP_SCHEMA = {
    "type": "object", "required": ["phases"],
    "properties": {"phases": {"type": "array", "minItems": 1, "maxItems": 8, "items": {
        "type": "object", "required": ["title", "weeks", "topics", "milestones"],
        "properties": {"title": {"type": "string"}, "weeks": {"type": "integer", "minimum": 1, "maximum": 52},
                       "topics": {"type": "array", "items": {"type": "string"}},
                       "milestones": {"type": "array", "items": {"type": "string"}}}}}}}
LEVEL_WEEKS = {"beginner": 1.5, "junior": 1.2, "mid": 1.0, "senior": 0.8}


def _gap_milestone(gap: dict) -> str:
    """A milestone that fits what the gap is (analyses stored before gaps had a kind are 'missing')."""
    kind = gap.get("kind", "missing")
    if kind == "not_in_role":
        return f"Show {gap['name']} in the role where you used it, with what you did"
    if kind == "few_years":
        return f"Name {gap['name']} in every role where you used it, so its years add up"
    return f"Add {gap['name']} to a project on your resume"


def _offline_roadmap(target_role: str, level: str, gaps: list[dict]) -> dict:
    """Phases from the rules: close the critical gaps first, then practise, then rehearse."""
    scale = LEVEL_WEEKS.get(level, 1.0)
    critical = [g for g in gaps if g.get("severity") == "critical"]
    other = [g for g in gaps if g.get("severity") != "critical"]
    phases = []
    if critical:
        hours = sum(g["estimated_hours"] for g in critical)
        phases.append({"title": "Close the critical gaps", "weeks": max(1, round(hours / 10 * scale)),
                       "topics": [g["name"] for g in critical],
                       "milestones": [f"Build a small project with {g['name']}" for g in critical]})
    if other:
        phases.append({"title": "Strengthen the rest", "weeks": max(1, round(sum(g["estimated_hours"] for g in other)
                                                                            / 12 * scale)),
                       "topics": [g["name"] for g in other],
                       "milestones": [_gap_milestone(g) for g in other[:6]]})
    phases.append({"title": "Algorithms and data structures", "weeks": max(1, round(3 * scale)),
                   "topics": ["Arrays and hashing", "Two pointers and sliding window", "Trees and graphs",
                              "Dynamic programming"],
                   "milestones": ["Solve 10 easy challenges", "Solve 10 medium challenges", "Solve 3 hard challenges"]})
    phases.append({"title": f"Interview practice for {target_role}", "weeks": max(1, round(2 * scale)),
                   "topics": ["System design basics", "Behavioural stories (STAR)", "Mock interviews"],
                   "milestones": ["Hold a mock interview in a live room", "Write five STAR stories",
                                  "Score 85+ on a resume check against a target job"]})
    return {"phases": phases}


@transaction.atomic
def roadmap_create(*, user, target_role: str, current_level: str, analysis: Analysis | None = None) -> Roadmap:
    target_role = (target_role or "").strip()[:120]
    if not target_role:
        raise ValidationFailed("Name the role you are aiming for.", code="role_required")
    if current_level not in LEVEL_WEEKS:
        raise ValidationFailed(f"Choose a level: {', '.join(LEVEL_WEEKS)}.", code="invalid_level")
    gaps = (analysis.gaps or {}).get("gaps", []) if analysis else []
    prompt = json.dumps({"target_role": target_role, "current_level": current_level,
                         "skill_gaps": [{"skill": g["name"], "severity": g["severity"]} for g in gaps]})
    result = ai_complete(task="roadmap", schema=ROADMAP_SCHEMA, user=user,
                         offline=lambda: _offline_roadmap(target_role, current_level, gaps),
                         system="You plan interview preparation for software engineers. Phases in order, "
                                "each with weeks, topics and concrete milestones.",
                         prompt=prompt)
    phases = []
    for p_index, phase in enumerate(result.data["phases"]):
        phases.append({"title": phase["title"][:120], "weeks": int(phase["weeks"]),
                       "topics": [t[:120] for t in phase["topics"]][:12],
                       "milestones": [{"id": f"{p_index}-{m_index}", "text": text[:200], "done": False}
                                      for m_index, text in enumerate(phase["milestones"][:10])]})
    return Roadmap.objects.create(user=user, target_role=target_role, current_level=current_level, phases=phases,
                                  engine=result.engine, fallback_reason=result.fallback_reason[:500])


@transaction.atomic
def roadmap_milestone_set(*, roadmap: Roadmap, milestone_id: str, done: bool) -> Roadmap:
    roadmap = lock_roadmap_for_update(roadmap.id)
    for phase in roadmap.phases:
        for milestone in phase["milestones"]:
            if milestone["id"] == milestone_id:
                milestone["done"] = bool(done)
                roadmap.save(update_fields=["phases", "updated_at"])
                return roadmap
    raise NotFound("No such milestone.")


def roadmap_next_steps(roadmap: Roadmap, limit: int = 3) -> list[dict]:
    """What to do next: the first unfinished milestones, in phase order."""
    steps = []
    for phase in roadmap.phases:
        for milestone in phase["milestones"]:
            if not milestone["done"]:
                steps.append({"phase": phase["title"], **milestone})
                if len(steps) == limit:
                    return steps
    return steps

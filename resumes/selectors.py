"""Reads of the resumes domain. A user only ever sees their own resumes, jobs and analyses:
anyone else's answer 'not found'."""

from dataclasses import dataclass

from django.db.models import Count, Max, OuterRef, Subquery

from core.exceptions import NotFound, ValidationFailed, first_or_not_found

from . import export
from .models import Analysis, JobDescription, ParseStatus, Resume, ResumeVersion, Roadmap


def resumes_of(*, user):
    latest = ResumeVersion.objects.filter(resume=OuterRef("pk")).order_by("-number")
    return (Resume.objects.filter(user=user)
            .annotate(version_count=Count("versions"), latest_number=Max("versions__number"),
                      latest_score=Subquery(latest.values("general_score")[:1]),
                      latest_status=Subquery(latest.values("parse_status")[:1]))
            .order_by("-updated_at"))


def resume_get(*, user, resume_id: int) -> Resume:
    resume = first_or_not_found(Resume.objects.filter(user=user, id=resume_id), "No such resume.")
    return resume


def versions_of(*, resume: Resume):
    best = Analysis.objects.filter(version=OuterRef("pk")).order_by("-created_at")
    return resume.versions.annotate(last_analysis_total=Subquery(best.values("total")[:1])).order_by("-number")


def version_get(*, resume: Resume, number: int) -> ResumeVersion:
    version = first_or_not_found(resume.versions.filter(number=number), "No such version.")
    return version


def version_file_get(*, user, resume_id: int, number: int) -> ResumeVersion:
    """An uploaded file, for its owner only: anyone else (or nobody logged in) gets NotFound."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound("No such file.")
    version = (ResumeVersion.objects.select_related("resume")
               .filter(resume__user=user, resume_id=resume_id, number=number).exclude(file="").first())
    if version is None:
        raise NotFound("No such file.")
    return version


def jobs_of(*, user):
    return JobDescription.objects.filter(user=user).order_by("-created_at")


def job_get(*, user, job_id: int) -> JobDescription:
    job = first_or_not_found(JobDescription.objects.filter(user=user, id=job_id), "No such job description.")
    return job


def analysis_get(*, user, analysis_id: int) -> Analysis:
    analysis = first_or_not_found(
        Analysis.objects.select_related("version__resume", "job").filter(user=user, id=analysis_id),
        "No such analysis.")
    return analysis


def analyses_of_version(*, version: ResumeVersion):
    return version.analyses.select_related("job").order_by("-created_at")


def roadmaps_of(*, user):
    return Roadmap.objects.filter(user=user).order_by("-created_at")


def roadmap_get(*, user, roadmap_id: int) -> Roadmap:
    roadmap = first_or_not_found(Roadmap.objects.filter(user=user, id=roadmap_id), "No such roadmap.")
    return roadmap


@dataclass(frozen=True)
class ExportedResume:
    filename: str
    content_type: str
    data: bytes


def resume_export_file(*, resume: Resume, kind: str = "pdf", template: str = "classic",
                       version: int | None = None) -> ExportedResume:
    """A version (the latest by default) as a DOCX or PDF download; only a read version exports."""
    if kind not in export.KINDS or template not in export.TEMPLATES:
        raise ValidationFailed("Choose format docx or pdf and template classic or modern.", code="invalid_export")
    chosen = version_get(resume=resume, number=version) if version is not None else resume.latest
    if chosen is None or chosen.parse_status != ParseStatus.DONE:
        raise NotFound("Nothing to export yet.")
    data = export.to_docx(chosen.content, template) if kind == "docx" else export.to_pdf(chosen.content, template)
    safe = "".join(ch for ch in resume.title if ch.isalnum() or ch in " -_").strip() or "resume"
    return ExportedResume(filename=f"{safe}-v{chosen.number}.{kind}", content_type=export.KINDS[kind], data=data)


# --- an analysis, read for its pages ----------------------------------------------------------


def _analysis_skill_states(analysis: Analysis) -> tuple[dict[str, str], dict[str, str]]:
    """(skill id -> matched | missing, skill id -> name) from the stored result. Read loosely: a
    gap may sit in a list of gaps or inside a family of them, and older results lack fields."""
    from .highlight import MATCHED, MISSING

    gaps = analysis.gaps if isinstance(analysis.gaps, dict) else {}
    states: dict[str, str] = {}
    names: dict[str, str] = {}
    for item in gaps.get("matched") or []:
        if isinstance(item, dict) and isinstance(item.get("skill"), str):
            states[item["skill"]] = MATCHED
            names[item["skill"]] = str(item.get("name") or item["skill"])

    def collect_missing(item, depth=0):
        if depth > 3 or not isinstance(item, dict):
            return
        if isinstance(item.get("skill"), str) and item["skill"] not in states:
            states[item["skill"]] = MISSING
            names[item["skill"]] = str(item.get("name") or item["skill"])
        for value in item.values():
            if isinstance(value, list):
                for child in value:
                    collect_missing(child, depth + 1)

    for key, value in gaps.items():
        if key != "matched" and isinstance(value, list):
            for item in value:
                collect_missing(item)
    return states, names


@dataclass(frozen=True)
class SideBySide:
    resume_segments: list
    job_segments: list
    terms: list
    matched: int
    missing: int


SHOWN_LABELS = {"used_in_role": "used in a role", "listed": "listed only", "mentioned": "only mentioned"}


def _stored_terms(analysis: Analysis) -> list[dict]:
    """The analysis's own term list with spans in both texts, when its engine stored one."""
    terms = (analysis.gaps or {}).get("terms") if isinstance(analysis.gaps, dict) else None
    if not isinstance(terms, list):
        return []
    return [t for t in terms if isinstance(t, dict) and isinstance(t.get("skill"), str)
            and isinstance(t.get("job_spans"), list) and isinstance(t.get("resume_spans"), list)]


def _spans(term: dict, key: str, state: str) -> list[tuple[int, int, str, str]]:
    return [(span[0], span[1], term["skill"], state) for span in term[key]
            if isinstance(span, (list, tuple)) and len(span) == 2 and all(isinstance(v, int) for v in span)]


def analysis_side_by_side(*, analysis: Analysis) -> SideBySide:
    """The resume's text and the job's, with the job's terms marked where the resume has them
    and where it lacks them, as this analysis found them (its stored spans; for results stored
    before spans were, the terms are found again in both texts). NotFound without a job."""
    from .highlight import MATCHED, MISSING, mark_terms, segments_from_spans, term_table

    if analysis.job is None:
        raise NotFound("This analysis has no job to compare with.")
    resume_text, job_text = analysis.version.text or "", analysis.job.text
    stored = _stored_terms(analysis)
    if stored:
        states = {t["skill"]: MISSING if t.get("shown") == "missing" else MATCHED for t in stored}
        names = {t["skill"]: str(t.get("name") or t["skill"]) for t in stored}
        shown = {t["skill"]: SHOWN_LABELS.get(t.get("shown", ""), "") for t in stored}
        job_segments = segments_from_spans(job_text, [m for t in stored for m in _spans(t, "job_spans", states[t["skill"]])])
        resume_segments = segments_from_spans(
            resume_text, [m for t in stored for m in _spans(t, "resume_spans", states[t["skill"]])])
    else:
        states, names = _analysis_skill_states(analysis)
        shown = {}
        resume_segments = mark_terms(resume_text, states)
        job_segments = mark_terms(job_text, states)
    terms = term_table(job_segments, resume_segments, states, names, shown)
    return SideBySide(resume_segments, job_segments, terms,
                      matched=sum(1 for t in terms if t.state == MATCHED),
                      missing=sum(1 for t in terms if t.state == MISSING))


LEVEL_BY_YEARS = ((1, "beginner"), (3, "junior"), (7, "mid"))


def roadmap_initial(*, analysis: Analysis | None) -> dict:
    """What the new-roadmap form starts with when opened from an analysis: the job's title as the
    target, the level the resume's years suggest, and the gaps the roadmap will start with."""
    if analysis is None:
        return {"target_role": "", "current_level": "mid", "gaps": [], "years": None}
    gaps = (analysis.gaps or {}).get("gaps", []) if isinstance(analysis.gaps, dict) else []
    gaps = [g for g in gaps if isinstance(g, dict) and g.get("name")]
    years = (analysis.version.parsed or {}).get("years_of_experience")
    level = "mid"
    if isinstance(years, (int, float)):
        level = next((name for limit, name in LEVEL_BY_YEARS if years < limit), "senior")
    return {"target_role": analysis.job.title if analysis.job else "", "current_level": level, "gaps": gaps,
            "years": years if isinstance(years, (int, float)) else None}


# --- reads for analytics (analytics reads this app only through these) ---------------------------


def job_latest_analysis(*, user, job: JobDescription, until=None) -> Analysis | None:
    """The user's latest ATS check against `job` (made before `until` when given). One query."""
    qs = Analysis.objects.filter(user=user, job=job)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    return qs.order_by("-created_at", "-id").first()


def resume_skill_evidence(*, user, limit: int = 20) -> list[dict]:
    """The skills the user's recent ATS checks found in their resume: [{skill, name, shown,
    analysis_id, created_at}], the newest sighting of each skill. One query."""
    seen: dict[str, dict] = {}
    for analysis_id, created_at, gaps in (Analysis.objects.filter(user=user).order_by("-created_at")
                                          .values_list("id", "created_at", "gaps")[:limit]):
        matched = gaps.get("matched") if isinstance(gaps, dict) else None
        for item in matched or []:
            if isinstance(item, dict) and isinstance(item.get("skill"), str) and item["skill"] not in seen:
                seen[item["skill"]] = {"skill": item["skill"], "name": str(item.get("name") or item["skill"]),
                                       "shown": str(item.get("shown") or "listed"),
                                       "analysis_id": analysis_id, "created_at": created_at}
    return list(seen.values())


def parse_status_counts(*, since) -> dict[str, int]:
    """Resume versions created since `since` by parse status, for the staff overview. One query."""
    return dict(ResumeVersion.objects.filter(created_at__gte=since).exclude(file="").values("parse_status")
                .annotate(n=Count("id")).values_list("parse_status", "n"))

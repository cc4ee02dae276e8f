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

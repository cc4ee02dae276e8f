"""Reads of the resumes domain. A user only ever sees their own resumes, jobs and analyses:
anyone else's answer 'not found'."""

from django.db.models import Count, Max, OuterRef, Subquery

from core.exceptions import NotFound

from .models import Analysis, JobDescription, Resume, ResumeVersion, Roadmap


def resumes_of(*, user):
    latest = ResumeVersion.objects.filter(resume=OuterRef("pk")).order_by("-number")
    return (Resume.objects.filter(user=user)
            .annotate(version_count=Count("versions"), latest_number=Max("versions__number"),
                      latest_score=Subquery(latest.values("general_score")[:1]),
                      latest_status=Subquery(latest.values("parse_status")[:1]))
            .order_by("-updated_at"))


def resume_get(*, user, resume_id: int) -> Resume:
    resume = Resume.objects.filter(user=user, id=resume_id).first()
    if resume is None:
        raise NotFound("No such resume.")
    return resume


def versions_of(*, resume: Resume):
    best = Analysis.objects.filter(version=OuterRef("pk")).order_by("-created_at")
    return resume.versions.annotate(last_analysis_total=Subquery(best.values("total")[:1])).order_by("-number")


def version_get(*, resume: Resume, number: int) -> ResumeVersion:
    version = resume.versions.filter(number=number).first()
    if version is None:
        raise NotFound("No such version.")
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
    job = JobDescription.objects.filter(user=user, id=job_id).first()
    if job is None:
        raise NotFound("No such job description.")
    return job


def analysis_get(*, user, analysis_id: int) -> Analysis:
    analysis = Analysis.objects.select_related("version__resume", "job").filter(user=user, id=analysis_id).first()
    if analysis is None:
        raise NotFound("No such analysis.")
    return analysis


def analyses_of_version(*, version: ResumeVersion):
    return version.analyses.select_related("job").order_by("-created_at")


def roadmaps_of(*, user):
    return Roadmap.objects.filter(user=user).order_by("-created_at")


def roadmap_get(*, user, roadmap_id: int) -> Roadmap:
    roadmap = Roadmap.objects.filter(user=user, id=roadmap_id).first()
    if roadmap is None:
        raise NotFound("No such roadmap.")
    return roadmap

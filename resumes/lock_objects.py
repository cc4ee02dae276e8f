"""Row locks of the resumes domain (order: core.locks)."""

from core.locks import lock_for_update

from .models import ResumeVersion, Roadmap


def lock_resume_version_for_update(version_id: int) -> ResumeVersion | None:
    """With its resume joined in (not locked)."""
    return lock_for_update(ResumeVersion.objects.filter(id=version_id).select_related("resume")).first()


def lock_roadmap_for_update(roadmap_id: int) -> Roadmap:
    return lock_for_update(Roadmap.objects.filter(id=roadmap_id)).get()

from django.conf import settings
from django.db import models

from core.file_storage import private_storage_for_field, unguessable_name
from core.models import BaseModel


class ParseStatus(models.TextChoices):
    # PENDING, QUEUED and PARSING are "still being read".
    PENDING = "pending", "Waiting"
    QUEUED = "queued", "Waiting for a free reader"
    PARSING = "parsing", "Reading the file"
    DONE = "done", "Read"
    FAILED = "failed", "Could not be read"


class Resume(BaseModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resumes")
    title = models.CharField(max_length=120)

    class Meta:
        ordering = ("-updated_at",)

    def __str__(self):
        return self.title

    @property
    def latest(self):
        return self.versions.order_by("-number").first()


def resume_file_name(instance, filename: str) -> str:
    return unguessable_name("resumes", filename)


class ResumeVersion(BaseModel):
    """One state of a resume: an upload, or a save in the builder. `content` is the structured
    resume (what the builder edits); `text` is what an ATS would read."""

    resume = models.ForeignKey(Resume, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    note = models.CharField(max_length=200, blank=True)
    # Private: only ever handed out by the owner-checked download view.
    file = models.FileField(upload_to=resume_file_name, storage=private_storage_for_field, blank=True)
    file_kind = models.CharField(max_length=8, blank=True)
    parse_status = models.CharField(max_length=8, choices=ParseStatus.choices, default=ParseStatus.DONE)
    parse_error = models.CharField(max_length=300, blank=True)
    content = models.JSONField(default=dict, blank=True)
    text = models.TextField(blank=True)
    parsed = models.JSONField(default=dict, blank=True, help_text="Format report, achievements, years...")
    general_score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("resume", "-number")
        constraints = [models.UniqueConstraint(fields=["resume", "number"], name="version_number_once")]

    def __str__(self):
        return f"{self.resume} v{self.number}"


class JobDescription(BaseModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_descriptions")
    title = models.CharField(max_length=120)
    company = models.CharField(max_length=120, blank=True)
    text = models.TextField(max_length=50_000)
    parsed = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self):
        return self.title


class Analysis(BaseModel):
    """A version scored (against a job, or in general), with everything that explains the score."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resume_analyses")
    version = models.ForeignKey(ResumeVersion, on_delete=models.CASCADE, related_name="analyses")
    job = models.ForeignKey(JobDescription, null=True, blank=True, on_delete=models.SET_NULL, related_name="analyses")
    total = models.PositiveSmallIntegerField()
    role_family = models.CharField(max_length=20)
    categories = models.JSONField(default=list)
    recommendations = models.JSONField(default=list)
    gaps = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name_plural = "analyses"

    def __str__(self):
        return f"{self.version} → {self.total}"


class Roadmap(BaseModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roadmaps")
    target_role = models.CharField(max_length=120)
    current_level = models.CharField(max_length=20)
    phases = models.JSONField(default=list)  # [{title, weeks, topics, milestones: [{id, text, done}]}]
    engine = models.CharField(max_length=24, default="offline")
    fallback_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self):
        return f"{self.target_role} ({self.current_level})"

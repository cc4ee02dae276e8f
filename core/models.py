from django.db import models

from core.file_storage import private_storage_for_field


class BaseModel(models.Model):
    """Timestamps every model carries; newest first unless a model says otherwise."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ("-created_at",)


class AICall(models.Model):
    """One answer of the AI gateway: which engine gave it, and why the model was not used."""

    task = models.CharField(max_length=64, db_index=True)
    engine = models.CharField(max_length=24)
    model = models.CharField(max_length=100, blank=True)
    fallback_reason = models.CharField(max_length=500, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-id",)

    def __str__(self):
        return f"{self.task} by {self.engine}"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One sensitive operation: who did what to what, what changed, from where. Append-only: a
    saved event is never changed (save refuses, and so does the queryset's update); only the
    retention purge (core.audit.audit_purge_expired) removes old ones."""

    action = models.CharField(max_length=64, db_index=True)
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="audit_events_done")
    actor_label = models.CharField(max_length=200, blank=True)  # who, even after the account is gone
    # Whose account the event concerns (a login, an MFA change, a role granted to them), for their
    # own security page.
    subject = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="audit_events_about")
    target_type = models.CharField(max_length=100, blank=True, db_index=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)  # {"field": [before, after]}
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=80, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("-id",)
        indexes = [models.Index(fields=["subject", "-created_at"]), models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.action} by {self.actor_label or 'system'}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)


class MediaStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


# The only moves a media job makes (core.media_services checks every one): back to queued from
# processing when an attempt times out or its worker died; a failed job may be queued again.
MEDIA_TRANSITIONS = {
    MediaStatus.QUEUED: {MediaStatus.PROCESSING, MediaStatus.FAILED},
    MediaStatus.PROCESSING: {MediaStatus.READY, MediaStatus.FAILED, MediaStatus.QUEUED},
    MediaStatus.READY: set(),
    MediaStatus.FAILED: {MediaStatus.QUEUED},
}


class MediaAsset(BaseModel):
    """One uploaded recording (an interview answer, a whole session, a chat attachment) and what
    its media job found: ffprobe's report, a poster, a waveform, a playable copy, the transcript
    and the speaking measures. Files are private (core.file_storage), reached only through the
    owner-checked file views."""

    owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="media_assets")
    purpose = models.CharField(max_length=40, default="recording", db_index=True)
    kind = models.CharField(max_length=10, blank=True)  # audio / video, once probed
    file = models.FileField(storage=private_storage_for_field, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    container = models.CharField(max_length=20)  # from the bytes (core.media_processing.sniffing)
    content_type = models.CharField(max_length=60)
    size_bytes = models.PositiveBigIntegerField()
    transcribe = models.BooleanField(default=True)

    status = models.CharField(max_length=12, choices=MediaStatus.choices, default=MediaStatus.QUEUED, db_index=True)
    stage = models.CharField(max_length=20, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure_code = models.CharField(max_length=40, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True)
    processing_started_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    duration_seconds = models.FloatField(null=True, blank=True)
    probe = models.JSONField(default=dict, blank=True)
    poster = models.FileField(storage=private_storage_for_field, max_length=200, blank=True)
    waveform = models.JSONField(default=dict, blank=True)
    web_copy = models.FileField(storage=private_storage_for_field, max_length=200, blank=True)
    web_content_type = models.CharField(max_length=60, blank=True)
    web_copy_reason = models.CharField(max_length=200, blank=True)

    transcript_status = models.CharField(max_length=20, blank=True)
    transcript = models.TextField(blank=True)
    transcript_words = models.JSONField(default=list, blank=True)  # [{"text", "start", "end", "confidence"}]
    transcript_engine = models.CharField(max_length=40, blank=True)
    transcript_fallback_reason = models.CharField(max_length=500, blank=True)
    speaking = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["status", "updated_at"]), models.Index(fields=["owner", "-created_at"])]

    def __str__(self):
        return f"{self.kind or 'media'} #{self.pk} of {self.owner_id} ({self.status})"

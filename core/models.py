from django.db import models


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

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

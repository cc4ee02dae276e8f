from django.db import models


class BaseModel(models.Model):
    """Timestamps every model carries; newest first unless a model says otherwise."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ("-created_at",)

from django.contrib import admin

from .models import AICall


@admin.register(AICall)
class AICallAdmin(admin.ModelAdmin):
    list_display = ("task", "engine", "model", "latency_ms", "fallback_reason", "created_at")
    list_filter = ("engine", "task", "created_at")
    search_fields = ("task", "fallback_reason", "model")
    raw_id_fields = ("user",)

    def has_change_permission(self, request, obj=None):
        return False

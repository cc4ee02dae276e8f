from django.contrib import admin

from .models import AICall, AuditEvent, MediaAsset, MediaStatus


@admin.register(AICall)
class AICallAdmin(admin.ModelAdmin):
    list_display = ("task", "engine", "model", "latency_ms", "fallback_reason", "created_at")
    list_filter = ("engine", "task", "created_at")
    search_fields = ("task", "fallback_reason", "model")
    raw_id_fields = ("user",)

    def has_change_permission(self, request, obj=None):
        return False


class AppendOnlyAdmin(admin.ModelAdmin):
    """For records that are written only by the services (ledgers, logs): staff read them here;
    nobody adds, changes or deletes one."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(AppendOnlyAdmin):
    """Read-only: an audit log that its readers could edit would prove nothing."""

    list_display = ("created_at", "action", "actor_label", "target_type", "target_label", "ip", "request_id")
    list_filter = ("action", "target_type", ("created_at", admin.DateFieldListFilter))
    search_fields = ("action", "actor_label", "target_label", "target_id", "ip", "request_id", "user_agent")
    date_hierarchy = "created_at"
    list_select_related = ("actor",)
    readonly_fields = [field.name for field in AuditEvent._meta.fields]


@admin.register(MediaAsset)
class MediaAssetAdmin(admin.ModelAdmin):
    """Recordings and their jobs: staff see the status, the reason a job failed and what it found;
    the only change is queueing a failed job again (through the service)."""

    list_display = ("id", "owner", "purpose", "kind", "status", "stage", "failure_code", "duration_seconds",
                    "transcript_status", "transcript_engine", "created_at")
    list_filter = ("status", "kind", "purpose", "transcript_status", "transcript_engine")
    search_fields = ("owner__email", "owner__username", "original_name", "failure_reason")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    readonly_fields = [field.name for field in MediaAsset._meta.fields]
    actions = ["requeue_failed"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Process the selected failed recordings again")
    def requeue_failed(self, request, queryset):
        from .media_services import media_requeue

        count = 0
        for asset in queryset.filter(status=MediaStatus.FAILED):
            media_requeue(asset=asset)
            count += 1
        self.message_user(request, f"{count} recording(s) queued again.")

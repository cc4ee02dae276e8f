from django.contrib import admin

from .models import DailyActivity, ReadinessSnapshot, ReadinessTarget, WeeklySummary


@admin.register(DailyActivity)
class DailyActivityAdmin(admin.ModelAdmin):
    list_display = ("user", "day", "submissions", "solved", "xp", "time_spent_seconds")
    list_filter = ("day",)
    raw_id_fields = ("user",)


@admin.register(ReadinessTarget)
class ReadinessTargetAdmin(admin.ModelAdmin):
    list_display = ("user", "job", "bar", "updated_at")
    raw_id_fields = ("user", "job")


@admin.register(ReadinessSnapshot)
class ReadinessSnapshotAdmin(admin.ModelAdmin):
    list_display = ("user", "job", "day", "value")
    raw_id_fields = ("user", "job")


@admin.register(WeeklySummary)
class WeeklySummaryAdmin(admin.ModelAdmin):
    list_display = ("user", "week_start", "created_at")
    raw_id_fields = ("user",)

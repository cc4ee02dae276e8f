from django.contrib import admin, messages

from . import services
from .models import Challenge, ChallengeProgress, CodeDraft, Submission, TestCase


class TestCaseInline(admin.TabularInline):
    model = TestCase
    extra = 1
    fields = ("order", "input", "expected_output", "is_hidden", "weight")


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "type", "difficulty", "category", "attempts", "solvers", "is_public", "is_active")
    list_filter = ("type", "difficulty", "category", "is_public", "is_active")
    search_fields = ("title", "slug", "description", "category")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("attempts", "successes", "solvers", "average_score", "average_time_seconds", "popularity")
    inlines = (TestCaseInline,)
    actions = ("rejudge",)
    raw_id_fields = ("author",)

    @admin.action(description="Rejudge every submission of the selected challenges")
    def rejudge(self, request, queryset):
        queued = sum(services.challenge_rejudge(challenge=challenge) for challenge in queryset)
        self.message_user(request, f"{queued} submission(s) queued for judging.", messages.SUCCESS)


@admin.register(TestCase)
class TestCaseAdmin(admin.ModelAdmin):
    list_display = ("challenge", "order", "is_hidden", "weight")
    list_filter = ("is_hidden", "challenge__difficulty")
    search_fields = ("challenge__title", "input")
    list_select_related = ("challenge",)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "challenge", "language", "mode", "status", "verdict", "percent", "created_at")
    list_filter = ("status", "verdict", "language", "mode", "created_at")
    search_fields = ("user__username", "challenge__title", "challenge__slug")
    list_select_related = ("user", "challenge")
    raw_id_fields = ("user", "challenge")
    readonly_fields = ("results", "compile_output", "judged_at")


@admin.register(ChallengeProgress)
class ChallengeProgressAdmin(admin.ModelAdmin):
    list_display = ("user", "challenge", "attempts", "best_score", "solved_at", "hints_revealed")
    list_filter = ("solved_at", "challenge__difficulty")
    search_fields = ("user__username", "challenge__title")
    list_select_related = ("user", "challenge")
    raw_id_fields = ("user", "challenge")


@admin.register(CodeDraft)
class CodeDraftAdmin(admin.ModelAdmin):
    list_display = ("user", "challenge", "language", "updated_at")
    list_filter = ("language",)
    search_fields = ("user__username", "challenge__title")
    list_select_related = ("user", "challenge")
    raw_id_fields = ("user", "challenge")

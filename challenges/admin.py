from django.contrib import admin, messages

from . import playlist_services, review_services, services
from .models import (
    Certificate,
    Challenge,
    ChallengeProgress,
    ChallengeReview,
    CodeDraft,
    CodeReview,
    CodeReviewComment,
    CodeReviewScore,
    CodeReviewVersion,
    Enrolment,
    Lesson,
    LessonProgress,
    Playlist,
    PlaylistCategory,
    PlaylistReview,
    ReviewHelpfulVote,
    ReviewReply,
    Submission,
    TestCase,
)


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


# --- learning playlists, challenge reviews, code reviews ------------------------------------------


@admin.register(PlaylistCategory)
class PlaylistCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


class LessonInline(admin.StackedInline):
    model = Lesson
    extra = 0
    fields = ("order", "title", "kind", "body", "challenge", "video_url", "required_seconds")
    raw_id_fields = ("challenge",)


@admin.register(Playlist)
class PlaylistAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "category", "difficulty", "lesson_count", "enrolment_count",
                    "completion_count", "rating_average", "is_published")
    list_filter = ("category", "difficulty", "is_published")
    search_fields = ("title", "slug", "summary")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("lesson_count", "enrolment_count", "completion_count", "review_count", "rating_average")
    list_select_related = ("category",)
    raw_id_fields = ("author",)
    inlines = (LessonInline,)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Lessons edited inline: the counts and everyone's progress follow (a service, not here).
        playlist_services.playlist_lessons_refresh(playlist=form.instance, actor=request.user)


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ("playlist", "order", "title", "kind", "challenge")
    list_filter = ("kind",)
    search_fields = ("title", "playlist__title")
    list_select_related = ("playlist", "challenge")
    raw_id_fields = ("playlist", "challenge")


class LessonProgressInline(admin.TabularInline):
    model = LessonProgress
    extra = 0
    fields = ("lesson", "seconds_spent", "project_url", "completed_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("user", "playlist", "is_active", "percent", "completed_lessons", "time_spent_seconds",
                    "completed_at")
    list_filter = ("is_active", "completed_at", "playlist")
    search_fields = ("user__username", "playlist__title")
    list_select_related = ("user", "playlist")
    raw_id_fields = ("user", "playlist", "current_lesson")
    readonly_fields = ("completed_lessons", "percent", "time_spent_seconds", "completed_at")
    inlines = (LessonProgressInline,)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("code", "holder_name", "playlist_title", "issued_at")
    search_fields = ("code", "holder_name", "playlist_title")
    readonly_fields = ("enrolment", "code", "holder_name", "playlist_title", "lesson_count", "issued_at")


@admin.register(PlaylistReview)
class PlaylistReviewAdmin(admin.ModelAdmin):
    list_display = ("playlist", "user", "rating", "created_at")
    list_filter = ("rating",)
    search_fields = ("playlist__title", "user__username", "text")
    list_select_related = ("playlist", "user")
    raw_id_fields = ("playlist", "user")


class ReviewReplyInline(admin.TabularInline):
    model = ReviewReply
    extra = 0
    raw_id_fields = ("user",)


@admin.register(ChallengeReview)
class ChallengeReviewAdmin(admin.ModelAdmin):
    list_display = ("challenge", "user", "rating", "title", "helpful_count", "reply_count", "created_at")
    list_filter = ("rating", "created_at")
    search_fields = ("challenge__title", "user__username", "title", "text")
    list_select_related = ("challenge", "user")
    raw_id_fields = ("challenge", "user")
    readonly_fields = ("helpful_count", "reply_count")
    inlines = (ReviewReplyInline,)

    # Deleting goes through the service, so that the challenge's average follows.
    def delete_model(self, request, obj):
        review_services.challenge_review_delete(user=request.user, review=obj)

    def delete_queryset(self, request, queryset):
        for review in queryset:
            review_services.challenge_review_delete(user=request.user, review=review)


@admin.register(ReviewHelpfulVote)
class ReviewHelpfulVoteAdmin(admin.ModelAdmin):
    list_display = ("review", "user", "created_at")
    list_select_related = ("review", "user")
    raw_id_fields = ("review", "user")


@admin.register(ReviewReply)
class ReviewReplyAdmin(admin.ModelAdmin):
    list_display = ("review", "user", "created_at")
    search_fields = ("text", "user__username")
    list_select_related = ("review", "user")
    raw_id_fields = ("review", "user")


class CodeReviewVersionInline(admin.TabularInline):
    model = CodeReviewVersion
    extra = 0
    fields = ("number", "note", "source", "created_at")
    readonly_fields = ("created_at",)


@admin.register(CodeReview)
class CodeReviewAdmin(admin.ModelAdmin):
    list_display = ("id", "challenge", "author", "language", "status", "version_count", "created_at")
    list_filter = ("status", "language")
    search_fields = ("challenge__title", "author__username")
    list_select_related = ("challenge", "author")
    raw_id_fields = ("submission", "author", "challenge")
    inlines = (CodeReviewVersionInline,)


@admin.register(CodeReviewComment)
class CodeReviewCommentAdmin(admin.ModelAdmin):
    list_display = ("review", "reviewer", "kind", "version_number", "line_start", "current_line_start", "outdated",
                    "applied_in_version")
    list_filter = ("kind", "outdated")
    search_fields = ("body", "reviewer__username")
    list_select_related = ("review", "reviewer")
    raw_id_fields = ("review", "reviewer")


@admin.register(CodeReviewScore)
class CodeReviewScoreAdmin(admin.ModelAdmin):
    list_display = ("review", "reviewer", "code_quality", "performance", "readability", "tests")
    list_select_related = ("review", "reviewer")
    raw_id_fields = ("review", "reviewer")

from django.contrib import admin

from . import services
from .models import (
    CodeTemplate,
    CollaborationRequest,
    Comment,
    CommentLike,
    Flag,
    Post,
    PostBookmark,
    PostLike,
    PostView,
    Suspension,
    TemplateStar,
    TemplateView,
)


def _moderate(action: str, description: str):
    """An admin action that goes through post_moderate (audited, authors told)."""

    def run(modeladmin, request, queryset):
        for post in queryset:
            services.post_moderate(moderator=request.user, post_id=post.id, action=action,
                                   reason=f"{description} in the admin")
        modeladmin.message_user(request, f"{description}: {queryset.count()} post(s).")

    run.short_description = description  # type: ignore[attr-defined]
    run.__name__ = f"moderate_{action}"
    return run


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("title", "type", "author", "like_count", "comment_count", "view_count", "is_hidden",
                    "is_pinned", "is_featured", "is_locked", "created_at")
    list_filter = ("type", "is_hidden", "is_pinned", "is_featured", "is_locked", "created_at")
    search_fields = ("title", "body", "author__username")
    list_select_related = ("author",)
    raw_id_fields = ("author", "linked_submission", "linked_challenge", "accepted_comment")
    readonly_fields = ("like_count", "bookmark_count", "comment_count", "view_count", "hot_score", "body_html")
    actions = [_moderate("hide", "Hide"), _moderate("unhide", "Unhide"), _moderate("pin", "Pin"),
               _moderate("feature", "Feature"), _moderate("lock", "Lock")]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("id", "post", "author", "depth", "like_count", "is_deleted", "is_hidden", "created_at")
    list_filter = ("is_deleted", "is_hidden", "created_at")
    search_fields = ("body", "author__username", "post__title")
    list_select_related = ("post", "author")
    raw_id_fields = ("post", "author", "parent")
    readonly_fields = ("like_count", "body_html")


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ("id", "reason", "status", "reporter", "post", "comment", "created_at")
    list_filter = ("status", "reason", "created_at")
    list_select_related = ("reporter", "post", "comment")
    raw_id_fields = ("reporter", "post", "comment", "resolved_by")


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    list_display = ("user", "until", "reason", "by", "lifted_at")
    list_select_related = ("user", "by")
    raw_id_fields = ("user", "by")
    search_fields = ("user__username", "reason")


@admin.register(CollaborationRequest)
class CollaborationRequestAdmin(admin.ModelAdmin):
    list_display = ("post", "requester", "status", "created_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("post", "requester")
    raw_id_fields = ("post", "requester")


@admin.register(CodeTemplate)
class CodeTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "language", "category", "framework", "author", "star_count", "fork_count",
                    "view_count", "download_count", "is_hidden", "created_at")
    list_filter = ("kind", "category", "framework", "difficulty", "is_hidden")
    search_fields = ("title", "description", "author__username")
    list_select_related = ("author",)
    raw_id_fields = ("author", "forked_from")
    readonly_fields = ("star_count", "fork_count", "view_count", "download_count", "description_html")


class _RowAdmin(admin.ModelAdmin):
    """Counted rows: read in the admin, never changed there (the counters would drift)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (PostLike, PostBookmark, PostView, CommentLike, TemplateStar, TemplateView):
    admin.site.register(model, type(f"{model.__name__}Admin", (_RowAdmin,), {"raw_id_fields": ()}))

"""JSON API of the community (StackRush's /api/community/* and /api/templates/*, under /api/v1/)."""

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.apis import PersonBase
from accounts.models import User
from challenges.apis import RunOutput
from core.exceptions import ErrorEnvelope, NotFound
from core.json_input import StrictJSONTypes
from core.pagination import (
    CursorQuery,
    FeedCursorPagination,
    PagePagination,
    PageQuery,
    paginated_response,
)
from core.query_params import query_valid

from . import selectors, services
from .engine.threads import flatten
from .models import FlagReason, FlagStatus, PostDifficulty, PostType, TemplateKind
from .services import CHALLENGE_TYPES, CODE_LANGUAGES, POST_ACTIONS
from .views import viewer_key

# --- shapes ----------------------------------------------------------------------------------------

TAG_PATTERN = r"^#?[A-Za-z0-9][A-Za-z0-9+#.-]{0,29}$"
GITHUB_PATTERN = r"^https://(www\.)?github\.com/[A-Za-z0-9_.-]+(/[A-Za-z0-9_./-]*)?$"
URL_PATTERN = r"^https?://[^\s/]+[^\s]*$"
PATH_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*){0,7}$"


def tag_list(**kwargs):
    return serializers.ListField(child=serializers.RegexField(TAG_PATTERN, max_length=31), max_length=5, **kwargs)


class PostWriteInput(StrictJSONTypes, serializers.Serializer):
    type = serializers.ChoiceField(choices=PostType.choices, default=PostType.DISCUSSION)
    title = serializers.CharField(min_length=3, max_length=200)
    body = serializers.CharField(max_length=40_000, allow_blank=True, default="", trim_whitespace=False,
                                 help_text="Markdown; sanitised when rendered.")
    tags = tag_list(default=list)
    difficulty = serializers.ChoiceField(choices=[""] + PostDifficulty.values, default="")
    challenge_type = serializers.ChoiceField(choices=("", *CHALLENGE_TYPES), default="")
    code_language = serializers.ChoiceField(choices=("", *CODE_LANGUAGES), default="")
    code = serializers.CharField(max_length=100_000, allow_blank=True, default="", trim_whitespace=False)
    project_html = serializers.CharField(max_length=100_000, allow_blank=True, default="", trim_whitespace=False)
    project_css = serializers.CharField(max_length=100_000, allow_blank=True, default="", trim_whitespace=False)
    project_js = serializers.CharField(max_length=100_000, allow_blank=True, default="", trim_whitespace=False)
    github_url = serializers.RegexField(GITHUB_PATTERN, max_length=200, allow_blank=True, default="")
    demo_url = serializers.RegexField(URL_PATTERN, max_length=200, allow_blank=True, default="")
    linked_submission = serializers.IntegerField(min_value=1, max_value=2**62, allow_null=True, default=None,
                                                 help_text="One of your own submissions.")
    linked_challenge = serializers.SlugField(max_length=80, allow_blank=True, default="",
                                             help_text="One of your own challenges.")


class PostUpdateInput(PostWriteInput):
    """Only the fields sent change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class LinkOutput(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    slug = serializers.CharField(required=False)
    title = serializers.CharField()
    url = serializers.CharField()


extend_schema_field_link = extend_schema_field(LinkOutput(allow_null=True))


class PostListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    title = serializers.CharField()
    author = PersonBase()
    tags = serializers.ListField(child=serializers.CharField())
    difficulty = serializers.CharField()
    challenge_type = serializers.CharField()
    like_count = serializers.IntegerField()
    bookmark_count = serializers.IntegerField()
    comment_count = serializers.IntegerField()
    view_count = serializers.IntegerField()
    hot_score = serializers.FloatField()
    is_pinned = serializers.BooleanField()
    is_featured = serializers.BooleanField()
    is_locked = serializers.BooleanField()
    is_hidden = serializers.BooleanField()
    viewer_liked = serializers.BooleanField()
    viewer_bookmarked = serializers.BooleanField()
    accepted_comment = serializers.IntegerField(source="accepted_comment_id", allow_null=True)
    url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)

    def get_url(self, post) -> str:
        return reverse("community-post", args=[post.id])


class PostDetailOutput(PostListOutput):
    body = serializers.CharField()
    body_html = serializers.CharField(help_text="Sanitised HTML.")
    code_language = serializers.CharField()
    code = serializers.CharField()
    project_html = serializers.CharField()
    project_css = serializers.CharField()
    project_js = serializers.CharField()
    preview_url = serializers.SerializerMethodField()
    github_url = serializers.CharField()
    demo_url = serializers.CharField()
    linked_submission = serializers.SerializerMethodField()
    linked_challenge = serializers.SerializerMethodField()

    def get_preview_url(self, post) -> str | None:
        if post.project_html or post.project_css or post.project_js:
            return reverse("community-post-preview", args=[post.id])
        return None

    def _links(self, post):
        return selectors.linked_items_visible(viewer=self.context["request"].user, post=post)

    @extend_schema_field_link
    def get_linked_submission(self, post):
        s = self._links(post)["submission"]
        return {"id": s.id, "title": f"{s.challenge.title} ({s.language}, {s.verdict or s.status})",
                "url": reverse("submission-detail", args=[s.id])} if s else None

    @extend_schema_field_link
    def get_linked_challenge(self, post):
        c = self._links(post)["challenge"]
        return {"slug": c.slug, "title": c.title, "url": reverse("challenge-detail", args=[c.slug])} if c else None


def post_detail_data(request, post) -> dict:
    return PostDetailOutput(post, context={"request": request}).data


class CommentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    depth = serializers.IntegerField()
    author = PersonBase(allow_null=True)
    body = serializers.CharField()
    body_html = serializers.CharField()
    like_count = serializers.IntegerField()
    viewer_liked = serializers.BooleanField()
    is_deleted = serializers.BooleanField()
    is_hidden = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)


def comment_data(comment) -> dict:
    hidden = comment.is_deleted or not getattr(comment, "visible_to_viewer", True)
    return {"id": comment.id, "parent_id": comment.parent_id, "depth": comment.depth,
            "author": None if comment.is_deleted else comment.author,
            "body": "" if hidden else comment.body, "body_html": "" if hidden else comment.body_html,
            "like_count": comment.like_count, "viewer_liked": bool(getattr(comment, "viewer_liked", False)),
            "is_deleted": comment.is_deleted, "is_hidden": comment.is_hidden, "created_at": comment.created_at,
            "edited_at": comment.edited_at}


class ToggleOutput(serializers.Serializer):
    active = serializers.BooleanField()
    count = serializers.IntegerField()


# --- posts -----------------------------------------------------------------------------------------


class FeedQuery(CursorQuery):
    type = serializers.ChoiceField(choices=PostType.choices, required=False)
    tag = serializers.CharField(max_length=30, required=False)
    difficulty = serializers.ChoiceField(choices=PostDifficulty.choices, required=False)
    challenge_type = serializers.ChoiceField(choices=CHALLENGE_TYPES, required=False)
    search = serializers.CharField(max_length=100, required=False)
    sort = serializers.ChoiceField(choices=selectors.SORTS, required=False, default="new",
                                   help_text="trending: Reddit's hot rank, log10(points) + age/45000 s.")
    featured = serializers.BooleanField(required=False, default=False)
    author = serializers.CharField(max_length=150, required=False)


class FeedPagination(FeedCursorPagination):
    def __init__(self, ordering=("-id",)):
        self.ordering = ordering


class PostListApi(APIView):
    throttle_scope = "writes"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else super().get_permissions()

    @extend_schema(parameters=[FeedQuery], responses=FeedCursorPagination.response(PostListOutput),
                   operation_id="community_posts_list")
    def get(self, request):
        filters = {k: v for k, v in query_valid(FeedQuery, request).items() if k not in CursorQuery().fields}
        qs = selectors.post_feed(viewer=request.user, **filters)
        paginator = FeedPagination(selectors.feed_ordering(filters.get("sort", "new")))
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(PostListOutput(page, many=True).data)

    @extend_schema(request=PostWriteInput, responses={201: PostDetailOutput}, operation_id="community_posts_create")
    def post(self, request):
        data = PostWriteInput(data=request.data)
        data.is_valid(raise_exception=True)
        post = services.post_create(author=request.user, **data.validated_data)
        post = selectors.post_get_for_user(viewer=request.user, post_id=post.id)
        return Response(post_detail_data(request, post), status=status.HTTP_201_CREATED)


class PostDetailApi(APIView):
    throttle_scope = "writes"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else super().get_permissions()

    @extend_schema(responses=PostDetailOutput, operation_id="community_posts_retrieve")
    def get(self, request, post_id):
        return Response(post_detail_data(request, selectors.post_get_for_user(viewer=request.user, post_id=post_id)))

    @extend_schema(request=PostUpdateInput, responses=PostDetailOutput, operation_id="community_posts_update")
    def patch(self, request, post_id):
        data = PostUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.post_update(user=request.user, post_id=post_id, **data.validated_data)
        return Response(post_detail_data(request, selectors.post_get_for_user(viewer=request.user, post_id=post_id)))

    @extend_schema(responses={204: None}, operation_id="community_posts_delete")
    def delete(self, request, post_id):
        services.post_delete(user=request.user, post_id=post_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostLikeApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses=ToggleOutput, operation_id="community_posts_like")
    def post(self, request, post_id):
        liked, count = services.post_like_set(user=request.user, post_id=post_id, liked=True)
        return Response({"active": liked, "count": count})

    @extend_schema(responses=ToggleOutput, operation_id="community_posts_unlike")
    def delete(self, request, post_id):
        liked, count = services.post_like_set(user=request.user, post_id=post_id, liked=False)
        return Response({"active": liked, "count": count})


class PostBookmarkApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses=ToggleOutput, operation_id="community_posts_bookmark")
    def post(self, request, post_id):
        marked, count = services.post_bookmark_set(user=request.user, post_id=post_id, bookmarked=True)
        return Response({"active": marked, "count": count})

    @extend_schema(responses=ToggleOutput, operation_id="community_posts_unbookmark")
    def delete(self, request, post_id):
        marked, count = services.post_bookmark_set(user=request.user, post_id=post_id, bookmarked=False)
        return Response({"active": marked, "count": count})


class PostViewApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses=inline_serializer("PostViews", {"view_count": serializers.IntegerField()}),
                   operation_id="community_posts_view")
    def post(self, request, post_id):
        return Response({"view_count": services.post_view_record(post_id=post_id, viewer=viewer_key(request),
                                                                 user=request.user)})


class AcceptInput(StrictJSONTypes, serializers.Serializer):
    comment = serializers.IntegerField(min_value=1, max_value=2**62, allow_null=True,
                                       help_text="null to unmark the accepted answer.")


class PostAcceptApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=AcceptInput, responses=PostDetailOutput, operation_id="community_posts_accept")
    def post(self, request, post_id):
        data = AcceptInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.post_accept_answer(user=request.user, post_id=post_id, comment_id=data.validated_data["comment"])
        return Response(post_detail_data(request, selectors.post_get_for_user(viewer=request.user, post_id=post_id)))


class BookmarkListApi(APIView):
    @extend_schema(parameters=[PageQuery], responses=PagePagination.response(PostListOutput),
                   operation_id="community_bookmarks_list")
    def get(self, request):
        return paginated_response(request, self, selectors.bookmarks_of(user=request.user), PostListOutput)


# --- comments --------------------------------------------------------------------------------------


class CommentInput(StrictJSONTypes, serializers.Serializer):
    body = serializers.CharField(max_length=10_000)
    parent = serializers.IntegerField(min_value=1, max_value=2**62, required=False, allow_null=True, default=None)


class CommentUpdateInput(StrictJSONTypes, serializers.Serializer):
    body = serializers.CharField(max_length=10_000)


class CommentPatchInput(CommentUpdateInput):
    """Only the fields sent change (a PATCH without `body` changes nothing)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class CommentListApi(APIView):
    throttle_scope = "writes"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else super().get_permissions()

    @extend_schema(responses=inline_serializer("CommentThread", {"count": serializers.IntegerField(),
                                                                 "results": CommentOutput(many=True)}),
                   operation_id="community_comments_list",
                   description="The whole thread, depth-first (replies follow their parent), in one response.")
    def get(self, request, post_id):
        post = selectors.post_get_for_user(viewer=request.user, post_id=post_id)
        thread = selectors.comment_thread(viewer=request.user, post=post)
        rows = [comment_data(node.item) for node, _ in flatten(thread.roots)]
        return Response({"count": thread.count, "results": CommentOutput(rows, many=True).data})

    @extend_schema(request=CommentInput, responses={201: CommentOutput}, operation_id="community_comments_create")
    def post(self, request, post_id):
        data = CommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_create(author=request.user, post_id=post_id, body=data.validated_data["body"],
                                          parent_id=data.validated_data["parent"])
        comment = selectors.comment_get_for_user(viewer=request.user, comment_id=comment.id)
        return Response(CommentOutput(comment_data(comment)).data, status=status.HTTP_201_CREATED)


class CommentDetailApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=CommentPatchInput, responses=CommentOutput, operation_id="community_comments_update")
    def patch(self, request, comment_id):
        data = CommentPatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        if "body" in data.validated_data:
            services.comment_update(user=request.user, comment_id=comment_id, body=data.validated_data["body"])
        comment = selectors.comment_get_for_user(viewer=request.user, comment_id=comment_id)
        return Response(CommentOutput(comment_data(comment)).data)

    @extend_schema(responses={204: None}, operation_id="community_comments_delete")
    def delete(self, request, comment_id):
        services.comment_delete(user=request.user, comment_id=comment_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentLikeApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses=ToggleOutput, operation_id="community_comments_like")
    def post(self, request, comment_id):
        liked, count = services.comment_like_set(user=request.user, comment_id=comment_id, liked=True)
        return Response({"active": liked, "count": count})

    @extend_schema(responses=ToggleOutput, operation_id="community_comments_unlike")
    def delete(self, request, comment_id):
        liked, count = services.comment_like_set(user=request.user, comment_id=comment_id, liked=False)
        return Response({"active": liked, "count": count})


# --- collaboration requests ------------------------------------------------------------------------


class JoinRequestInput(StrictJSONTypes, serializers.Serializer):
    message = serializers.CharField(max_length=2000, allow_blank=True, default="")
    skills = serializers.ListField(child=serializers.CharField(max_length=40), max_length=20, default=list)


class JoinRequestOutput(serializers.Serializer):
    id = serializers.IntegerField()
    post = serializers.IntegerField(source="post_id")
    requester = PersonBase()
    message = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class DecisionInput(StrictJSONTypes, serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accept", "decline"])


class JoinRequestListApi(APIView):
    throttle_scope = "writes"

    @extend_schema(responses=JoinRequestOutput(many=True), operation_id="community_requests_list",
                   description="The post's author sees every request; anyone else only their own.")
    def get(self, request, post_id):
        post = selectors.post_get_for_user(viewer=request.user, post_id=post_id)
        return Response(JoinRequestOutput(selectors.collaboration_requests_for(viewer=request.user, post=post),
                                          many=True).data)

    @extend_schema(request=JoinRequestInput, responses={201: JoinRequestOutput},
                   operation_id="community_requests_create")
    def post(self, request, post_id):
        data = JoinRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        join = services.collaboration_request_create(requester=request.user, post_id=post_id, **data.validated_data)
        return Response(JoinRequestOutput(join).data, status=status.HTTP_201_CREATED)


class JoinRequestDecideApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=DecisionInput, responses=JoinRequestOutput, operation_id="community_requests_decide")
    def post(self, request, request_id):
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        join = services.collaboration_request_decide(user=request.user, request_id=request_id,
                                                     accept=data.validated_data["decision"] == "accept")
        return Response(JoinRequestOutput(join).data)


# --- moderation ------------------------------------------------------------------------------------


class FlagInput(StrictJSONTypes, serializers.Serializer):
    reason = serializers.ChoiceField(choices=FlagReason.choices)
    details = serializers.CharField(max_length=1000, allow_blank=True, default="")


class FlagOutput(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    details = serializers.CharField()
    status = serializers.CharField()
    post = serializers.IntegerField(source="post_id", allow_null=True)
    comment = serializers.IntegerField(source="comment_id", allow_null=True)
    reporter = serializers.CharField(source="reporter.username")
    resolution = serializers.CharField()
    created_at = serializers.DateTimeField()


class PostFlagApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=FlagInput, responses={201: FlagOutput}, operation_id="community_posts_flag")
    def post(self, request, post_id):
        data = FlagInput(data=request.data)
        data.is_valid(raise_exception=True)
        flag = services.flag_create(reporter=request.user, post_id=post_id, **data.validated_data)
        return Response(FlagOutput(flag).data, status=status.HTTP_201_CREATED)


class CommentFlagApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=FlagInput, responses={201: FlagOutput}, operation_id="community_comments_flag")
    def post(self, request, comment_id):
        data = FlagInput(data=request.data)
        data.is_valid(raise_exception=True)
        flag = services.flag_create(reporter=request.user, comment_id=comment_id, **data.validated_data)
        return Response(FlagOutput(flag).data, status=status.HTTP_201_CREATED)


class QueueQuery(PageQuery):
    status = serializers.ChoiceField(choices=FlagStatus.choices, required=False, default=FlagStatus.OPEN)


class ModerationQueueApi(APIView):
    @extend_schema(parameters=[QueueQuery], responses=PagePagination.response(FlagOutput),
                   operation_id="community_moderation_queue")
    def get(self, request):
        services._require_moderator(request.user)
        status_ = query_valid(QueueQuery, request).get("status", FlagStatus.OPEN)
        return paginated_response(request, self, selectors.moderation_queue(status=status_), FlagOutput)


class ModerateInput(StrictJSONTypes, serializers.Serializer):
    action = serializers.ChoiceField(choices=list(POST_ACTIONS))
    reason = serializers.CharField(max_length=1000)


class CommentModerateInput(ModerateInput):
    action = serializers.ChoiceField(choices=["hide", "unhide"])


class PostModerateApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=ModerateInput, responses=PostDetailOutput, operation_id="community_moderation_post")
    def post(self, request, post_id):
        data = ModerateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.post_moderate(moderator=request.user, post_id=post_id, **data.validated_data)
        return Response(post_detail_data(request, selectors.post_get_for_user(viewer=request.user, post_id=post_id)))


class CommentModerateApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=CommentModerateInput, responses=CommentOutput, operation_id="community_moderation_comment")
    def post(self, request, comment_id):
        data = CommentModerateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.comment_moderate(moderator=request.user, comment_id=comment_id, **data.validated_data)
        comment = selectors.comment_get_for_user(viewer=request.user, comment_id=comment_id)
        return Response(CommentOutput(comment_data(comment)).data)


class FlagDismissApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=inline_serializer("FlagDismissInput", {"reason": serializers.CharField(max_length=1000)}),
                   responses=FlagOutput, operation_id="community_moderation_dismiss")
    def post(self, request, flag_id):
        data = CommentUpdateInput(data={"body": request.data.get("reason", "")})
        data.is_valid(raise_exception=True)
        return Response(FlagOutput(services.flag_dismiss(moderator=request.user, flag_id=flag_id,
                                                         reason=data.validated_data["body"])).data)


class SuspendInput(StrictJSONTypes, serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=365)
    reason = serializers.CharField(max_length=1000)


class UserSuspendApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=SuspendInput, responses=inline_serializer("Suspended", {
        "username": serializers.CharField(), "until": serializers.DateTimeField(), "reason": serializers.CharField()}),
        operation_id="community_moderation_suspend")
    def post(self, request, username):
        data = SuspendInput(data=request.data)
        data.is_valid(raise_exception=True)
        services._require_moderator(request.user)
        target = User.objects.filter(username=username).first()
        if target is None:
            raise NotFound("No such user.")
        suspension = services.user_suspend(moderator=request.user, user=target, **data.validated_data)
        return Response({"username": target.username, "until": suspension.until, "reason": suspension.reason})


class TrustOutput(serializers.Serializer):
    level = serializers.IntegerField()
    name = serializers.CharField()
    limits = serializers.DictField(child=serializers.IntegerField(), allow_null=True)
    next_level = serializers.DictField(child=serializers.IntegerField(), allow_null=True)
    suspended_until = serializers.DateTimeField(allow_null=True)


class TrustApi(APIView):
    @extend_schema(responses=TrustOutput, operation_id="community_trust_retrieve")
    def get(self, request):
        from .engine import trust

        activity = services.user_activity(request.user)
        level = trust.trust_level(activity)
        suspension = services.active_suspension(request.user)
        return Response(TrustOutput({"level": level, "name": trust.LEVEL_NAMES[level], "limits": trust.LIMITS.get(level),
                                     "next_level": trust.next_level_needs(activity),
                                     "suspended_until": suspension.until if suspension else None}).data)


class StatsApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=inline_serializer("CommunityStats", {
        "posts": serializers.IntegerField(), "comments": serializers.IntegerField(),
        "templates": serializers.IntegerField()}), operation_id="community_stats")
    def get(self, request):
        return Response(selectors.community_stats())


# --- templates -------------------------------------------------------------------------------------


class TemplateFileSerializer(StrictJSONTypes, serializers.Serializer):
    path = serializers.RegexField(PATH_PATTERN, max_length=200, help_text="Relative, no '..'; unique in the template.")
    content = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=100_000)


class TemplateWriteInput(StrictJSONTypes, serializers.Serializer):
    title = serializers.CharField(min_length=3, max_length=120)
    description = serializers.CharField(max_length=5000, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=TemplateKind.choices, default=TemplateKind.WEB)
    language = serializers.ChoiceField(choices=["", "python", "javascript", "c", "cpp", "java"], default="",
                                       help_text="Projects: the judge language Run uses.")
    entry = serializers.CharField(max_length=200, allow_blank=True, default="")
    category = serializers.CharField(min_length=2, max_length=40)
    framework = serializers.CharField(max_length=40, allow_blank=True, default="")
    difficulty = serializers.ChoiceField(choices=PostDifficulty.choices, default=PostDifficulty.EASY)
    tags = tag_list(default=list)
    features = serializers.ListField(child=serializers.CharField(max_length=80), max_length=20, default=list)
    files = serializers.ListField(child=TemplateFileSerializer(), min_length=1, max_length=50)


class TemplateUpdateInput(TemplateWriteInput):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class TemplateListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    language = serializers.CharField()
    category = serializers.CharField()
    framework = serializers.CharField()
    difficulty = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    features = serializers.ListField(child=serializers.CharField())
    author = PersonBase()
    forked_from = serializers.IntegerField(source="forked_from_id", allow_null=True)
    star_count = serializers.IntegerField()
    fork_count = serializers.IntegerField()
    view_count = serializers.IntegerField()
    download_count = serializers.IntegerField()
    viewer_starred = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class TemplateDetailOutput(TemplateListOutput):
    description = serializers.CharField()
    description_html = serializers.CharField()
    entry = serializers.CharField()
    files = TemplateFileSerializer(many=True)
    preview_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    def get_preview_url(self, template) -> str | None:
        return reverse("template-preview", args=[template.id]) if template.kind == TemplateKind.WEB else None

    def get_download_url(self, template) -> str:
        return reverse("api-template-download", args=[template.id])


class TemplateListQuery(PageQuery):
    category = serializers.CharField(max_length=40, required=False)
    framework = serializers.CharField(max_length=40, required=False)
    kind = serializers.ChoiceField(choices=TemplateKind.choices, required=False)
    difficulty = serializers.ChoiceField(choices=PostDifficulty.choices, required=False)
    tag = serializers.CharField(max_length=30, required=False)
    search = serializers.CharField(max_length=100, required=False)
    sort = serializers.ChoiceField(choices=selectors.TEMPLATE_SORTS, required=False, default="new")
    author = serializers.CharField(max_length=150, required=False)


def _template(request, template_id):
    return TemplateDetailOutput(selectors.template_get_for_user(viewer=request.user, template_id=template_id)).data


class TemplateListApi(APIView):
    throttle_scope = "writes"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else super().get_permissions()

    @extend_schema(parameters=[TemplateListQuery], responses=PagePagination.response(TemplateListOutput),
                   operation_id="templates_list")
    def get(self, request):
        filters = {k: v for k, v in query_valid(TemplateListQuery, request).items() if k not in PageQuery().fields}
        return paginated_response(request, self, selectors.template_list(viewer=request.user, **filters),
                                  TemplateListOutput)

    @extend_schema(request=TemplateWriteInput, responses={201: TemplateDetailOutput}, operation_id="templates_create")
    def post(self, request):
        data = TemplateWriteInput(data=request.data)
        data.is_valid(raise_exception=True)
        template = services.template_create(author=request.user, **data.validated_data)
        return Response(_template(request, template.id), status=status.HTTP_201_CREATED)


class TemplateDetailApi(APIView):
    throttle_scope = "writes"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else super().get_permissions()

    @extend_schema(responses=TemplateDetailOutput, operation_id="templates_retrieve")
    def get(self, request, template_id):
        return Response(_template(request, template_id))

    @extend_schema(request=TemplateUpdateInput, responses=TemplateDetailOutput, operation_id="templates_update")
    def patch(self, request, template_id):
        data = TemplateUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.template_update(user=request.user, template_id=template_id, **data.validated_data)
        return Response(_template(request, template_id))

    @extend_schema(responses={204: None}, operation_id="templates_delete")
    def delete(self, request, template_id):
        services.template_delete(user=request.user, template_id=template_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TemplateStarApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses=ToggleOutput, operation_id="templates_star")
    def post(self, request, template_id):
        starred, count = services.template_star_set(user=request.user, template_id=template_id, starred=True)
        return Response({"active": starred, "count": count})

    @extend_schema(responses=ToggleOutput, operation_id="templates_unstar")
    def delete(self, request, template_id):
        starred, count = services.template_star_set(user=request.user, template_id=template_id, starred=False)
        return Response({"active": starred, "count": count})


class TemplateForkApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses={201: TemplateDetailOutput}, operation_id="templates_fork")
    def post(self, request, template_id):
        fork = services.template_fork(user=request.user, template_id=template_id)
        return Response(_template(request, fork.id), status=status.HTTP_201_CREATED)


class TemplateViewApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses=inline_serializer("TemplateViews", {"view_count": serializers.IntegerField()}),
                   operation_id="templates_view")
    def post(self, request, template_id):
        return Response({"view_count": services.template_view_record(
            template_id=template_id, viewer=viewer_key(request), user=request.user)})


class TemplateDownloadApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
                              413: ErrorEnvelope, 404: ErrorEnvelope}, operation_id="templates_download")
    def get(self, request, template_id):
        name, data = services.template_zip(user=request.user, template_id=template_id)
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class TemplateRunInput(StrictJSONTypes, serializers.Serializer):
    stdin = serializers.CharField(trim_whitespace=False, allow_blank=True, default="", max_length=100_000)


class TemplateRunApi(APIView):
    throttle_scope = "runs"

    @extend_schema(request=TemplateRunInput, responses=RunOutput, operation_id="templates_run")
    def post(self, request, template_id):
        data = TemplateRunInput(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = services.template_run(user=request.user, template_id=template_id, **data.validated_data)
        return Response(RunOutput(outcome).data)


class FacetOutput(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()


class TemplateCategoriesApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=FacetOutput(many=True), operation_id="templates_categories")
    def get(self, request):
        return Response([{"name": row["category"], "count": row["count"]}
                         for row in selectors.template_facets()["categories"]])


class TemplateFrameworksApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=FacetOutput(many=True), operation_id="templates_frameworks")
    def get(self, request):
        return Response([{"name": row["framework"], "count": row["count"]}
                         for row in selectors.template_facets()["frameworks"]])

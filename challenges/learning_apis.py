"""JSON API of learning playlists (StackRush's /api/learning/*), challenge reviews
(/api/reviews/*) and code reviews (/api/code-reviews/*), under /api/v1/. One class per operation."""

from django.urls import reverse
from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import NotFound
from core.json_input import StrictJSONTypes
from core.markdown import render_markdown
from core.pagination import PagePagination, PageQuery, paginated_response
from core.query_params import query_valid

from . import (
    code_review_selectors,
    code_review_services,
    playlist_selectors,
    playlist_services,
    review_selectors,
    review_services,
    selectors,
)
from .models import CodeReviewStatus, CommentKind, Difficulty, LessonKind

# --- shapes ---------------------------------------------------------------------------------------


class LearningPersonRef(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")


class PlaylistCategoryOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    playlist_total = serializers.IntegerField(required=False)


class PlaylistListOutput(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    category = PlaylistCategoryOutput()
    difficulty = serializers.CharField()
    author = LearningPersonRef(allow_null=True)
    lesson_count = serializers.IntegerField()
    enrolment_count = serializers.IntegerField()
    completion_count = serializers.IntegerField()
    review_count = serializers.IntegerField()
    rating_average = serializers.FloatField()


class LessonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    body_html = serializers.SerializerMethodField()
    challenge = serializers.CharField(source="challenge.slug", allow_null=True, default=None)
    video_url = serializers.CharField()
    required_seconds = serializers.IntegerField(help_text="Time on the page that completes a reading or video.")

    def get_body_html(self, lesson) -> str:
        return render_markdown(lesson.body)


class LessonProgressOutput(serializers.Serializer):
    lesson = serializers.IntegerField(source="lesson_id")
    seconds_spent = serializers.IntegerField()
    project_url = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)


class EnrolmentOutput(serializers.Serializer):
    playlist = serializers.CharField(source="playlist.slug")
    is_active = serializers.BooleanField()
    current_lesson = serializers.IntegerField(source="current_lesson_id", allow_null=True)
    completed_lessons = serializers.IntegerField()
    percent = serializers.IntegerField()
    time_spent_seconds = serializers.IntegerField()
    completed_at = serializers.DateTimeField(allow_null=True)
    certificate_code = serializers.SerializerMethodField()

    def get_certificate_code(self, enrolment) -> str | None:
        certificate = getattr(enrolment, "certificate", None) if enrolment.completed_at else None
        return certificate.code if certificate else None


class PlaylistDetailOutput(PlaylistListOutput):
    description_html = serializers.SerializerMethodField()
    lessons = LessonOutput(many=True)
    viewer_enrolment = serializers.SerializerMethodField()
    viewer_can_edit = serializers.SerializerMethodField()

    def get_description_html(self, playlist) -> str:
        return render_markdown(playlist.description)

    @extend_schema_field(EnrolmentOutput(allow_null=True))
    def get_viewer_enrolment(self, playlist):
        enrolment = self.context.get("enrolment")
        return EnrolmentOutput(enrolment).data if enrolment else None

    def get_viewer_can_edit(self, playlist) -> bool:
        return bool(self.context.get("can_edit"))


class LessonInput(StrictJSONTypes, serializers.Serializer):
    """One lesson; which fields it needs depends on its kind (the schema's oneOf says which)."""

    title = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=LessonKind.choices)
    body = serializers.CharField(max_length=50_000, allow_blank=True, default="")
    challenge = serializers.SlugField(max_length=80, required=False, allow_blank=True, default="")
    video_url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    required_seconds = serializers.IntegerField(min_value=10, max_value=7200, required=False)

    NEEDS = {LessonKind.READING: "body", LessonKind.CHALLENGE: "challenge", LessonKind.VIDEO: "video_url"}

    def validate(self, attrs):
        needed = self.NEEDS.get(attrs["kind"])
        if needed and not str(attrs.get(needed) or "").strip():
            raise serializers.ValidationError({needed: [f"A {attrs['kind']} lesson needs this."]})
        return attrs


def _lesson_variant(kind: str, needed: str | None):
    """The schema of one kind of lesson: the fields LessonInput takes, the kind's own one required."""
    fields = {
        "title": serializers.CharField(max_length=120),
        "kind": serializers.ChoiceField(choices=[kind]),
        "body": serializers.CharField(max_length=50_000, allow_blank=True, required=False),
        "challenge": serializers.SlugField(max_length=80, allow_blank=True, required=False),
        "video_url": serializers.URLField(max_length=500, allow_blank=True, required=False),
        "required_seconds": serializers.IntegerField(min_value=10, max_value=7200, required=False),
    }
    if needed == "body":
        fields["body"] = serializers.RegexField(r"\S", max_length=50_000, help_text="Markdown, not only spaces.")
    elif needed == "challenge":
        fields["challenge"] = serializers.SlugField(max_length=80, help_text="A public challenge's slug.")
    elif needed == "video_url":
        fields["video_url"] = serializers.URLField(max_length=500)
    return inline_serializer(f"{kind.capitalize()}LessonInput", fields)


@extend_schema_field(PolymorphicProxySerializer(
    component_name="LessonInputByKind", resource_type_field_name="kind", many=True,
    serializers={kind: _lesson_variant(kind, LessonInput.NEEDS.get(kind)) for kind in LessonKind.values}))
class LessonListField(serializers.ListField):
    child = LessonInput()


class PlaylistWriteInput(StrictJSONTypes, serializers.Serializer):
    slug = serializers.SlugField(max_length=80)
    title = serializers.CharField(max_length=120)
    summary = serializers.CharField(max_length=300, allow_blank=True, default="")
    description = serializers.CharField(max_length=50_000, allow_blank=True, default="")
    category = serializers.RegexField(r"[A-Za-z0-9]", max_length=60,
                                      help_text="A category name (with a letter or digit); made when new.")
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, default="easy")
    is_published = serializers.BooleanField(default=True)
    lessons = LessonListField(min_length=1, max_length=100)


class PlaylistListQuery(PageQuery):
    category = serializers.SlugField(max_length=60, required=False)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, required=False)
    search = serializers.CharField(max_length=60, required=False)


class PlaylistReviewInput(StrictJSONTypes, serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=5_000, allow_blank=True, default="")


class PlaylistReviewOutput(serializers.Serializer):
    id = serializers.IntegerField()
    user = LearningPersonRef()
    rating = serializers.IntegerField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class LessonTimeInput(StrictJSONTypes, serializers.Serializer):
    seconds = serializers.IntegerField(min_value=1, max_value=playlist_services.MAX_REPORT_SECONDS)


class LessonProjectInput(StrictJSONTypes, serializers.Serializer):
    url = serializers.URLField(max_length=500)


class LessonReportOutput(serializers.Serializer):
    lesson = LessonProgressOutput()
    enrolment = EnrolmentOutput()


class CertificateOutput(serializers.Serializer):
    code = serializers.CharField()
    holder_name = serializers.CharField()
    playlist_title = serializers.CharField()
    lesson_count = serializers.IntegerField()
    issued_at = serializers.DateTimeField()
    verify_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    def get_verify_url(self, certificate) -> str:
        return reverse("certificate-verify", args=[certificate.code])

    def get_pdf_url(self, certificate) -> str:
        return reverse("certificate-pdf", args=[certificate.code])


def _playlist_detail(request, playlist):
    playlist = playlist_selectors.playlist_get(user=request.user, slug=playlist.slug)
    enrolment = playlist_selectors.enrolment_for(user=request.user, playlist=playlist)
    return PlaylistDetailOutput(playlist, context={
        "enrolment": enrolment, "can_edit": playlist_selectors.playlist_can_edit(user=request.user, playlist=playlist)
    }).data


# --- playlists ------------------------------------------------------------------------------------


class PlaylistListApi(APIView):
    throttle_scope = "writes"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else super().get_permissions()

    @extend_schema(parameters=[PlaylistListQuery],
                   responses=PagePagination.response(PlaylistListOutput), operation_id="learning_playlists_list")
    def get(self, request):
        filters = {k: v for k, v in query_valid(PlaylistListQuery, request).items() if k not in PageQuery().fields}
        return paginated_response(request, self, playlist_selectors.playlist_list(user=request.user, **filters),
                                  PlaylistListOutput)

    @extend_schema(request=PlaylistWriteInput, responses={201: PlaylistDetailOutput},
                   operation_id="learning_playlists_create")
    def post(self, request):
        data = PlaylistWriteInput(data=request.data)
        data.is_valid(raise_exception=True)
        playlist = playlist_services.playlist_create(user=request.user, data=_lesson_data(data.validated_data))
        return Response(_playlist_detail(request, playlist), status=status.HTTP_201_CREATED)


def _lesson_data(validated: dict) -> dict:
    return {**validated, "lessons": [dict(lesson) for lesson in validated["lessons"]]}


class PlaylistDetailApi(APIView):
    throttle_scope = "writes"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else super().get_permissions()

    @extend_schema(responses=PlaylistDetailOutput, operation_id="learning_playlists_retrieve")
    def get(self, request, slug):
        playlist = playlist_selectors.playlist_get(user=request.user, slug=slug)
        return Response(_playlist_detail(request, playlist))

    @extend_schema(request=PlaylistWriteInput, responses=PlaylistDetailOutput, operation_id="learning_playlists_update")
    def put(self, request, slug):
        playlist = playlist_selectors.playlist_get(user=request.user, slug=slug)
        data = PlaylistWriteInput(data={**request.data, "slug": playlist.slug})
        data.is_valid(raise_exception=True)
        playlist = playlist_services.playlist_update(user=request.user, playlist=playlist,
                                                     data=_lesson_data(data.validated_data))
        return Response(_playlist_detail(request, playlist))


class PlaylistEnrolApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses={201: EnrolmentOutput}, operation_id="learning_playlists_enrol")
    def post(self, request, slug):
        playlist = playlist_selectors.playlist_get(user=request.user, slug=slug)
        enrolment = playlist_services.enrolment_enrol(user=request.user, playlist=playlist)
        return Response(EnrolmentOutput(enrolment).data, status=status.HTTP_201_CREATED)


class PlaylistUnenrolApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses={204: None}, operation_id="learning_playlists_unenrol")
    def post(self, request, slug):
        playlist = playlist_selectors.playlist_get(user=request.user, slug=slug)
        playlist_services.enrolment_leave(user=request.user, playlist=playlist)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlaylistProgressOutput(serializers.Serializer):
    enrolment = EnrolmentOutput()
    lessons = LessonProgressOutput(many=True)


class PlaylistProgressApi(APIView):
    @extend_schema(responses=PlaylistProgressOutput, operation_id="learning_playlists_progress")
    def get(self, request, slug):
        playlist = playlist_selectors.playlist_get(user=request.user, slug=slug)
        enrolment = playlist_selectors.enrolment_for(user=request.user, playlist=playlist)
        if enrolment is None:
            raise NotFound("You are not enrolled in this playlist.", code="not_enrolled")
        lessons = playlist_selectors.lesson_progress_by_lesson(enrolment=enrolment).values()
        return Response({"enrolment": EnrolmentOutput(enrolment).data,
                         "lessons": LessonProgressOutput(sorted(lessons, key=lambda p: p.lesson_id), many=True).data})


class PlaylistReviewListApi(APIView):
    throttle_scope = "writes"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else super().get_permissions()

    @extend_schema(responses=PagePagination.response(PlaylistReviewOutput), operation_id="learning_reviews_list")
    def get(self, request, slug):
        playlist = playlist_selectors.playlist_get(user=request.user, slug=slug)
        return paginated_response(request, self, playlist_selectors.playlist_reviews(playlist=playlist),
                                  PlaylistReviewOutput)

    @extend_schema(request=PlaylistReviewInput, responses={201: PlaylistReviewOutput},
                   operation_id="learning_reviews_create")
    def post(self, request, slug):
        playlist = playlist_selectors.playlist_get(user=request.user, slug=slug)
        data = PlaylistReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = playlist_services.playlist_review_create(user=request.user, playlist=playlist, **data.validated_data)
        return Response(PlaylistReviewOutput(review).data, status=status.HTTP_201_CREATED)


class CategoryListApi(APIView):
    permission_classes = [AllowAny]
    pagination_class = None

    @extend_schema(responses=PlaylistCategoryOutput(many=True), operation_id="learning_categories_list")
    def get(self, request):
        return Response(PlaylistCategoryOutput(playlist_selectors.category_list(), many=True).data)


class MyPlaylistOutput(EnrolmentOutput):
    title = serializers.CharField(source="playlist.title")
    lesson_count = serializers.IntegerField(source="playlist.lesson_count")


class MyPlaylistListApi(APIView):
    @extend_schema(responses=PagePagination.response(MyPlaylistOutput), operation_id="learning_my_playlists")
    def get(self, request):
        return paginated_response(request, self, playlist_selectors.my_enrolments(user=request.user), MyPlaylistOutput)


class LessonTimeApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=LessonTimeInput, responses=LessonReportOutput, operation_id="learning_lessons_time")
    def post(self, request, lesson_id: int):
        lesson = playlist_selectors.lesson_get_by_id(user=request.user, lesson_id=lesson_id)
        data = LessonTimeInput(data=request.data)
        data.is_valid(raise_exception=True)
        progress = playlist_services.lesson_time_record(user=request.user, lesson=lesson, **data.validated_data)
        return Response(_lesson_report(request, lesson, progress))


class LessonProjectApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=LessonProjectInput, responses=LessonReportOutput, operation_id="learning_lessons_project")
    def post(self, request, lesson_id: int):
        lesson = playlist_selectors.lesson_get_by_id(user=request.user, lesson_id=lesson_id)
        data = LessonProjectInput(data=request.data)
        data.is_valid(raise_exception=True)
        progress = playlist_services.lesson_project_submit(user=request.user, lesson=lesson, **data.validated_data)
        return Response(_lesson_report(request, lesson, progress))


def _lesson_report(request, lesson, progress) -> dict:
    progress.refresh_from_db()
    enrolment = playlist_selectors.enrolment_for(user=request.user, playlist=lesson.playlist)
    return {"lesson": LessonProgressOutput(progress).data, "enrolment": EnrolmentOutput(enrolment).data}


class PlaylistCertificateApi(APIView):
    @extend_schema(responses=CertificateOutput, operation_id="learning_certificate_mine")
    def get(self, request, slug):
        playlist = playlist_selectors.playlist_get(user=request.user, slug=slug)
        return Response(CertificateOutput(playlist_selectors.certificate_for(user=request.user, playlist=playlist)).data)


class CertificateVerifyApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=CertificateOutput, operation_id="learning_certificate_verify")
    def get(self, request, code: str):
        return Response(CertificateOutput(playlist_selectors.certificate_by_code(code=code)).data)


# --- challenge reviews ----------------------------------------------------------------------------


class ReviewReplyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    user = LearningPersonRef()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class ChallengeReviewOutput(serializers.Serializer):
    id = serializers.IntegerField()
    challenge = serializers.CharField(source="challenge.slug")
    user = LearningPersonRef()
    rating = serializers.IntegerField()
    title = serializers.CharField()
    text_html = serializers.SerializerMethodField()
    tags = serializers.ListField(child=serializers.CharField())
    helpful_count = serializers.IntegerField()
    reply_count = serializers.IntegerField()
    viewer_marked = serializers.BooleanField(required=False, default=False)
    replies = ReviewReplyOutput(many=True, required=False)
    created_at = serializers.DateTimeField()

    def get_text_html(self, review) -> str:
        return render_markdown(review.text)


class ChallengeReviewInput(StrictJSONTypes, serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    title = serializers.CharField(max_length=120)
    text = serializers.CharField(max_length=10_000)
    tags = serializers.ListField(child=serializers.CharField(max_length=30), max_length=8, default=list)


class ChallengeReviewUpdateInput(ChallengeReviewInput):
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False)
    title = serializers.CharField(max_length=120, required=False)
    text = serializers.CharField(max_length=10_000, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=30), max_length=8, required=False)


class ChallengeReviewListApi(APIView):
    throttle_scope = "writes"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else super().get_permissions()

    @extend_schema(responses=PagePagination.response(ChallengeReviewOutput), operation_id="reviews_list")
    def get(self, request, slug):
        challenge = selectors.challenge_get(user=request.user, slug=slug)
        return paginated_response(request, self, review_selectors.challenge_reviews(user=request.user,
                                                                                   challenge=challenge),
                                  ChallengeReviewOutput)

    @extend_schema(request=ChallengeReviewInput, responses={201: ChallengeReviewOutput}, operation_id="reviews_create")
    def post(self, request, slug):
        challenge = selectors.challenge_get(user=request.user, slug=slug)
        data = ChallengeReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = review_services.challenge_review_create(user=request.user, challenge=challenge,
                                                         **data.validated_data)
        return Response(ChallengeReviewOutput(review).data, status=status.HTTP_201_CREATED)


class ChallengeReviewDetailApi(APIView):
    throttle_scope = "writes"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else super().get_permissions()

    @extend_schema(responses=ChallengeReviewOutput, operation_id="reviews_retrieve")
    def get(self, request, review_id: int):
        return Response(ChallengeReviewOutput(review_selectors.review_get(review_id=review_id)).data)

    @extend_schema(request=ChallengeReviewUpdateInput, responses=ChallengeReviewOutput, operation_id="reviews_update")
    def patch(self, request, review_id: int):
        review = review_selectors.review_get(review_id=review_id)
        data = ChallengeReviewUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = review_services.challenge_review_update(user=request.user, review=review, **data.validated_data)
        return Response(ChallengeReviewOutput(review).data)

    @extend_schema(responses={204: None}, operation_id="reviews_delete")
    def delete(self, request, review_id: int):
        review_services.challenge_review_delete(user=request.user, review=review_selectors.review_get(review_id=review_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReviewHelpfulOutput(serializers.Serializer):
    helpful_count = serializers.IntegerField()
    viewer_marked = serializers.BooleanField()


class ReviewHelpfulApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses=ReviewHelpfulOutput, operation_id="reviews_helpful_mark")
    def post(self, request, review_id: int):
        review = review_services.review_helpful_mark(user=request.user,
                                                     review=review_selectors.review_get(review_id=review_id))
        return Response({"helpful_count": review.helpful_count, "viewer_marked": True})

    @extend_schema(request=None, responses=ReviewHelpfulOutput, operation_id="reviews_helpful_unmark")
    def delete(self, request, review_id: int):
        review = review_services.review_helpful_unmark(user=request.user,
                                                       review=review_selectors.review_get(review_id=review_id))
        return Response({"helpful_count": review.helpful_count, "viewer_marked": False})


class ReviewReplyInput(StrictJSONTypes, serializers.Serializer):
    text = serializers.CharField(max_length=5_000)


class ReviewReplyApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=ReviewReplyInput, responses={201: ReviewReplyOutput}, operation_id="reviews_reply")
    def post(self, request, review_id: int):
        data = ReviewReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        reply = review_services.review_reply_create(user=request.user,
                                                    review=review_selectors.review_get(review_id=review_id),
                                                    **data.validated_data)
        return Response(ReviewReplyOutput(reply).data, status=status.HTTP_201_CREATED)


# --- code reviews ---------------------------------------------------------------------------------


class CodeReviewVersionOutput(serializers.Serializer):
    number = serializers.IntegerField()
    source = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class CodeReviewCommentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    reviewer = LearningPersonRef()
    kind = serializers.CharField()
    body_html = serializers.SerializerMethodField()
    version_number = serializers.IntegerField()
    line_start = serializers.IntegerField(allow_null=True)
    line_end = serializers.IntegerField(allow_null=True)
    current_line_start = serializers.IntegerField(allow_null=True, help_text="In the newest version.")
    current_line_end = serializers.IntegerField(allow_null=True)
    outdated = serializers.BooleanField()
    suggestion = serializers.CharField()
    applied_in_version = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_body_html(self, comment) -> str:
        return render_markdown(comment.body)


class CodeReviewScoreOutput(serializers.Serializer):
    reviewer = LearningPersonRef()
    code_quality = serializers.IntegerField()
    performance = serializers.IntegerField()
    readability = serializers.IntegerField()
    tests = serializers.IntegerField()
    summary = serializers.CharField()


class CodeReviewListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    submission = serializers.IntegerField(source="submission_id")
    challenge = serializers.CharField(source="challenge.slug")
    author = LearningPersonRef()
    language = serializers.CharField()
    status = serializers.CharField()
    version_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class CodeReviewDetailOutput(CodeReviewListOutput):
    message = serializers.CharField()
    versions = CodeReviewVersionOutput(many=True)
    comments = CodeReviewCommentOutput(many=True)
    scores = CodeReviewScoreOutput(many=True)


class CodeReviewRequestInput(StrictJSONTypes, serializers.Serializer):
    submission = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    message = serializers.CharField(max_length=5_000, allow_blank=True, default="")


def _review_detail(review) -> dict:
    return CodeReviewDetailOutput(code_review_selectors.code_review_detail(review=review)).data


class CodeReviewListApi(APIView):
    throttle_scope = "writes"

    @extend_schema(responses=PagePagination.response(CodeReviewListOutput), operation_id="code_reviews_list_mine")
    def get(self, request):
        return paginated_response(request, self, code_review_selectors.code_reviews_mine(user=request.user),
                                  CodeReviewListOutput)

    @extend_schema(request=CodeReviewRequestInput, responses={201: CodeReviewDetailOutput},
                   operation_id="code_reviews_request")
    def post(self, request):
        data = CodeReviewRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        submission = selectors.submission_get_for_user(user=request.user, submission_id=data.validated_data["submission"])
        review = code_review_services.code_review_request(user=request.user, submission=submission,
                                                          message=data.validated_data["message"])
        return Response(_review_detail(review), status=status.HTTP_201_CREATED)


class CodeReviewQueueApi(APIView):
    @extend_schema(responses=PagePagination.response(CodeReviewListOutput), operation_id="code_reviews_queue")
    def get(self, request):
        return paginated_response(request, self, code_review_selectors.code_reviews_to_give(user=request.user),
                                  CodeReviewListOutput)


class CodeReviewDetailApi(APIView):
    @extend_schema(responses=CodeReviewDetailOutput, operation_id="code_reviews_retrieve")
    def get(self, request, review_id: int):
        review = code_review_selectors.code_review_get_for_user(user=request.user, review_id=review_id)
        return Response(_review_detail(review))


class CodeReviewCommentInput(StrictJSONTypes, serializers.Serializer):
    body = serializers.CharField(max_length=10_000)
    kind = serializers.ChoiceField(choices=CommentKind.choices, default=CommentKind.GENERAL)
    line_start = serializers.IntegerField(min_value=1, max_value=100_000, required=False, allow_null=True,
                                          default=None)
    line_end = serializers.IntegerField(min_value=1, max_value=100_000, required=False, allow_null=True,
                                        default=None)
    suggestion = serializers.CharField(max_length=100_000, allow_blank=True, trim_whitespace=False, default="")


class CodeReviewCommentApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=CodeReviewCommentInput, responses={201: CodeReviewCommentOutput}, operation_id="code_reviews_comment")
    def post(self, request, review_id: int):
        review = code_review_selectors.code_review_get_for_user(user=request.user, review_id=review_id)
        data = CodeReviewCommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        comment = code_review_services.code_review_comment_add(user=request.user, review=review, **data.validated_data)
        return Response(CodeReviewCommentOutput(comment).data, status=status.HTTP_201_CREATED)


class CodeReviewVersionInput(StrictJSONTypes, serializers.Serializer):
    source = serializers.CharField(max_length=200_000, trim_whitespace=False)
    note = serializers.CharField(max_length=200, allow_blank=True, default="")


class CodeReviewVersionApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=CodeReviewVersionInput, responses={201: CodeReviewDetailOutput}, operation_id="code_reviews_version")
    def post(self, request, review_id: int):
        review = code_review_selectors.code_review_get_for_user(user=request.user, review_id=review_id)
        data = CodeReviewVersionInput(data=request.data)
        data.is_valid(raise_exception=True)
        code_review_services.code_review_version_submit(user=request.user, review=review, **data.validated_data)
        return Response(_review_detail(review), status=status.HTTP_201_CREATED)


class CodeReviewApplyApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses={201: CodeReviewDetailOutput}, operation_id="code_reviews_apply_suggestion")
    def post(self, request, comment_id: int):
        comment = code_review_selectors.code_review_comment_get(user=request.user, comment_id=comment_id)
        code_review_services.code_review_suggestion_apply(user=request.user, comment=comment)
        return Response(_review_detail(comment.review), status=status.HTTP_201_CREATED)


class CodeReviewScoreInput(StrictJSONTypes, serializers.Serializer):
    code_quality = serializers.IntegerField(min_value=1, max_value=5)
    performance = serializers.IntegerField(min_value=1, max_value=5)
    readability = serializers.IntegerField(min_value=1, max_value=5)
    tests = serializers.IntegerField(min_value=1, max_value=5)
    summary = serializers.CharField(max_length=5_000, allow_blank=True, default="")


class CodeReviewScoreApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=CodeReviewScoreInput, responses=CodeReviewScoreOutput, operation_id="code_reviews_score")
    def post(self, request, review_id: int):
        review = code_review_selectors.code_review_get_for_user(user=request.user, review_id=review_id)
        data = CodeReviewScoreInput(data=request.data)
        data.is_valid(raise_exception=True)
        score = code_review_services.code_review_score(user=request.user, review=review, **data.validated_data)
        return Response(CodeReviewScoreOutput(score).data)


class CodeReviewStatusInput(StrictJSONTypes, serializers.Serializer):
    status = serializers.ChoiceField(choices=[c for c in CodeReviewStatus.choices if c[0] != "pending"])


class CodeReviewStatusApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=CodeReviewStatusInput, responses=CodeReviewListOutput, operation_id="code_reviews_status")
    def post(self, request, review_id: int):
        review = code_review_selectors.code_review_get_for_user(user=request.user, review_id=review_id)
        data = CodeReviewStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = code_review_services.code_review_status_set(user=request.user, review=review, **data.validated_data)
        return Response(CodeReviewListOutput(review).data)

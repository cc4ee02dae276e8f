"""JSON API of the interviews domain: the question bank and the AI interview ("V3")."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import NotFound, ValidationFailed
from core.json_input import StrictJSONTypes
from core.pagination import PagePagination, PageQuery, paginated_response
from core.query_params import query_valid

from . import selectors, services
from .engine import ANSWER_MAX_CHARS
from .models import Category, Difficulty, InterviewType

# --- shapes -------------------------------------------------------------------------------------


class InterviewTalkingPointSerializer(StrictJSONTypes, serializers.Serializer):
    text = serializers.CharField(max_length=300)
    keywords = serializers.ListField(child=serializers.CharField(max_length=300), min_length=1, max_length=60)


class InterviewRubricSerializer(StrictJSONTypes, serializers.Serializer):
    criterion = serializers.CharField(max_length=120)
    dimension = serializers.ChoiceField(choices=["relevance", "depth", "structure", "clarity", "concision"])
    weight = serializers.FloatField(min_value=0, max_value=1)
    weak = serializers.CharField(max_length=500)
    fair = serializers.CharField(max_length=500)
    strong = serializers.CharField(max_length=500)


class InterviewFollowUpSerializer(StrictJSONTypes, serializers.Serializer):
    prompt = serializers.CharField(max_length=1000)
    talking_point = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)


class QuestionWriteInput(StrictJSONTypes, serializers.Serializer):
    """The seed format of one question (interviews/seed/questions/*.toml)."""

    slug = serializers.SlugField(max_length=80)
    category = serializers.ChoiceField(choices=Category.choices)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices)
    skills = serializers.ListField(child=serializers.CharField(max_length=60), default=list, max_length=60)
    role_families = serializers.ListField(child=serializers.CharField(max_length=20), default=list, max_length=20)
    prompt = serializers.CharField(max_length=3000)
    keywords = serializers.ListField(child=serializers.CharField(max_length=300), default=list, max_length=60)
    star = serializers.BooleanField(required=False)
    hints = serializers.ListField(child=serializers.CharField(max_length=300), default=list, max_length=20)
    sample_strong_answer = serializers.CharField(max_length=5000, allow_blank=True, default="")
    sample_weak_answer = serializers.CharField(max_length=5000, allow_blank=True, default="")
    talking_points = serializers.ListField(child=InterviewTalkingPointSerializer(), default=list, max_length=20)
    rubric = serializers.ListField(child=InterviewRubricSerializer(), default=list, max_length=20)
    follow_ups = serializers.ListField(child=InterviewFollowUpSerializer(), default=list, max_length=20)


class QuestionOutput(serializers.Serializer):
    slug = serializers.CharField()
    category = serializers.CharField()
    difficulty = serializers.CharField(help_text="The author's label.")
    calibrated_difficulty = serializers.CharField(help_text='From the scores received (Elo); "" until answered.')
    rating = serializers.FloatField(allow_null=True)
    rated_answers = serializers.IntegerField()
    skills = serializers.ListField(child=serializers.CharField())
    role_families = serializers.ListField(child=serializers.CharField())
    prompt = serializers.CharField()
    keywords = serializers.ListField(child=serializers.CharField())
    star = serializers.BooleanField()
    hints = serializers.ListField(child=serializers.CharField())
    talking_points = InterviewTalkingPointSerializer(many=True)
    rubric = InterviewRubricSerializer(many=True)
    follow_ups = InterviewFollowUpSerializer(many=True)
    sample_strong_answer = serializers.CharField()
    sample_weak_answer = serializers.CharField()


class QuestionListQuery(PageQuery):
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, required=False)
    skill = serializers.CharField(max_length=60, required=False)
    role_family = serializers.CharField(max_length=20, required=False)
    search = serializers.CharField(max_length=80, required=False)


class QuestionListApi(APIView):
    throttle_scope = "writes"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAdminUser()]

    @extend_schema(parameters=[QuestionListQuery], responses=PagePagination.response(QuestionOutput),
                   operation_id="questions_list")
    def get(self, request):
        filters = {k: v for k, v in query_valid(QuestionListQuery, request).items() if k not in PageQuery().fields}
        return paginated_response(request, self, selectors.question_list(**filters), QuestionOutput)

    @extend_schema(request=QuestionWriteInput, responses={201: QuestionOutput}, operation_id="questions_create")
    def post(self, request):
        data = QuestionWriteInput(data=request.data)
        data.is_valid(raise_exception=True)
        question = services.question_create(data=dict(data.validated_data), actor=request.user)
        return Response(QuestionOutput(question).data, status=status.HTTP_201_CREATED)


class QuestionDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=QuestionOutput, operation_id="questions_retrieve")
    def get(self, request, slug):
        return Response(QuestionOutput(selectors.question_get(slug=slug)).data)


class QuestionExportApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(parameters=[QuestionListQuery], operation_id="questions_export",
                   responses=inline_serializer("QuestionExport", {"question": QuestionWriteInput(many=True)}))
    def get(self, request):
        filters = {k: v for k, v in query_valid(QuestionListQuery, request).items() if k not in PageQuery().fields}
        return Response(selectors.questions_export(selectors.question_list(include_inactive=True, **filters)))


class QuestionImportInput(StrictJSONTypes, serializers.Serializer):
    question = serializers.ListField(child=serializers.DictField(), required=False, max_length=2000,
                                     help_text="Questions in the seed format (as export gives them).")
    toml = serializers.CharField(required=False, max_length=2_000_000,
                                 help_text="Or: the text of a seed TOML file.")

    def validate(self, attrs):
        if ("question" in attrs) == ("toml" in attrs):
            raise serializers.ValidationError("Give either `question` or `toml`.")
        return attrs


class QuestionImportApi(APIView):
    permission_classes = [IsAdminUser]
    throttle_scope = "writes"

    @extend_schema(request=QuestionImportInput, operation_id="questions_import", responses=inline_serializer(
        "QuestionImported", {"created": serializers.IntegerField(), "updated": serializers.IntegerField(),
                             "unchanged": serializers.IntegerField()}))
    def post(self, request):
        data = QuestionImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        items = data.validated_data.get("question")
        if items is None:
            items = services.questions_parse_toml(data.validated_data["toml"])
        return Response(services.questions_import(items=items, actor=request.user))


# --- interviews ---------------------------------------------------------------------------------


class InterviewDimensionOutput(serializers.Serializer):
    dimension = serializers.CharField()
    score = serializers.IntegerField(allow_null=True, help_text="null: not enough evidence (see reason).")
    status = serializers.CharField(help_text="scored | not_enough_evidence")
    reason = serializers.CharField()
    evidence = serializers.ListField(child=serializers.CharField(), help_text="Phrases quoted from the answer.")
    rubric = serializers.ListField(child=serializers.DictField(), help_text="Rubric items read, with the level.")


class InterviewEvaluationOutput(serializers.Serializer):
    status = serializers.CharField(help_text="scored | not_enough_evidence")
    checks = serializers.ListField(child=serializers.DictField(), help_text="Why an answer cannot be judged.")
    dimensions = InterviewDimensionOutput(many=True)
    overall = serializers.IntegerField(allow_null=True)
    verdict = serializers.CharField()
    evidence_share = serializers.FloatField(help_text="Share of the score's weight that rests on evidence.")
    talking_points = serializers.DictField()
    job_terms = serializers.DictField()
    most_used_words = serializers.ListField(child=serializers.CharField())
    word_count = serializers.IntegerField()
    delivery = serializers.DictField(allow_null=True)
    summary = serializers.CharField()
    speaking = serializers.DictField(required=False, help_text="Spoken answers only: words per minute, filler "
                                                               "words, long pauses (from the recording).")


class InterviewTurnOutput(serializers.Serializer):
    index = serializers.IntegerField()
    kind = serializers.CharField(help_text="question | follow_up")
    prompt = serializers.CharField()
    question = serializers.CharField()
    category = serializers.CharField()
    difficulty = serializers.CharField()
    hints = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()
    answer = serializers.CharField(allow_null=True)
    answer_source = serializers.CharField(allow_null=True)
    media = serializers.IntegerField(allow_null=True, help_text="A spoken answer's recording (GET /api/v1/media/<id>).")
    evaluation = InterviewEvaluationOutput(allow_null=True)
    engine = serializers.CharField(allow_null=True)
    answered_at = serializers.CharField(allow_null=True)


class InterviewSessionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    interview_type = serializers.CharField()
    difficulty = serializers.CharField()
    length = serializers.IntegerField()
    status = serializers.CharField(help_text="active | finished")
    job_title = serializers.CharField()
    target_skills = serializers.ListField(child=serializers.CharField())
    gap_skills = serializers.ListField(child=serializers.CharField())
    answered = serializers.IntegerField()
    turns = InterviewTurnOutput(many=True)
    current_turn = serializers.IntegerField(allow_null=True)
    report = serializers.DictField(allow_null=True)
    created_at = serializers.CharField()
    finished_at = serializers.CharField(allow_null=True)
    shared = serializers.BooleanField()
    room_url = serializers.CharField(allow_null=True, help_text="The live coding room of a coding interview.")
    recording = serializers.IntegerField(allow_null=True, help_text="The whole session's recording (a media id).")


class InterviewStartInput(StrictJSONTypes, serializers.Serializer):
    type = serializers.ChoiceField(choices=InterviewType.choices, default=InterviewType.MIXED)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, default=Difficulty.MEDIUM)
    length = serializers.IntegerField(min_value=services.MIN_LENGTH, max_value=services.MAX_LENGTH, default=5)
    job_description = serializers.CharField(max_length=services.JOB_TEXT_MAX, allow_blank=True, default="")
    job_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    analysis_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False,
                                           help_text="A resume analysis (resumes app): aim at its gaps.")
    challenge = serializers.CharField(max_length=120, allow_blank=True, default="",
                                      help_text="A PrepForge challenge's slug (technical interviews): opens a "
                                                "live coding room for it. Unknown: 404.")


def _session_response(session, code=status.HTTP_200_OK):
    turns = selectors.session_turns(session=session)
    return Response(InterviewSessionOutput(selectors.session_data(session, turns)).data, status=code)


class InterviewStartApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_scope = "writes"

    @extend_schema(request=InterviewStartInput, responses={201: InterviewSessionOutput}, operation_id="interview_v3_start")
    def post(self, request):
        data = InterviewStartInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        session = services.session_start(user=request.user, interview_type=v["type"], difficulty=v["difficulty"],
                                         length=v["length"], job_text=v["job_description"],
                                         job_id=v.get("job_id"), analysis_id=v.get("analysis_id"),
                                         challenge=v["challenge"])
        return _session_response(session, status.HTTP_201_CREATED)


class InterviewAnswerInput(StrictJSONTypes, serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    turn = serializers.IntegerField(min_value=0, max_value=1000, required=False,
                                    help_text="The question answered: a stale tab's answer is refused (409).")
    # Length is checked by the service so that its error says the limit (ANSWER_MAX_CHARS).
    # Some non-space character (a blank answer is refused with `empty_answer`, also in the schema).
    answer = serializers.RegexField(r"\S", trim_whitespace=False, max_length=ANSWER_MAX_CHARS, required=False,
                                    help_text=f"At most {ANSWER_MAX_CHARS} characters, not only spaces.")
    media = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False,
                                     help_text="A spoken answer: the id of your own processed recording "
                                               "(POST /api/v1/media/upload); its transcript is the answer.")
    # Exactly one of the two: the service says so (after the session's 404, so that nobody learns
    # anything about a session that is not theirs).


class InterviewAnswerOutput(serializers.Serializer):
    answered = InterviewTurnOutput()
    next = InterviewTurnOutput(allow_null=True)
    status = serializers.CharField(help_text="active | finished")
    report_url = serializers.CharField(allow_null=True)


class InterviewAnswerApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_scope = "writes"

    @extend_schema(request=InterviewAnswerInput, responses=InterviewAnswerOutput, operation_id="interview_v3_answer")
    def post(self, request):
        data = InterviewAnswerInput(data=request.data)
        if not data.is_valid():
            codes = {getattr(e, "code", "") for e in data.errors.get("answer", [])}
            if "max_length" in codes:
                raise ValidationFailed(f"An answer is at most {ANSWER_MAX_CHARS} characters.",
                                       code="answer_too_long", details={"max_characters": ANSWER_MAX_CHARS})
            if codes & {"invalid", "blank"}:
                raise ValidationFailed("The answer is empty: type or say something first.", code="empty_answer")
            data.is_valid(raise_exception=True)
        v = data.validated_data
        answered, following, session = services.session_answer(
            user=request.user, session_id=v["session"], answer=v.get("answer"), turn_index=v.get("turn"),
            media_id=v.get("media"))
        return Response(InterviewAnswerOutput({
            "answered": selectors.turn_data(answered), "next": selectors.turn_data(following) if following else None,
            "status": session.status,
            "report_url": f"/interviews/{session.pk}/report/" if not session.is_active else None}).data)


class InterviewEndApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_scope = "writes"

    @extend_schema(request=None, responses=InterviewSessionOutput, operation_id="interview_v3_end")
    def post(self, request, session_id):
        return _session_response(services.session_end(user=request.user, session_id=session_id))


class InterviewSessionListItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    interview_type = serializers.CharField()
    difficulty = serializers.CharField()
    length = serializers.IntegerField()
    status = serializers.CharField()
    job_title = serializers.CharField()
    overall = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_overall(self, session) -> int | None:
        return (session.report or {}).get("overall")


class InterviewSessionListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[PageQuery], responses=PagePagination.response(InterviewSessionListItemOutput),
                   operation_id="interview_v3_sessions")
    def get(self, request):
        return paginated_response(request, self, selectors.sessions_of(user=request.user), InterviewSessionListItemOutput)


class InterviewSessionDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=InterviewSessionOutput, operation_id="interview_v3_session")
    def get(self, request, session_id):
        return _session_response(selectors.session_get_for_user(user=request.user, session_id=session_id))

    @extend_schema(request=None, responses={204: None}, operation_id="interview_v3_session_delete")
    def delete(self, request, session_id):
        services.session_delete(user=request.user, session_id=session_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InterviewRecordingInput(StrictJSONTypes, serializers.Serializer):
    media = serializers.IntegerField(min_value=1, max_value=2**31 - 1,
                                     help_text='An upload with purpose "interview_session" (POST /api/v1/media/upload).')


class InterviewRecordingApi(APIView):
    """Keep a recording of the whole session with the interview (the report plays it)."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "writes"

    @extend_schema(request=InterviewRecordingInput, responses=InterviewSessionOutput,
                   operation_id="interview_v3_session_recording")
    def post(self, request, session_id):
        data = InterviewRecordingInput(data=request.data)
        data.is_valid(raise_exception=True)
        return _session_response(services.session_recording_attach(
            user=request.user, session_id=session_id, media_id=data.validated_data["media"]))


class TimelineFrameOutput(serializers.Serializer):
    t = serializers.FloatField(help_text="Seconds from the interview's start.")
    kind = serializers.ChoiceField(choices=["code", "run", "question", "answer"])
    code = serializers.CharField(allow_blank=True, required=False,
                                 help_text="A keyframe: the room's whole code at that moment.")
    edit = serializers.ListField(
        required=False, min_length=3, max_length=3, child=serializers.JSONField(),
        help_text="Otherwise, on a code frame: [start, removed, inserted], one splice of the previous code "
                  "frame's text (offsets in UTF-16 code units); other frames keep the code as it was.")
    run = serializers.IntegerField(allow_null=True, help_text="Index in `runs` of the last run by then.")
    line = serializers.IntegerField(allow_null=True, help_text="Index in `lines` of the last transcript line.")


class TimelineRunOutput(serializers.Serializer):
    t = serializers.FloatField()
    verdict = serializers.CharField(allow_blank=True)
    stdout = serializers.CharField(allow_blank=True)
    stderr = serializers.CharField(allow_blank=True)
    exit_code = serializers.IntegerField(allow_null=True)
    wall_time = serializers.FloatField(allow_null=True)


class TimelineLineOutput(serializers.Serializer):
    t = serializers.FloatField()
    speaker = serializers.ChoiceField(choices=["interviewer", "candidate"])
    kind = serializers.ChoiceField(choices=["question", "answer"])
    turn = serializers.IntegerField()
    text = serializers.CharField(allow_blank=True)
    overall = serializers.IntegerField(allow_null=True, required=False)


class InterviewTimelineOutput(serializers.Serializer):
    session = serializers.IntegerField()
    room_url = serializers.CharField()
    duration = serializers.FloatField()
    frames = TimelineFrameOutput(many=True)
    keyframe_every = serializers.IntegerField(help_text="Every how many code frames a whole text comes.")
    runs = TimelineRunOutput(many=True)
    lines = TimelineLineOutput(many=True)


class InterviewTimelineApi(APIView):
    """The coding interview's replay: the room's code, its runs and the transcript, merged by time.
    The owner's only (anyone else's is a 404, like an interview without a coding room)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=InterviewTimelineOutput, operation_id="interview_v3_session_timeline")
    def get(self, request, session_id):
        session = selectors.session_get_for_user(user=request.user, session_id=session_id)
        timeline = selectors.session_timeline(session=session)
        if timeline is None:
            raise NotFound("This interview has no coding room.", code="no_coding_room")
        return Response(InterviewTimelineOutput(timeline).data)


class InterviewShareInput(StrictJSONTypes, serializers.Serializer):
    shared = serializers.BooleanField()


class InterviewShareApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_scope = "writes"

    @extend_schema(request=InterviewShareInput, operation_id="interview_v3_share", responses=inline_serializer(
        "InterviewShared", {"shared": serializers.BooleanField(), "url": serializers.CharField(allow_null=True)}))
    def post(self, request, session_id):
        data = InterviewShareInput(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.session_share_set(user=request.user, session_id=session_id,
                                             shared=data.validated_data["shared"])
        url = request.build_absolute_uri(f"/interviews/shared/{session.share_token}/") if session.share_token else None
        return Response({"shared": bool(session.share_token), "url": url})



class InterviewProgressOutput(serializers.Serializer):
    sessions = serializers.IntegerField()
    answered = serializers.IntegerField()
    judged = serializers.IntegerField(help_text="Answers with enough evidence for a score.")
    average = serializers.IntegerField(allow_null=True)
    recent_average = serializers.IntegerField(allow_null=True, help_text="The last five judged answers.")
    consistency = serializers.FloatField(allow_null=True, help_text="Spread of the scores (lower is steadier).")
    by_dimension = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    mistakes = serializers.ListField(child=serializers.DictField(),
                                     help_text="Recurring patterns: code, source (interviews | challenges), pattern, "
                                               "occurrences, recommendation, and evidence (newest first: "
                                               "title, url, at, detail, and the source's own keys: session, "
                                               "turn and question for interviews; submission, challenge and "
                                               "verdict for challenges).")


class InterviewProgressApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=InterviewProgressOutput, operation_id="interview_v3_progress")
    def get(self, request):
        return Response(InterviewProgressOutput(selectors.interview_progress(user=request.user)).data)


class InterviewRecommendInput(StrictJSONTypes, serializers.Serializer):
    analysis_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False,
                                           help_text="A resume analysis whose gaps to aim at.")
    limit = serializers.IntegerField(min_value=1, max_value=20, default=5)


class InterviewRecommendOutput(serializers.Serializer):
    weakest_dimensions = serializers.ListField(child=serializers.CharField())
    gap_skills = serializers.ListField(child=serializers.CharField())
    questions = serializers.ListField(child=serializers.DictField())


class RecommendApi(APIView):
    """Reads only; POST because it takes a body (as the seed names it)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=InterviewRecommendInput, responses=InterviewRecommendOutput, operation_id="ai_recommend")
    def post(self, request):
        data = InterviewRecommendInput(data=request.data)
        data.is_valid(raise_exception=True)
        gaps: list[str] = []
        if "analysis_id" in data.validated_data:
            from resumes import selectors as resume_selectors

            analysis = resume_selectors.analysis_get(user=request.user, analysis_id=data.validated_data["analysis_id"])
            gaps = [g["skill"] for g in (analysis.gaps or {}).get("gaps", []) if g.get("skill")]
        return Response(InterviewRecommendOutput(selectors.recommend_questions(
            user=request.user, gap_skills=gaps, limit=data.validated_data["limit"])).data)

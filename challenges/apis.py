"""JSON API of the challenges domain (StackRush's routes under /api/v1/)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.apis import PersonBase
from core.json_input import StrictJSONTypes
from core.markdown import render_markdown
from core.pagination import PagePagination, PageQuery, paginated_response
from core.query_params import QueryInput, QueryInteger, query_valid

from . import selectors, services
from .judge_gateway import available_runtimes, judge_status
from .models import ChallengeType, CheckerChoice, Difficulty, Mode

# --- shapes -------------------------------------------------------------------------------------


class ChallengeFields(serializers.Serializer):
    """The fields of a challenge every answer shows (the list's items, and the detail with more)."""

    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    type = serializers.CharField()
    difficulty = serializers.CharField()
    category = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    xp_reward = serializers.IntegerField()
    attempts = serializers.IntegerField()
    success_rate = serializers.IntegerField(allow_null=True, help_text="Accepted submissions in percent; null "
                                            "before any submission was judged (shown as \"—\").")
    solvers = serializers.IntegerField()
    viewer_status = serializers.SerializerMethodField()
    viewer_best_points = serializers.SerializerMethodField(
        help_text="The viewer's best score in points out of 100; null when never submitted (or signed out).")

    def get_viewer_status(self, challenge) -> str:
        progress = self.context.get("progress")
        solved = progress.solved_at is not None if progress else getattr(challenge, "viewer_solved", False)
        attempted = progress.attempts > 0 if progress else getattr(challenge, "viewer_attempted", False)
        if solved:
            return "solved"
        if attempted:
            return "attempted"
        return "new"

    def get_viewer_best_points(self, challenge) -> int | None:
        progress = self.context.get("progress")
        return progress.best_points if progress else challenge.viewer_best_points


class ChallengeListOutput(ChallengeFields):
    def to_representation(self, challenge):
        """What the declared fields give (the schema is theirs), built directly: a list page
        serializes every field of every row, and DRF's field-by-field path was a fifth of the call."""
        success_rate = challenge.success_rate
        return {
            "slug": str(challenge.slug), "title": str(challenge.title), "description": str(challenge.description),
            "type": str(challenge.type), "difficulty": str(challenge.difficulty), "category": str(challenge.category),
            "tags": [None if tag is None else str(tag) for tag in challenge.tags],
            "xp_reward": int(challenge.xp_reward), "attempts": int(challenge.attempts),
            "success_rate": None if success_rate is None else int(success_rate), "solvers": int(challenge.solvers),
            "viewer_status": self.get_viewer_status(challenge), "viewer_best_points": self.get_viewer_best_points(challenge),
        }


class ExampleSerializer(StrictJSONTypes, serializers.Serializer):
    input = serializers.CharField(allow_blank=True, max_length=10_000)
    output = serializers.CharField(allow_blank=True, max_length=10_000)
    explanation = serializers.CharField(allow_blank=True, required=False, default="", max_length=2_000)


class ChallengeDetailOutput(ChallengeFields):
    statement = serializers.CharField()
    constraints = serializers.CharField()
    examples = ExampleSerializer(many=True)
    hint_count = serializers.SerializerMethodField()
    hints_revealed = serializers.SerializerMethodField()
    starter_code = serializers.DictField(child=serializers.CharField())
    time_limit_ms = serializers.IntegerField()
    memory_limit_mb = serializers.IntegerField()
    scenario = serializers.JSONField()
    forbidden_keywords = serializers.ListField(child=serializers.CharField())
    required_keywords = serializers.ListField(child=serializers.CharField())
    solution_available = serializers.SerializerMethodField(
        help_text="Whether there is a solution write-up (shown once solved, or on POST .../solution/reveal/).")
    solution_explanation = serializers.SerializerMethodField()

    def _progress(self, challenge):
        return self.context.get("progress")

    def get_hint_count(self, challenge) -> int:
        return len(challenge.hints)

    def get_hints_revealed(self, challenge) -> list[str]:
        progress = self._progress(challenge)
        return challenge.hints[: progress.hints_revealed] if progress else []

    def get_solution_available(self, challenge) -> bool:
        return bool(challenge.solution_explanation.strip())

    def get_solution_explanation(self, challenge) -> str | None:
        progress = self._progress(challenge)
        return challenge.solution_explanation if progress and progress.solution_visible else None


class TestCaseSerializer(StrictJSONTypes, serializers.Serializer):
    input = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=1_000_000)
    output = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=1_000_000)
    hidden = serializers.BooleanField(default=True)
    weight = serializers.IntegerField(min_value=1, max_value=100, default=1)


class ValidationRulesInput(StrictJSONTypes, serializers.Serializer):
    forbidden_keywords = serializers.ListField(child=serializers.CharField(max_length=60), default=list, max_length=50)
    required_keywords = serializers.ListField(child=serializers.CharField(max_length=60), default=list, max_length=50)


class ChallengeWriteInput(StrictJSONTypes, serializers.Serializer):
    slug = serializers.SlugField(max_length=80)
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=300, allow_blank=True, default="")
    type = serializers.ChoiceField(choices=ChallengeType.choices)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices)
    category = serializers.CharField(max_length=40)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), default=list, max_length=20)
    time_limit_ms = serializers.IntegerField(min_value=100, max_value=10000, default=2000)
    memory_limit_mb = serializers.IntegerField(min_value=16, max_value=1024, default=256)
    checker = serializers.ChoiceField(choices=CheckerChoice.choices, default="tokens")
    float_tolerance = serializers.FloatField(min_value=0, max_value=1, default=1e-6)
    statement = serializers.CharField(max_length=50_000)
    constraints = serializers.CharField(allow_blank=True, default="", max_length=5_000)
    examples = serializers.ListField(child=ExampleSerializer(), default=list, max_length=20)
    hints = serializers.ListField(child=serializers.CharField(max_length=2_000), default=list, max_length=10)
    solution_explanation = serializers.CharField(allow_blank=True, default="", max_length=20_000)
    starter = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=200_000), default=dict)
    reference = serializers.DictField(child=serializers.CharField(max_length=200_000), default=dict)
    validation = ValidationRulesInput(default=dict)
    scenario = serializers.DictField(default=dict, help_text="Interview mode: timer and distractions.")
    # ListField, so that the schema shows minItems/maxItems (a ListSerializer's are invisible to it).
    tests = serializers.ListField(child=TestCaseSerializer(), min_length=1, max_length=200)


class ResultOutput(serializers.Serializer):
    index = serializers.IntegerField()
    verdict = serializers.CharField()
    hidden = serializers.BooleanField()
    weight = serializers.IntegerField()
    cpu_time = serializers.FloatField()
    wall_time = serializers.FloatField()
    memory = serializers.IntegerField()
    message = serializers.CharField(allow_blank=True)
    input = serializers.CharField(required=False)
    expected_output = serializers.CharField(required=False)
    stdout = serializers.CharField(required=False)
    stderr = serializers.CharField(required=False)


class SubmissionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    challenge = serializers.CharField()
    language = serializers.CharField()
    mode = serializers.CharField()
    status = serializers.CharField()
    verdict = serializers.CharField()
    score = serializers.IntegerField()
    max_score = serializers.IntegerField()
    percent = serializers.FloatField()
    points = serializers.IntegerField(help_text="Weighted score out of 100 (100: every test passed).")
    score_label = serializers.CharField(help_text='As the pages show it: "7/10 tests · 70 points"; "—" '
                                        "until judged.")
    not_run = serializers.IntegerField(help_text="Tests not run: judging stops at the first time limit "
                                       "exceeded, and a compilation error runs none.")
    passed = serializers.IntegerField()
    total = serializers.IntegerField()
    compile_output = serializers.CharField()
    results = ResultOutput(many=True)
    time_spent_seconds = serializers.IntegerField()
    created_at = serializers.CharField()
    judged_at = serializers.CharField(allow_null=True)


class SubmissionListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    challenge = serializers.CharField(source="challenge.slug")
    language = serializers.CharField()
    mode = serializers.CharField()
    status = serializers.CharField()
    verdict = serializers.CharField()
    percent = serializers.FloatField()
    points = serializers.IntegerField()
    score_label = serializers.CharField()
    passed = serializers.IntegerField()
    total = serializers.IntegerField()
    created_at = serializers.DateTimeField()


def runtime_language_names() -> list[str]:
    """The installed runtimes' names and aliases (also the schema's RuntimeLanguageEnum)."""
    return sorted({name for r in available_runtimes().values() for name in (r.language, *r.aliases)})


class RuntimeLanguageField(serializers.ChoiceField):
    """The installed runtimes' names and aliases, read per request (serializers copy their fields)."""

    def __init__(self, **kwargs):
        super().__init__(choices=runtime_language_names(), **kwargs)


class SubmissionInput(StrictJSONTypes, serializers.Serializer):
    challenge = serializers.SlugField(max_length=80)
    language = RuntimeLanguageField()
    source = serializers.CharField(trim_whitespace=False, max_length=200_000)
    mode = serializers.ChoiceField(choices=Mode.choices, default=Mode.STANDARD)
    time_spent_seconds = serializers.IntegerField(min_value=0, required=False)
    distractions_met = serializers.IntegerField(min_value=0, max_value=1000, default=0)


class RunInput(StrictJSONTypes, serializers.Serializer):
    language = RuntimeLanguageField()
    source = serializers.CharField(trim_whitespace=False, max_length=200_000)
    stdin = serializers.CharField(trim_whitespace=False, allow_blank=True, default="", max_length=2_000_000)
    challenge = serializers.SlugField(max_length=80, required=False)


class RunOutput(serializers.Serializer):
    language = serializers.CharField()
    version = serializers.CharField()
    compile_ok = serializers.BooleanField()
    compile_output = serializers.CharField()
    stdout = serializers.CharField()
    stderr = serializers.CharField()
    exit_code = serializers.IntegerField(allow_null=True)
    signal = serializers.IntegerField(allow_null=True)
    verdict = serializers.CharField()
    message = serializers.CharField()
    cpu_time = serializers.FloatField()
    wall_time = serializers.FloatField()
    memory = serializers.IntegerField()


class StandingOutput(serializers.Serializer):
    rank = serializers.IntegerField()
    user = PersonBase()
    value = serializers.FloatField()


class LeaderboardOutput(serializers.Serializer):
    results = StandingOutput(many=True)
    viewer = StandingOutput(allow_null=True)
    page = serializers.IntegerField()


class RuntimeOutput(serializers.Serializer):
    language = serializers.CharField()
    version = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    compiled = serializers.BooleanField()


# --- challenges -------------------------------------------------------------------------------------


class ChallengeListQuery(PageQuery):
    difficulty = serializers.ChoiceField(choices=Difficulty.choices, required=False)
    type = serializers.ChoiceField(choices=ChallengeType.choices, required=False)
    category = serializers.CharField(max_length=40, required=False)
    tag = serializers.CharField(max_length=40, required=False)
    status = serializers.ChoiceField(choices=["solved", "attempted", "new"], required=False,
                                     help_text="The viewer's progress (signed in only).")
    search = serializers.CharField(max_length=60, required=False)


class ChallengeListApi(APIView):
    throttle_scope = "writes"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAdminUser()]

    @extend_schema(parameters=[ChallengeListQuery], responses=PagePagination.response(ChallengeListOutput),
                   operation_id="challenges_list")
    def get(self, request):
        filters = {k: v for k, v in query_valid(ChallengeListQuery, request).items() if k not in PageQuery().fields}
        return paginated_response(
            request, self, selectors.challenge_list(user=request.user, **filters), ChallengeListOutput,
            page_rows=lambda rows: selectors.challenges_with_viewer_progress(user=request.user, challenges=rows))

    @extend_schema(request=ChallengeWriteInput, responses={201: ChallengeDetailOutput}, operation_id="challenges_create")
    def post(self, request):
        data = ChallengeWriteInput(data=request.data)
        data.is_valid(raise_exception=True)
        challenge = services.challenge_create(data=dict(data.validated_data), author=request.user)
        return Response(ChallengeDetailOutput(challenge, context={}).data, status=status.HTTP_201_CREATED)


class ChallengeDetailApi(APIView):
    throttle_scope = "writes"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAdminUser()]

    @extend_schema(responses=ChallengeDetailOutput, operation_id="challenges_retrieve")
    def get(self, request, slug):
        challenge = selectors.challenge_get(user=request.user, slug=slug)
        progress = selectors.challenge_progress(user=request.user, challenge=challenge)
        return Response(ChallengeDetailOutput(challenge, context={"progress": progress}).data)

    @extend_schema(request=ChallengeWriteInput, responses=ChallengeDetailOutput, operation_id="challenges_update")
    def put(self, request, slug):
        challenge = selectors.challenge_get(user=request.user, slug=slug)
        data = ChallengeWriteInput(data={**request.data, "slug": challenge.slug})
        data.is_valid(raise_exception=True)
        challenge = services.challenge_update(challenge=challenge, data=dict(data.validated_data))
        return Response(ChallengeDetailOutput(challenge, context={}).data)

    @extend_schema(responses={204: None}, operation_id="challenges_delete")
    def delete(self, request, slug):
        services.challenge_delete(challenge=selectors.challenge_get(user=request.user, slug=slug))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChallengeStatsApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=inline_serializer("ChallengeStats", {
        "attempts": serializers.IntegerField(), "successes": serializers.IntegerField(),
        "solvers": serializers.IntegerField(), "success_rate": serializers.IntegerField(allow_null=True),
        "average_score": serializers.FloatField(), "average_time_seconds": serializers.FloatField(),
        "popularity": serializers.IntegerField()}), operation_id="challenges_stats")
    def get(self, request, slug):
        c = selectors.challenge_get(user=request.user, slug=slug)
        return Response({"attempts": c.attempts, "successes": c.successes, "solvers": c.solvers,
                         "success_rate": c.success_rate, "average_score": c.average_score,
                         "average_time_seconds": c.average_time_seconds, "popularity": c.popularity})


class ChallengeStartInput(serializers.Serializer):
    mode = serializers.ChoiceField(choices=Mode.choices, required=False, default=Mode.STANDARD)
    restart = serializers.BooleanField(required=False, default=False,
                                       help_text="Interview mode: set the interview clock back to zero.")


class ChallengeStartApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=ChallengeStartInput, responses=inline_serializer("ChallengeStarted", {
        "started_at": serializers.DateTimeField(),
        "interview_started_at": serializers.DateTimeField(allow_null=True)}), operation_id="challenges_start")
    def post(self, request, slug):
        data = ChallengeStartInput(data=request.data)
        data.is_valid(raise_exception=True)
        challenge = selectors.challenge_get(user=request.user, slug=slug)
        progress = services.challenge_start(user=request.user, challenge=challenge, **data.validated_data)
        return Response({"started_at": progress.started_at, "interview_started_at": progress.interview_started_at})


class ChallengeHintApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses=inline_serializer("HintRevealed", {
        "revealed": serializers.IntegerField(), "hint": serializers.CharField()}), operation_id="challenges_hint")
    def post(self, request, slug):
        challenge = selectors.challenge_get(user=request.user, slug=slug)
        revealed, hint = services.hint_reveal(user=request.user, challenge=challenge)
        return Response({"revealed": revealed, "hint": hint})


class ChallengeSolutionApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses=inline_serializer("SolutionRevealed", {
        "solution_explanation": serializers.CharField(help_text="Markdown."),
        "solution_html": serializers.CharField(help_text="The same, rendered and sanitised.")}),
        operation_id="challenges_solution_reveal")
    def post(self, request, slug):
        challenge = selectors.challenge_get(user=request.user, slug=slug)
        solution = services.solution_reveal(user=request.user, challenge=challenge)
        return Response({"solution_explanation": solution, "solution_html": render_markdown(solution)})


class DraftInput(StrictJSONTypes, serializers.Serializer):
    language = serializers.CharField(max_length=20)
    code = serializers.CharField(trim_whitespace=False, allow_blank=True, max_length=200_000)


class ChallengeDraftApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=DraftInput, responses={204: None}, operation_id="challenges_draft_save")
    def put(self, request, slug):
        challenge = selectors.challenge_get(user=request.user, slug=slug)
        data = DraftInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.draft_save(user=request.user, challenge=challenge, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChallengeRejudgeApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(request=None, responses=inline_serializer("Rejudged", {"queued": serializers.IntegerField()}),
                   operation_id="challenges_rejudge")
    def post(self, request, slug):
        challenge = selectors.challenge_get(user=request.user, slug=slug)
        return Response({"queued": services.challenge_rejudge(challenge=challenge)})


class LeaderboardQuery(QueryInput):
    page = QueryInteger(min_value=1, max_value=10_000, required=False, default=1, help_text="25 standings a page.")


class ChallengeLeaderboardApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[LeaderboardQuery], responses=LeaderboardOutput, operation_id="challenges_leaderboard")
    def get(self, request, slug):
        challenge = selectors.challenge_get(user=request.user, slug=slug)
        page, offset, limit = _page(request)
        rows = selectors.leaderboard_challenge(challenge=challenge, offset=offset, limit=limit)
        viewer = selectors.viewer_rank_challenge(user=request.user, challenge=challenge) \
            if request.user.is_authenticated else None
        return Response(LeaderboardOutput({"results": rows, "viewer": viewer, "page": page}).data)


def _page(request, limit: int = 25) -> tuple[int, int, int]:
    page = query_valid(LeaderboardQuery, request)["page"]
    return page, (page - 1) * limit, limit


class LeaderboardApi(APIView):
    permission_classes = [AllowAny]
    period = "global"

    @extend_schema(parameters=[LeaderboardQuery], responses=LeaderboardOutput)
    def get(self, request):
        page, offset, limit = _page(request)
        if self.period == "global":
            rows = selectors.leaderboard_global(offset=offset, limit=limit)
            viewer = selectors.viewer_rank_global(user=request.user) if request.user.is_authenticated else None
        else:
            rows = selectors.leaderboard_period(period=self.period, offset=offset, limit=limit)
            viewer = selectors.viewer_rank_period(user=request.user, period=self.period) \
                if request.user.is_authenticated else None
        return Response(LeaderboardOutput({"results": rows, "viewer": viewer, "page": page}).data)


class GlobalLeaderboardApi(LeaderboardApi):
    period = "global"


class WeeklyLeaderboardApi(LeaderboardApi):
    period = "weekly"


class MonthlyLeaderboardApi(LeaderboardApi):
    period = "monthly"


# --- submissions ----------------------------------------------------------------------------------


class SubmissionListQuery(PageQuery):
    challenge = serializers.SlugField(max_length=80, required=False, help_text="Only this challenge's.")


class SubmissionListApi(APIView):
    throttle_scope = "writes"

    @extend_schema(parameters=[SubmissionListQuery], responses=PagePagination.response(SubmissionListOutput),
                   operation_id="submissions_list_mine")
    def get(self, request):
        slug = query_valid(SubmissionListQuery, request).get("challenge")
        challenge = selectors.challenge_get(user=request.user, slug=slug) if slug else None
        return paginated_response(request, self, selectors.submissions_of(user=request.user, challenge=challenge),
                                  SubmissionListOutput)

    @extend_schema(request=SubmissionInput, responses={202: SubmissionOutput}, operation_id="submissions_create")
    def post(self, request):
        data = SubmissionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        challenge = selectors.challenge_get(user=request.user, slug=values.pop("challenge"))
        submission = services.submission_create(user=request.user, challenge=challenge, **values)
        submission.refresh_from_db()
        return Response(SubmissionOutput(services.submission_summary(submission)).data, status=status.HTTP_202_ACCEPTED)


class SubmissionDetailApi(APIView):
    @extend_schema(responses=SubmissionOutput, operation_id="submissions_retrieve")
    def get(self, request, submission_id: int):
        submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
        data = services.submission_summary(submission)
        data["source"] = submission.source
        return Response(data)


class SubmissionResultApi(APIView):
    @extend_schema(responses=SubmissionOutput, operation_id="submissions_result")
    def get(self, request, submission_id: int):
        submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
        return Response(SubmissionOutput(services.submission_summary(submission)).data)


class SubmissionRunApi(APIView):
    throttle_scope = "runs"

    @extend_schema(request=RunInput, responses=RunOutput, operation_id="submissions_run")
    def post(self, request):
        data = RunInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        challenge = None
        if values.get("challenge"):
            challenge = selectors.challenge_get(user=request.user, slug=values.pop("challenge"))
        values.pop("challenge", None)
        outcome = services.code_run(user=request.user, challenge=challenge, **values)
        return Response(RunOutput(outcome).data)


class RuntimeListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=inline_serializer("Runtimes", {
        "runtimes": RuntimeOutput(many=True), "sandbox": serializers.DictField()}), operation_id="runtimes_list")
    def get(self, request):
        runtimes = [{"language": r.language, "version": r.version, "aliases": list(r.aliases), "compiled": r.compiled}
                    for r in available_runtimes().values()]
        return Response({"runtimes": runtimes, "sandbox": judge_status()})

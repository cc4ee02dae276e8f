"""JSON API of analytics: my dashboard, another user's analytics (their privacy settings decide;
hidden is 404), and readiness for a target job."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.json_input import StrictJSONTypes
from core.query_params import QueryInput, query_valid

from . import selectors, services

# --- shapes -------------------------------------------------------------------------------------


class RangeQuery(QueryInput):
    range = serializers.ChoiceField(choices=list(selectors.RANGES), required=False, default="30d",
                                    help_text="7d, 30d or 365d (a year).")


class OverviewOutput(serializers.Serializer):
    submissions = serializers.IntegerField()
    accepted = serializers.IntegerField()
    challenges_attempted = serializers.IntegerField()
    challenges_solved = serializers.IntegerField()
    completion_rate = serializers.IntegerField(allow_null=True, help_text="Solved of attempted, percent; "
                                               "null when nothing was attempted in the range.")
    average_score = serializers.FloatField(allow_null=True)
    time_spent_seconds = serializers.IntegerField()
    xp_in_range = serializers.IntegerField()
    xp_total = serializers.IntegerField()
    level = serializers.IntegerField()
    current_streak = serializers.IntegerField()
    best_streak = serializers.IntegerField()
    achievements_unlocked = serializers.IntegerField()
    achievements_total = serializers.IntegerField()


class SeriesOutput(serializers.Serializer):
    days = serializers.ListField(child=serializers.DateField())
    submissions = serializers.ListField(child=serializers.FloatField())
    solved = serializers.ListField(child=serializers.FloatField())
    xp = serializers.ListField(child=serializers.FloatField())
    time_spent_seconds = serializers.ListField(child=serializers.FloatField())


class HeatDayOutput(serializers.Serializer):
    day = serializers.DateField()
    count = serializers.IntegerField()


class PerformanceOutput(serializers.Serializer):
    type = serializers.CharField()
    submissions = serializers.IntegerField()
    completed = serializers.IntegerField()
    average_percent = serializers.FloatField()
    best_percent = serializers.FloatField()
    worst_percent = serializers.FloatField()
    average_seconds = serializers.IntegerField()


class BucketOutput(serializers.Serializer):
    bucket = serializers.CharField()
    count = serializers.IntegerField()


class SkillEvidenceOutput(serializers.Serializer):
    source = serializers.CharField()
    label = serializers.CharField()
    points = serializers.FloatField()
    url = serializers.CharField()


class SkillOutput(serializers.Serializer):
    skill = serializers.CharField(source="skill_id")
    name = serializers.CharField()
    level = serializers.IntegerField(help_text="1-5")
    points = serializers.FloatField()
    evidence = SkillEvidenceOutput(many=True)


class SourceOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    available = serializers.BooleanField()
    note = serializers.CharField()


class DashboardOutput(serializers.Serializer):
    range = serializers.CharField(source="range_key")
    start = serializers.DateField()
    today = serializers.DateField()
    overview = OverviewOutput()
    series = SeriesOutput()
    heatmap = serializers.SerializerMethodField()
    performance = PerformanceOutput(many=True)
    time_distribution = serializers.SerializerMethodField()
    skills = SkillOutput(many=True)
    sources = SourceOutput(many=True, help_text="Evidence sources; available=false ones are not shown yet.")

    @extend_schema_field(HeatDayOutput(many=True))
    def get_heatmap(self, board) -> list[dict]:
        return [{"day": d.isoformat(), "count": c} for d, c in board.heatmap]

    @extend_schema_field(BucketOutput(many=True))
    def get_time_distribution(self, board) -> list[dict]:
        return [{"bucket": b, "count": c} for b, c in board.time_distribution]


def _dashboard_data(board) -> dict:
    return DashboardOutput(board).data


class DashboardApi(APIView):
    @extend_schema(parameters=[RangeQuery], responses=DashboardOutput, operation_id="analytics_dashboard")
    def get(self, request):
        key = query_valid(RangeQuery, request)["range"]
        return Response(_dashboard_data(selectors.dashboard_get(user=request.user, range_key=key)))


class UserAnalyticsBase(APIView):
    """/analytics/user/<id>/<part>: one part of a user's dashboard, if their settings show it."""

    part = ""
    needs_activity = False

    def get(self, request, user_id: int):
        key = query_valid(RangeQuery, request)["range"]
        subject = selectors.analytics_subject_get(viewer=request.user, user_id=user_id, activity=self.needs_activity)
        data = _dashboard_data(selectors.dashboard_get(user=subject, range_key=key))
        return Response(self.shape(data, subject))

    def shape(self, data: dict, subject) -> dict:
        raise NotImplementedError


class UserOverviewOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    range = serializers.CharField()
    overview = OverviewOutput()


class UserOverviewApi(UserAnalyticsBase):
    @extend_schema(parameters=[RangeQuery], responses=UserOverviewOutput, operation_id="analytics_user_overview")
    def get(self, request, user_id: int):
        return super().get(request, user_id)

    def shape(self, data, subject):
        return {"user_id": subject.id, "range": data["range"], "overview": data["overview"]}


class UserSkillsOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    skills = SkillOutput(many=True)


class UserSkillsApi(UserAnalyticsBase):
    @extend_schema(parameters=[RangeQuery], responses=UserSkillsOutput, operation_id="analytics_user_skills")
    def get(self, request, user_id: int):
        return super().get(request, user_id)

    def shape(self, data, subject):
        return {"user_id": subject.id, "skills": data["skills"]}


class UserActivityOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    range = serializers.CharField()
    heatmap = HeatDayOutput(many=True, help_text="The last 365 days, one entry per day (0: no activity).")
    series = SeriesOutput()


class UserActivityApi(UserAnalyticsBase):
    needs_activity = True

    @extend_schema(parameters=[RangeQuery], responses=UserActivityOutput, operation_id="analytics_user_activity")
    def get(self, request, user_id: int):
        return super().get(request, user_id)

    def shape(self, data, subject):
        return {"user_id": subject.id, "range": data["range"], "heatmap": data["heatmap"], "series": data["series"]}


class UserPerformanceOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    range = serializers.CharField()
    performance = PerformanceOutput(many=True)


class UserPerformanceApi(UserAnalyticsBase):
    @extend_schema(parameters=[RangeQuery], responses=UserPerformanceOutput,
                   operation_id="analytics_user_performance")
    def get(self, request, user_id: int):
        return super().get(request, user_id)

    def shape(self, data, subject):
        return {"user_id": subject.id, "range": data["range"], "performance": data["performance"]}


class UserStreaksOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    current_streak = serializers.IntegerField()
    best_streak = serializers.IntegerField()
    active_days_in_range = serializers.IntegerField()
    range = serializers.CharField()


class UserStreaksApi(UserAnalyticsBase):
    needs_activity = True

    @extend_schema(parameters=[RangeQuery], responses=UserStreaksOutput, operation_id="analytics_user_streaks")
    def get(self, request, user_id: int):
        return super().get(request, user_id)

    def shape(self, data, subject):
        series = data["series"]
        active = sum(1 for s, x in zip(series["submissions"], series["xp"], strict=True) if s or x)
        return {"user_id": subject.id, "range": data["range"], "current_streak": data["overview"]["current_streak"],
                "best_streak": data["overview"]["best_streak"], "active_days_in_range": active}


class UserTimeDistributionOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    range = serializers.CharField()
    time_distribution = BucketOutput(many=True)


class UserTimeDistributionApi(UserAnalyticsBase):
    @extend_schema(parameters=[RangeQuery], responses=UserTimeDistributionOutput,
                   operation_id="analytics_user_time_distribution")
    def get(self, request, user_id: int):
        return super().get(request, user_id)

    def shape(self, data, subject):
        return {"user_id": subject.id, "range": data["range"], "time_distribution": data["time_distribution"]}


# --- readiness ------------------------------------------------------------------------------------


class PartOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    weight = serializers.FloatField()
    status = serializers.ChoiceField(choices=["measured", "no_data", "not_available"])
    percent = serializers.IntegerField(allow_null=True)
    explanation = serializers.CharField()
    evidence = serializers.ListField(child=serializers.CharField())


class GapOutput(serializers.Serializer):
    skill = serializers.CharField(source="skill_id")
    name = serializers.CharField()
    required = serializers.BooleanField()
    level = serializers.IntegerField()
    target = serializers.IntegerField()
    source = serializers.CharField()
    detail = serializers.CharField()


class PlanItemOutput(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    detail = serializers.CharField()
    gain = serializers.FloatField(allow_null=True, help_text="Readiness points it would add; null: not known "
                                  "until it is done (a first measurement).")


class HistoryPointOutput(serializers.Serializer):
    day = serializers.DateField()
    value = serializers.FloatField()


class ProjectionOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=["reached", "not_enough_history", "not_rising", "projected"])
    points = serializers.IntegerField()
    slope_per_day = serializers.FloatField(allow_null=True)
    slope_low = serializers.FloatField(allow_null=True)
    slope_high = serializers.FloatField(allow_null=True)
    date = serializers.DateField(source="crosses_on", allow_null=True)
    earliest = serializers.DateField(allow_null=True)
    latest = serializers.DateField(allow_null=True)
    explanation = serializers.CharField()


class TargetJobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    company = serializers.CharField()


class ReadinessOutput(serializers.Serializer):
    job = TargetJobOutput(allow_null=True)
    bar = serializers.IntegerField(allow_null=True)
    readiness = serializers.FloatField(allow_null=True)
    parts = PartOutput(many=True)
    gaps = GapOutput(many=True)
    plan = PlanItemOutput(many=True)
    history = HistoryPointOutput(many=True)
    projection = ProjectionOutput(allow_null=True)


def readiness_data(view) -> dict:
    if view is None:
        return {"job": None, "bar": None, "readiness": None, "parts": [], "gaps": [], "plan": [], "history": [],
                "projection": None}
    r = view.readiness
    return ReadinessOutput({
        "job": view.target.job, "bar": view.target.bar,
        "readiness": None if r.value is None else round(r.value, 1),
        "parts": r.parts, "gaps": r.gaps, "plan": r.plan,
        "history": [{"day": d, "value": round(v, 1)} for d, v in view.history],
        "projection": view.projection}).data


class ReadinessApi(APIView):
    @extend_schema(responses=ReadinessOutput, operation_id="analytics_readiness")
    def get(self, request):
        return Response(readiness_data(selectors.readiness_view(user=request.user)))


class ReadinessTargetInput(StrictJSONTypes, serializers.Serializer):
    job_id = serializers.IntegerField(min_value=1, max_value=10**12, help_text="One of your saved job descriptions.")
    bar = serializers.IntegerField(min_value=1, max_value=100, required=False, default=80)


class ReadinessTargetApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=ReadinessTargetInput, responses=ReadinessOutput, operation_id="analytics_target_set")
    def put(self, request):
        data = ReadinessTargetInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.readiness_target_set(user=request.user, job_id=data.validated_data["job_id"],
                                      bar=data.validated_data["bar"])
        return Response(readiness_data(selectors.readiness_view(user=request.user)))

    @extend_schema(request=None, responses={204: None}, operation_id="analytics_target_clear")
    def delete(self, request):
        services.readiness_target_clear(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- your data ------------------------------------------------------------------------------------


class DataExportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="queued, running, ready or failed")
    progress = serializers.IntegerField(help_text="Percent done.")
    size = serializers.IntegerField(help_text="Bytes of the zip, once ready.")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, export):
        from django.urls import reverse

        return reverse("analytics-export-download", args=[export.pk]) if export.status == "ready" else None


class DataExportListApi(APIView):
    """Your exports (the latest five), and POST to ask for a new one (made by a background job;
    202, then poll its detail for progress)."""

    throttle_scope = "writes"

    @extend_schema(responses=DataExportOutput(many=True), operation_id="me_exports_list")
    def get(self, request):
        return Response(DataExportOutput(selectors.data_exports_of(user=request.user), many=True).data)

    @extend_schema(request=None, responses={202: DataExportOutput}, operation_id="me_exports_create")
    def post(self, request):
        from .data_export import data_export_request

        export = data_export_request(user=request.user)
        export.refresh_from_db()
        return Response(DataExportOutput(export).data, status=status.HTTP_202_ACCEPTED)


class DataExportDetailApi(APIView):
    @extend_schema(responses=DataExportOutput, operation_id="me_exports_retrieve")
    def get(self, request, export_id: int):
        return Response(DataExportOutput(selectors.data_export_get_for_user(user=request.user,
                                                                            export_id=export_id)).data)

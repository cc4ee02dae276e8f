"""Resumes API (PrepForge's routes under /api/v1/). Users see only their own resumes."""

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import NotFound, ValidationFailed
from core.file_storage import private_file_response
from core.json_input import StrictJSONTypes
from core.query_params import QueryInput, QueryInteger, parse_int, query_valid

from . import export, selectors, services
from .models import ParseStatus


class VersionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    note = serializers.CharField()
    file_kind = serializers.CharField()
    parse_status = serializers.CharField()
    parse_error = serializers.CharField()
    has_file = serializers.SerializerMethodField()
    general_score = serializers.IntegerField(allow_null=True)
    content = serializers.JSONField()
    parsed = serializers.JSONField()
    created_at = serializers.DateTimeField()

    def get_has_file(self, version) -> bool:
        """The uploaded file is at .../versions/<number>/file/ (its owner only)."""
        return bool(version.file)


class ResumeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    latest = VersionOutput(allow_null=True)


class ResumeListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    version_count = serializers.IntegerField()
    latest_score = serializers.IntegerField(allow_null=True)
    latest_status = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField()


class JobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    company = serializers.CharField()
    text = serializers.CharField()
    parsed = serializers.JSONField()
    created_at = serializers.DateTimeField()


class AnalysisOutput(serializers.Serializer):
    id = serializers.IntegerField()
    resume = serializers.IntegerField(source="version.resume_id")
    version = serializers.IntegerField(source="version.number")
    job = serializers.IntegerField(source="job_id", allow_null=True)
    total = serializers.IntegerField()
    role_family = serializers.CharField()
    categories = serializers.JSONField()
    recommendations = serializers.JSONField()
    gaps = serializers.JSONField()
    created_at = serializers.DateTimeField()


class RoadmapOutput(serializers.Serializer):
    id = serializers.IntegerField()
    target_role = serializers.CharField()
    current_level = serializers.CharField()
    phases = serializers.JSONField()
    engine = serializers.CharField()
    fallback_reason = serializers.CharField()
    next_steps = serializers.SerializerMethodField()

    def get_next_steps(self, roadmap) -> list:
        return services.roadmap_next_steps(roadmap)


class UploadInput(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, DOCX or text; the type is read from the bytes.")
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class BlankResumeInput(StrictJSONTypes, serializers.Serializer):
    title = serializers.CharField(max_length=120, help_text="A resume started in the builder needs a name.")


class ResumeCreateApi(APIView):
    parser_classes = [MultiPartParser, JSONParser]
    throttle_scope = "uploads"

    @extend_schema(responses=ResumeListOutput(many=True), operation_id="resumes_list")
    def get(self, request):
        return Response(ResumeListOutput(selectors.resumes_of(user=request.user), many=True).data)

    @extend_schema(request={"multipart/form-data": UploadInput, "application/json": BlankResumeInput},
                   responses={201: ResumeOutput}, operation_id="resumes_create",
                   description="A file (multipart) is parsed in a worker; a JSON title starts an empty builder resume.")
    def post(self, request):
        # By media type, so that a multipart body without its file is a 400, not a blank resume.
        if request.content_type.startswith("multipart/"):
            data = UploadInput(data=request.data)
            data.is_valid(raise_exception=True)
            version = services.resume_upload(user=request.user, upload=data.validated_data["file"],
                                             title=data.validated_data["title"])
        else:
            data = BlankResumeInput(data=request.data)
            data.is_valid(raise_exception=True)
            version = services.resume_create_blank(user=request.user, title=data.validated_data["title"])
        version.refresh_from_db()
        return Response(ResumeOutput(_resume_data(version.resume)).data, status=status.HTTP_201_CREATED)


def _resume_data(resume) -> dict:
    return {"id": resume.id, "title": resume.title, "created_at": resume.created_at, "updated_at": resume.updated_at,
            "latest": resume.latest}


class ResumeUpdateInput(StrictJSONTypes, serializers.Serializer):
    content = serializers.DictField(help_text="The structured resume (contact, summary, experience, ...).")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ResumeDetailApi(APIView):
    throttle_scope = "writes"

    @extend_schema(responses=ResumeOutput, operation_id="resumes_retrieve")
    def get(self, request, resume_id):
        return Response(ResumeOutput(_resume_data(selectors.resume_get(user=request.user, resume_id=resume_id))).data)

    @extend_schema(request=ResumeUpdateInput, responses=VersionOutput, operation_id="resumes_update")
    def put(self, request, resume_id):
        resume = selectors.resume_get(user=request.user, resume_id=resume_id)
        data = ResumeUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.resume_save(resume=resume, **data.validated_data)
        return Response(VersionOutput(version).data)

    @extend_schema(responses={204: None}, operation_id="resumes_delete")
    def delete(self, request, resume_id):
        services.resume_delete(resume=selectors.resume_get(user=request.user, resume_id=resume_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResumeVersionsApi(APIView):
    @extend_schema(responses=VersionOutput(many=True), operation_id="resumes_versions")
    def get(self, request, resume_id):
        resume = selectors.resume_get(user=request.user, resume_id=resume_id)
        return Response(VersionOutput(selectors.versions_of(resume=resume), many=True).data)


class ResumeVersionFileApi(APIView):
    """The uploaded file of a version: streamed, or (S3) a 302 to a signed URL valid for a minute."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes, 302: None, 404: None},
                   operation_id="resumes_version_file")
    def get(self, request, resume_id, number):
        version = selectors.version_file_get(user=request.user, resume_id=resume_id, number=number)
        return private_file_response(version.file, download_name=services.version_download_name(version))


class ExportQuery(QueryInput):
    # `kind`, since DRF keeps `format` for content negotiation.
    kind = serializers.ChoiceField(choices=list(export.KINDS), default="pdf")
    template = serializers.ChoiceField(choices=list(export.TEMPLATES), default="classic")
    version = QueryInteger(min_value=1, required=False, help_text="A version number; the latest by default.")


class ResumeExportApi(APIView):
    @extend_schema(parameters=[ExportQuery], operation_id="resumes_export",
                   responses={(200, content_type): bytes for content_type in export.KINDS.values()})
    def get(self, request, resume_id):
        query = query_valid(ExportQuery, request)
        resume = selectors.resume_get(user=request.user, resume_id=resume_id)
        return file_response(selectors.resume_export_file(resume=resume, **query))


def export_response(request, resume):
    """The pages' download: the same file, from `format` or `kind` (anything odd is a message)."""
    kind = request.GET.get("kind") or request.GET.get("format") or "pdf"
    return file_response(selectors.resume_export_file(
        resume=resume, kind=kind, template=request.GET.get("template") or "classic",
        version=parse_int(request.GET.get("version"))))


def file_response(exported) -> HttpResponse:
    response = HttpResponse(exported.data, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


class InterviewPrepUploadApi(ResumeCreateApi):
    """The interview-prep flow's upload: same as creating a resume from a file."""

    parser_classes = [MultiPartParser]
    http_method_names = ["post", "options"]

    @extend_schema(request={"multipart/form-data": UploadInput}, responses={201: ResumeOutput},
                   operation_id="interview_prep_upload")
    def post(self, request):
        if "file" not in request.FILES:
            raise ValidationFailed(details={"file": ["Upload a PDF, DOCX or text file."]})
        return super().post(request)


class ParsePendingOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=[*ParseStatus.values, "none"], help_text="Still being read, or failed.")
    error = serializers.CharField(allow_blank=True)


class InterviewPrepScoreApi(APIView):
    """GET shows the latest general (job-less) score of the resume's latest version; POST
    computes a new one. A GET never writes."""

    throttle_scope = "writes"

    def _parsed_latest(self, request, resume_id):
        version = selectors.resume_get(user=request.user, resume_id=resume_id).latest
        if version is None or version.parse_status != ParseStatus.DONE:
            return None, Response({"status": version.parse_status if version else "none",
                                   "error": version.parse_error if version else ""}, status=status.HTTP_202_ACCEPTED)
        return version, None

    @extend_schema(responses={200: AnalysisOutput, 202: ParsePendingOutput}, operation_id="interview_prep_score")
    def get(self, request, resume_id):
        version, pending = self._parsed_latest(request, resume_id)
        if pending is not None:
            return pending
        analysis = selectors.analyses_of_version(version=version).filter(job__isnull=True).first()
        if analysis is None:
            raise NotFound("This version has no score yet: POST to this address to score it.", code="not_scored")
        return Response(AnalysisOutput(analysis).data)

    @extend_schema(request=None, responses={201: AnalysisOutput, 202: ParsePendingOutput},
                   operation_id="interview_prep_score_create")
    def post(self, request, resume_id):
        version, pending = self._parsed_latest(request, resume_id)
        if pending is not None:
            return pending
        analysis = services.analysis_run(user=request.user, version=version)
        return Response(AnalysisOutput(analysis).data, status=status.HTTP_201_CREATED)


class AnalyzeInput(StrictJSONTypes, serializers.Serializer):
    resume = serializers.IntegerField(min_value=1)
    version = serializers.IntegerField(min_value=1, required=False, help_text="The latest by default.")
    job = serializers.IntegerField(min_value=1, required=False)
    job_text = serializers.CharField(required=False, min_length=80, max_length=50_000,
                                     help_text="A job description to save and score against.")


class InterviewPrepAnalyzeApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=AnalyzeInput, responses={201: AnalysisOutput}, operation_id="interview_prep_analyze")
    def post(self, request):
        data = AnalyzeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        resume = selectors.resume_get(user=request.user, resume_id=values["resume"])
        version = selectors.version_get(resume=resume, number=values["version"]) if "version" in values \
            else resume.latest
        if version is None:
            raise NotFound("This resume has no version yet.")
        job = None
        if "job" in values:
            job = selectors.job_get(user=request.user, job_id=values["job"])
        elif values.get("job_text"):
            job = services.job_create(user=request.user, text=values["job_text"])
        analysis = services.analysis_run(user=request.user, version=version, job=job)
        return Response(AnalysisOutput(analysis).data, status=status.HTTP_201_CREATED)


class JobCreateInput(StrictJSONTypes, serializers.Serializer):
    text = serializers.CharField(min_length=80, max_length=50_000, help_text="The whole job description.")
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="",
                                  help_text="Read from the text when blank.")
    company = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class JobListApi(APIView):
    throttle_scope = "writes"

    @extend_schema(responses=JobOutput(many=True), operation_id="jobs_list")
    def get(self, request):
        return Response(JobOutput(selectors.jobs_of(user=request.user), many=True).data)

    @extend_schema(request=JobCreateInput, responses={201: JobOutput}, operation_id="jobs_create")
    def post(self, request):
        data = JobCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.job_create(user=request.user, **data.validated_data)
        return Response(JobOutput(job).data, status=status.HTTP_201_CREATED)


class JobDetailApi(APIView):
    @extend_schema(responses=JobOutput, operation_id="jobs_retrieve")
    def get(self, request, job_id):
        return Response(JobOutput(selectors.job_get(user=request.user, job_id=job_id)).data)

    @extend_schema(responses={204: None}, operation_id="jobs_delete")
    def delete(self, request, job_id):
        services.job_delete(job=selectors.job_get(user=request.user, job_id=job_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SkillGapsQuery(QueryInput):
    resume = QueryInteger(min_value=1, help_text="A resume id.")
    job = QueryInteger(min_value=1, help_text="A job description id.")


class SkillGapsApi(APIView):
    @extend_schema(parameters=[SkillGapsQuery],
                   # The shape is documented in resumes/ats/__init__.py.
                   responses=inline_serializer("SkillGaps", {"matched": serializers.JSONField(),
                                                             "gaps": serializers.JSONField(),
                                                             "transferable": serializers.JSONField(),
                                                             "shown_counts": serializers.JSONField(),
                                                             "terms": serializers.JSONField()}),
                   operation_id="skill_gaps")
    def get(self, request):
        query = query_valid(SkillGapsQuery, request)
        resume = selectors.resume_get(user=request.user, resume_id=query["resume"])
        job = selectors.job_get(user=request.user, job_id=query["job"])
        if resume.latest is None or resume.latest.parse_status != ParseStatus.DONE:
            raise ValidationFailed("This resume has not been read yet.", code="not_parsed")
        return Response(services.skill_gap_report(version=resume.latest, job=job))


class RoadmapInput(StrictJSONTypes, serializers.Serializer):
    target_role = serializers.CharField(max_length=120)
    current_level = serializers.ChoiceField(choices=list(services.LEVEL_WEEKS))
    analysis = serializers.IntegerField(required=False)


class RoadmapCreateApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=RoadmapInput, responses={201: RoadmapOutput}, operation_id="ai_roadmap_create")
    def post(self, request):
        data = RoadmapInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        analysis = selectors.analysis_get(user=request.user, analysis_id=values["analysis"]) \
            if "analysis" in values else None
        roadmap = services.roadmap_create(user=request.user, target_role=values["target_role"],
                                          current_level=values["current_level"], analysis=analysis)
        return Response(RoadmapOutput(roadmap).data, status=status.HTTP_201_CREATED)


class MilestoneInput(StrictJSONTypes, serializers.Serializer):
    milestone = serializers.CharField(max_length=100, help_text="A milestone id from `phases`.")
    done = serializers.BooleanField()


class RoadmapDetailApi(APIView):
    @extend_schema(responses=RoadmapOutput, operation_id="ai_roadmap_retrieve")
    def get(self, request, roadmap_id):
        return Response(RoadmapOutput(selectors.roadmap_get(user=request.user, roadmap_id=roadmap_id)).data)

    @extend_schema(request=MilestoneInput, responses=RoadmapOutput, operation_id="ai_roadmap_milestone")
    def patch(self, request, roadmap_id):
        roadmap = selectors.roadmap_get(user=request.user, roadmap_id=roadmap_id)
        data = MilestoneInput(data=request.data)
        data.is_valid(raise_exception=True)
        roadmap = services.roadmap_milestone_set(roadmap=roadmap, milestone_id=data.validated_data["milestone"],
                                                 done=data.validated_data["done"])
        return Response(RoadmapOutput(roadmap).data)

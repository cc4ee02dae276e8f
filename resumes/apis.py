"""Resumes API (PrepForge's routes under /api/v1/). Users see only their own resumes."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import NotFound, ValidationFailed
from core.file_storage import private_file_response
from core.query_params import parse_int

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
    file = serializers.FileField()
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class ResumeCreateApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    throttle_scope = "uploads"

    def get_throttles(self):
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(responses=ResumeListOutput(many=True), operation_id="resumes_list")
    def get(self, request):
        return Response(ResumeListOutput(selectors.resumes_of(user=request.user), many=True).data)

    @extend_schema(request={"multipart/form-data": UploadInput,
                            "application/json": inline_serializer("ResumeBlank", {"title": serializers.CharField()})},
                   responses={201: ResumeOutput}, operation_id="resumes_create")
    def post(self, request):
        if not hasattr(request.data, "get"):
            raise ValidationFailed("Send an object.", code="invalid_body")
        if "file" in request.FILES:
            data = UploadInput(data=request.data)
            data.is_valid(raise_exception=True)
            version = services.resume_upload(user=request.user, upload=data.validated_data["file"],
                                             title=data.validated_data["title"])
        else:
            version = services.resume_create_blank(user=request.user, title=str(request.data.get("title", ""))[:120])
        version.refresh_from_db()
        return Response(ResumeOutput(_resume_data(version.resume)).data, status=status.HTTP_201_CREATED)


def _resume_data(resume) -> dict:
    return {"id": resume.id, "title": resume.title, "created_at": resume.created_at, "updated_at": resume.updated_at,
            "latest": resume.latest}


class ResumeDetailApi(APIView):
    throttle_scope = "writes"

    def get_throttles(self):
        return super().get_throttles() if self.request.method != "GET" else []

    @extend_schema(responses=ResumeOutput, operation_id="resumes_retrieve")
    def get(self, request, resume_id):
        return Response(ResumeOutput(_resume_data(selectors.resume_get(user=request.user, resume_id=resume_id))).data)

    @extend_schema(request=inline_serializer("ResumeUpdate", {"content": serializers.JSONField(),
                                                              "note": serializers.CharField(required=False)}),
                   responses=VersionOutput, operation_id="resumes_update")
    def put(self, request, resume_id):
        resume = selectors.resume_get(user=request.user, resume_id=resume_id)
        if not hasattr(request.data, "get") or "content" not in request.data:
            raise ValidationFailed(details={"content": ["The structured resume is required."]})
        version = services.resume_save(resume=resume, content=request.data["content"],
                                       note=str(request.data.get("note", ""))[:200])
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


class ResumeExportApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("kind", str, enum=["docx", "pdf"]),
                               OpenApiParameter("template", str, enum=list(export.TEMPLATES)),
                               OpenApiParameter("version", int)],
                   responses={(200, "application/octet-stream"): bytes}, operation_id="resumes_export")
    def get(self, request, resume_id):
        return export_response(request, selectors.resume_get(user=request.user, resume_id=resume_id))


def export_response(request, resume):
    # `kind` in the API (DRF keeps `format` for content negotiation); pages may say `format`.
    kind = request.GET.get("kind") or request.GET.get("format") or "pdf"
    template = request.GET.get("template") or "classic"
    if kind not in ("docx", "pdf") or template not in export.TEMPLATES:
        raise ValidationFailed("Choose format docx or pdf and template classic or modern.", code="invalid_export")
    number = parse_int(request.GET.get("version"))
    version = selectors.version_get(resume=resume, number=number) if number is not None else resume.latest
    if version is None or version.parse_status != ParseStatus.DONE:
        raise NotFound("Nothing to export yet.")
    data = export.to_docx(version.content, template) if kind == "docx" else export.to_pdf(version.content, template)
    content_type = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document" if kind == "docx"
                    else "application/pdf")
    response = HttpResponse(data, content_type=content_type)
    safe = "".join(ch for ch in resume.title if ch.isalnum() or ch in " -_").strip() or "resume"
    response["Content-Disposition"] = f'attachment; filename="{safe}-v{version.number}.{kind}"'
    return response


class InterviewPrepUploadApi(ResumeCreateApi):
    """The interview-prep flow's upload: same as creating a resume from a file."""

    @extend_schema(request={"multipart/form-data": UploadInput}, responses={201: ResumeOutput},
                   operation_id="interview_prep_upload")
    def post(self, request):
        if "file" not in request.FILES:
            raise ValidationFailed(details={"file": ["Upload a PDF, DOCX or text file."]})
        return super().post(request)

    @extend_schema(exclude=True)
    def get(self, request):
        return super().get(request)


class InterviewPrepScoreApi(APIView):
    """GET shows the latest general (job-less) score of the resume's latest version; POST
    computes a new one. A GET never writes."""

    throttle_scope = "writes"

    def get_throttles(self):
        return super().get_throttles() if self.request.method == "POST" else []

    def _parsed_latest(self, request, resume_id):
        version = selectors.resume_get(user=request.user, resume_id=resume_id).latest
        if version is None or version.parse_status != ParseStatus.DONE:
            return None, Response({"status": version.parse_status if version else "none",
                                   "error": version.parse_error if version else ""}, status=status.HTTP_202_ACCEPTED)
        return version, None

    @extend_schema(responses={200: AnalysisOutput, 202: None, 404: None}, operation_id="interview_prep_score")
    def get(self, request, resume_id):
        version, pending = self._parsed_latest(request, resume_id)
        if pending is not None:
            return pending
        analysis = selectors.analyses_of_version(version=version).filter(job__isnull=True).first()
        if analysis is None:
            raise NotFound("This version has no score yet: POST to this address to score it.", code="not_scored")
        return Response(AnalysisOutput(analysis).data)

    @extend_schema(request=None, responses={201: AnalysisOutput, 202: None}, operation_id="interview_prep_score_create")
    def post(self, request, resume_id):
        version, pending = self._parsed_latest(request, resume_id)
        if pending is not None:
            return pending
        analysis = services.analysis_run(user=request.user, version=version)
        return Response(AnalysisOutput(analysis).data, status=status.HTTP_201_CREATED)


class AnalyzeInput(serializers.Serializer):
    resume = serializers.IntegerField()
    version = serializers.IntegerField(required=False)
    job = serializers.IntegerField(required=False)
    job_text = serializers.CharField(required=False, max_length=50_000)


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


class JobListApi(APIView):
    throttle_scope = "writes"

    def get_throttles(self):
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(responses=JobOutput(many=True), operation_id="jobs_list")
    def get(self, request):
        return Response(JobOutput(selectors.jobs_of(user=request.user), many=True).data)

    @extend_schema(request=inline_serializer("JobCreate", {"text": serializers.CharField(),
                                                           "title": serializers.CharField(required=False),
                                                           "company": serializers.CharField(required=False)}),
                   responses={201: JobOutput}, operation_id="jobs_create")
    def post(self, request):
        job = services.job_create(user=request.user, text=str(request.data.get("text", "")),
                                  title=str(request.data.get("title", "")), company=str(request.data.get("company", "")))
        return Response(JobOutput(job).data, status=status.HTTP_201_CREATED)


class JobDetailApi(APIView):
    @extend_schema(responses=JobOutput, operation_id="jobs_retrieve")
    def get(self, request, job_id):
        return Response(JobOutput(selectors.job_get(user=request.user, job_id=job_id)).data)

    @extend_schema(responses={204: None}, operation_id="jobs_delete")
    def delete(self, request, job_id):
        services.job_delete(job=selectors.job_get(user=request.user, job_id=job_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SkillGapsApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("resume", int, required=True), OpenApiParameter("job", int, required=True)],
                   responses=inline_serializer("SkillGaps", {"matched": serializers.JSONField(),
                                                             "gaps": serializers.JSONField(),
                                                             "transferable": serializers.JSONField()}),
                   operation_id="skill_gaps")
    def get(self, request):
        try:
            resume_id, job_id = int(request.query_params["resume"]), int(request.query_params["job"])
        except (KeyError, ValueError):
            raise ValidationFailed("Give resume and job ids.", code="invalid_query")
        resume = selectors.resume_get(user=request.user, resume_id=resume_id)
        job = selectors.job_get(user=request.user, job_id=job_id)
        if resume.latest is None or resume.latest.parse_status != ParseStatus.DONE:
            raise ValidationFailed("This resume has not been read yet.", code="not_parsed")
        return Response(services.skill_gap_report(version=resume.latest, job=job))


class RoadmapInput(serializers.Serializer):
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


class RoadmapDetailApi(APIView):
    @extend_schema(responses=RoadmapOutput, operation_id="ai_roadmap_retrieve")
    def get(self, request, roadmap_id):
        return Response(RoadmapOutput(selectors.roadmap_get(user=request.user, roadmap_id=roadmap_id)).data)

    @extend_schema(request=inline_serializer("MilestoneSet", {"milestone": serializers.CharField(),
                                                              "done": serializers.BooleanField()}),
                   responses=RoadmapOutput, operation_id="ai_roadmap_milestone")
    def patch(self, request, roadmap_id):
        roadmap = selectors.roadmap_get(user=request.user, roadmap_id=roadmap_id)
        if not hasattr(request.data, "get"):
            raise ValidationFailed("Send an object with milestone and done.", code="invalid_body")
        roadmap = services.roadmap_milestone_set(roadmap=roadmap, milestone_id=str(request.data.get("milestone", "")),
                                                 done=bool(request.data.get("done")))
        return Response(RoadmapOutput(roadmap).data)

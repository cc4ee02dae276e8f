from django.urls import path

from core.api_routes import slash_optional

from . import apis

urlpatterns = slash_optional([
    path("resumes/", apis.ResumeCreateApi.as_view(), name="api-resumes"),
    path("resumes/<int:resume_id>/", apis.ResumeDetailApi.as_view(), name="api-resume"),
    path("resumes/<int:resume_id>/versions/", apis.ResumeVersionsApi.as_view(), name="api-resume-versions"),
    path("resumes/<int:resume_id>/versions/<int:number>/file/", apis.ResumeVersionFileApi.as_view(),
         name="api-resume-version-file"),
    path("resumes/<int:resume_id>/export/", apis.ResumeExportApi.as_view(), name="api-resume-export"),
    path("interview-prep/upload/", apis.InterviewPrepUploadApi.as_view(), name="api-prep-upload"),
    path("interview-prep/score/<int:resume_id>/", apis.InterviewPrepScoreApi.as_view(), name="api-prep-score"),
    path("interview-prep/analyze/", apis.InterviewPrepAnalyzeApi.as_view(), name="api-prep-analyze"),
    path("jobs/", apis.JobListApi.as_view(), name="api-jobs"),
    path("jobs/<int:job_id>/", apis.JobDetailApi.as_view(), name="api-job"),
    path("skill-gaps/", apis.SkillGapsApi.as_view(), name="api-skill-gaps"),
    path("ai/roadmap/", apis.RoadmapCreateApi.as_view(), name="api-roadmap"),
    path("ai/roadmap/<int:roadmap_id>/", apis.RoadmapDetailApi.as_view(), name="api-roadmap-detail"),
])

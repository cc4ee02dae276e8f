from django.urls import path

from . import views

urlpatterns = [
    path("resumes/", views.resume_list, name="resume-list"),
    path("resumes/<int:resume_id>/", views.resume_detail, name="resume-detail"),
    path("resumes/<int:resume_id>/status/", views.resume_status, name="resume-status"),
    path("resumes/<int:resume_id>/analyze/", views.resume_analyze, name="resume-analyze"),
    path("resumes/<int:resume_id>/analyses/<int:analysis_id>/side-by-side/", views.analysis_side_by_side,
         name="resume-side-by-side"),
    path("resumes/<int:resume_id>/upload/", views.resume_upload_version, name="resume-upload-version"),
    path("resumes/<int:resume_id>/builder/", views.resume_builder, name="resume-builder"),
    path("resumes/<int:resume_id>/versions/", views.resume_versions, name="resume-versions"),
    path("resumes/<int:resume_id>/versions/<int:number>/file/", views.resume_version_file,
         name="resume-version-file"),
    path("resumes/<int:resume_id>/download/", views.resume_download, name="resume-download"),
    path("resumes/<int:resume_id>/delete/", views.resume_delete, name="resume-delete"),
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/<int:job_id>/", views.job_detail, name="job-detail"),
    path("roadmap/", views.roadmap_list, name="roadmap-list"),
    path("roadmap/<int:roadmap_id>/", views.roadmap_detail, name="roadmap-detail"),
]

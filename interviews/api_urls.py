from django.urls import path

from core.api_routes import slash_optional

from . import apis

urlpatterns = slash_optional([
    path("questions/", apis.QuestionListApi.as_view(), name="api-questions"),
    path("questions/export/", apis.QuestionExportApi.as_view(), name="api-questions-export"),
    path("questions/import/", apis.QuestionImportApi.as_view(), name="api-questions-import"),
    path("questions/<slug:slug>/", apis.QuestionDetailApi.as_view(), name="api-question"),
    path("interview/v3/start/", apis.InterviewStartApi.as_view(), name="api-interview-start"),
    path("interview/v3/answer/", apis.InterviewAnswerApi.as_view(), name="api-interview-answer"),
    path("interview/v3/end/<int:session_id>/", apis.InterviewEndApi.as_view(), name="api-interview-end"),
    path("interview/v3/progress/", apis.InterviewProgressApi.as_view(), name="api-interview-progress"),
    path("ai/recommend/", apis.RecommendApi.as_view(), name="api-ai-recommend"),
    path("interview/v3/sessions/", apis.InterviewSessionListApi.as_view(), name="api-interview-sessions"),
    path("interview/v3/sessions/<int:session_id>/", apis.InterviewSessionDetailApi.as_view(),
         name="api-interview-session"),
    path("interview/v3/sessions/<int:session_id>/timeline/", apis.InterviewTimelineApi.as_view(),
         name="api-interview-timeline"),
    path("interview/v3/sessions/<int:session_id>/recording/", apis.InterviewRecordingApi.as_view(),
         name="api-interview-session-recording"),
    path("interview/v3/sessions/<int:session_id>/share/", apis.InterviewShareApi.as_view(),
         name="api-interview-share"),
])

from django.urls import path

from . import views

urlpatterns = [
    path("interviews/", views.interview_list, name="interview-list"),
    path("interviews/start/", views.interview_start, name="interview-start"),
    path("interviews/questions/", views.question_list, name="interview-questions"),
    path("interviews/shared/<str:token>/", views.interview_shared, name="interview-shared"),
    path("interviews/shared/<str:token>/recordings/<int:turn_index>/", views.interview_shared_recording,
         name="interview-shared-recording"),
    path("interviews/shared/<str:token>/recording/", views.interview_shared_session_recording,
         name="interview-shared-session-recording"),
    path("interviews/<int:session_id>/delete/", views.interview_delete, name="interview-delete"),
    path("interviews/<int:session_id>/", views.interview_live, name="interview-live"),
    path("interviews/<int:session_id>/report/", views.interview_report, name="interview-report"),
    path("interviews/<int:session_id>/share/", views.interview_share, name="interview-share"),
    path("interviews/<int:session_id>/end/", views.interview_end, name="interview-end"),
]

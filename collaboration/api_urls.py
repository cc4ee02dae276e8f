from django.urls import path

from . import apis

urlpatterns = [
    path("sessions", apis.SessionCreateApi.as_view(), name="api-sessions"),
    path("sessions/", apis.SessionCreateApi.as_view()),
    path("sessions/<uuid:room_id>", apis.SessionDetailApi.as_view(), name="api-session"),
    path("sessions/<uuid:room_id>/", apis.SessionDetailApi.as_view()),
]

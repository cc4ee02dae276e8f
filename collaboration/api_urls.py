from django.urls import path

from core.api_routes import slash_optional

from . import apis

# The interview guide's clients call /api/sessions (no slash): slash_optional serves both.
urlpatterns = slash_optional([
    path("sessions/", apis.SessionCreateApi.as_view(), name="api-sessions"),
    path("sessions/<uuid:room_id>/", apis.SessionDetailApi.as_view(), name="api-session"),
])

from django.urls import re_path

from . import apis

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

# With or without the trailing slash: the interview guide's clients call /api/sessions.
urlpatterns = [
    re_path(r"^sessions/?$", apis.SessionCreateApi.as_view(), name="api-sessions"),
    re_path(rf"^sessions/(?P<room_id>{UUID})/?$", apis.SessionDetailApi.as_view(), name="api-session"),
]

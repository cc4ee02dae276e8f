from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.api_routes import api_not_found

handler400 = "core.error_responses.bad_request"
handler403 = "core.error_responses.permission_denied"
handler404 = "core.error_responses.page_not_found"
handler500 = "core.error_responses.server_error"

urlpatterns = [
    path("", include("core.urls")),
    path("", include("core.pwa_urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("accounts.api_urls")),
    path("api/v1/", include("challenges.api_urls")),
    path("api/v1/", include("collaboration.api_urls")),
    path("api/v1/", include("resumes.api_urls")),
    path("api/v1/", include("core.media_api_urls")),
    path("api/v1/", include("interviews.api_urls")),
    path("api/v1/", include("interviews.peer.api_urls")),
    path("api/v1/", include("community.api_urls")),
    path("api/v1/", include("analytics.api_urls")),
    path("api/v1/", include("chat.api_urls")),
    path("api/v1/", include("chat.bot_api_urls")),
    path("api/v1/", include("chat.secret_api_urls")),
    path("api/v2/piston/", include("challenges.piston_urls")),
    re_path(r"^api/", api_not_found),
    path("", include("challenges.urls")),
    path("", include("collaboration.urls")),
    path("", include("resumes.urls")),
    path("", include("interviews.urls")),
    path("", include("interviews.peer.urls")),
    path("", include("analytics.urls")),
    path("", include("chat.bot_urls")),
    path("", include("chat.secret_urls")),
    path("", include("chat.urls")),
    path("", include("accounts.urls")),
    path("", include("community.urls")),
]

if settings.DEBUG and not settings.AWS_STORAGE_BUCKET_NAME:
    urlpatterns += [
        path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

from django.urls import path

from . import media_apis
from .api_routes import slash_optional

urlpatterns = slash_optional([
    path("media/upload/", media_apis.MediaUploadApi.as_view(), name="api-media-upload"),
    path("media/<int:asset_id>/", media_apis.MediaDetailApi.as_view(), name="api-media-detail"),
    path("media/<int:asset_id>/retry/", media_apis.MediaRetryApi.as_view(), name="api-media-retry"),
    path("media/<int:asset_id>/file/<str:variant>/", media_apis.MediaFileApi.as_view(), name="api-media-file"),
])

from django.urls import path

from . import pwa_views

urlpatterns = [
    path("manifest.webmanifest", pwa_views.manifest, name="pwa-manifest"),
    path("sw.js", pwa_views.service_worker, name="pwa-service-worker"),
    path("offline/", pwa_views.offline, name="pwa-offline"),
]

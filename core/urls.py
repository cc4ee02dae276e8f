from django.urls import path

from . import views

urlpatterns = [
    path("health", views.health, name="health"),
    path("ready", views.ready, name="ready"),
    path("metrics", views.metrics_view, name="metrics"),
    path("settings/security/", views.security_events, name="security-events"),
]

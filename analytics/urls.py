from django.urls import path

from . import views

urlpatterns = [
    path("analytics/", views.dashboard, name="analytics-dashboard"),
    path("analytics/readiness/", views.readiness, name="analytics-readiness"),
    path("analytics/export/<slug:chart>.csv", views.chart_csv, name="analytics-csv"),
    path("analytics/platform/", views.platform, name="analytics-platform"),
    path("settings/your-data/", views.your_data, name="analytics-your-data"),
    path("settings/your-data/<int:export_id>/download/", views.export_download, name="analytics-export-download"),
]

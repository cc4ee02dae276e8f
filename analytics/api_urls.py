from django.urls import path

from core.api_routes import slash_optional

from . import apis

urlpatterns = slash_optional([
    path("analytics/dashboard/", apis.DashboardApi.as_view(), name="api-analytics-dashboard"),
    path("analytics/readiness/", apis.ReadinessApi.as_view(), name="api-analytics-readiness"),
    path("analytics/readiness/target/", apis.ReadinessTargetApi.as_view(), name="api-analytics-target"),
    path("analytics/user/<int:user_id>/overview/", apis.UserOverviewApi.as_view(), name="api-analytics-overview"),
    path("analytics/user/<int:user_id>/skills/", apis.UserSkillsApi.as_view(), name="api-analytics-skills"),
    path("analytics/user/<int:user_id>/activity/", apis.UserActivityApi.as_view(), name="api-analytics-activity"),
    path("analytics/user/<int:user_id>/performance/", apis.UserPerformanceApi.as_view(),
         name="api-analytics-performance"),
    path("analytics/user/<int:user_id>/streaks/", apis.UserStreaksApi.as_view(), name="api-analytics-streaks"),
    path("analytics/user/<int:user_id>/time-distribution/", apis.UserTimeDistributionApi.as_view(),
         name="api-analytics-time-distribution"),
    path("me/exports/", apis.DataExportListApi.as_view(), name="api-me-exports"),
    path("me/exports/<int:export_id>/", apis.DataExportDetailApi.as_view(), name="api-me-export"),
])

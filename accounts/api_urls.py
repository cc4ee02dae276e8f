from django.urls import path

from core.api_routes import slash_optional

from . import apis

urlpatterns = slash_optional([
    path("me/profile/", apis.ProfileDetailApi.as_view(), name="api-me-profile"),
    path("me/avatar/", apis.AvatarUploadApi.as_view(), name="api-me-avatar"),
    path("me/preferences/", apis.PreferencesDetailApi.as_view(), name="api-me-preferences"),
    path("me/progress/", apis.ProgressDetailApi.as_view(), name="api-me-progress"),
    path("me/account/", apis.AccountDeleteApi.as_view(), name="api-me-account"),
    path("me/achievements/", apis.AchievementListApi.as_view(), name="api-me-achievements"),
    path("achievements/", apis.AchievementCatalogApi.as_view(), name="api-achievements"),
    path("notifications/", apis.NotificationListApi.as_view(), name="api-notifications"),
    path("notifications/unread-count/", apis.NotificationUnreadCountApi.as_view(), name="api-notifications-unread"),
    path("notifications/read-all/", apis.NotificationMarkAllReadApi.as_view(), name="api-notifications-read-all"),
    path("notifications/<int:notification_id>/", apis.NotificationDetailApi.as_view(), name="api-notification"),
    path("notifications/<int:notification_id>/read/", apis.NotificationMarkReadApi.as_view(), name="api-notification-read"),
    path("users/<str:username>/", apis.UserDetailApi.as_view(), name="api-user"),
    path("users/<str:username>/follow/", apis.UserFollowApi.as_view(), name="api-user-follow"),
    path("users/<str:username>/followers/", apis.UserFollowersApi.as_view(), name="api-user-followers"),
    path("users/<str:username>/following/", apis.UserFollowingApi.as_view(), name="api-user-following"),
])

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/profile/", views.profile_edit, name="profile-edit"),
    path("settings/avatar/", views.avatar_upload, name="avatar-upload"),
    path("settings/preferences/", views.preferences_edit, name="preferences-edit"),
    path("settings/delete-account/", views.account_delete, name="account-delete"),
    path("people/", views.people, name="people"),
    path("u/<str:username>/", views.profile_public, name="profile-public"),
    path("u/<str:username>/followers/", views.followers, name="followers"),
    path("u/<str:username>/following/", views.following, name="following"),
    path("u/<str:username>/follow/", views.follow_toggle, name="follow-toggle"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications-read-all"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notification-read"),
    path("notifications/<int:notification_id>/delete/", views.notification_delete, name="notification-delete"),
    path("achievements/", views.achievements, name="achievements"),
    path("staff/", views.staff_overview, name="staff-overview"),
    path("staff/announce/", views.staff_announce, name="staff-announce"),
]

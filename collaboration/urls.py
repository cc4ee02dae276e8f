from django.urls import path

from . import views

urlpatterns = [
    path("rooms/", views.room_list, name="room-list"),
    path("rooms/<uuid:room_id>/", views.room_detail, name="room-detail"),
    path("rooms/<uuid:room_id>/join/", views.room_join, name="room-join"),
    path("rooms/<uuid:room_id>/interviewer-sections/", views.room_interviewer_sections,
         name="room-interviewer-sections"),
    path("rooms/<uuid:room_id>/revoke/", views.room_revoke, name="room-revoke"),
    path("rooms/<uuid:room_id>/attach/", views.room_attach, name="room-attach"),
    path("rooms/<uuid:room_id>/summary/", views.room_summary, name="room-summary"),
    path("rooms/for/<slug:slug>/", views.room_create_for_challenge, name="room-for-challenge"),
]

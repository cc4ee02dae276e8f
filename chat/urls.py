from django.urls import path

from . import views

urlpatterns = [
    path("chat/", views.chat_home, name="chat-home"),
    path("chat/search/", views.chat_search, name="chat-search"),
    path("chat/new/", views.chat_new, name="chat-new"),
    path("chat/with/<str:username>/", views.chat_with, name="chat-with"),
    path("chat/invite/<str:token>/", views.chat_invite, name="chat-invite"),
    path("chat/<int:chat_id>/", views.chat_detail, name="chat-detail"),
    path("chat/<int:chat_id>/join/", views.chat_join_public, name="chat-join"),
    path("chat/<int:chat_id>/invites/", views.chat_invite_create, name="chat-invite-create"),
    path("chat/<int:chat_id>/invites/<int:link_id>/revoke/", views.chat_invite_revoke, name="chat-invite-revoke"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("chat/", views.chat_home, name="chat-home"),
    path("chat/search/", views.chat_search, name="chat-search"),
    path("chat/<int:chat_id>/", views.chat_detail, name="chat-detail"),
]

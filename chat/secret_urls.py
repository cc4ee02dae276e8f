from django.urls import path

from . import secret_views

urlpatterns = [
    path("chat/secret/", secret_views.secret_chat_page, name="chat-secret-home"),
    path("chat/secret/<int:chat_id>/", secret_views.secret_chat_page, name="chat-secret"),
]

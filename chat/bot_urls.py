from django.urls import path

from . import bot_views

urlpatterns = [
    path("chat/bots/", bot_views.bots_page, name="chat-bots"),
    path("chat/bots/<int:bot_id>/token/rotate/", bot_views.bot_token_rotate, name="chat-bot-token-rotate"),
    path("chat/bots/<int:bot_id>/token/revoke/", bot_views.bot_token_revoke, name="chat-bot-token-revoke"),
    path("chat/bots/<int:bot_id>/webhook/", bot_views.bot_webhook, name="chat-bot-webhook"),
    path("chat/bots/<int:bot_id>/avatar/", bot_views.bot_avatar, name="chat-bot-avatar"),
]

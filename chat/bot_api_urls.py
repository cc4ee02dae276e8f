from django.urls import path

from core.api_routes import slash_optional

from . import bot_apis

urlpatterns = slash_optional([
    path("bots/", bot_apis.BotListApi.as_view(), name="api-bots"),
    path("bots/<int:bot_id>/", bot_apis.BotDetailApi.as_view(), name="api-bot"),
    path("bots/<int:bot_id>/token/", bot_apis.BotTokenApi.as_view(), name="api-bot-token"),
    path("bots/<int:bot_id>/deliveries/", bot_apis.BotDeliveriesApi.as_view(), name="api-bot-deliveries"),
    # The bot API, called by the bot's program with its token (Telegram's method names).
    path("bot/getMe/", bot_apis.BotGetMeApi.as_view(), name="bot-api-get-me"),
    path("bot/sendMessage/", bot_apis.BotSendMessageApi.as_view(), name="bot-api-send-message"),
    path("bot/getUpdates/", bot_apis.BotGetUpdatesApi.as_view(), name="bot-api-get-updates"),
    path("bot/setWebhook/", bot_apis.BotSetWebhookApi.as_view(), name="bot-api-set-webhook"),
    path("bot/deleteWebhook/", bot_apis.BotDeleteWebhookApi.as_view(), name="bot-api-delete-webhook"),
    path("bot/getWebhookInfo/", bot_apis.BotWebhookInfoApi.as_view(), name="bot-api-webhook-info"),
])

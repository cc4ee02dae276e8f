"""Chat bots over the API: the owner's side (/api/v1/bots/: create, tokens, delivery log), and
the bot API that the bot's own program calls with its token (/api/v1/bot/<method>, Telegram's
method names: getMe, sendMessage, getUpdates, setWebhook, deleteWebhook, getWebhookInfo).

The bot token goes in a header, `Authorization: Bot <token>`, never in the URL (Telegram puts it
in the path, where access logs and proxies keep it). Answers and errors are the site's usual
JSON: the object itself, or `{"error": {code, message, details}}`."""

import time

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import authentication, exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.json_input import StrictJSONTypes
from core.pagination import FeedCursorPagination, PagePagination, PageQuery, paginated_response

from . import bot_selectors, bot_services
from .apis import MessageOutput, _message_out
from .bot_models import Bot, WebhookDeliveryStatus

BOT_AUTH_KEYWORD = "Bot"


class BotTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bot <token>`: the request is the bot's (request.user its account,
    request.auth the Bot)."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _, token = header.partition(" ")
        if keyword != BOT_AUTH_KEYWORD:
            return None
        bot = bot_services.bot_authenticate(token.strip())
        if bot is None:
            raise exceptions.AuthenticationFailed(
                "This bot token is not valid: it may have been revoked or replaced by a new one.")
        return bot.user, bot

    def authenticate_header(self, request):
        return BOT_AUTH_KEYWORD


class BotTokenScheme(OpenApiAuthenticationExtension):
    target_class = BotTokenAuthentication
    name = "botToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Bot <token>`: the token shown once when the bot was made (or its token rotated)."}


class IsBot(IsAuthenticated):
    def has_permission(self, request, view):
        return isinstance(request.auth, Bot)


class BotApi(APIView):
    authentication_classes = [BotTokenAuthentication]
    permission_classes = [IsBot]


# --- shapes -------------------------------------------------------------------------------------

class BotUserOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="The bot's user id (what chats list as a member).")
    is_bot = serializers.BooleanField()
    first_name = serializers.CharField()
    username = serializers.CharField()


class BotOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.display_name")
    user_id = serializers.IntegerField()
    token_active = serializers.SerializerMethodField()
    token_hint = serializers.CharField(help_text="The last 4 characters of the current token.")
    token_created_at = serializers.DateTimeField(allow_null=True)
    token_revoked_at = serializers.DateTimeField(allow_null=True)
    webhook_url = serializers.CharField()
    webhook_secret = serializers.CharField(help_text="Signs webhook deliveries (HMAC-SHA256); '' until a webhook is set.")
    created_at = serializers.DateTimeField()

    def get_token_active(self, bot) -> bool:
        return bool(bot.token_hash)


class BotWithTokenOutput(BotOutput):
    token = serializers.CharField(help_text="Shown this once; only its hash is kept.")


class BotCreateInput(StrictJSONTypes, serializers.Serializer):
    username = serializers.RegexField(bot_services.BOT_USERNAME.pattern.replace("bot$", "[Bb][Oo][Tt]$"),
                                      max_length=32, help_text="3-32 letters, digits or _, ending in bot.")
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class TokenOutput(serializers.Serializer):
    token = serializers.CharField(help_text="Shown this once; the token before it no longer works.")


class DeliveryAttemptOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    attempt = serializers.IntegerField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    duration_ms = serializers.IntegerField()
    response_bytes = serializers.IntegerField()
    truncated = serializers.BooleanField()
    response_excerpt = serializers.CharField()


class DeliveryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    update_id = serializers.IntegerField()
    url = serializers.CharField()
    status = serializers.ChoiceField(choices=WebhookDeliveryStatus.choices)
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    attempt_log = DeliveryAttemptOutput(many=True)
    created_at = serializers.DateTimeField()


# --- the owner's side ---------------------------------------------------------------------------

class BotListApi(APIView):
    throttle_scope = "writes"

    @extend_schema(parameters=[PageQuery], responses=PagePagination.response(BotOutput), operation_id="bots_list")
    def get(self, request):
        return paginated_response(request, self, bot_selectors.bots_of_owner(owner=request.user), BotOutput)

    @extend_schema(request=BotCreateInput, responses={201: BotWithTokenOutput}, operation_id="bots_create")
    def post(self, request):
        data = BotCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        bot, token = bot_services.bot_create(owner=request.user, **data.validated_data)
        return Response({**BotOutput(bot).data, "token": token}, status=status.HTTP_201_CREATED)


class BotDetailApi(APIView):
    @extend_schema(responses=BotOutput, operation_id="bots_detail")
    def get(self, request, bot_id: int):
        return Response(BotOutput(bot_selectors.bot_get_for_owner(owner=request.user, bot_id=bot_id)).data)


class BotTokenApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses={201: TokenOutput}, operation_id="bots_token_rotate")
    def post(self, request, bot_id: int):
        bot = bot_selectors.bot_get_for_owner(owner=request.user, bot_id=bot_id)
        return Response({"token": bot_services.bot_token_rotate(owner=request.user, bot=bot)},
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None}, operation_id="bots_token_revoke")
    def delete(self, request, bot_id: int):
        bot = bot_selectors.bot_get_for_owner(owner=request.user, bot_id=bot_id)
        bot_services.bot_token_revoke(owner=request.user, bot=bot)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BotDeliveriesApi(APIView):
    @extend_schema(responses=FeedCursorPagination.response(DeliveryOutput), operation_id="bots_deliveries_list")
    def get(self, request, bot_id: int):
        bot = bot_selectors.bot_get_for_owner(owner=request.user, bot_id=bot_id)
        return paginated_response(request, self, bot_selectors.webhook_deliveries_of_bot(bot=bot), DeliveryOutput,
                                  pagination=FeedCursorPagination)


# --- the bot API --------------------------------------------------------------------------------

class SendMessageInput(StrictJSONTypes, serializers.Serializer):
    chat_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    text = serializers.CharField(max_length=100_000, trim_whitespace=False)
    reply_to_message_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)


class GetUpdatesInput(StrictJSONTypes, serializers.Serializer):
    offset = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False, default=0,
                                      help_text="The first update wanted; every update below it is confirmed and forgotten.")
    limit = serializers.IntegerField(min_value=1, max_value=100, required=False, default=100)
    timeout = serializers.IntegerField(min_value=0, max_value=3600, required=False, default=0,
                                       help_text="Seconds to wait for an update when there is none "
                                                 "(long polling; at most BOT_LONG_POLL_MAX_SECONDS).")


class UpdateOutput(serializers.Serializer):
    update_id = serializers.IntegerField()
    message = serializers.JSONField(required=False, help_text="A message in a private chat or group.")
    channel_post = serializers.JSONField(required=False, help_text="A post in a channel.")

    def to_representation(self, update):
        return update.payload


class SetWebhookInput(StrictJSONTypes, serializers.Serializer):
    url = serializers.CharField(max_length=2048, help_text="http(s) URL of a public address.")
    new_secret = serializers.BooleanField(required=False, default=False, help_text="Make a new signing secret.")


class WebhookInfoOutput(serializers.Serializer):
    url = serializers.CharField()
    secret = serializers.CharField(help_text="HMAC-SHA256 key of the X-PrepForge-Signature header.")
    pending_update_count = serializers.IntegerField()
    last_error = serializers.CharField()


def _webhook_info(bot: Bot) -> dict:
    last = bot_selectors.webhook_deliveries_of_bot(bot=bot).exclude(last_error="").values_list("last_error", flat=True).first()
    pending = bot_selectors.webhook_pending_count(bot=bot) if bot.webhook_url else bot_selectors.bot_pending_update_count(bot=bot)
    return {"url": bot.webhook_url, "secret": bot.webhook_secret if bot.webhook_url else "",
            "pending_update_count": pending, "last_error": last or ""}


class BotGetMeApi(BotApi):
    @extend_schema(responses=BotUserOutput, operation_id="bot_get_me")
    def get(self, request):
        return Response(bot_services.bot_to_dict(request.auth))


class BotSendMessageApi(BotApi):
    @extend_schema(request=SendMessageInput, responses={201: MessageOutput}, operation_id="bot_send_message")
    def post(self, request):
        data = SendMessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        message = bot_services.bot_send_message(bot=request.auth, chat_id=values["chat_id"], text=values["text"],
                                                reply_to_message_id=values.get("reply_to_message_id"))
        return Response(_message_out(request.user, message.id), status=status.HTTP_201_CREATED)


class BotGetUpdatesApi(BotApi):
    """POST, not GET: the offset confirms (deletes) what came before it."""

    @extend_schema(request=GetUpdatesInput, responses={200: UpdateOutput(many=True)}, operation_id="bot_get_updates")
    def post(self, request):
        data = GetUpdatesInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        bot = request.auth
        bot_services.bot_updates_confirm(bot=bot, offset=values["offset"])
        wait = min(values["timeout"], getattr(settings, "BOT_LONG_POLL_MAX_SECONDS", 25))
        deadline = time.monotonic() + wait
        # Long polling holds one request thread (core.asgi_handler gives each request its own).
        while True:
            updates = bot_selectors.bot_updates_pending(bot=bot, offset=values["offset"], limit=values["limit"])
            if updates or time.monotonic() >= deadline:
                return Response(UpdateOutput(updates, many=True).data)
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))


class BotSetWebhookApi(BotApi):
    @extend_schema(request=SetWebhookInput, responses={200: WebhookInfoOutput}, operation_id="bot_set_webhook")
    def post(self, request):
        data = SetWebhookInput(data=request.data)
        data.is_valid(raise_exception=True)
        bot = bot_services.bot_webhook_set(bot=request.auth, **data.validated_data)
        return Response(_webhook_info(bot))


class BotDeleteWebhookApi(BotApi):
    @extend_schema(request=None, responses={200: WebhookInfoOutput}, operation_id="bot_delete_webhook")
    def post(self, request):
        return Response(_webhook_info(bot_services.bot_webhook_delete(bot=request.auth)))


class BotWebhookInfoApi(BotApi):
    @extend_schema(responses=WebhookInfoOutput, operation_id="bot_get_webhook_info")
    def get(self, request):
        return Response(_webhook_info(request.auth))

"""The secret-chat API for mobile apps (and the page), under /api/v1/secret/. It moves public
keys, wrapped private keys and ciphertext; a client does the cryptography (the protocol is in
chat/secret_engine/shapes.py and static/src/chat/secret_crypto.js). Someone else's secret chat
answers 404."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.json_input import StrictJSONTypes
from core.pagination import FeedCursorPagination, paginated_response

from . import secret_selectors, secret_services
from .apis import UserBriefOutput
from .secret_engine import shapes
from .secret_models import SecretMessageKind
from .secret_selectors import SecretChatView

# --- shapes -------------------------------------------------------------------------------------


class PublicKeyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    public_key = serializers.CharField(help_text="Base64 of the raw uncompressed P-256 point (65 bytes).")
    created_at = serializers.DateTimeField()


class PeerKeyOutput(PublicKeyOutput):
    username = serializers.CharField()


class OwnKeyOutput(PublicKeyOutput):
    current = serializers.BooleanField()
    wrapped_private_key = serializers.CharField(help_text="Base64 of AES-GCM(PBKDF2 key, wrap_iv, PKCS#8).")
    wrap_salt = serializers.CharField()
    wrap_iv = serializers.CharField()
    wrap_iterations = serializers.IntegerField()

    def to_representation(self, key):
        return {**secret_services.secret_key_to_dict(key), "current": key.retired_at is None,
                "wrapped_private_key": key.wrapped_private_key, "wrap_salt": key.wrap_salt,
                "wrap_iv": key.wrap_iv, "wrap_iterations": key.wrap_iterations}


def base64_field(min_bytes: int, max_bytes: int, help_text: str = "") -> serializers.RegexField:
    """Canonical base64 of min..max bytes, as the schema states it for clients."""
    return serializers.RegexField(shapes.CANONICAL_BASE64, min_length=shapes.base64_length(min_bytes),
                                  max_length=shapes.base64_length(max_bytes), help_text=help_text)


class KeyPublishInput(StrictJSONTypes, serializers.Serializer):
    public_key = base64_field(shapes.PUBLIC_KEY_BYTES, shapes.PUBLIC_KEY_BYTES,
                              "Raw uncompressed P-256 point (0x04 || X || Y), on the curve.")
    wrapped_private_key = base64_field(shapes.WRAPPED_KEY_MIN_BYTES, shapes.WRAPPED_KEY_MAX_BYTES,
                                       "AES-GCM of the PKCS#8 private key under the PBKDF2 key.")
    wrap_salt = base64_field(shapes.SALT_MIN_BYTES, shapes.SALT_MAX_BYTES)
    wrap_iv = base64_field(shapes.IV_BYTES, shapes.IV_BYTES)
    wrap_iterations = serializers.IntegerField(min_value=shapes.PBKDF2_MIN_ITERATIONS,
                                               max_value=shapes.PBKDF2_MAX_ITERATIONS)


class SecretChatOutput(serializers.Serializer):
    id = serializers.IntegerField()
    peer = UserBriefOutput()
    peer_key = PublicKeyOutput(allow_null=True, help_text="The peer's current key: seal messages for it.")
    trusted_key_id = serializers.IntegerField(allow_null=True, help_text="The peer key you last compared.")
    key_changed = serializers.BooleanField(help_text="The peer's key is not the one you compared: warn.")
    last_activity_at = serializers.DateTimeField()

    def to_representation(self, view: SecretChatView):
        return {"id": view.chat.id, "peer": secret_services.user_brief(view.peer),
                "peer_key": secret_services.secret_key_to_dict(view.peer_key),
                "trusted_key_id": view.trusted_key_id, "key_changed": view.key_changed,
                "last_activity_at": view.chat.last_activity_at.isoformat()}


class SecretChatOpenInput(StrictJSONTypes, serializers.Serializer):
    username = serializers.CharField(max_length=150)


class SecretMessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    chat_id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=SecretMessageKind.choices,
                                   help_text="key_changed: a notice that the sender published a new key.")
    sender = UserBriefOutput(allow_null=True)
    sender_key = PublicKeyOutput(allow_null=True)
    recipient_key = PublicKeyOutput(allow_null=True, help_text="Sealed: the key it was sealed for.")
    iv = serializers.CharField(help_text="Base64, 12 bytes ('' on notices).")
    ciphertext = serializers.CharField(help_text="Base64 of the AES-GCM output, tag included ('' on notices).")
    created_at = serializers.DateTimeField()

    def to_representation(self, message):
        return secret_services.secret_message_to_dict(message)


class SecretMessageSendInput(StrictJSONTypes, serializers.Serializer):
    sender_key_id = serializers.IntegerField(min_value=1, help_text="Your current key.")
    recipient_key_id = serializers.IntegerField(min_value=1, help_text="The peer's current key.")
    iv = base64_field(shapes.IV_BYTES, shapes.IV_BYTES)
    ciphertext = base64_field(shapes.GCM_TAG_BYTES, shapes.CIPHERTEXT_MAX_BYTES, "AES-GCM output, tag included.")


class SecretTrustInput(StrictJSONTypes, serializers.Serializer):
    key_id = serializers.IntegerField(min_value=1, help_text="The peer's current key, whose safety number you compared.")


class SecretMessagePagination(FeedCursorPagination):
    page_size = 50


def _chat_out(user, chat_id: int) -> dict:
    return SecretChatOutput(secret_selectors.secret_chat_get_for_user(user=user, chat_id=chat_id)).data


# --- operations ---------------------------------------------------------------------------------


class SecretKeysApi(APIView):
    throttle_scope = "writes"

    @extend_schema(responses=OwnKeyOutput(many=True), operation_id="secret_keys_own_list")
    def get(self, request):
        return Response(OwnKeyOutput(secret_selectors.secret_keys_of(user=request.user), many=True).data)

    @extend_schema(request=KeyPublishInput, responses={201: OwnKeyOutput}, operation_id="secret_keys_publish")
    def post(self, request):
        data = KeyPublishInput(data=request.data)
        data.is_valid(raise_exception=True)
        key = secret_services.secret_key_publish(user=request.user, **data.validated_data)
        return Response(OwnKeyOutput(key).data, status=status.HTTP_201_CREATED)


class SecretPeerKeyApi(APIView):
    @extend_schema(responses=PeerKeyOutput, operation_id="secret_keys_peer_retrieve")
    def get(self, request, username: str):
        key = secret_selectors.secret_key_current_of_username(username=username)
        return Response({**secret_services.secret_key_to_dict(key), "username": key.user.username})


class SecretChatListApi(APIView):
    throttle_scope = "writes"

    @extend_schema(responses=SecretChatOutput(many=True), operation_id="secret_chats_list")
    def get(self, request):
        return Response(SecretChatOutput(secret_selectors.secret_chats_for_user(user=request.user), many=True).data)

    @extend_schema(request=SecretChatOpenInput, responses={200: SecretChatOutput}, operation_id="secret_chats_open")
    def post(self, request):
        data = SecretChatOpenInput(data=request.data)
        data.is_valid(raise_exception=True)
        peer = secret_selectors.secret_peer_get(username=data.validated_data["username"])
        chat = secret_services.secret_chat_open(user=request.user, peer=peer)
        return Response(_chat_out(request.user, chat.id))


class SecretChatDetailApi(APIView):
    @extend_schema(responses=SecretChatOutput, operation_id="secret_chats_retrieve")
    def get(self, request, chat_id: int):
        return Response(_chat_out(request.user, chat_id))


class SecretChatMessagesApi(APIView):
    throttle_scope = "writes"

    @extend_schema(parameters=[SecretMessagePagination.query],
                   responses=SecretMessagePagination.response(SecretMessageOutput),
                   operation_id="secret_chats_messages_list")
    def get(self, request, chat_id: int):
        view = secret_selectors.secret_chat_get_for_user(user=request.user, chat_id=chat_id)
        return paginated_response(request, self, secret_selectors.secret_messages_of(chat=view.chat),
                                  SecretMessageOutput, pagination=SecretMessagePagination)

    @extend_schema(request=SecretMessageSendInput, responses={201: SecretMessageOutput},
                   operation_id="secret_chats_messages_send")
    def post(self, request, chat_id: int):
        view = secret_selectors.secret_chat_get_for_user(user=request.user, chat_id=chat_id)
        data = SecretMessageSendInput(data=request.data)
        data.is_valid(raise_exception=True)
        message = secret_services.secret_message_send(sender=request.user, chat=view.chat, **data.validated_data)
        return Response(SecretMessageOutput(message).data, status=status.HTTP_201_CREATED)


class SecretChatTrustApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=SecretTrustInput, responses=SecretChatOutput, operation_id="secret_chats_trust")
    def post(self, request, chat_id: int):
        view = secret_selectors.secret_chat_get_for_user(user=request.user, chat_id=chat_id)
        data = SecretTrustInput(data=request.data)
        data.is_valid(raise_exception=True)
        secret_services.secret_chat_trust(user=request.user, chat=view.chat, key_id=data.validated_data["key_id"])
        return Response(_chat_out(request.user, chat_id))

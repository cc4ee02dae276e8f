from django.urls import path

from core.api_routes import slash_optional

from . import secret_apis

urlpatterns = slash_optional([
    path("secret/keys/", secret_apis.SecretKeysApi.as_view(), name="api-secret-keys"),
    path("secret/keys/<str:username>/", secret_apis.SecretPeerKeyApi.as_view(), name="api-secret-peer-key"),
    path("secret/chats/", secret_apis.SecretChatListApi.as_view(), name="api-secret-chats"),
    path("secret/chats/<int:chat_id>/", secret_apis.SecretChatDetailApi.as_view(), name="api-secret-chat"),
    path("secret/chats/<int:chat_id>/messages/", secret_apis.SecretChatMessagesApi.as_view(),
         name="api-secret-chat-messages"),
    path("secret/chats/<int:chat_id>/trust/", secret_apis.SecretChatTrustApi.as_view(), name="api-secret-chat-trust"),
])

from django.urls import path

from core.api_routes import slash_optional

from . import apis, attachment_apis, call_apis

# The seed's clients call /api/chats and /api/messages (no slash): slash_optional serves both.
urlpatterns = slash_optional([
    path("chats/", apis.ChatListApi.as_view(), name="api-chats"),
    path("chats/private/", apis.PrivateChatOpenApi.as_view(), name="api-chats-private"),
    path("chats/public/", apis.PublicChannelListApi.as_view(), name="api-chats-public"),
    path("chats/join/", apis.InviteJoinApi.as_view(), name="api-chats-join"),
    path("chats/<int:chat_id>/", apis.ChatDetailApi.as_view(), name="api-chat"),
    path("chats/<int:chat_id>/settings/", apis.ChatSettingsApi.as_view(), name="api-chat-settings"),
    path("chats/<int:chat_id>/members/", apis.ChatMembersApi.as_view(), name="api-chat-members"),
    path("chats/<int:chat_id>/members/<str:username>/", apis.ChatMemberApi.as_view(), name="api-chat-member"),
    path("chats/<int:chat_id>/members/<str:username>/mute/", apis.ChatMemberMuteApi.as_view(), name="api-chat-member-mute"),
    path("chats/<int:chat_id>/leave/", apis.ChatLeaveApi.as_view(), name="api-chat-leave"),
    path("chats/<int:chat_id>/join/", apis.ChannelJoinApi.as_view(), name="api-chat-join"),
    path("chats/<int:chat_id>/transfer/", apis.ChatTransferApi.as_view(), name="api-chat-transfer"),
    path("chats/<int:chat_id>/read/", apis.ChatReadApi.as_view(), name="api-chat-read"),
    path("chats/<int:chat_id>/messages/", apis.ChatMessagesApi.as_view(), name="api-chat-messages"),
    path("chats/<int:chat_id>/invite-links/", apis.InviteLinkListApi.as_view(), name="api-chat-invites"),
    path("chats/<int:chat_id>/invite-links/<int:link_id>/revoke/", apis.InviteLinkRevokeApi.as_view(),
         name="api-chat-invite-revoke"),
    path("messages/search/", apis.MessageSearchApi.as_view(), name="api-messages-search"),
    path("messages/<int:message_id>/", apis.MessageDetailApi.as_view(), name="api-message"),
    path("messages/<int:message_id>/edits/", apis.MessageEditHistoryApi.as_view(), name="api-message-edits"),
    path("messages/<int:message_id>/reactions/", apis.MessageReactionsApi.as_view(), name="api-message-reactions"),
    path("messages/<int:message_id>/forward/", apis.MessageForwardApi.as_view(), name="api-message-forward"),
    path("messages/<int:message_id>/report/", apis.MessageReportApi.as_view(), name="api-message-report"),
    path("calls/", call_apis.CallListApi.as_view(), name="api-calls"),
    path("calls/<int:call_id>/", call_apis.CallDetailApi.as_view(), name="api-call"),
    path("files/", attachment_apis.AttachmentSendApi.as_view(), name="api-files"),
    path("files/limits/", attachment_apis.AttachmentLimitsApi.as_view(), name="api-files-limits"),
    path("files/<int:attachment_id>/<str:variant>/", attachment_apis.AttachmentFileApi.as_view(), name="api-file"),
])

"""The messenger's API (the seed's /api/chats and /api/messages, under /api/v1/). Another
user's chat or message answers 404; business-rule failures answer the error envelope."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from core.exceptions import NotFound, first_or_not_found
from core.json_input import StrictJSONTypes
from core.pagination import FeedCursorPagination, paginated_response
from core.query_params import QueryInput, QueryInteger, query_valid

from . import selectors, services
from .models import ChatKind, InviteLink, MemberRole

# --- shapes -------------------------------------------------------------------------------------


class UserBriefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class ReactionOutput(serializers.Serializer):
    emoji = serializers.CharField()
    count = serializers.IntegerField()
    users = serializers.ListField(child=serializers.CharField())


class ReplyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    deleted = serializers.BooleanField()
    sender = UserBriefOutput(required=False, allow_null=True)
    excerpt = serializers.CharField(required=False)


class CardOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["challenge", "submission", "room", "profile"])
    url = serializers.CharField()
    title = serializers.CharField()
    subtitle = serializers.CharField()


class ReceiptOutput(serializers.Serializer):
    state = serializers.ChoiceField(choices=["sent", "delivered", "read"])
    seen_by = serializers.IntegerField()


class AttachmentUrlsOutput(serializers.Serializer):
    view = serializers.CharField(allow_null=True, help_text="The image without its metadata, or what a player loads.")
    thumbnail = serializers.CharField(allow_null=True, help_text="Image thumbnail or video poster (JPEG).")
    download = serializers.CharField(allow_null=True)


class AttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["image", "video", "audio", "voice", "file"])
    status = serializers.ChoiceField(choices=["queued", "processing", "ready", "failed"])
    stage = serializers.CharField()
    progress = serializers.IntegerField()
    failure_reason = serializers.CharField()
    name = serializers.CharField()
    size_bytes = serializers.IntegerField()
    label = serializers.CharField(help_text="Plain files: what the bytes are (PDF document, Program...).")
    content_type = serializers.CharField()
    duration_seconds = serializers.FloatField(allow_null=True)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    animated = serializers.BooleanField(help_text="An animated GIF or WebP: show `view` (the thumbnail is its first frame).")
    waveform = serializers.ListField(child=serializers.FloatField(), help_text="Audio: peaks 0..1 for drawing.")
    urls = AttachmentUrlsOutput()


class MessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    chat_id = serializers.IntegerField()
    kind = serializers.CharField()
    sender = UserBriefOutput(allow_null=True)
    body = serializers.CharField(help_text="Markdown source ('' when deleted).")
    html = serializers.CharField(help_text="Sanitised HTML.")
    cards = CardOutput(many=True)
    reply_to = ReplyOutput(allow_null=True)
    forwarded_from = serializers.CharField(allow_null=True)
    silent = serializers.BooleanField()
    edited = serializers.BooleanField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField()
    reactions = ReactionOutput(many=True)
    created_at = serializers.DateTimeField()
    receipt = ReceiptOutput(allow_null=True, help_text="On your own messages: sent, delivered, read / seen by N.")
    attachment = AttachmentOutput(allow_null=True)

    def to_representation(self, message):
        data = services.message_to_dict(message, list(message.reactions.all()))
        chat, states = self.context.get("chat"), self.context.get("states")
        data["receipt"] = (selectors.receipt_for(message, viewer_id=self.context["viewer_id"], chat=chat, states=states)
                           if chat is not None and states is not None else None)
        return data


class ChatOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ChatKind.choices)
    title = serializers.CharField()
    description = serializers.CharField()
    is_public = serializers.BooleanField()
    slow_mode_seconds = serializers.IntegerField()
    role = serializers.ChoiceField(choices=MemberRole.choices)
    member_count = serializers.IntegerField()
    unread_count = serializers.IntegerField()
    pinned = serializers.BooleanField()
    muted = serializers.BooleanField()
    archived = serializers.BooleanField()
    other_user = UserBriefOutput(allow_null=True, help_text="Private chats: the other person.")
    last_message = MessageOutput(allow_null=True)
    last_activity_at = serializers.DateTimeField()

    def to_representation(self, membership):
        chat = membership.chat
        last = chat.last_message
        preview = None
        if last is not None:
            preview = services.message_to_dict(last, [])
            preview["receipt"] = None
        other = None
        if chat.kind == ChatKind.PRIVATE and getattr(membership, "other_user_id", None):
            other = {"id": membership.other_user_id, "username": membership.other_username,
                     "name": membership.other_name or membership.other_username}
        return {
            "id": chat.id, "kind": chat.kind, "title": selectors.chat_display_title(membership),
            "description": chat.description, "is_public": chat.is_public,
            "slow_mode_seconds": chat.slow_mode_seconds, "role": membership.role,
            "member_count": getattr(membership, "member_count", 0),
            "unread_count": getattr(membership, "unread_count", 0), "pinned": membership.pinned_at is not None,
            "muted": membership.muted, "archived": membership.archived, "other_user": other,
            "last_message": preview, "last_activity_at": chat.last_activity_at,
        }


def _chat_out(user, chat_id) -> dict:
    selectors.chat_get_for_user(user=user, chat_id=chat_id)  # 404 first, for any id
    membership = selectors.chat_list_for_user(user=user, archived=False).filter(chat_id=chat_id).first() or \
        selectors.chat_list_for_user(user=user, archived=True).filter(chat_id=chat_id).first()
    if membership is None:
        raise NotFound("No such chat.")
    return ChatOutput(membership).data


def _user(username: str) -> User:
    return first_or_not_found(User.objects.filter(username=username, is_active=True), "No such user.")


# --- chats --------------------------------------------------------------------------------------

class ChatListQuery(QueryInput):
    q = serializers.CharField(max_length=100, required=False, allow_blank=True, help_text="Filter by name.")
    archived = serializers.BooleanField(required=False, default=False)


class ChatCreateInput(StrictJSONTypes, serializers.Serializer):
    kind = serializers.ChoiceField(choices=[ChatKind.GROUP, ChatKind.CHANNEL])
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    is_public = serializers.BooleanField(required=False, default=False,
                                         help_text="Channels only: found by search, joined without an invite. "
                                                   "Groups are always private (a group ignores it).")
    members = serializers.ListField(child=serializers.CharField(max_length=150), required=False, default=list,
                                    max_length=services.MAX_GROUP_MEMBERS, help_text="Usernames.")


class ChatListApi(APIView):
    throttle_scope = "writes"

    @extend_schema(parameters=[ChatListQuery], responses=ChatOutput(many=True), operation_id="chats_list")
    def get(self, request):
        query = query_valid(ChatListQuery, request)
        rows = selectors.chat_list_for_user(user=request.user, archived=query.get("archived", False),
                                            query=query.get("q", ""))
        return Response(ChatOutput(rows[:500], many=True).data)

    @extend_schema(request=ChatCreateInput, responses={201: ChatOutput}, operation_id="chats_create")
    def post(self, request):
        data = ChatCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        names = values.pop("members")
        values["is_public"] = values["is_public"] and values["kind"] == ChatKind.CHANNEL
        members = list(User.objects.filter(username__in=names, is_active=True))
        missing = sorted(set(names) - {m.username for m in members})
        if missing:
            raise NotFound("No such user.", details={"members": missing})
        chat = services.chat_create(owner=request.user, members=members, **values)
        return Response(_chat_out(request.user, chat.id), status=status.HTTP_201_CREATED)


class PrivateChatInput(StrictJSONTypes, serializers.Serializer):
    username = serializers.CharField(max_length=150)


class PrivateChatOpenApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=PrivateChatInput, responses={200: ChatOutput}, operation_id="chats_private_open")
    def post(self, request):
        data = PrivateChatInput(data=request.data)
        data.is_valid(raise_exception=True)
        chat = services.chat_private_open(user=request.user, other=_user(data.validated_data["username"]))
        return Response(_chat_out(request.user, chat.id))


class ChatUpdateInput(StrictJSONTypes, serializers.Serializer):
    title = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    is_public = serializers.BooleanField(required=False)
    slow_mode_seconds = serializers.IntegerField(min_value=0, max_value=86400, required=False)


class ChatDetailApi(APIView):
    throttle_scope = "writes"

    @extend_schema(responses=ChatOutput, operation_id="chats_retrieve")
    def get(self, request, chat_id: int):
        return Response(_chat_out(request.user, chat_id))

    @extend_schema(request=ChatUpdateInput, responses=ChatOutput, operation_id="chats_update")
    def patch(self, request, chat_id: int):
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        data = ChatUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.chat_update(actor=request.user, chat=chat, **data.validated_data)
        return Response(_chat_out(request.user, chat_id))


class ChatSettingsInput(StrictJSONTypes, serializers.Serializer):
    pinned = serializers.BooleanField(required=False)
    muted = serializers.BooleanField(required=False)
    archived = serializers.BooleanField(required=False)


class ChatSettingsApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=ChatSettingsInput, responses=ChatOutput, operation_id="chats_settings_update")
    def patch(self, request, chat_id: int):
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        data = ChatSettingsInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.membership_settings_update(user=request.user, chat=chat, **data.validated_data)
        return Response(_chat_out(request.user, chat_id))


class MemberOutput(serializers.Serializer):
    user = UserBriefOutput()
    role = serializers.ChoiceField(choices=MemberRole.choices)
    silenced_until = serializers.DateTimeField(allow_null=True)
    presence = serializers.DictField(help_text="status (online, away, dnd, offline, hidden) and last_seen_at.")


class MemberAddInput(StrictJSONTypes, serializers.Serializer):
    username = serializers.CharField(max_length=150)


class ChatMembersApi(APIView):
    throttle_scope = "writes"

    @extend_schema(responses=MemberOutput(many=True), operation_id="chats_members_list")
    def get(self, request, chat_id: int):
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        members = list(selectors.chat_members(chat=chat)[:500])
        presence = selectors.presence_of(user_ids=[m.user_id for m in members])
        return Response([{"user": services.user_brief(m.user), "role": m.role, "silenced_until": m.silenced_until,
                          "presence": presence[m.user_id]} for m in members])

    @extend_schema(request=MemberAddInput, responses={201: MemberOutput}, operation_id="chats_members_add")
    def post(self, request, chat_id: int):
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        data = MemberAddInput(data=request.data)
        data.is_valid(raise_exception=True)
        person = _user(data.validated_data["username"])
        membership = services.member_add(actor=request.user, chat=chat, user=person)
        return Response({"user": services.user_brief(person), "role": membership.role, "silenced_until": None,
                         "presence": selectors.presence_of(user_ids=[person.id])[person.id]},
                        status=status.HTTP_201_CREATED)


class MemberRoleInput(StrictJSONTypes, serializers.Serializer):
    role = serializers.ChoiceField(choices=MemberRole.choices, help_text="admin or member (ownership is transferred).")


class ChatMemberApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=MemberRoleInput, responses={204: None}, operation_id="chats_members_set_role")
    def patch(self, request, chat_id: int, username: str):
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        data = MemberRoleInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.member_set_role(actor=request.user, chat=chat, user=_user(username), role=data.validated_data["role"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={204: None}, operation_id="chats_members_remove")
    def delete(self, request, chat_id: int, username: str):
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        services.member_remove(actor=request.user, chat=chat, user=_user(username))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberMuteInput(StrictJSONTypes, serializers.Serializer):
    minutes = serializers.IntegerField(min_value=0, max_value=525600, help_text="0 lifts the mute.")


class ChatMemberMuteApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=MemberMuteInput, responses={204: None}, operation_id="chats_members_mute")
    def post(self, request, chat_id: int, username: str):
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        data = MemberMuteInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.member_silence(actor=request.user, chat=chat, user=_user(username),
                                minutes=data.validated_data["minutes"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChatLeaveApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses={204: None}, operation_id="chats_leave")
    def post(self, request, chat_id: int):
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        services.chat_leave(user=request.user, chat=chat)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChatTransferApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=MemberAddInput, responses={204: None}, operation_id="chats_transfer_ownership")
    def post(self, request, chat_id: int):
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        data = MemberAddInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.chat_transfer_ownership(actor=request.user, chat=chat, user=_user(data.validated_data["username"]))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChatReadInput(StrictJSONTypes, serializers.Serializer):
    up_to = serializers.IntegerField(min_value=1, max_value=2**62, required=False, help_text="Default: the last message.")


class ChatReadOutput(serializers.Serializer):
    up_to = serializers.IntegerField(help_text="The message id read up to now.")


class ChatReadApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=ChatReadInput, responses=ChatReadOutput, operation_id="chats_mark_read")
    def post(self, request, chat_id: int):
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        data = ChatReadInput(data=request.data)
        data.is_valid(raise_exception=True)
        up_to = services.chat_mark_read(user=request.user, chat=chat, up_to_message_id=data.validated_data.get("up_to"))
        return Response({"up_to": up_to})


class ChannelJoinApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses={200: ChatOutput}, operation_id="chats_join_public")
    def post(self, request, chat_id: int):
        chat = selectors.public_channel_get(chat_id=chat_id)
        services.chat_join(user=request.user, chat=chat)
        return Response(_chat_out(request.user, chat.id))


class PublicChannelOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    member_count = serializers.IntegerField()


class PublicChannelQuery(QueryInput):
    q = serializers.CharField(max_length=100, required=False, allow_blank=True)


class PublicChannelListApi(APIView):
    @extend_schema(parameters=[PublicChannelQuery], responses=PublicChannelOutput(many=True),
                   operation_id="chats_public_channels")
    def get(self, request):
        query = query_valid(PublicChannelQuery, request)
        return Response(PublicChannelOutput(selectors.public_channels_search(query=query.get("q", "")), many=True).data)


class InviteLinkOutput(serializers.Serializer):
    id = serializers.IntegerField()
    token = serializers.CharField()
    revoked = serializers.BooleanField()
    created_at = serializers.DateTimeField()

    def to_representation(self, link):
        return {"id": link.id, "token": link.token, "revoked": link.revoked_at is not None,
                "created_at": link.created_at}


class InviteLinkListApi(APIView):
    throttle_scope = "writes"

    @extend_schema(responses=InviteLinkOutput(many=True), operation_id="chats_invite_links_list")
    def get(self, request, chat_id: int):
        chat, membership = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        if not membership.is_admin:
            raise NotFound("No such chat.")
        return Response(InviteLinkOutput(InviteLink.objects.filter(chat=chat).order_by("-id")[:100], many=True).data)

    @extend_schema(request=None, responses={201: InviteLinkOutput}, operation_id="chats_invite_links_create")
    def post(self, request, chat_id: int):
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        link = services.invite_link_create(actor=request.user, chat=chat)
        return Response(InviteLinkOutput(link).data, status=status.HTTP_201_CREATED)


class InviteLinkRevokeApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses=InviteLinkOutput, operation_id="chats_invite_links_revoke")
    def post(self, request, chat_id: int, link_id: int):
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        link = first_or_not_found(InviteLink.objects.select_related("chat").filter(id=link_id, chat=chat))
        return Response(InviteLinkOutput(services.invite_link_revoke(actor=request.user, link=link)).data)


class InviteJoinInput(StrictJSONTypes, serializers.Serializer):
    token = serializers.CharField(max_length=64)


class InviteJoinApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=InviteJoinInput, responses={200: ChatOutput}, operation_id="chats_join_by_invite")
    def post(self, request):
        data = InviteJoinInput(data=request.data)
        data.is_valid(raise_exception=True)
        chat = services.chat_join_by_invite(user=request.user, token=data.validated_data["token"])
        return Response(_chat_out(request.user, chat.id))


# --- messages -----------------------------------------------------------------------------------

class MessageSendInput(StrictJSONTypes, serializers.Serializer):
    body = serializers.CharField(max_length=100_000, help_text=f"Markdown, at most {services.MAX_MESSAGE_CHARS} characters.")
    reply_to = serializers.IntegerField(min_value=1, max_value=2**62, required=False)
    silent = serializers.BooleanField(required=False, default=False)
    client_key = serializers.RegexField(
        r"^[\x21-\x7e]{1,64}$", required=False,
        help_text="Chosen by the client (a UUID, say) and sent again with a retry: a key the sender already used "
                  "answers with the message it posted, and nothing is posted twice.")


class MessageHistoryQuery(QueryInput):
    cursor = serializers.CharField(max_length=500, required=False)
    page_size = QueryInteger(min_value=1, max_value=100, required=False)


class MessageCursorPagination(FeedCursorPagination):
    page_size = 50


class ChatMessagesApi(APIView):
    throttle_scope = "writes"

    @extend_schema(parameters=[MessageHistoryQuery], responses=MessageCursorPagination.response(MessageOutput),
                   operation_id="chats_messages_list")
    def get(self, request, chat_id: int):
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        context = {"chat": chat, "states": selectors.read_states(chat=chat), "viewer_id": request.user.id}
        return paginated_response(request, self, selectors.chat_messages_for_user(user=request.user, chat=chat),
                                  MessageOutput, pagination=MessageCursorPagination, context=context)

    @extend_schema(request=MessageSendInput, responses={201: MessageOutput}, operation_id="chats_messages_send")
    def post(self, request, chat_id: int):
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=chat_id)
        data = MessageSendInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        message = services.message_send(sender=request.user, chat=chat, body=values["body"],
                                        reply_to_id=values.get("reply_to"), silent=values["silent"],
                                        client_key=values.get("client_key", ""))
        return Response(_message_out(request.user, message.id), status=status.HTTP_201_CREATED)


def _message_out(user, message_id) -> dict:
    message = selectors.message_get_for_user(user=user, message_id=message_id)
    full = selectors.chat_messages_for_user(user=user, chat=message.chat).get(id=message_id)
    context = {"chat": message.chat, "states": selectors.read_states(chat=message.chat), "viewer_id": user.id}
    return MessageOutput(full, context=context).data


class MessageEditInput(StrictJSONTypes, serializers.Serializer):
    body = serializers.CharField(max_length=100_000, allow_blank=True,
                                 help_text="The new text; on a message with an attachment, its caption (may be empty).")


class MessageDeleteQuery(QueryInput):
    scope = serializers.ChoiceField(choices=["me", "everyone"], required=False, default="me",
                                    help_text="everyone: within 48 h of sending (admins and moderators: always).")


class MessageDetailApi(APIView):
    throttle_scope = "writes"

    @extend_schema(responses=MessageOutput, operation_id="messages_retrieve")
    def get(self, request, message_id: int):
        return Response(_message_out(request.user, message_id))

    @extend_schema(request=MessageEditInput, responses=MessageOutput, operation_id="messages_edit")
    def patch(self, request, message_id: int):
        message = selectors.message_get_for_user(user=request.user, message_id=message_id)
        data = MessageEditInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.message_edit(user=request.user, message=message, body=data.validated_data["body"])
        return Response(_message_out(request.user, message_id))

    @extend_schema(parameters=[MessageDeleteQuery], responses={204: None}, operation_id="messages_delete")
    def delete(self, request, message_id: int):
        scope = query_valid(MessageDeleteQuery, request).get("scope", "me")
        message = selectors.message_get_for_user(user=request.user, message_id=message_id)
        services.message_delete(user=request.user, message=message, for_everyone=scope == "everyone")
        return Response(status=status.HTTP_204_NO_CONTENT)


class MessageEditOutput(serializers.Serializer):
    body = serializers.CharField()
    replaced_at = serializers.DateTimeField()


class MessageEditHistoryApi(APIView):
    @extend_schema(responses=MessageEditOutput(many=True), operation_id="messages_edit_history")
    def get(self, request, message_id: int):
        _, edits = selectors.message_edits_for_user(user=request.user, message_id=message_id)
        return Response(MessageEditOutput(edits, many=True).data)


class ReactionInput(StrictJSONTypes, serializers.Serializer):
    emoji = serializers.CharField(max_length=16)


class MessageReactionsApi(APIView):
    throttle_scope = "writes"

    @extend_schema(responses=ReactionOutput(many=True), operation_id="messages_reactions_list")
    def get(self, request, message_id: int):
        return Response(services.reactions_summary(selectors.message_reactions_for_user(user=request.user,
                                                                                        message_id=message_id)))

    @extend_schema(request=ReactionInput, responses=ReactionOutput(many=True), operation_id="messages_reactions_toggle")
    def post(self, request, message_id: int):
        message = selectors.message_get_for_user(user=request.user, message_id=message_id)
        data = ReactionInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.reaction_toggle(user=request.user, message=message, emoji=data.validated_data["emoji"]))


class ForwardInput(StrictJSONTypes, serializers.Serializer):
    chat_id = serializers.IntegerField(min_value=1, max_value=2**62)


class MessageForwardApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=ForwardInput, responses={201: MessageOutput}, operation_id="messages_forward")
    def post(self, request, message_id: int):
        message = selectors.message_get_for_user(user=request.user, message_id=message_id)
        data = ForwardInput(data=request.data)
        data.is_valid(raise_exception=True)
        target, _ = selectors.chat_get_for_user(user=request.user, chat_id=data.validated_data["chat_id"])
        sent = services.message_forward(user=request.user, message=message, to_chat=target)
        return Response(_message_out(request.user, sent.id), status=status.HTTP_201_CREATED)


class ReportInput(StrictJSONTypes, serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class MessageReportApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=ReportInput, responses={201: ReportOutput}, operation_id="messages_report")
    def post(self, request, message_id: int):
        message = selectors.message_get_for_user(user=request.user, message_id=message_id)
        data = ReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.message_report(user=request.user, message=message, reason=data.validated_data["reason"])
        return Response(ReportOutput(report).data, status=status.HTTP_201_CREATED)


class MessageSearchQuery(QueryInput):
    q = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text="Words (all must match).")
    sender = serializers.CharField(max_length=150, required=False, allow_blank=True, help_text="A username.")
    chat = QueryInteger(min_value=1, max_value=10**12, required=False)
    hashtag = serializers.CharField(max_length=64, required=False, allow_blank=True)
    date_from = serializers.DateField(required=False, help_text="From this day (UTC), inclusive.")
    date_to = serializers.DateField(required=False, help_text="Up to this day (UTC), inclusive.")


class SearchHitOutput(serializers.Serializer):
    id = serializers.IntegerField()
    chat_id = serializers.IntegerField()
    chat_title = serializers.CharField()
    sender = UserBriefOutput(allow_null=True)
    highlighted = serializers.CharField(help_text="HTML: the text escaped, matches in <mark>.")
    created_at = serializers.DateTimeField()
    url = serializers.CharField(help_text="The message in its chat.")


def search_hits(user, query: dict) -> list[dict]:
    from datetime import UTC, datetime, time, timedelta

    from . import message_text

    def day_start(day):
        return datetime.combine(day, time.min, tzinfo=UTC) if day else None

    date_to = query.get("date_to")
    rows, terms = selectors.message_search(
        user=user, text=query.get("q", ""), sender=query.get("sender", ""), chat_id=query.get("chat"),
        date_from=day_start(query.get("date_from")),
        date_to=day_start(date_to) + timedelta(days=1) - timedelta(microseconds=1) if date_to else None,
        hashtag=query.get("hashtag", ""))
    hits = []
    for message in rows:
        title = message.chat.title if message.chat.kind != ChatKind.PRIVATE else (
            message.other_name or message.other_username or "Private chat")
        hits.append({"id": message.id, "chat_id": message.chat_id, "chat_title": title,
                     "sender": services.user_brief(message.sender),
                     "highlighted": message_text.highlight(message.body, terms), "created_at": message.created_at,
                     "url": f"/chat/{message.chat_id}/?around={message.id}#m{message.id}"})
    return hits


class MessageSearchApi(APIView):
    @extend_schema(parameters=[MessageSearchQuery], responses=SearchHitOutput(many=True), operation_id="messages_search")
    def get(self, request):
        query = query_valid(MessageSearchQuery, request)
        return Response(SearchHitOutput(search_hits(request.user, query), many=True).data)

"""Every write of the messenger. Each service validates, writes in one transaction, and stores
and publishes its events on commit (chat.events). Who hears what:

- message.new / message.edited / message.deleted / reaction.updated: every member of the chat.
- message.read: every member of a private chat or group (channels keep no receipts).
- message.delivered: the other member of a private chat (the sender).
- chat.updated / member.joined / member.left: every member (and the one who left).
- chat.settings (pinned, muted, archived): the member's own other tabs.
- typing.user and user.status are not stored: only worth hearing now."""

import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Preferences, User
from analytics import event_log as analytics_verbs
from analytics.event_log import event_record
from core.audit import audit_record
from core.exceptions import ApplicationError, Conflict, Forbidden, NotFound, ValidationFailed
from core.markdown import render_markdown
from core.rate_limits import minute_budget_spend
from core.roles import MODERATOR, user_has_role

from . import message_text
from .attachment_payloads import attachment_to_dict
from .events import ephemeral_emit, events_emit
from .models import (
    Chat,
    ChatKind,
    ChatUserState,
    InviteLink,
    MemberRole,
    Membership,
    Message,
    MessageClientKey,
    MessageEdit,
    MessageHashtag,
    MessageHidden,
    MessageKind,
    MessageReport,
    PresenceStatus,
    Reaction,
    ReportStatus,
)
from .presence_leases import lease_store

MAX_MESSAGE_CHARS = 4000
# The sender may delete a message for everyone this long after sending it (Telegram-like: 48 h).
# Group admins and site moderators may always delete (moderation).
DELETE_FOR_EVERYONE_WINDOW = timedelta(hours=48)
MESSAGES_PER_MINUTE = 30
MAX_GROUP_MEMBERS = 200
MAX_TITLE_CHARS = 120


class RateLimited(ApplicationError):
    code = "rate_limited"
    status_code = 429
    default_message = "Too many messages; wait a little."


def _setting(name, default):
    return getattr(settings, f"CHAT_{name}", default)


# --- payloads -----------------------------------------------------------------------------------

def user_brief(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.id, "username": user.username, "name": user.display_name}


def reactions_summary(reactions) -> list[dict]:
    """[{emoji, count, users}] in first-reacted order, from Reaction rows with their users."""
    grouped: dict[str, list[str]] = {}
    for reaction in reactions:
        grouped.setdefault(reaction.emoji, []).append(reaction.user.username)
    return [{"emoji": emoji, "count": len(users), "users": users} for emoji, users in grouped.items()]


def message_to_dict(message: Message, reactions=None) -> dict:
    """What every member may see of a message (the same for all of them)."""
    deleted = message.deleted_at is not None
    reply: dict | None = None
    if message.reply_to_id:
        original = message.reply_to
        reply = {"id": message.reply_to_id, "deleted": original is None or original.deleted_at is not None}
        if original is not None and original.deleted_at is None:
            reply["sender"] = user_brief(original.sender)
            reply["excerpt"] = original.body[:140]
    if reactions is None:
        reactions = list(message.reactions.select_related("user"))
    return {
        "id": message.id,
        "chat_id": message.chat_id,
        "kind": message.kind,
        "sender": user_brief(message.sender),
        "body": "" if deleted else message.body,
        "html": "" if deleted else message.body_html,
        "cards": [] if deleted else message.data.get("cards", []),
        "reply_to": reply,
        "forwarded_from": message.forwarded_from_label or None,
        "silent": message.silent,
        "edited": message.edited_at is not None,
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": deleted,
        "reactions": [] if deleted else reactions_summary(reactions),
        "created_at": message.created_at.isoformat(),
        "attachment": attachment_to_dict(message),
        # A call record (chat.call_services): media, outcome, duration, who was in it.
        "call": message.data.get("call") if message.kind == MessageKind.CALL else None,
    }


def _member_ids(chat_id: int) -> list[int]:
    return list(Membership.objects.filter(chat_id=chat_id).values_list("user_id", flat=True))


def _membership(chat: Chat, user) -> Membership:
    membership = Membership.objects.filter(chat=chat, user=user).first()
    if membership is None:
        raise NotFound("No such chat.")
    return membership


def _require_admin(chat: Chat, user) -> Membership:
    membership = _membership(chat, user)
    if not membership.is_admin:
        raise Forbidden("Only the chat's admins may do that.", code="not_chat_admin")
    return membership


def _system_message(chat: Chat, text: str, actor=None) -> Message:
    message = Message.objects.create(chat=chat, sender=actor, kind=MessageKind.SYSTEM, body=text,
                                     body_html=render_markdown(text), silent=True)
    Chat.objects.filter(id=chat.id).update(last_message=message, last_activity_at=message.created_at)
    events_emit(user_ids=_member_ids(chat.id), type="message.new", payload={"message": message_to_dict(message, [])})
    return message


def chat_to_dict(chat: Chat) -> dict:
    return {"id": chat.id, "kind": chat.kind, "title": chat.title, "description": chat.description,
            "is_public": chat.is_public, "slow_mode_seconds": chat.slow_mode_seconds}


# --- chats --------------------------------------------------------------------------------------

@transaction.atomic
def chat_private_open(*, user: User, other: User) -> Chat:
    """The one private chat of this pair, created on first use."""
    if other.id == user.id:
        raise ValidationFailed("You cannot start a chat with yourself.", code="self_chat")
    if not other.is_active:
        raise NotFound("No such user.")
    low, high = sorted((user.id, other.id))
    key = f"{low}:{high}"
    chat = Chat.objects.filter(private_key=key).first()
    if chat is not None:
        return chat
    try:
        with transaction.atomic():
            chat = Chat.objects.create(kind=ChatKind.PRIVATE, private_key=key, created_by=user)
    except IntegrityError:  # the other side opened it at the same moment
        return Chat.objects.get(private_key=key)
    Membership.objects.bulk_create([Membership(chat=chat, user=user, role=MemberRole.MEMBER),
                                    Membership(chat=chat, user=other, role=MemberRole.MEMBER)])
    events_emit(user_ids=[user.id, other.id], type="chat.created", payload={"chat": chat_to_dict(chat)})
    return chat


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("A group or channel needs a name.", code="title_required",
                               details={"title": ["This field is required."]})
    if len(title) > MAX_TITLE_CHARS:
        raise ValidationFailed(f"A name has at most {MAX_TITLE_CHARS} characters.", code="title_too_long")
    return title


@transaction.atomic
def chat_create(*, owner: User, kind: str, title: str, description: str = "", is_public: bool = False,
                members: list[User] | None = None) -> Chat:
    """A group or a channel owned by `owner`, with `members` as plain members. Only channels can
    be public."""
    if kind not in (ChatKind.GROUP, ChatKind.CHANNEL):
        raise ValidationFailed("Create a group or a channel; private chats open from a profile.", code="invalid_kind")
    if is_public and kind != ChatKind.CHANNEL:
        raise ValidationFailed("Only channels can be public.", code="public_group")
    others = {m.id: m for m in members or [] if m.id != owner.id}
    if len(others) + 1 > MAX_GROUP_MEMBERS:
        raise ValidationFailed(f"At most {MAX_GROUP_MEMBERS} members.", code="too_many_members")
    chat = Chat.objects.create(kind=kind, title=_clean_title(title), description=(description or "")[:1000],
                               is_public=is_public, created_by=owner)
    Membership.objects.bulk_create(
        [Membership(chat=chat, user=owner, role=MemberRole.OWNER)]
        + [Membership(chat=chat, user_id=uid, role=MemberRole.MEMBER) for uid in others])
    events_emit(user_ids=[owner.id, *others], type="chat.created", payload={"chat": chat_to_dict(chat)})
    return chat


@transaction.atomic
def chat_update(*, actor: User, chat: Chat, **changes) -> Chat:
    """Name, description, public flag and slow mode of a group or channel; admins only."""
    _require_admin(chat, actor)
    if chat.kind == ChatKind.PRIVATE:
        raise ValidationFailed("A private chat has no settings to change.", code="private_chat")
    if "title" in changes:
        chat.title = _clean_title(changes["title"])
    if "description" in changes:
        chat.description = (changes["description"] or "")[:1000]
    if "is_public" in changes:
        if changes["is_public"] and chat.kind != ChatKind.CHANNEL:
            raise ValidationFailed("Only channels can be public.", code="public_group")
        chat.is_public = bool(changes["is_public"])
    if "slow_mode_seconds" in changes:
        seconds = changes["slow_mode_seconds"]
        if not isinstance(seconds, int) or not 0 <= seconds <= 86400:
            raise ValidationFailed("Slow mode is 0 to 86400 seconds.", code="invalid_slow_mode")
        if seconds != chat.slow_mode_seconds:
            audit_record(action="chat.slow_mode_changed", actor=actor, target=chat,
                         changes={"slow_mode_seconds": [chat.slow_mode_seconds, seconds]})
        chat.slow_mode_seconds = seconds
    chat.save()
    events_emit(user_ids=_member_ids(chat.id), type="chat.updated", payload={"chat": chat_to_dict(chat)})
    return chat


def _add_member(chat: Chat, user: User, actor=None) -> Membership:
    if chat.kind == ChatKind.PRIVATE:
        raise ValidationFailed("A private chat has exactly two members.", code="private_chat")
    if Membership.objects.filter(chat=chat, user=user).exists():
        raise Conflict("Already a member.", code="already_member")
    if Membership.objects.filter(chat=chat).count() >= MAX_GROUP_MEMBERS and chat.kind == ChatKind.GROUP:
        raise ValidationFailed(f"A group has at most {MAX_GROUP_MEMBERS} members.", code="too_many_members")
    membership = Membership.objects.create(chat=chat, user=user, role=MemberRole.MEMBER)
    events_emit(user_ids=_member_ids(chat.id), type="member.joined",
                payload={"chat_id": chat.id, "user": user_brief(user), "chat": chat_to_dict(chat)})
    if chat.kind == ChatKind.GROUP:
        who = f"{actor.display_name} added {user.display_name}" if actor else f"{user.display_name} joined"
        _system_message(chat, who, actor or user)
    return membership


@transaction.atomic
def member_add(*, actor: User, chat: Chat, user: User) -> Membership:
    _require_admin(chat, actor)
    return _add_member(chat, user, actor)


@transaction.atomic
def chat_join(*, user: User, chat: Chat) -> Membership:
    """Subscribe to a public channel."""
    if not (chat.kind == ChatKind.CHANNEL and chat.is_public):
        raise NotFound("No such chat.")
    return _add_member(chat, user)


def _remove(chat: Chat, membership: Membership, text: str, actor) -> None:
    recipients = _member_ids(chat.id)
    membership.delete()
    events_emit(user_ids=recipients, type="member.left",
                payload={"chat_id": chat.id, "user": user_brief(membership.user)})
    if chat.kind == ChatKind.GROUP:
        _system_message(chat, text, actor)


@transaction.atomic
def member_remove(*, actor: User, chat: Chat, user: User) -> None:
    """Admins remove members; only the owner removes an admin; nobody removes the owner."""
    mine = _require_admin(chat, actor)
    theirs = _membership(chat, user)
    if theirs.role == MemberRole.OWNER:
        raise Forbidden("The owner cannot be removed; ownership must be transferred first.", code="owner")
    if theirs.role == MemberRole.ADMIN and mine.role != MemberRole.OWNER:
        raise Forbidden("Only the owner removes an admin.", code="not_owner")
    _remove(chat, theirs, f"{actor.display_name} removed {user.display_name}", actor)


@transaction.atomic
def chat_leave(*, user: User, chat: Chat) -> None:
    """Leave a group or channel. The owner transfers ownership first, unless alone (then the
    chat goes with them)."""
    membership = _membership(chat, user)
    if chat.kind == ChatKind.PRIVATE:
        raise ValidationFailed("Archive a private chat instead of leaving it.", code="private_chat")
    if membership.role == MemberRole.OWNER:
        if Membership.objects.filter(chat=chat).count() > 1:
            raise Conflict("Transfer ownership before leaving.", code="owner_must_transfer")
        from .attachment_services import attachments_discard_for_chat

        attachments_discard_for_chat(chat)  # before the event: asset rows lock before event counters
        events_emit(user_ids=[user.id], type="member.left", payload={"chat_id": chat.id, "user": user_brief(user)})
        chat.delete()
        return
    _remove(chat, membership, f"{user.display_name} left", user)


@transaction.atomic
def member_set_role(*, actor: User, chat: Chat, user: User, role: str) -> Membership:
    """The owner makes members admins and back."""
    mine = _membership(chat, actor)
    if mine.role != MemberRole.OWNER:
        raise Forbidden("Only the owner changes roles.", code="not_owner")
    if role not in (MemberRole.ADMIN, MemberRole.MEMBER):
        raise ValidationFailed("A role is admin or member (transfer ownership to make an owner).", code="invalid_role")
    theirs = _membership(chat, user)
    if theirs.role == MemberRole.OWNER:
        raise ValidationFailed("Transfer ownership instead.", code="owner")
    theirs.role = role
    theirs.save(update_fields=["role", "updated_at"])
    events_emit(user_ids=_member_ids(chat.id), type="member.role",
                payload={"chat_id": chat.id, "user": user_brief(user), "role": role})
    return theirs


@transaction.atomic
def chat_transfer_ownership(*, actor: User, chat: Chat, user: User) -> None:
    mine = _membership(chat, actor)
    if mine.role != MemberRole.OWNER:
        raise Forbidden("Only the owner transfers ownership.", code="not_owner")
    theirs = _membership(chat, user)
    if theirs.pk == mine.pk:
        raise ValidationFailed("You already own this chat.", code="already_owner")
    Membership.objects.filter(pk=mine.pk).update(role=MemberRole.ADMIN)
    Membership.objects.filter(pk=theirs.pk).update(role=MemberRole.OWNER)
    audit_record(action="chat.ownership_transferred", actor=actor, target=chat,
                 changes={"owner": [actor.username, user.username]})
    members = _member_ids(chat.id)
    events_emit(user_ids=members, type="member.role", payload={"chat_id": chat.id, "user": user_brief(actor), "role": "admin"})
    events_emit(user_ids=members, type="member.role", payload={"chat_id": chat.id, "user": user_brief(user), "role": "owner"})
    if chat.kind == ChatKind.GROUP:
        _system_message(chat, f"{user.display_name} now owns the group", actor)


@transaction.atomic
def invite_link_create(*, actor: User, chat: Chat) -> InviteLink:
    _require_admin(chat, actor)
    if chat.kind == ChatKind.PRIVATE:
        raise ValidationFailed("A private chat has no invite links.", code="private_chat")
    return InviteLink.objects.create(chat=chat, token=secrets.token_urlsafe(24), created_by=actor)


@transaction.atomic
def invite_link_revoke(*, actor: User, link: InviteLink) -> InviteLink:
    """The chat's admins, or a site moderator (from the Django admin), revoke a link."""
    if not user_has_role(actor, MODERATOR):
        _require_admin(link.chat, actor)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at", "updated_at"])
    return link


@transaction.atomic
def chat_join_by_invite(*, user: User, token: str) -> Chat:
    """Join through an invite link; a revoked or unknown link is a 404. Joining twice is fine."""
    link = InviteLink.objects.select_related("chat").filter(token=token, revoked_at__isnull=True).first()
    if link is None:
        raise NotFound("This invite link is not valid (it may have been revoked).")
    if not Membership.objects.filter(chat=link.chat, user=user).exists():
        _add_member(link.chat, user)
    return link.chat


@transaction.atomic
def membership_settings_update(*, user: User, chat: Chat, pinned=None, muted=None, archived=None) -> Membership:
    membership = _membership(chat, user)
    if pinned is not None:
        membership.pinned_at = timezone.now() if pinned else None
    if muted is not None:
        membership.muted = bool(muted)
    if archived is not None:
        membership.archived = bool(archived)
    membership.save(update_fields=["pinned_at", "muted", "archived", "updated_at"])
    events_emit(user_ids=[user.id], type="chat.settings", payload={
        "chat_id": chat.id, "pinned": membership.pinned_at is not None, "muted": membership.muted,
        "archived": membership.archived})
    return membership


# --- messages -----------------------------------------------------------------------------------

def _own_hosts() -> set[str]:
    from urllib.parse import urlsplit

    hosts = {h.lower().lstrip(".") for h in settings.ALLOWED_HOSTS if h and h != "*"}
    site = urlsplit(getattr(settings, "SITE_URL", "") or "").hostname
    if site:
        hosts.add(site.lower())
    return hosts


def _cards(text: str) -> list[dict]:
    """Cards for links to our own pages, with only what anyone signed in may see of them."""
    from challenges.models import Challenge
    from collaboration.models import Room

    cards = []
    for link in message_text.own_links(text, _own_hosts()):
        if link.kind == "challenge":
            challenge = Challenge.objects.filter(slug=link.key).only("title", "difficulty").first()
            if challenge:
                cards.append({"kind": "challenge", "url": link.path, "title": challenge.title,
                              "subtitle": str(getattr(challenge, "difficulty", "")).title()})
        elif link.kind == "profile":
            person = User.objects.filter(username=link.key, is_active=True).first()
            if person:
                public = Preferences.objects.filter(user=person).values_list("public_profile", flat=True).first()
                cards.append({"kind": "profile", "url": link.path, "title": person.display_name,
                              "subtitle": f"@{person.username}" if public is not False else "Private profile"})
        elif link.kind == "room":
            if Room.objects.filter(id=link.key).exists():
                # A room's title is for its participants: the card says only what it is.
                cards.append({"kind": "room", "url": link.path, "title": "Live coding room", "subtitle": "Join to see it"})
        elif link.kind == "submission":
            cards.append({"kind": "submission", "url": link.path, "title": f"Submission #{link.key}",
                          "subtitle": "Open to see the verdict"})
    return cards


def _render(body: str, chat_id: int) -> tuple[str, list[User], list[str]]:
    names = message_text.mentions(body)
    mentioned = list(User.objects.filter(username__in=names, is_active=True,
                                         chat_memberships__chat_id=chat_id)) if names else []
    known = {u.username.lower() for u in mentioned}
    source = message_text.linkify(
        body, known_usernames=known,
        hashtag_url=lambda tag: reverse("chat-search") + f"?hashtag={tag}",
        profile_url=lambda name: reverse("profile-public", args=[name]))
    return render_markdown(source), mentioned, message_text.hashtags(body)


def _clean_body(body) -> str:
    if not isinstance(body, str):
        raise ValidationFailed("A message is text.", code="invalid_body")
    body = body.replace("\x00", "").strip()
    if not body:
        raise ValidationFailed("A message cannot be empty.", code="empty_message",
                               details={"body": ["This field may not be blank."]})
    if len(body) > _setting("MAX_MESSAGE_CHARS", MAX_MESSAGE_CHARS):
        raise ValidationFailed(f"A message has at most {_setting('MAX_MESSAGE_CHARS', MAX_MESSAGE_CHARS)} characters.",
                               code="message_too_long", details={"max_chars": _setting("MAX_MESSAGE_CHARS", MAX_MESSAGE_CHARS)})
    return body


MAX_CLIENT_KEY_CHARS = 64


def _clean_client_key(key) -> str:
    if key in (None, ""):
        return ""
    if not isinstance(key, str) or len(key) > MAX_CLIENT_KEY_CHARS or not key.isascii() or not key.isprintable():
        raise ValidationFailed(f"A client key is at most {MAX_CLIENT_KEY_CHARS} printable ASCII characters.",
                               code="invalid_client_key", details={"client_key": ["Invalid key."]})
    return key


def _message_with_client_key(sender: User, client_key: str) -> Message | None:
    return (Message.objects.select_related("sender", "reply_to", "reply_to__sender")
            .filter(client_key__sender=sender, client_key__key=client_key).first())


def _may_post(chat: Chat, membership: Membership, now) -> None:
    if chat.kind == ChatKind.CHANNEL and not membership.is_admin:
        raise Forbidden("Only the channel's admins post here.", code="channel_read_only")
    if membership.silenced_until and membership.silenced_until > now:
        raise Forbidden("You have been muted in this chat.", code="silenced",
                        details={"until": membership.silenced_until.isoformat()})
    if chat.slow_mode_seconds and not membership.is_admin:
        last = (Message.objects.filter(chat=chat, sender_id=membership.user_id).order_by("-id")
                .values_list("created_at", flat=True).first())
        if last and (now - last).total_seconds() < chat.slow_mode_seconds:
            wait = int(chat.slow_mode_seconds - (now - last).total_seconds()) + 1
            raise RateLimited(f"Slow mode: wait {wait} s before your next message.", code="slow_mode",
                              details={"retry_after_seconds": wait})


def _notify_mentions(message: Message, mentioned: list[User], chat: Chat) -> None:
    from accounts.services import notification_send

    if message.silent or not mentioned or message.sender is None:
        return
    muted = set(Membership.objects.filter(chat=chat, user__in=mentioned, muted=True).values_list("user_id", flat=True))
    where = chat.title or "a private chat"
    for person in mentioned:
        if person.id == message.sender_id or person.id in muted:
            continue
        notification_send(user=person, type="social",
                          title=f"{message.sender.display_name} mentioned you in {where}",
                          body=message.body[:300], url=reverse("chat-detail", args=[chat.id]) + f"#m{message.id}",
                          data={"chat_id": chat.id, "message_id": message.id})


@transaction.atomic
def message_send(*, sender: User, chat: Chat, body: str, reply_to_id: int | None = None, silent: bool = False,
                 forwarded: Message | None = None, client_key: str = "") -> Message:
    """Post a message. Refused: non-members (404), non-admins in a channel, muted members, slow
    mode, more than MESSAGES_PER_MINUTE a minute (429), empty or oversized text. Mentions of
    members notify them unless the message is silent or they muted the chat. A `client_key` the
    sender already used returns the message it posted, with no second message and no event (a
    retried send: the answer was lost, or the page's offline outbox sends again)."""
    body = _clean_body(body)
    membership = _membership(chat, sender)
    client_key = _clean_client_key(client_key)
    if client_key:
        earlier = _message_with_client_key(sender, client_key)
        if earlier is not None:
            return earlier
    now = timezone.now()
    _may_post(chat, membership, now)
    if not minute_budget_spend(f"chat-send:{sender.id}", _setting("MESSAGES_PER_MINUTE", MESSAGES_PER_MINUTE)):
        raise RateLimited(details={"retry_after_seconds": 60 - now.second})
    reply_to = None
    if reply_to_id is not None:
        reply_to = Message.objects.select_related("sender").filter(id=reply_to_id, chat=chat, deleted_at__isnull=True).first()
        if reply_to is None:
            raise ValidationFailed("The message you reply to is not in this chat.", code="invalid_reply")
    html, mentioned, tags = _render(body, chat.id)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                chat=chat, sender=sender, kind=MessageKind.TEXT, body=body, body_html=html, reply_to=reply_to,
                silent=bool(silent), data={"cards": _cards(body)}, forwarded_from=forwarded,
                forwarded_from_label=(forwarded.sender.display_name if forwarded and forwarded.sender else ""))
            if client_key:
                MessageClientKey.objects.create(sender=sender, key=client_key, message=message)
    except IntegrityError:
        # The same key from another request of the same sender committed first (two tabs, or a
        # retry racing the original): that one is the message.
        earlier = _message_with_client_key(sender, client_key) if client_key else None
        if earlier is None:
            raise
        return earlier
    MessageHashtag.objects.bulk_create([MessageHashtag(message=message, tag=t) for t in tags])
    Chat.objects.filter(id=chat.id).update(last_message=message, last_activity_at=message.created_at)
    # The sender has read what they wrote.
    Membership.objects.filter(pk=membership.pk).update(last_read_message_id=message.id,
                                                       last_delivered_message_id=message.id)
    events_emit(user_ids=_member_ids(chat.id), type="message.new", payload={"message": message_to_dict(message, [])})
    _notify_mentions(message, mentioned, chat)
    # Imported here: bot_services imports this module.
    from .bot_services import bot_updates_for_message

    bot_updates_for_message(message=message)
    event_record(actor=sender, verb=analytics_verbs.MESSAGE_SENT, obj=message)
    return message


@transaction.atomic
def message_forward(*, user: User, message: Message, to_chat: Chat) -> Message:
    """Forward a message the user can see into another chat they may post in. A message with an
    attachment is forwarded with its file (chat.attachment_services.attachment_forward)."""
    from .attachment_payloads import ATTACHMENT_MESSAGE_KINDS

    if message.deleted_at is not None or message.kind not in {MessageKind.TEXT, *ATTACHMENT_MESSAGE_KINDS}:
        raise ValidationFailed("This message cannot be forwarded.", code="not_forwardable")
    original = (message.forwarded_from if message.forwarded_from_id else message) or message
    if message.kind != MessageKind.TEXT:
        from .attachment_services import attachment_forward

        return attachment_forward(user=user, message=message, to_chat=to_chat, original=original)
    return message_send(sender=user, chat=to_chat, body=message.body, forwarded=original)


@transaction.atomic
def message_edit(*, user: User, message: Message, body: str) -> Message:
    """Only the sender edits; the previous text is kept (MessageEdit) and the message is marked
    edited. On a message with an attachment the text is its caption, which may be emptied."""
    from .attachment_payloads import ATTACHMENT_MESSAGE_KINDS
    from .attachment_services import clean_caption

    is_caption = message.kind in ATTACHMENT_MESSAGE_KINDS
    body = clean_caption(body) if is_caption else _clean_body(body)
    _membership(message.chat, user)
    if message.sender_id != user.id or not (is_caption or message.kind == MessageKind.TEXT):
        raise Forbidden("You can only edit your own messages.", code="not_your_message")
    if message.deleted_at is not None:
        raise NotFound("No such message.")
    if body == message.body:
        return message
    MessageEdit.objects.create(message=message, body=message.body)
    html, _mentioned, tags = _render(body, message.chat_id) if body else ("", [], [])
    message.body, message.body_html = body, html
    message.data = {**message.data, "cards": _cards(body)}
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "body_html", "data", "edited_at", "updated_at"])
    MessageHashtag.objects.filter(message=message).delete()
    MessageHashtag.objects.bulk_create([MessageHashtag(message=message, tag=t) for t in tags])
    events_emit(user_ids=_member_ids(message.chat_id), type="message.edited",
                payload={"message": message_to_dict(message)})
    return message


def _delete_for_everyone(message: Message, actor: User) -> None:
    # Deleted for everyone means the words go too (and their earlier versions); the audit
    # event of a moderator's removal keeps what was said.
    from .attachment_services import attachment_discard

    attachment_discard(message)  # the file too, first (its row lock comes before the event counters)
    message.deleted_at = timezone.now()
    message.deleted_by = actor
    message.body = message.body_html = ""
    message.data = {}
    message.save(update_fields=["deleted_at", "deleted_by", "body", "body_html", "data", "updated_at"])
    MessageHashtag.objects.filter(message=message).delete()
    MessageEdit.objects.filter(message=message).delete()
    events_emit(user_ids=_member_ids(message.chat_id), type="message.deleted",
                payload={"chat_id": message.chat_id, "message_id": message.id})


@transaction.atomic
def message_delete(*, user: User, message: Message, for_everyone: bool) -> None:
    """For me: hidden from this user only, any message, any time. For everyone: the sender within
    DELETE_FOR_EVERYONE_WINDOW of sending; group admins and site moderators at any time (that
    is moderation, and audited)."""
    membership = _membership(message.chat, user)
    if not for_everyone:
        MessageHidden.objects.get_or_create(message=message, user=user)
        events_emit(user_ids=[user.id], type="message.hidden",
                    payload={"chat_id": message.chat_id, "message_id": message.id})
        return
    if message.deleted_at is not None:
        return
    own = message.sender_id == user.id
    if own and timezone.now() - message.created_at <= DELETE_FOR_EVERYONE_WINDOW:
        _delete_for_everyone(message, user)
        return
    if membership.is_admin and message.chat.kind != ChatKind.PRIVATE or user_has_role(user, MODERATOR):
        message_moderate_delete(actor=user, message=message)
        return
    if own:
        raise Forbidden("Messages can be deleted for everyone within 48 hours of sending.", code="delete_window_passed")
    raise Forbidden("You can only delete your own messages for everyone.", code="not_your_message")


def _is_emoji(value: str) -> bool:
    return bool(value) and len(value) <= 16 and all(not ch.isascii() and not ch.isspace() for ch in value)


@transaction.atomic
def reaction_toggle(*, user: User, message: Message, emoji: str) -> list[dict]:
    """Add the user's `emoji` to the message, or take it away when already there. Returns the
    message's reactions."""
    _membership(message.chat, user)
    if message.deleted_at is not None:
        raise NotFound("No such message.")
    if not isinstance(emoji, str) or not _is_emoji(emoji):
        raise ValidationFailed("A reaction is one emoji.", code="invalid_emoji")
    removed, _ = Reaction.objects.filter(message=message, user=user, emoji=emoji).delete()
    if not removed:
        if Reaction.objects.filter(message=message, user=user).values("emoji").distinct().count() >= 8:
            raise ValidationFailed("At most 8 different reactions per message.", code="too_many_reactions")
        Reaction.objects.create(message=message, user=user, emoji=emoji)
    summary = reactions_summary(Reaction.objects.filter(message=message).select_related("user"))
    events_emit(user_ids=_member_ids(message.chat_id), type="reaction.updated",
                payload={"chat_id": message.chat_id, "message_id": message.id, "reactions": summary})
    return summary


@transaction.atomic
def chat_mark_read(*, user: User, chat: Chat, up_to_message_id: int | None = None) -> int:
    """Read up to a message (by default the last one). Only moves forward. Returns the new mark."""
    membership = _membership(chat, user)
    latest = chat.last_message_id or 0
    target = min(up_to_message_id or latest, latest)
    if target <= membership.last_read_message_id:
        return membership.last_read_message_id
    Membership.objects.filter(pk=membership.pk).update(
        last_read_message_id=target, last_delivered_message_id=max(target, membership.last_delivered_message_id))
    recipients = [user.id] if chat.kind == ChatKind.CHANNEL else _member_ids(chat.id)
    events_emit(user_ids=recipients, type="message.read",
                payload={"chat_id": chat.id, "user": user_brief(user), "up_to": target})
    return target


@transaction.atomic
def chat_mark_delivered(*, user: User, chat_id: int, up_to_message_id: int) -> bool:
    """A socket of `user` received messages up to this id. Tells the sender in a private chat."""
    membership = Membership.objects.select_related("chat").filter(chat_id=chat_id, user=user).first()
    if membership is None or up_to_message_id <= membership.last_delivered_message_id:
        return False
    target = min(up_to_message_id, membership.chat.last_message_id or 0)
    if target <= membership.last_delivered_message_id:
        return False
    Membership.objects.filter(pk=membership.pk).update(last_delivered_message_id=target)
    if membership.chat.kind == ChatKind.PRIVATE:
        events_emit(user_ids=[uid for uid in _member_ids(chat_id) if uid != user.id], type="message.delivered",
                    payload={"chat_id": chat_id, "user": user_brief(user), "up_to": target})
    return True


def typing_signal(*, user: User, chat_id: int) -> bool:
    """Tell the other members that `user` is typing (not stored). False for a non-member or a
    channel subscriber (who cannot post)."""
    membership = Membership.objects.select_related("chat").filter(chat_id=chat_id, user=user).first()
    if membership is None or (membership.chat.kind == ChatKind.CHANNEL and not membership.is_admin):
        return False
    others = [uid for uid in _member_ids(chat_id) if uid != user.id]
    ephemeral_emit(user_ids=others, type="typing.user", payload={"chat_id": chat_id, "user": user_brief(user)})
    return True


# --- presence -----------------------------------------------------------------------------------

def _presence_audience(user_id: int) -> list[int]:
    """Who hears a user's status: the people who share a private chat or a group with them."""
    chats = Membership.objects.filter(user_id=user_id, chat__kind__in=[ChatKind.PRIVATE, ChatKind.GROUP]).values("chat_id")
    return list(Membership.objects.filter(chat_id__in=chats).exclude(user_id=user_id)
                .values_list("user_id", flat=True).distinct())


def presence_payload(state: ChatUserState | None, shows_activity: bool, online: bool) -> dict:
    """What others see: nothing but "hidden" when the user turned off showing their activity;
    offline unless one of their sockets holds a live presence lease (chat.presence_leases)."""
    if not shows_activity:
        return {"status": "hidden", "last_seen_at": None}
    if state is None:
        return {"status": PresenceStatus.OFFLINE, "last_seen_at": None}
    status = state.chosen_status if online else PresenceStatus.OFFLINE
    return {"status": status, "last_seen_at": state.last_seen_at.isoformat() if state.last_seen_at else None}


def _publish_presence(user: User, state: ChatUserState, online: bool) -> None:
    shows = Preferences.objects.filter(user=user).values_list("show_activity", flat=True).first()
    if shows is False:
        return
    ephemeral_emit(user_ids=_presence_audience(user.id), type="user.status",
                   payload={"user": user_brief(user), **presence_payload(state, True, online)})


def _presence_seen(user: User) -> ChatUserState:
    ChatUserState.objects.get_or_create(user=user)
    ChatUserState.objects.filter(user=user).update(last_seen_at=timezone.now())
    return ChatUserState.objects.get(user=user)


def _leases():
    return lease_store(settings.REDIS_URL)


@transaction.atomic
def presence_heartbeat(*, user: User, socket_id: str) -> None:
    """A socket is open (on connect, then every CHAT_PRESENCE_HEARTBEAT_SECONDS): its lease is
    renewed, and the user's contacts hear "online" when this made them so."""
    came_online = _leases().renew(user_id=user.id, socket_id=socket_id, now=time.time(),
                                  ttl=settings.CHAT_PRESENCE_TTL_SECONDS)
    state = _presence_seen(user)
    if came_online:
        _publish_presence(user, state, True)


@transaction.atomic
def presence_disconnect(*, user: User, socket_id: str) -> None:
    went_offline = _leases().release(user_id=user.id, socket_id=socket_id, now=time.time())
    state = _presence_seen(user)
    if went_offline:
        _publish_presence(user, state, False)


def presence_sweep() -> int:
    """Announce offline the users whose last lease expired: their web process died without
    closing their sockets. Any process may run it (each live socket's heartbeat does, and a
    beat task); each such user is announced once. Their last_seen_at stays that of their last
    heartbeat. Returns how many went offline."""
    gone = _leases().sweep(now=time.time())
    if not gone:
        return 0
    with transaction.atomic():
        states = {s.user_id: s for s in ChatUserState.objects.filter(user_id__in=gone).select_related("user")}
        for state in states.values():
            _publish_presence(state.user, state, False)
    return len(gone)


def presence_online(*, user_ids) -> set[int]:
    return _leases().live_users(user_ids=user_ids, now=time.time())


@transaction.atomic
def presence_set_status(*, user: User, status: str) -> None:
    if status not in (PresenceStatus.ONLINE, PresenceStatus.AWAY, PresenceStatus.DND):
        raise ValidationFailed("A status is online, away or dnd.", code="invalid_status")
    ChatUserState.objects.get_or_create(user=user)
    ChatUserState.objects.filter(user=user).update(chosen_status=status, last_seen_at=timezone.now())
    _publish_presence(user, ChatUserState.objects.get(user=user), bool(presence_online(user_ids=[user.id])))


# --- moderation ---------------------------------------------------------------------------------

@transaction.atomic
def message_report(*, user: User, message: Message, reason: str) -> MessageReport:
    _membership(message.chat, user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Say what is wrong with the message.", code="reason_required",
                               details={"reason": ["This field may not be blank."]})
    if message.sender_id == user.id:
        raise ValidationFailed("You cannot report your own message.", code="own_message")
    report, created = MessageReport.objects.get_or_create(message=message, reporter=user,
                                                          defaults={"reason": reason[:500]})
    if not created:
        raise Conflict("You already reported this message.", code="already_reported")
    return report


def _may_moderate(actor: User, chat: Chat) -> bool:
    if user_has_role(actor, MODERATOR):
        return True
    membership = Membership.objects.filter(chat=chat, user=actor).first()
    return membership is not None and membership.is_admin and chat.kind != ChatKind.PRIVATE


@transaction.atomic
def message_moderate_delete(*, actor: User, message: Message) -> None:
    """A group admin or a site moderator removes a message for everyone (audited), and open
    reports on it are closed as actioned."""
    if not _may_moderate(actor, message.chat):
        raise NotFound("No such message.")
    if message.deleted_at is None:
        audit_record(action="chat.message_removed", actor=actor, subject=message.sender, target=message,
                     changes={"body": [message.body[:500], None]})
        _delete_for_everyone(message, actor)
    MessageReport.objects.filter(message=message, status=ReportStatus.OPEN).update(
        status=ReportStatus.ACTIONED, handled_by=actor, updated_at=timezone.now())


@transaction.atomic
def report_dismiss(*, actor: User, report: MessageReport) -> MessageReport:
    if not _may_moderate(actor, report.message.chat):
        raise NotFound("No such report.")
    report.status, report.handled_by = ReportStatus.DISMISSED, actor
    report.save(update_fields=["status", "handled_by", "updated_at"])
    audit_record(action="chat.report_dismissed", actor=actor, target=report)
    return report


@transaction.atomic
def member_silence(*, actor: User, chat: Chat, user: User, minutes: int) -> Membership:
    """Mute a member (they read but cannot post) for `minutes`; 0 lifts it. Group admins over
    plain members; site moderators over anyone."""
    if not isinstance(minutes, int) or not 0 <= minutes <= 60 * 24 * 365:
        raise ValidationFailed("Minutes are 0 to 525600.", code="invalid_minutes")
    moderator = user_has_role(actor, MODERATOR)
    mine = Membership.objects.filter(chat=chat, user=actor).first()
    if not moderator and (mine is None or not mine.is_admin or chat.kind == ChatKind.PRIVATE):
        raise NotFound("No such chat.") if mine is None else Forbidden("Only the chat's admins may do that.")
    theirs = _membership(chat, user)
    if theirs.is_admin and not moderator:
        raise Forbidden("Admins cannot be muted by other admins.", code="target_is_admin")
    until = timezone.now() + timedelta(minutes=minutes) if minutes else None
    audit_record(action="chat.member_muted" if until else "chat.member_unmuted", actor=actor, subject=user,
                 target=chat, changes={"silenced_until": [theirs.silenced_until, until]})
    theirs.silenced_until = until
    theirs.save(update_fields=["silenced_until", "updated_at"])
    events_emit(user_ids=[user.id], type="member.silenced",
                payload={"chat_id": chat.id, "until": until.isoformat() if until else None})
    return theirs


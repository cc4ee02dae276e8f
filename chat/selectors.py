"""Every non-trivial read of the messenger. A chat someone is not a member of does not exist for
them (404), and so do its messages."""

from datetime import datetime

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from accounts.models import Preferences, User
from core.exceptions import NotFound

from . import message_text
from .events import REPLAY_LIMIT
from .models import (
    Chat,
    ChatEvent,
    ChatKind,
    ChatUserState,
    Membership,
    Message,
    MessageEdit,
    MessageHidden,
    Reaction,
)

MAX_ID = 2**63 - 1


def _valid_id(value) -> bool:
    # Django leaves out-of-range ids out of lookups on a primary key, but not on a foreign key.
    return isinstance(value, int) and 0 < value <= MAX_ID


def chat_get_for_user(*, user, chat_id) -> tuple[Chat, Membership]:
    if not _valid_id(chat_id):
        raise NotFound("No such chat.")
    membership = (Membership.objects.select_related("chat", "chat__last_message")
                  .filter(chat_id=chat_id, user_id=user.id).first())
    if membership is None:
        raise NotFound("No such chat.")
    return membership.chat, membership


def chat_kind(*, chat_id: int) -> str | None:
    return Chat.objects.filter(id=chat_id).values_list("kind", flat=True).first()


def public_channel_get(*, chat_id) -> Chat:
    if not _valid_id(chat_id):
        raise NotFound("No such chat.")
    chat = Chat.objects.filter(id=chat_id, kind=ChatKind.CHANNEL, is_public=True).first()
    if chat is None:
        raise NotFound("No such chat.")
    return chat


def message_get_for_user(*, user, message_id) -> Message:
    """A message of a chat the user is in, and not deleted for them alone."""
    if not _valid_id(message_id):
        raise NotFound("No such message.")
    message = (Message.objects.select_related("chat", "sender")
               .filter(id=message_id, chat__memberships__user_id=user.id)
               .exclude(id__in=MessageHidden.objects.filter(user_id=user.id).values("message_id")).first())
    if message is None:
        raise NotFound("No such message.")
    return message


def chat_list_for_user(*, user, archived: bool = False, query: str = "") -> QuerySet[Membership]:
    """The user's chats, pinned first then by last activity, each with its unread count, its last
    message (the preview) and for private chats the other person. One query, whatever the number
    of chats."""
    unread = (Message.objects.filter(chat_id=OuterRef("chat_id"), id__gt=OuterRef("last_read_message_id"),
                                     deleted_at__isnull=True)
              .exclude(sender_id=user.id).order_by().values("chat_id").annotate(n=Count("id")).values("n"))
    other = Membership.objects.filter(chat_id=OuterRef("chat_id")).exclude(user_id=user.id).order_by("id")
    members = Membership.objects.filter(chat_id=OuterRef("chat_id")).order_by().values("chat_id").annotate(
        n=Count("id")).values("n")
    rows = (Membership.objects.filter(user_id=user.id, archived=archived)
            .select_related("chat", "chat__last_message", "chat__last_message__sender",
                            "chat__last_message__attachment__asset")
            .annotate(unread_count=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
                      member_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
                      other_user_id=Subquery(other.values("user_id")[:1]),
                      other_username=Subquery(other.values("user__username")[:1]),
                      other_name=Subquery(other.values("user__name")[:1]),
                      is_pinned=Q(pinned_at__isnull=False))
            .order_by(F("pinned_at").desc(nulls_last=True), "-chat__last_activity_at", "-chat_id"))
    if query:
        rows = rows.filter(Q(chat__title__icontains=query)
                           | Q(chat__kind=ChatKind.PRIVATE, chat__memberships__user__username__icontains=query)
                           | Q(chat__kind=ChatKind.PRIVATE, chat__memberships__user__name__icontains=query)).distinct()
    return rows


def chat_display_title(membership: Membership) -> str:
    chat = membership.chat
    if chat.kind == ChatKind.PRIVATE:
        return getattr(membership, "other_name", "") or getattr(membership, "other_username", "") or "Private chat"
    return chat.title


def chat_messages_for_user(*, user, chat: Chat) -> QuerySet[Message]:
    """The chat's history as the user sees it (newest first), with senders, replies and
    reactions in a fixed number of queries."""
    return (Message.objects.filter(chat=chat)
            .exclude(id__in=MessageHidden.objects.filter(user_id=user.id, message__chat=chat).values("message_id"))
            .select_related("sender", "reply_to", "reply_to__sender", "attachment__asset")
            .prefetch_related(Prefetch("reactions", queryset=Reaction.objects.select_related("user")))
            .order_by("-id"))


def read_states(*, chat: Chat) -> list[tuple[int, int, int]]:
    """(user id, last read id, last delivered id) of every member."""
    return list(Membership.objects.filter(chat=chat).values_list(
        "user_id", "last_read_message_id", "last_delivered_message_id"))


def receipt_for(message: Message, *, viewer_id: int, chat: Chat, states) -> dict | None:
    """The receipt the sender sees on their own message: sent / delivered / read in a private
    chat, "seen by N" in a group; None on others' messages and in channels."""
    if message.sender_id != viewer_id or chat.kind == ChatKind.CHANNEL or message.kind == "system":
        return None
    others = [(read, delivered) for uid, read, delivered in states if uid != viewer_id]
    seen_by = sum(1 for read, _ in others if read >= message.id)
    if chat.kind == ChatKind.PRIVATE:
        if seen_by:
            state = "read"
        elif any(delivered >= message.id for _, delivered in others):
            state = "delivered"
        else:
            state = "sent"
        return {"state": state, "seen_by": seen_by}
    return {"state": "read" if seen_by else "sent", "seen_by": seen_by}


def message_edits_for_user(*, user, message_id) -> tuple[Message, list[MessageEdit]]:
    message = message_get_for_user(user=user, message_id=message_id)
    if message.deleted_at is not None:
        raise NotFound("No such message.")
    return message, list(MessageEdit.objects.filter(message=message))


def message_reactions_for_user(*, user, message_id) -> list[Reaction]:
    message = message_get_for_user(user=user, message_id=message_id)
    return list(Reaction.objects.filter(message=message).select_related("user"))


def chat_members(*, chat: Chat) -> QuerySet[Membership]:
    return Membership.objects.filter(chat=chat).select_related("user").order_by("role", "user__username")


def events_after(*, user_id: int, last_id: int, limit: int = REPLAY_LIMIT) -> list[ChatEvent]:
    """The user's events after `last_id`, oldest first, at most `limit`."""
    return list(ChatEvent.objects.filter(user_id=user_id, event_id__gt=last_id).order_by("event_id")[:limit])


def events_between(*, user_id: int, after: int, up_to: int) -> list[ChatEvent]:
    return list(ChatEvent.objects.filter(user_id=user_id, event_id__gt=after, event_id__lte=up_to).order_by("event_id"))


def last_event_id(*, user_id: int) -> int:
    return ChatUserState.objects.filter(user_id=user_id).values_list("last_event_id", flat=True).first() or 0


def presence_of(*, user_ids) -> dict[int, dict]:
    from .services import presence_payload

    states = {s.user_id: s for s in ChatUserState.objects.filter(user_id__in=user_ids)}
    hidden = set(Preferences.objects.filter(user_id__in=user_ids, show_activity=False).values_list("user_id", flat=True))
    return {uid: presence_payload(states.get(uid), uid not in hidden) for uid in user_ids}


def people_search(*, user, query: str, limit: int = 10) -> list[User]:
    """People to start a private chat with, by username or name."""
    query = (query or "").strip()
    if not query:
        return []
    return list(User.objects.filter(Q(username__icontains=query) | Q(name__icontains=query), is_active=True)
                .exclude(id=user.id).order_by("username")[:limit])


def public_channels_search(*, query: str, limit: int = 20) -> QuerySet[Chat]:
    members = Membership.objects.filter(chat_id=OuterRef("id")).order_by().values("chat_id").annotate(
        n=Count("id")).values("n")
    rows = Chat.objects.filter(kind=ChatKind.CHANNEL, is_public=True).annotate(
        member_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)))
    query = (query or "").strip()
    if query:
        rows = rows.filter(Q(title__icontains=query) | Q(description__icontains=query))
    return rows.order_by("-member_count", "title")[:limit]


# --- search -------------------------------------------------------------------------------------

def _full_text_filter(queryset: QuerySet[Message], terms: list[str]) -> QuerySet[Message]:
    """Messages whose text has every term (as a word prefix). PostgreSQL: the stored `simple`
    tsvector of the body and its GIN index (migration 0005); SQLite: the FTS5 table of migration
    0002, kept in step by triggers."""
    if connection.vendor == "postgresql":
        tsquery = " & ".join(term.replace("'", "") + ":*" for term in terms)
        return queryset.filter(RawSQL(
            "chat_message.search_vector @@ to_tsquery('simple', %s)", [tsquery], output_field=BooleanField()))
    if connection.vendor == "sqlite":
        return queryset.filter(id__in=RawSQL(
            "SELECT rowid FROM chat_message_fts WHERE chat_message_fts MATCH %s", [message_text.fts5_query(terms)]))
    condition = Q()
    for term in terms:
        condition &= Q(body__icontains=term)
    return queryset.filter(condition)


def message_search(*, user, text: str = "", sender: str = "", chat_id: int | None = None,
                   date_from: datetime | None = None, date_to: datetime | None = None,
                   hashtag: str = "", limit: int = 50) -> tuple[list[Message], list[str]]:
    """Messages the user can see (chats they are in, not deleted, not hidden for them) matching
    every given filter, newest first; with the search terms for highlighting. Two queries: the
    page, then the other person of the page's private chats (their titles)."""
    terms = message_text.search_terms(text)
    rows = (Message.objects.filter(chat__memberships__user_id=user.id, deleted_at__isnull=True)
            .exclude(kind="system")
            .exclude(id__in=MessageHidden.objects.filter(user_id=user.id).values("message_id"))
            .select_related("chat", "sender"))
    if terms:
        rows = _full_text_filter(rows, terms)
    if sender:
        rows = rows.filter(sender__username__iexact=sender.lstrip("@"))
    if chat_id is not None:
        rows = rows.filter(chat_id=chat_id)
    if date_from is not None:
        rows = rows.filter(created_at__gte=date_from)
    if date_to is not None:
        rows = rows.filter(created_at__lte=date_to)
    if hashtag:
        rows = rows.filter(hashtags__tag=hashtag.lstrip("#").lower())
    page = list(rows.order_by("-id")[:limit])
    # Titles of private chats: the other member's name, read for the page only (a subquery per
    # matching row cost more than the search itself).
    private = {m.chat_id for m in page if m.chat.kind == ChatKind.PRIVATE}
    others = {}
    if private:
        for chat_id, name, username in (Membership.objects.filter(chat_id__in=private).exclude(user_id=user.id)
                                        .order_by("-id").values_list("chat_id", "user__name", "user__username")):
            others[chat_id] = (name, username)
    for message in page:
        message.other_name, message.other_username = others.get(message.chat_id, ("", ""))
    return page, terms


def chat_overview(*, since: datetime) -> dict:
    """Chat volume for the staff overview: messages since `since` (not deleted), the chats they
    were sent in, their senders, and the mix of chat kinds. Two queries."""
    from django.db.models import Count

    sent = Message.objects.filter(created_at__gte=since, deleted_at__isnull=True)
    totals = sent.aggregate(messages=Count("id"), chats=Count("chat", distinct=True),
                            senders=Count("sender", distinct=True))
    by_kind = dict(sent.values_list("chat__kind").annotate(n=Count("id")).order_by("chat__kind"))
    return {**totals, "by_chat_kind": by_kind}


def messages_sent_count(*, user, since: datetime) -> int:
    """How many messages `user` sent since `since` (not deleted), for their dashboard. One query."""
    return Message.objects.filter(sender=user, created_at__gte=since, deleted_at__isnull=True).count()

"""Reads of secret chats. A secret chat someone is not one of the two people of does not exist for
them (404), and neither do its messages. Public keys are public: anyone signed in may fetch the
current one of an active user (that is how a secret chat starts)."""

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from accounts.models import User
from core.exceptions import NotFound

from .secret_models import SecretChat, SecretKey, SecretMessage
from .selectors import MAX_ID


def secret_keys_of(*, user) -> list[SecretKey]:
    """All of the user's own keys, current first: the browser unwraps those its passphrase opens."""
    return list(SecretKey.objects.filter(user_id=user.id).order_by(F("retired_at").desc(nulls_first=True), "-id"))


def secret_key_current(*, user_id: int) -> SecretKey | None:
    return SecretKey.objects.filter(user_id=user_id, retired_at__isnull=True).first()


def secret_key_current_of_username(*, username: str) -> SecretKey:
    key = (SecretKey.objects.select_related("user")
           .filter(user__username=username, user__is_active=True, retired_at__isnull=True).first())
    if key is None:
        raise NotFound("That person has not set up secret chats.")
    return key


@dataclass
class SecretChatView:
    """A secret chat as one of its two people sees it."""

    chat: SecretChat
    peer: User
    peer_key: SecretKey | None
    trusted_key_id: int | None

    @property
    def key_changed(self) -> bool:
        """The peer's current key is not the one this side last compared."""
        return self.peer_key is not None and self.peer_key.id != self.trusted_key_id


def _view(chat: SecretChat, viewer_id: int, current_keys: dict[int, SecretKey]) -> SecretChatView:
    low = chat.user_low_id == viewer_id
    peer = chat.user_high if low else chat.user_low
    return SecretChatView(chat=chat, peer=peer, peer_key=current_keys.get(peer.id),
                          trusted_key_id=chat.low_trusts_key_id if low else chat.high_trusts_key_id)


def _current_keys(user_ids) -> dict[int, SecretKey]:
    return {k.user_id: k for k in SecretKey.objects.filter(user_id__in=set(user_ids), retired_at__isnull=True)}


def secret_chats_for_user(*, user) -> list[SecretChatView]:
    """The user's secret chats, latest activity first, in two queries whatever their number."""
    chats = list(SecretChat.objects.select_related("user_low", "user_high")
                 .filter(Q(user_low_id=user.id) | Q(user_high_id=user.id)).order_by("-last_activity_at", "-id"))
    keys = _current_keys(c.peer_id(user.id) for c in chats)
    return [_view(c, user.id, keys) for c in chats]


def secret_chat_get_for_user(*, user, chat_id) -> SecretChatView:
    if not isinstance(chat_id, int) or not 0 < chat_id <= MAX_ID:
        raise NotFound("No such secret chat.")
    chat = SecretChat.objects.select_related("user_low", "user_high").filter(id=chat_id).first()
    if chat is None or user.id not in (chat.user_low_id, chat.user_high_id):
        raise NotFound("No such secret chat.")
    return _view(chat, user.id, _current_keys([chat.peer_id(user.id)]))


def secret_messages_of(*, chat: SecretChat) -> QuerySet[SecretMessage]:
    """Newest first (the history is a cursor feed), with the keys each one names."""
    return (SecretMessage.objects.filter(chat=chat)
            .select_related("sender", "sender_key", "recipient_key").order_by("-id"))


def secret_peer_get(*, username: str) -> User:
    peer = User.objects.filter(username=username, is_active=True).first()
    if peer is None:
        raise NotFound("No such user.")
    return peer

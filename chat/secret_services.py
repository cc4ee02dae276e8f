"""Every write of secret chats. What arrives is checked for shape (chat.secret_engine.shapes) and
stored as it came: the server never sees a passphrase, an unwrapped private key or a plaintext.

Keys: publishing a key makes it the user's current one and retires the previous one (kept, so
that history sealed under it stays readable by whoever still has its passphrase). Each secret chat
of that user gets a "key changed" notice in its history, and the other person sees the changed-key
warning until they compare the safety number again and say so (`secret_chat_trust`).

Messages are sealed by the sender for the recipient's current key; one sealed for a key that is no
longer current is refused (409 `stale_key`), so nobody writes to a key its owner has replaced.
They go to both people's sockets through the messenger's event log (chat.events): live, replayed
after a reconnect, exactly once. Nothing else hears of them: no search index, no bot update, no
webhook, no mention or notification (the server could only say "something", never what)."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from core.exceptions import Conflict, ValidationFailed
from core.rate_limits import minute_budget_spend

from .events import events_emit
from .secret_engine import shapes
from .secret_models import SecretChat, SecretKey, SecretMessage, SecretMessageKind
from .services import MESSAGES_PER_MINUTE, RateLimited, user_brief


class StaleKey(Conflict):
    code = "stale_key"
    default_message = "That key is no longer current: fetch the current keys and seal the message again."


class NoSecretKey(Conflict):
    code = "no_secret_key"
    default_message = "Set a secret-chat passphrase first."


def _shape_checked(check, **fields):
    try:
        return check(**fields)
    except shapes.ShapeError as error:
        raise ValidationFailed(details={error.field: [str(error)]}) from None


def secret_key_to_dict(key: SecretKey | None) -> dict | None:
    if key is None:
        return None
    return {"id": key.id, "public_key": key.public_key, "created_at": key.created_at.isoformat()}


def secret_message_to_dict(message: SecretMessage) -> dict:
    return {
        "id": message.id, "chat_id": message.chat_id, "kind": message.kind,
        "sender": user_brief(message.sender),
        "sender_key": secret_key_to_dict(message.sender_key),
        "recipient_key": secret_key_to_dict(message.recipient_key),
        "iv": message.iv, "ciphertext": message.ciphertext,
        "created_at": message.created_at.isoformat(),
    }


def secret_key_publish(*, user: User, public_key, wrapped_private_key, wrap_salt, wrap_iv,
                       wrap_iterations) -> SecretKey:
    """The user's new current key. Guarantees: the fields have the protocol's shapes; the user
    has exactly one current key; each of their secret chats records the change and both people's
    sockets hear of it on commit."""
    checked = _shape_checked(shapes.check_wrapped_key, public_key=public_key, wrapped_private_key=wrapped_private_key,
                             wrap_salt=wrap_salt, wrap_iv=wrap_iv, wrap_iterations=wrap_iterations)
    now = timezone.now()
    try:
        with transaction.atomic():
            had_key = SecretKey.objects.filter(user_id=user.id, retired_at__isnull=True).update(retired_at=now) > 0
            key = SecretKey.objects.create(user=user, public_key=checked.public_key,
                                           wrapped_private_key=checked.wrapped_private_key,
                                           wrap_salt=checked.wrap_salt, wrap_iv=checked.wrap_iv,
                                           wrap_iterations=checked.wrap_iterations)
            if had_key:
                _announce_key_change(user, key, now)
    except IntegrityError:  # another tab published at the same moment
        raise Conflict("Another key was published at the same time; reload and try again.") from None
    return key


def _announce_key_change(user: User, key: SecretKey, now) -> None:
    chats = list(SecretChat.objects.filter(Q(user_low_id=user.id) | Q(user_high_id=user.id)).order_by("id"))
    if not chats:
        return
    notices = SecretMessage.objects.bulk_create(
        [SecretMessage(chat=c, sender=user, kind=SecretMessageKind.KEY_CHANGED, sender_key=key) for c in chats])
    SecretChat.objects.filter(id__in=[c.id for c in chats]).update(last_activity_at=now)
    for chat, notice in zip(chats, notices, strict=True):
        # bulk_create leaves the relations unset on the returned rows.
        notice.chat, notice.sender, notice.sender_key = chat, user, key
        notice.created_at = notice.created_at or now
        events_emit(user_ids=[chat.user_low_id, chat.user_high_id], type="secret.key_changed",
                    payload={"secret_message": secret_message_to_dict(notice)})


def secret_chat_open(*, user: User, peer: User) -> SecretChat:
    """The one secret chat of the pair, made when missing. Both need a current key; each side
    starts by trusting the other's current key (trust on first use: compare the safety number)."""
    if peer.id == user.id:
        raise ValidationFailed("A secret chat needs another person.", details={"username": ["That is you."]})
    own = SecretKey.objects.filter(user_id=user.id, retired_at__isnull=True).first()
    theirs = SecretKey.objects.filter(user_id=peer.id, retired_at__isnull=True).first()
    if own is None:
        raise NoSecretKey()
    if theirs is None or not peer.is_active:
        raise Conflict(f"{peer.username} has not set up secret chats yet.", code="peer_has_no_key")
    low, high = sorted([(user.id, own), (peer.id, theirs)], key=lambda pair: pair[0])
    try:
        with transaction.atomic():
            chat, _ = SecretChat.objects.get_or_create(
                user_low_id=low[0], user_high_id=high[0],
                defaults={"low_trusts_key": high[1], "high_trusts_key": low[1]})
    except IntegrityError:  # the other person opened it at the same moment
        chat = SecretChat.objects.get(user_low_id=low[0], user_high_id=high[0])
    return chat


def secret_message_send(*, sender: User, chat: SecretChat, sender_key_id, recipient_key_id, iv,
                        ciphertext) -> SecretMessage:
    """Store a sealed message as it came and hand it to both people's sockets on commit."""
    _shape_checked(shapes.check_sealed_message, iv=iv, ciphertext=ciphertext)
    now = timezone.now()
    # The same budget as ordinary messages (and the same setting): a flood is a flood.
    if not minute_budget_spend(f"chat-send:{sender.id}", getattr(settings, "CHAT_MESSAGES_PER_MINUTE", MESSAGES_PER_MINUTE)):
        raise RateLimited(details={"retry_after_seconds": 60 - now.second})
    peer_id = chat.peer_id(sender.id)
    current = {k.user_id: k for k in SecretKey.objects.filter(user_id__in=[sender.id, peer_id], retired_at__isnull=True)}
    own, theirs = current.get(sender.id), current.get(peer_id)
    if own is None or theirs is None or own.id != sender_key_id or theirs.id != recipient_key_id:
        raise StaleKey(details={"sender_key_id": own.id if own else None,
                                "recipient_key_id": theirs.id if theirs else None})
    with transaction.atomic():
        message = SecretMessage.objects.create(chat=chat, sender=sender, kind=SecretMessageKind.SEALED,
                                               sender_key=own, recipient_key=theirs, iv=iv, ciphertext=ciphertext)
        SecretChat.objects.filter(id=chat.id).update(last_activity_at=now)
        events_emit(user_ids=[chat.user_low_id, chat.user_high_id], type="secret.message",
                    payload={"secret_message": secret_message_to_dict(message)})
    return message


def secret_chat_trust(*, user: User, chat: SecretChat, key_id) -> SecretChat:
    """The user compared the safety number for the peer's current key `key_id`: the warning goes."""
    peer_key = SecretKey.objects.filter(user_id=chat.peer_id(user.id), retired_at__isnull=True).first()
    if peer_key is None or peer_key.id != key_id:
        raise StaleKey(details={"recipient_key_id": peer_key.id if peer_key else None})
    field = "low_trusts_key" if user.id == chat.user_low_id else "high_trusts_key"
    setattr(chat, field, peer_key)
    chat.save(update_fields=[field])
    return chat

"""Every write about chat bots: creating them and their tokens (audited), the bot API's writes
(sending, confirming updates, the webhook), updates for messages addressed to a bot, and the
outgoing webhook deliveries with their retries.

Who gets an update: a bot in a private chat, every message there from the person; a bot in a
group or channel, messages that mention it (@name), commands (/start, or /start@name naming it;
/start@other goes only to that bot) and replies to its own messages. Bots hear nothing from
bots (no loops between two of them).

Deliveries are at least once: a receiver tells a repeat by its update_id."""

import hashlib
import hmac
import re
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.audit import audit_record
from core.exceptions import ApplicationError, Conflict, NotFound, ValidationFailed
from core.rate_limits import minute_budget_spend

from . import message_text
from .bot_models import Bot, BotUpdate, WebhookDelivery, WebhookDeliveryStatus
from .lock_objects import lock_bots, lock_webhook_delivery
from .models import Chat, ChatKind, Message, MessageKind
from .webhook_engine import address_policy, http_delivery, signing

MAX_BOTS_PER_OWNER = 20
BOT_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{1,28}bot$", re.IGNORECASE)
BOT_EMAIL_DOMAIN = "bots.prepforge.invalid"  # .invalid never receives mail (RFC 2606)
COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,32}))?(?:\s|$)")


class BotRateLimited(ApplicationError):
    code = "rate_limited"
    status_code = 429
    default_message = "This bot sends too many messages; wait a little."


class WebhookIsSet(Conflict):
    default_message = "getUpdates is not available while a webhook is set; delete the webhook first."


def _setting(name, default):
    return getattr(settings, name, default)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue_token(bot: Bot) -> str:
    # "<bot id>:<secret>", as Telegram's: the id finds the row, the secret is compared by hash.
    token = f"{bot.id}:{secrets.token_urlsafe(32)}"
    bot.token_hash = token_digest(token)
    bot.token_hint = token[-4:]
    bot.token_created_at = timezone.now()
    bot.token_revoked_at = None
    bot.save(update_fields=["token_hash", "token_hint", "token_created_at", "token_revoked_at", "updated_at"])
    return token


def _owned(owner: User, bot: Bot) -> Bot:
    if bot.owner_id != owner.id:
        raise NotFound("No such bot.")
    return bot


@transaction.atomic
def bot_create(*, owner: User, username: str, name: str = "") -> tuple[Bot, str]:
    """A bot owned by `owner`, with its account and a first token, returned once (only its hash
    is kept). The username ends in "bot" (as on Telegram), so people and bots never look alike."""
    from accounts.services import user_create

    username = (username or "").strip().lstrip("@")
    if not BOT_USERNAME.match(username):
        raise ValidationFailed("A bot's username has 3-32 letters, digits or underscores, starts with a letter "
                               "and ends in \"bot\".", code="invalid_bot_username",
                               details={"username": ["Use letters, digits and _, ending in bot (e.g. quiz_bot)."]})
    name = (name or "").strip()[:150] or username
    if Bot.objects.filter(owner=owner).count() >= MAX_BOTS_PER_OWNER:
        raise ValidationFailed(f"You can have at most {MAX_BOTS_PER_OWNER} bots.", code="too_many_bots")
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict("That username is taken.", code="username_taken", details={"username": ["That username is taken."]})
    account = user_create(email=f"{username.lower()}@{BOT_EMAIL_DOMAIN}", username=username, password=None, name=name)
    bot = Bot.objects.create(user=account, owner=owner)
    token = _issue_token(bot)
    audit_record(action="chat.bot_token_created", actor=owner, target=bot, changes={"token": [None, f"…{bot.token_hint}"]})
    return bot, token


@transaction.atomic
def bot_token_rotate(*, owner: User, bot: Bot) -> str:
    """A new token for the bot; the one before stops working at once. Returned once."""
    bot = lock_bots([_owned(owner, bot).id])[bot.id]
    before = f"…{bot.token_hint}" if bot.token_hash else None
    token = _issue_token(bot)
    audit_record(action="chat.bot_token_created", actor=owner, target=bot, changes={"token": [before, f"…{bot.token_hint}"]})
    return token


@transaction.atomic
def bot_token_revoke(*, owner: User, bot: Bot) -> Bot:
    """The bot's token stops working (the bot stays in its chats; a new token brings it back)."""
    bot = lock_bots([_owned(owner, bot).id])[bot.id]
    if bot.token_hash:
        audit_record(action="chat.bot_token_revoked", actor=owner, target=bot, changes={"token": [f"…{bot.token_hint}", None]})
        bot.token_hash = ""
        bot.token_revoked_at = timezone.now()
        bot.save(update_fields=["token_hash", "token_revoked_at", "updated_at"])
    return bot


def bot_authenticate(token: str) -> Bot | None:
    """The bot whose current token this is; None for a malformed, guessed, replaced or revoked one."""
    bot_id, _, secret = (token or "").partition(":")
    if not bot_id.isdigit() or not secret or len(token) > 100:
        return None
    bot = Bot.objects.select_related("user").filter(id=int(bot_id)).first()
    if bot is None or not bot.token_hash or not bot.user.is_active:
        return None
    return bot if hmac.compare_digest(bot.token_hash, token_digest(token)) else None


def bot_avatar_set(*, owner: User, bot: Bot, upload) -> Bot:
    from accounts.services import profile_avatar_set

    profile_avatar_set(user=_owned(owner, bot).user, upload=upload)
    return bot


# --- the bot API's writes ----------------------------------------------------------------------

def bot_send_message(*, bot: Bot, chat_id: int, text: str, reply_to_message_id: int | None = None) -> Message:
    """Post as the bot into a chat it is a member of (404 otherwise), at most
    BOT_MESSAGES_PER_MINUTE a minute (429), with the members' rules (a channel only through its
    admins, slow mode, size)."""
    from .services import message_send

    chat = Chat.objects.filter(id=chat_id).first()
    if chat is None:
        raise NotFound("No such chat.")
    limit = _setting("BOT_MESSAGES_PER_MINUTE", 20)
    if not minute_budget_spend(f"bot-send:{bot.id}", limit):
        raise BotRateLimited(details={"retry_after_seconds": 60 - timezone.now().second, "per_minute": limit})
    return message_send(sender=bot.user, chat=chat, body=text, reply_to_id=reply_to_message_id)


@transaction.atomic
def bot_updates_confirm(*, bot: Bot, offset: int) -> int:
    """getUpdates' offset: updates numbered below it were handled and are forgotten."""
    if bot.webhook_url:
        raise WebhookIsSet(code="webhook_is_set")
    deleted, _ = BotUpdate.objects.filter(bot=bot, update_id__lt=offset).delete()
    return deleted


def _allowed_networks():
    return address_policy.parse_networks(_setting("WEBHOOK_ALLOWED_NETWORKS", []))


def webhook_target_check(url: str) -> address_policy.WebhookTarget:
    """The checked target of a webhook URL, or a 400 saying why it is refused."""
    try:
        return address_policy.resolve_webhook_target(url, allowed_networks=_allowed_networks())
    except address_policy.WebhookAddressRefused as refused:
        raise ValidationFailed(str(refused), code=f"webhook_{refused.code}", details={"url": [str(refused)]}) from None


@transaction.atomic
def bot_webhook_set(*, bot: Bot, url: str, new_secret: bool = False) -> Bot:
    """Send the bot's updates to `url` from now on (checked now, and again at every delivery),
    pending deliveries included. The signing secret is made once, or again with `new_secret`."""
    webhook_target_check(url)
    bot = lock_bots([bot.id])[bot.id]
    bot.webhook_url = url.strip()
    if new_secret or not bot.webhook_secret:
        bot.webhook_secret = secrets.token_hex(32)
    bot.save(update_fields=["webhook_url", "webhook_secret", "updated_at"])
    # What still waits goes to the new address, never again to the one the owner left.
    WebhookDelivery.objects.filter(bot=bot, status=WebhookDeliveryStatus.PENDING).exclude(url=bot.webhook_url).update(
        url=bot.webhook_url, updated_at=timezone.now())
    return bot


@transaction.atomic
def bot_webhook_delete(*, bot: Bot) -> Bot:
    """Back to getUpdates. Deliveries still pending stop (marked failed, "webhook removed")."""
    bot = lock_bots([bot.id])[bot.id]
    bot.webhook_url = ""
    bot.save(update_fields=["webhook_url", "updated_at"])
    WebhookDelivery.objects.filter(bot=bot, status=WebhookDeliveryStatus.PENDING).update(
        status=WebhookDeliveryStatus.FAILED, last_error="webhook_removed", next_attempt_at=None, updated_at=timezone.now())
    return bot


# --- updates -----------------------------------------------------------------------------------

def bot_to_dict(bot: Bot) -> dict:
    """getMe: the bot as members see it."""
    return {"id": bot.user_id, "is_bot": True, "first_name": bot.user.display_name, "username": bot.user.username}


def update_payload(update_id: int, message: Message) -> dict:
    """The update as Telegram's bot API shapes it (message or channel_post)."""
    chat = message.chat
    body = {
        "message_id": message.id,
        "date": int(message.created_at.timestamp()),
        "chat": {"id": chat.id, "type": chat.kind, **({"title": chat.title} if chat.title else {})},
        "from": {"id": message.sender.id, "is_bot": False, "first_name": message.sender.display_name,
                 "username": message.sender.username} if message.sender else None,
        "text": message.body,
    }
    if message.reply_to_id:
        body["reply_to_message"] = {"message_id": message.reply_to_id}
    key = "channel_post" if chat.kind == ChatKind.CHANNEL else "message"
    return {"update_id": update_id, key: body}


def _addressed_bots(message: Message, bots: list[Bot]) -> list[Bot]:
    if message.chat.kind == ChatKind.PRIVATE:
        return bots
    mentioned = {name.lower() for name in message_text.mentions(message.body)}
    command = COMMAND.match(message.body)
    replied_to = message.reply_to.sender_id if message.reply_to_id and message.reply_to else None
    chosen = []
    for bot in bots:
        name = bot.user.username.lower()
        if name in mentioned or bot.user_id == replied_to:
            chosen.append(bot)
        elif command and (command.group(2) is None or command.group(2).lower() == name):
            chosen.append(bot)
    return chosen


def bot_updates_for_message(*, message: Message) -> list[BotUpdate]:
    """Called by chat.services.message_send in its transaction: an update for each bot the
    message is addressed to, and a webhook delivery queued on commit where the bot has one."""
    if message.kind != MessageKind.TEXT or message.sender_id is None:
        return []
    bots = list(Bot.objects.select_related("user").filter(user__chat_memberships__chat_id=message.chat_id))
    if not bots or any(b.user_id == message.sender_id for b in bots) or Bot.objects.filter(user_id=message.sender_id).exists():
        return []
    addressed = _addressed_bots(message, bots)
    if not addressed:
        return []
    locked = lock_bots([b.id for b in addressed])
    updates, deliveries = [], []
    for bot in locked.values():
        bot.last_update_id += 1
        payload = update_payload(bot.last_update_id, message)
        updates.append(BotUpdate(bot=bot, update_id=bot.last_update_id, payload=payload))
        if bot.webhook_url:
            deliveries.append(WebhookDelivery(bot=bot, update_id=bot.last_update_id, payload=payload,
                                              url=bot.webhook_url, next_attempt_at=timezone.now()))
    Bot.objects.bulk_update(list(locked.values()), ["last_update_id"])
    BotUpdate.objects.bulk_create(updates)
    created = WebhookDelivery.objects.bulk_create(deliveries)
    if created:
        from .bot_tasks import webhook_delivery_task

        # bulk_create sets ids on PostgreSQL and SQLite (RETURNING).
        ids = [d.id for d in created]
        transaction.on_commit(lambda: [webhook_delivery_task.delay(i) for i in ids], robust=True)
    return updates


# --- webhook deliveries ------------------------------------------------------------------------

def _retry_delay(attempts: int) -> timedelta:
    """After attempt n: base * 2^(n-1) (30 s, 1 min, 2 min, 4 min with the defaults)."""
    return timedelta(seconds=_setting("WEBHOOK_RETRY_BASE_SECONDS", 30) * 2 ** (attempts - 1))


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """One attempt of a pending delivery: the URL is checked again (its name resolved now, the
    connection made to that address), the body signed, posted with a timeout and a bound on the
    answer read, and the attempt recorded. A refused address fails at once (it is the URL, not
    the moment); other failures are tried again later until WEBHOOK_MAX_ATTEMPTS. Returns the
    delivery; one that is no longer pending is left as it is."""
    delivery = WebhookDelivery.objects.select_related("bot__user").filter(id=delivery_id).first()
    if delivery is None or delivery.status != WebhookDeliveryStatus.PENDING:
        return delivery
    bot = delivery.bot
    body = _json_bytes(delivery.payload)
    outcome: http_delivery.DeliveryOutcome | None = None
    refusal = ""
    if not bot.webhook_url:
        refusal = "webhook_removed"
    else:
        try:
            target = address_policy.resolve_webhook_target(delivery.url, allowed_networks=_allowed_networks())
        except address_policy.WebhookAddressRefused as refused:
            refusal = f"{refused.code}: {refused}"
        else:
            headers = {**signing.signature_headers(bot.webhook_secret, body, time.time()),
                       "X-PrepForge-Delivery": str(delivery.id), "X-PrepForge-Bot": bot.user.username}
            outcome = http_delivery.post_webhook(
                target, body, headers, timeout_seconds=_setting("WEBHOOK_TIMEOUT_SECONDS", 10.0),
                max_response_bytes=_setting("WEBHOOK_MAX_RESPONSE_BYTES", 65536))
    return _webhook_attempt_record(delivery_id=delivery_id, outcome=outcome, refusal=refusal)


def _json_bytes(payload) -> bytes:
    import json

    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


@transaction.atomic
def _webhook_attempt_record(*, delivery_id: int, outcome, refusal: str) -> WebhookDelivery | None:
    delivery = lock_webhook_delivery(delivery_id)
    if delivery is None or delivery.status != WebhookDeliveryStatus.PENDING:
        return delivery
    now = timezone.now()
    delivery.attempts += 1
    entry = {"at": now.isoformat(), "attempt": delivery.attempts}
    if outcome is None:
        entry.update(status_code=None, error=refusal[:300], duration_ms=0, response_bytes=0, truncated=False,
                     response_excerpt="")
        delivery.status = WebhookDeliveryStatus.FAILED
        delivery.last_error, delivery.last_status_code, delivery.next_attempt_at = refusal[:300], None, None
    else:
        entry.update(status_code=outcome.status_code, error=outcome.error, duration_ms=outcome.duration_ms,
                     response_bytes=outcome.response_bytes, truncated=outcome.truncated,
                     response_excerpt=outcome.response_excerpt)
        delivery.last_status_code, delivery.last_error = outcome.status_code, outcome.error
        if outcome.succeeded:
            delivery.status, delivery.next_attempt_at = WebhookDeliveryStatus.SUCCEEDED, None
            # The receiver took it: the update is confirmed, as getUpdates' offset confirms one,
            # so going back to getUpdates does not hand it out again.
            BotUpdate.objects.filter(bot_id=delivery.bot_id, update_id=delivery.update_id).delete()
        elif delivery.attempts >= _setting("WEBHOOK_MAX_ATTEMPTS", 5):
            delivery.status, delivery.next_attempt_at = WebhookDeliveryStatus.FAILED, None
        else:
            delivery.next_attempt_at = now + _retry_delay(delivery.attempts)
    delivery.attempt_log = [*delivery.attempt_log, entry]
    delivery.save(update_fields=["attempts", "attempt_log", "status", "last_status_code", "last_error",
                                 "next_attempt_at", "updated_at"])
    return delivery


def webhook_deliveries_recover(*, now=None) -> int:
    """Queue again the pending deliveries whose next attempt is a minute overdue (their task was
    lost with a worker or a Redis restart). Returns how many."""
    from .bot_tasks import webhook_delivery_task

    now = now or timezone.now()
    due = list(WebhookDelivery.objects.filter(status=WebhookDeliveryStatus.PENDING,
                                              next_attempt_at__lt=now - timedelta(seconds=60))
               .values_list("id", flat=True)[:500])
    for delivery_id in due:
        webhook_delivery_task.delay(delivery_id)
    return len(due)

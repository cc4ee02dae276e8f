"""Reads about chat bots: an owner's bots and delivery log, a bot's pending updates."""

from django.db.models import QuerySet

from accounts.models import User
from core.exceptions import NotFound

from .bot_models import Bot, BotUpdate, WebhookDelivery, WebhookDeliveryStatus


def bots_of_owner(*, owner: User) -> QuerySet[Bot]:
    return Bot.objects.filter(owner=owner).select_related("user", "user__profile").order_by("id")


def bot_get_for_owner(*, owner: User, bot_id: int) -> Bot:
    """The owner's bot; anyone else's is a 404, as an unknown one is."""
    bot = bots_of_owner(owner=owner).filter(id=bot_id).first()
    if bot is None:
        raise NotFound("No such bot.")
    return bot


def bot_updates_pending(*, bot: Bot, offset: int = 0, limit: int = 100) -> list[BotUpdate]:
    return list(BotUpdate.objects.filter(bot=bot, update_id__gte=offset).order_by("update_id")[:limit])


def bot_pending_update_count(*, bot: Bot) -> int:
    return BotUpdate.objects.filter(bot=bot).count()


def webhook_deliveries_of_bot(*, bot: Bot) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(bot=bot).order_by("-id")


def webhook_pending_count(*, bot: Bot) -> int:
    return WebhookDelivery.objects.filter(bot=bot, status=WebhookDeliveryStatus.PENDING).count()


def recent_deliveries_by_bot(*, owner: User, per_bot: int = 20) -> dict[int, list[WebhookDelivery]]:
    """The newest `per_bot` deliveries of each of the owner's bots, in one query."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    rows = (WebhookDelivery.objects.filter(bot__owner=owner)
            .annotate(rank=Window(RowNumber(), partition_by=[F("bot_id")], order_by=F("id").desc()))
            .filter(rank__lte=per_bot).order_by("bot_id", "-id"))
    grouped: dict[int, list[WebhookDelivery]] = {}
    for delivery in rows:
        grouped.setdefault(delivery.bot_id, []).append(delivery)
    return grouped

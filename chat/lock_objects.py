"""Row locks of the messenger (order: core.locks)."""

from core.locks import lock_for_update

from .models import ChatUserState


def lock_chat_user_states(user_ids) -> dict[int, ChatUserState]:
    """The event counters of `user_ids`, created when missing and locked in ascending user id
    order, so that two messages to overlapping members never deadlock and each user's events are
    numbered in commit order."""
    ids = sorted(set(user_ids))
    ChatUserState.objects.bulk_create([ChatUserState(user_id=i) for i in ids], ignore_conflicts=True)
    return {s.user_id: s for s in lock_for_update(ChatUserState.objects.filter(user_id__in=ids).order_by("user_id"))}


def lock_bots(bot_ids):
    """Bots' update counters, locked in ascending id order (after the event counters, which a
    message locks first)."""
    from .bot_models import Bot

    return {b.id: b for b in lock_for_update(Bot.objects.filter(id__in=sorted(set(bot_ids))).order_by("id"))}


def lock_webhook_delivery(delivery_id):
    from .bot_models import WebhookDelivery

    return lock_for_update(WebhookDelivery.objects.filter(id=delivery_id)).first()


def lock_chat_call(call_id):
    """A chat call's row, so that two answers, a hang-up and the sweep see one another's writes
    (before the event counters: core.locks 5a')."""
    from .call_models import ChatCall

    return lock_for_update(ChatCall.objects.filter(id=call_id)).first()

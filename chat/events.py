"""The per-user event log of the messenger: every event that matters is stored for each recipient
with the next number of that recipient's counter, in the writing transaction, and published to
their sockets after commit. A socket that reconnects with the last number it saw replays the rest
from here (chat.consumers), so nothing is lost and nothing arrives twice.

Numbers follow commit order per user: the counter rows are locked (ascending user id) until the
transaction commits, so event n+1 of a user can only commit after event n."""

from django.db import transaction

from core.realtime import publish_now

from .lock_objects import lock_chat_user_states
from .models import ChatEvent, ChatUserState
from .realtime import chat_user_group

# Sent to a socket instead of its backlog when it missed more than this: it reloads.
REPLAY_LIMIT = 500


def events_emit(*, user_ids, type: str, payload: dict) -> None:
    """Store `{"type": type, **payload}` for each of `user_ids` and publish it on commit. A fixed
    number of queries whatever the number of recipients. Call inside a transaction."""
    ids = sorted(set(user_ids))
    if not ids:
        return
    states = lock_chat_user_states(ids)
    events = []
    for user_id in ids:
        state = states[user_id]
        state.last_event_id += 1
        events.append(ChatEvent(user_id=user_id, event_id=state.last_event_id, type=type, payload=payload))
    ChatUserState.objects.bulk_update(list(states.values()), ["last_event_id"])
    ChatEvent.objects.bulk_create(events)

    def publish():
        for event in events:
            publish_now(chat_user_group(event.user_id), event_frame(event))

    transaction.on_commit(publish, robust=True)


def ephemeral_emit(*, user_ids, type: str, payload: dict) -> None:
    """An event that is only worth hearing now (typing, presence): not stored, no number."""
    frame = {"type": type, **payload}

    def publish():
        for user_id in set(user_ids):
            publish_now(chat_user_group(user_id), frame)

    transaction.on_commit(publish, robust=True)


def event_frame(event: ChatEvent) -> dict:
    return {"type": event.type, "id": event.event_id, **event.payload}

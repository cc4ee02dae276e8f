"""Secret messages over /ws/chat/: live to both people, to nobody else, and replayed once after a
reconnect, like every other numbered chat event."""

import os

import pytest
from channels.db import database_sync_to_async

from chat import secret_selectors, secret_services, services

from .secret_material import b64, publishable
from .test_consumers import connect, heard_before_marker, receive, until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
db = database_sync_to_async


def _send_secret(chat, sender):
    own = secret_selectors.secret_key_current(user_id=sender.id)
    theirs = secret_selectors.secret_key_current(user_id=chat.peer_id(sender.id))
    return secret_services.secret_message_send(sender=sender, chat=chat, sender_key_id=own.id, recipient_key_id=theirs.id,
                                               iv=b64(os.urandom(12)), ciphertext=b64(os.urandom(40)))


def _setup(alice, bob):
    secret_services.secret_key_publish(user=alice, **publishable())
    secret_services.secret_key_publish(user=bob, **publishable())
    return secret_services.secret_chat_open(user=alice, peer=bob)


async def test_live_to_both_not_to_others_and_replayed_once(alice, bob, carol):
    chat = await db(_setup)(alice, bob)
    bob_ws, carol_ws = await connect(bob), await connect(carol)
    ready = await until(bob_ws, "chat.ready")
    sent = await db(_send_secret)(chat, alice)
    live = await until(bob_ws, "secret.message")
    assert live["secret_message"]["id"] == sent.id and live["secret_message"]["ciphertext"] == sent.ciphertext
    # Carol hears nothing of it: a message to her after it comes first.
    marker_chat = await db(services.chat_private_open)(user=alice, other=carol)
    marker = await db(services.message_send)(sender=alice, chat=marker_chat, body="marker")
    heard = await heard_before_marker(carol_ws, marker)
    assert not [e for e in heard if e["type"].startswith("secret.")]
    await bob_ws.disconnect()
    await carol_ws.disconnect()

    # Offline: a key change and another message; a reconnect from the ready number replays the
    # first message and then these two, each once, in order.
    await db(secret_services.secret_key_publish)(user=alice, **publishable())
    later = await db(_send_secret)(chat, alice)
    again = await connect(bob, f"?last_id={ready['last_id']}")
    replayed = []
    while True:
        event = await receive(again)
        if event["type"] == "chat.ready":
            break
        replayed.append(event)
    secret_events = [(e["type"], e["secret_message"]["id"]) for e in replayed if e["type"].startswith("secret.")]
    assert secret_events[0] == ("secret.message", sent.id)
    assert [t for t, _ in secret_events] == ["secret.message", "secret.key_changed", "secret.message"]
    assert secret_events[-1] == ("secret.message", later.id)
    assert all(e["replayed"] for e in replayed)
    await again.disconnect()

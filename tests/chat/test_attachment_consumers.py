"""Attachments live on /ws/chat/: members hear the message at once with its attachment queued,
then `message.attachment` with the finished card when the media job is done; a reconnect
replays both once; others hear nothing."""

import json

import pytest
from channels.db import database_sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile

from chat import services
from chat.attachment_services import attachment_send

from .test_consumers import connect, heard_before_marker, not_about, receive, send, until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
db = database_sync_to_async


async def test_members_hear_the_attachment_queued_then_ready_and_a_reconnect_replays_it(pair, alice, bob, carol,
                                                                                       attachment_inputs):
    ws_bob = await connect(bob)
    ws_carol = await connect(carol)
    ready = await receive(ws_bob)
    await receive(ws_carol)
    path = attachment_inputs["jpeg_gps"]
    message = await db(attachment_send)(sender=alice, chat=pair,
                                        upload=SimpleUploadedFile(path.name, path.read_bytes()), caption="look")
    new = await until(ws_bob, "message.new", timeout=10)
    assert new["message"]["id"] == message.id
    assert new["message"]["attachment"]["status"] in ("queued", "processing")
    assert new["message"]["attachment"]["urls"]["view"] is None
    done = await until(ws_bob, "message.attachment", timeout=20)
    card = done["message"]["attachment"]
    assert done["message"]["id"] == message.id and card["status"] == "ready"
    assert card["urls"]["thumbnail"] and card["urls"]["view"] and (card["width"], card["height"]) == (800, 1200)
    # Not a member: nothing at all before a later message that does reach carol.
    with_carol = await db(services.chat_private_open)(user=alice, other=carol)
    marker = await send(sender=alice, chat=with_carol, body="marker for carol")
    assert not_about(with_carol, await heard_before_marker(ws_carol, marker)) == []
    await ws_bob.disconnect()

    again = await connect(bob, f"?last_id={ready['last_id']}")
    replayed = [json.loads(await again.receive_from(timeout=3)) for _ in range(3)]
    kinds = [e["type"] for e in replayed]
    assert kinds.count("message.new") == 1 and kinds.count("message.attachment") == 1 and kinds[-1] == "chat.ready"
    assert all(e.get("replayed") for e in replayed[:-1])
    assert await again.receive_nothing(timeout=0.3)
    await again.disconnect()
    await ws_carol.disconnect()

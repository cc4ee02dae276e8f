"""Live status of peer bookings over /ws/notifications/ (the whole ASGI stack, the real channel
layer of the mode: in-memory embedded, Redis in services mode): both participants hear every
change, nobody else does."""

import asyncio
import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from interviews.peer import services
from tests.interviews.peer_fixtures import offer, shift
from tests.session_cookies import session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ORIGIN = (b"origin", b"http://127.0.0.1:8000")


async def socket_of(user):
    cookie = await database_sync_to_async(session_cookie)(user)
    ws = WebsocketCommunicator(application, "/ws/notifications/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await ws.connect(timeout=5)
    assert connected
    assert json.loads(await ws.receive_from(timeout=5))["type"] == "notification.unread_count"
    return ws


async def next_status(ws, timeout=5.0):
    """The next peer_booking.status event (notifications of the same change may come first)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        event = json.loads(await ws.receive_from(timeout=max(0.1, deadline - loop.time())))
        if event["type"] == "peer_booking.status":
            return event


async def no_status(ws, wait=0.5):
    # receive_nothing, unlike a timed-out receive_from, leaves the consumer running.
    while not await ws.receive_nothing(timeout=wait):
        event = json.loads(await ws.receive_from(timeout=wait))
        assert event["type"] != "peer_booking.status", event
    return True


async def test_both_participants_follow_the_status_and_a_stranger_hears_nothing(user, other_user, make_user):
    stranger = await database_sync_to_async(make_user)()
    interviewee, interviewer, outsider = await socket_of(user), await socket_of(other_user), await socket_of(stranger)
    slot = await database_sync_to_async(offer)(other_user, hours_ahead=48)
    booking = await database_sync_to_async(services.booking_create)(user=user, slot_id=slot.id, topic="algorithms")
    for ws in (interviewee, interviewer):
        event = await next_status(ws)
        assert event == {"type": "peer_booking.status", "booking_id": booking.id, "status": "scheduled",
                         "live_status": "scheduled", "label": "Scheduled", "room_url": None}

    await database_sync_to_async(shift)(booking, starts_in=timedelta(minutes=10))
    assert await database_sync_to_async(services.reminders_send)() == 1
    for ws in (interviewee, interviewer):
        event = await next_status(ws)
        assert (event["status"], event["live_status"], event["label"]) == ("scheduled", "starting_soon",
                                                                            "Starting soon")

    await database_sync_to_async(shift)(booking, starts_in=timedelta(seconds=-1))
    await database_sync_to_async(services.booking_open_room)(user=other_user, booking_id=booking.id)
    for ws in (interviewee, interviewer):
        event = await next_status(ws)
        assert event["live_status"] == "in_progress" and event["room_url"].startswith("/rooms/")

    await database_sync_to_async(services.booking_complete)(user=user, booking_id=booking.id)
    for ws in (interviewee, interviewer):
        assert (await next_status(ws))["live_status"] == "completed"
    assert await no_status(outsider)
    for ws in (interviewee, interviewer, outsider):
        await ws.disconnect()


async def test_cancel_and_no_show_are_pushed(user, other_user):
    interviewee = await socket_of(user)
    first = await database_sync_to_async(offer)(other_user, hours_ahead=48)
    booking = await database_sync_to_async(services.booking_create)(user=user, slot_id=first.id, topic="algorithms")
    assert (await next_status(interviewee))["live_status"] == "scheduled"
    await database_sync_to_async(services.booking_cancel)(user=other_user, booking_id=booking.id)
    assert (await next_status(interviewee))["live_status"] == "cancelled"

    second = await database_sync_to_async(offer)(other_user, hours_ahead=72)
    missed = await database_sync_to_async(services.booking_create)(user=user, slot_id=second.id, topic="algorithms")
    assert (await next_status(interviewee))["booking_id"] == missed.id
    await database_sync_to_async(shift)(missed, starts_in=-timedelta(minutes=20))
    await database_sync_to_async(services.booking_report_no_show)(user=user, booking_id=missed.id)
    event = await next_status(interviewee)
    assert (event["booking_id"], event["live_status"], event["label"]) == (missed.id, "no_show", "No-show")
    await interviewee.disconnect()


async def test_a_rolled_back_booking_publishes_nothing(user, other_user):
    """Events go out on commit: a booking refused inside its transaction is never announced."""
    interviewee = await socket_of(user)
    own = await database_sync_to_async(offer)(user, hours_ahead=48)
    from core.exceptions import ValidationFailed

    with pytest.raises(ValidationFailed):
        await database_sync_to_async(services.booking_create)(user=user, slot_id=own.id, topic="algorithms")
    assert await no_status(interviewee)
    await interviewee.disconnect()


async def next_of_type(ws, kind, timeout=5.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        event = json.loads(await ws.receive_from(timeout=max(0.1, deadline - loop.time())))
        if event["type"] == kind:
            return event


async def test_the_points_balance_is_pushed_to_its_owner_only(user, other_user):
    from django.conf import settings

    slot = await database_sync_to_async(offer)(other_user, hours_ahead=48)
    await database_sync_to_async(services.points_ensure)(user=user)
    mine, theirs = await socket_of(user), await socket_of(other_user)
    await database_sync_to_async(services.booking_create)(user=user, slot_id=slot.id, topic="algorithms")
    event = await next_of_type(mine, "peer_points.balance")
    assert event == {"type": "peer_points.balance", "balance": settings.PEER_STARTING_GRANT - settings.PEER_BOOKING_COST}
    while not await theirs.receive_nothing(timeout=0.5):  # the interviewer's balance did not move
        assert json.loads(await theirs.receive_from(timeout=1))["type"] != "peer_points.balance"
    await mine.disconnect()
    await theirs.disconnect()

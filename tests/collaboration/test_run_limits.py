"""Run limits in rooms: per room, and per person across rooms, guests included."""

import pytest
from channels.db import database_sync_to_async

from collaboration import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_guests_runs_count_against_the_rooms_interviewer(room, settings):
    """Three guests in three rooms of one interviewer share the interviewer's per-person budget:
    guests cost nothing to make, so each cannot bring a budget of their own."""
    settings.ROOM_RUNS_PER_PERSON_PER_MINUTE = 4
    from core.exceptions import ApplicationError

    @database_sync_to_async
    def guests_in_rooms():
        seats = []
        for n in range(3):
            other = room if n == 0 else services.room_create(interviewer=room.interviewer)
            token = services.invite_token(room=other, role="candidate")
            seats.append((other, services.room_join(room=other, token=token, guest_name=f"Guest {n}")))
        return seats

    seats = await guests_in_rooms()
    ran, refused = 0, 0
    for _ in range(3):
        for guest_room, guest in seats:
            try:
                await database_sync_to_async(services.room_run)(room=guest_room, by=guest, source="print(1)")
                ran += 1
            except ApplicationError as error:
                assert error.code == "throttled"
                refused += 1
    assert (ran, refused) == (4, 5)
    # The interviewer's own budget is the one the guests spent.
    with pytest.raises(ApplicationError):
        await database_sync_to_async(services.room_run)(room=room, by=await database_sync_to_async(
            room.participants.get)(role="interviewer"), source="print(1)")

"""Row locks of the live coding rooms (order: core.locks)."""

from core.locks import lock_for_update

from .models import Room


def lock_room_for_update(room_id) -> Room:
    return lock_for_update(Room.objects.filter(id=room_id)).get()


def lock_room_id_for_update(room_id) -> None:
    """The room's row lock without loading the room (its document may be large)."""
    list(lock_for_update(Room.objects.filter(id=room_id)).values_list("id", flat=True))

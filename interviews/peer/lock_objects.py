"""Row locks of peer mock interviews (order, core.locks 5e): the slot, then its booking, then the
points accounts by ascending user id."""

from core.locks import lock_for_update

from .models import PeerBooking, PeerSlot, PointsAccount


def lock_slot_for_update(slot_id: int) -> PeerSlot | None:
    return lock_for_update(PeerSlot.objects.filter(id=slot_id)).first()


def lock_booking_for_update(booking_id: int) -> PeerBooking | None:
    return lock_for_update(PeerBooking.objects.filter(id=booking_id)).first()


def lock_points_account_for_update(user_id: int) -> PointsAccount | None:
    return lock_for_update(PointsAccount.objects.filter(user_id=user_id)).first()

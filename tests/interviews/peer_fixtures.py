"""Helpers for the peer interview tests: slots at known times."""

from datetime import timedelta

from django.utils import timezone

from interviews.peer import services


def offer(user, *, hours_ahead: float = 48, topics=("algorithms",), level="mid", languages=("python",), minutes=60):
    starts = (timezone.now() + timedelta(hours=hours_ahead)).replace(microsecond=0)
    return services.slot_offer(user=user, starts_local=starts, minutes=minutes, topics=list(topics), level=level,
                               languages=list(languages))


def shift(booking, *, starts_in: timedelta):
    """Move a booking (and its slot) in time, as if the clock had advanced."""
    from interviews.models import PeerBooking, PeerSlot

    starts = timezone.now() + starts_in
    ends = starts + (booking.ends_at - booking.starts_at)
    PeerSlot.objects.filter(id=booking.slot_id).update(starts_at=starts, ends_at=ends)
    PeerBooking.objects.filter(id=booking.id).update(starts_at=starts, ends_at=ends)
    booking.refresh_from_db()
    return booking

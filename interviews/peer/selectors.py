"""Every non-trivial read of peer mock interviews. Other people's availability is read only
through `slots_matching` (open slots, and only their public fields)."""

from datetime import datetime

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from core.exceptions import NotFound

from ..engine.peer_schedule import (
    LANGUAGE_KEYS,
    PEER_LANGUAGES,
    PEER_LEVELS,
    PEER_TOPICS,
    TOPIC_KEYS,
    feedback_half_over,
    mask_of,
)
from .models import (
    BookingStatus,
    FeedbackHalf,
    PeerBlock,
    PeerBooking,
    PeerFeedback,
    PeerSlot,
    PeerSuspension,
    PointsAccount,
    PointsEntry,
    SlotStatus,
    WeeklyAvailability,
    WouldHire,
)


def slots_matching(*, user, topic: str = "", level: str = "", language: str = "", after: datetime | None = None,
                   limit: int = 50) -> QuerySet[PeerSlot]:
    """Open future slots of other users matching the filters (each optional), soonest first.
    Slots of people blocked either way are left out."""
    now = after or timezone.now()
    slots = (PeerSlot.objects.filter(status=SlotStatus.OPEN, starts_at__gt=now)
             .exclude(owner=user)
             .exclude(owner__in=suspended_users())
             .exclude(owner__in=PeerBlock.objects.filter(blocker=user).values("blocked"))
             .exclude(owner__in=PeerBlock.objects.filter(blocked=user).values("blocker")))
    if level:
        slots = slots.filter(level=level)
    if topic:
        bit = mask_of([topic], TOPIC_KEYS, what="topic")
        slots = slots.annotate(topic_hit=F("topic_mask").bitand(bit)).filter(topic_hit__gt=0)
    if language:
        bit = mask_of([language], LANGUAGE_KEYS, what="language")
        slots = slots.annotate(language_hit=F("language_mask").bitand(bit)).filter(language_hit__gt=0)
    return slots.select_related("owner").order_by("starts_at", "id")[:limit]


def slot_get_bookable(*, user, slot_id: int) -> PeerSlot:
    """A slot `user` may try to book: anyone's but a blocked peer's (their own and taken ones
    too, so that the service can say why not). A blocked peer's slot answers 404."""
    slot = (PeerSlot.objects.filter(id=slot_id).exclude(status=SlotStatus.WITHDRAWN)
            .exclude(owner__in=suspended_users()).select_related("owner").first())
    if slot is None or users_blocked_either_way(user.id, slot.owner_id):
        raise NotFound("No such slot.")
    return slot


def suspended_users() -> QuerySet:
    """Ids of users suspended from peer interviews now (a subquery: nobody sees their slots)."""
    return PeerSuspension.objects.filter(lifted_at__isnull=True).values("user")


def peer_suspension_in_force(*, user) -> PeerSuspension | None:
    return PeerSuspension.objects.filter(user=user, lifted_at__isnull=True).first()


def users_blocked_either_way(first_id: int, second_id: int) -> bool:
    return PeerBlock.objects.filter(Q(blocker_id=first_id, blocked_id=second_id)
                                    | Q(blocker_id=second_id, blocked_id=first_id)).exists()


def own_availability(*, user) -> dict:
    """The user's own weekly slots and upcoming concrete slots (for the editor)."""
    now = timezone.now()
    return {
        "weekly": list(WeeklyAvailability.objects.filter(owner=user, is_active=True).order_by("weekday", "start_time")),
        "slots": list(PeerSlot.objects.filter(owner=user, ends_at__gt=now)
                      .exclude(status=SlotStatus.WITHDRAWN).order_by("starts_at")[:200]),
    }


def bookings_for_user(*, user, status: str = "") -> QuerySet[PeerBooking]:
    """Bookings where `user` interviews or is interviewed, newest start first, with everything a
    list shows joined in (the query count does not grow with the rows)."""
    bookings = (PeerBooking.objects.filter(Q(interviewer=user) | Q(interviewee=user))
                .select_related("interviewer", "interviewee", "room", "slot"))
    if status:
        bookings = bookings.filter(status=status)
    return bookings.order_by("-starts_at", "-id")


def booking_get_for_user(*, user, booking_id: int) -> PeerBooking:
    """A booking `user` takes part in; anyone else's answers 404 (its existence does not leak)."""
    booking = bookings_for_user(user=user).filter(id=booking_id).first()
    if booking is None:
        raise NotFound("No such booking.")
    return booking


def points_balance(*, user) -> int:
    account = PointsAccount.objects.filter(user=user).first()
    return account.balance if account else settings.PEER_STARTING_GRANT


def points_entries(*, user, limit: int = 50) -> list[PointsEntry]:
    return list(PointsEntry.objects.filter(user=user).order_by("-id")[:limit])


def peer_standing(*, user) -> dict:
    """How reliable `user` has been: no-shows in the window (what limits booking) and late cancels."""
    since = timezone.now() - settings.PEER_NO_SHOW_WINDOW
    no_shows = PeerBooking.objects.filter(no_show_user=user, starts_at__gte=since).count()
    late_cancels = PeerBooking.objects.filter(cancelled_by=user, late_cancel=True).count()
    return {"no_shows": no_shows, "late_cancels": late_cancels,
            "booking_limited": no_shows >= settings.PEER_NO_SHOW_LIMIT}


def bookings_due_for_room(*, now: datetime) -> QuerySet[PeerBooking]:
    return PeerBooking.objects.filter(status=BookingStatus.SCHEDULED, room__isnull=True,
                                      starts_at__lte=now + settings.PEER_ROOM_EARLY, ends_at__gt=now)


def feedback_received(*, user, now: datetime | None = None) -> QuerySet[PeerFeedback]:
    """Feedback others gave `user` that `user` may read: for bookings where `user` has given
    theirs too, or whose end is PEER_FEEDBACK_REVEAL_AFTER ago. Newest first, authors and
    bookings joined in (the query count does not grow with the rows)."""
    now = now or timezone.now()
    answered = PeerFeedback.objects.filter(booking_id=OuterRef("booking_id"), author=user)
    return (PeerFeedback.objects.filter(receiver=user)
            .filter(Q(Exists(answered)) | Q(booking__ends_at__lt=now - settings.PEER_FEEDBACK_REVEAL_AFTER))
            .select_related("author", "booking").order_by("-created_at", "-id"))


def feedback_half_of(booking: PeerBooking, user) -> int:
    """The half `user` interviews in: the booking's interviewer the first, the interviewee the
    second (after the role swap)."""
    return FeedbackHalf.FIRST if user.id == booking.interviewer_id else FeedbackHalf.SECOND


def feedback_half_is_over(booking: PeerBooking, half: int, *, now: datetime) -> bool:
    """Whether `half` of the booking can be rated yet (engine: feedback_half_over); reads the
    room's swaps and status from the booking's joined room."""
    from collaboration.models import RoomStatus

    room = booking.room if booking.room_id else None
    return feedback_half_over(half, starts_at=booking.starts_at, ends_at=booking.ends_at, now=now,
                              swaps=room.role_swaps if room else 0,
                              room_closed=room is not None and room.status != RoomStatus.OPEN,
                              completed=booking.status == BookingStatus.COMPLETED)


def feedback_for_booking(*, user, booking: PeerBooking, now: datetime | None = None) -> dict:
    """The feedback of one booking as one participant sees it: their own (on the half they
    interviewed in), the other's on them (None until it may be read), whether the other has
    written theirs, when it is revealed anyway, and whether theirs can be written now."""
    now = now or timezone.now()
    rows = {f.author_id: f for f in PeerFeedback.objects.filter(booking=booking).select_related("author", "booking")}
    given = rows.get(user.id)
    other = booking.interviewee_id if user.id == booking.interviewer_id else booking.interviewer_id
    theirs = rows.get(other)
    reveal_at = booking.ends_at + settings.PEER_FEEDBACK_REVEAL_AFTER
    readable = theirs is not None and (given is not None or now > reveal_at)
    half = feedback_half_of(booking, user)
    taken_place = booking.status in (BookingStatus.IN_PROGRESS, BookingStatus.COMPLETED) and booking.starts_at <= now
    return {"given": given, "received": theirs if readable else None, "peer_has_written": theirs is not None,
            "reveal_at": reveal_at, "half": half, "half_label": FeedbackHalf(half).label,
            "open": (taken_place and now <= reveal_at and given is None
                     and feedback_half_is_over(booking, half, now=now))}


PEER_RATED_DIMENSIONS = ("problem_solving", "communication", "code_quality", "rating")


def peer_feedback_ratings(*, user, recent: int = 20, now: datetime | None = None) -> dict:
    """The readable feedback peers gave `user` (feedback_received: never one still hidden from
    them), newest `recent`, for their progress and readiness: how many, the average 1-5 score per
    rubric dimension (and overall), the share of "would hire", and each one's scores. One query."""
    rows = list(feedback_received(user=user, now=now)[:recent])

    def average(name: str) -> float | None:
        return round(sum(getattr(f, name) for f in rows) / len(rows), 1) if rows else None

    hire = sum(1 for f in rows if f.would_hire in (WouldHire.YES, WouldHire.STRONG_YES))
    return {"count": len(rows), "by_dimension": {name: average(name) for name in PEER_RATED_DIMENSIONS},
            "would_hire_share": round(hire / len(rows), 2) if rows else None,
            "recent": [{"at": f.created_at, "booking_id": f.booking_id, "half": f.half, "topic": f.booking.topic,
                        "hints_needed": f.hints_needed, "would_hire": f.would_hire,
                        **{name: getattr(f, name) for name in PEER_RATED_DIMENSIONS}} for f in rows]}


def peer_feedback_mistakes(*, user, recent: int = 50) -> list[dict]:
    """Weaknesses two or more peers named in the feedback `user` may read, as mistake patterns
    with their evidence (interviews/engine/peer_feedback_patterns.py), source "peer". One query."""
    from django.urls import reverse

    from ..engine.peer_feedback_patterns import ReceivedFeedback, peer_feedback_patterns

    feedback = [ReceivedFeedback(
        id=f.id, booking_id=f.booking_id, half=f.half, topic=TOPIC_LABELS.get(f.booking.topic, f.booking.topic),
        author=f.author.display_name, at=f.created_at.isoformat(), problem_solving=f.problem_solving,
        communication=f.communication, code_quality=f.code_quality, hints_needed=f.hints_needed,
        would_hire=f.would_hire, url=reverse("peer-feedback", args=[f.booking_id]))
        for f in feedback_received(user=user)[:recent]]
    return [{**pattern, "source": "peer"} for pattern in peer_feedback_patterns(feedback)]


STARTING_SOON = "starting_soon"
LIVE_STATUS_LABELS = {"scheduled": "Scheduled", STARTING_SOON: "Starting soon", "in_progress": "In progress",
                      "completed": "Completed", "cancelled": "Cancelled", "no_show": "No-show"}


def booking_live_status(booking: PeerBooking, *, now: datetime | None = None) -> str:
    """The status a participant sees: the stored one, except that a scheduled booking within
    PEER_STARTING_SOON of its start shows as starting soon."""
    now = now or timezone.now()
    if booking.status == BookingStatus.SCHEDULED and booking.starts_at - settings.PEER_STARTING_SOON <= now:
        return STARTING_SOON
    return booking.status


def booking_status_event(booking: PeerBooking, *, now: datetime | None = None) -> dict:
    """The `peer_booking.status` event both participants get on their notifications socket."""
    live = booking_live_status(booking, now=now)
    return {"type": "peer_booking.status", "booking_id": booking.id, "status": booking.status, "live_status": live,
            "label": LIVE_STATUS_LABELS[live], "room_url": f"/rooms/{booking.room_id}/" if booking.room_id else None}


# --- shapes shared by the pages and the API ----------------------------------------------------

TOPIC_LABELS, LEVEL_LABELS, LANGUAGE_LABELS = dict(PEER_TOPICS), dict(PEER_LEVELS), dict(PEER_LANGUAGES)


def _labelled(keys: list[str], labels: dict[str, str]) -> list[tuple[str, str]]:
    """(key, label) pairs: the pages show the label and post the key."""
    return [(key, labels.get(key, key)) for key in keys]


def slot_data(slot: PeerSlot) -> dict:
    """What others may see of a slot: its time, what it offers and who offers it. Nothing else
    of the owner's availability."""
    from ..engine.peer_schedule import keys_of

    return {"id": slot.id, "starts_at": slot.starts_at, "ends_at": slot.ends_at, "level": slot.level,
            "topics": keys_of(slot.topic_mask, TOPIC_KEYS), "languages": keys_of(slot.language_mask, LANGUAGE_KEYS),
            "interviewer": slot.owner.display_name, "interviewer_username": slot.owner.username,
            "level_label": LEVEL_LABELS.get(slot.level, slot.level),
            "topic_options": _labelled(keys_of(slot.topic_mask, TOPIC_KEYS), TOPIC_LABELS),
            "language_options": _labelled(keys_of(slot.language_mask, LANGUAGE_KEYS), LANGUAGE_LABELS)}


def own_slot_data(slot: PeerSlot) -> dict:
    return slot_data(slot) | {"status": slot.status, "timezone": slot.timezone, "weekly_id": slot.weekly_id}


def weekly_data(weekly: WeeklyAvailability) -> dict:
    from ..engine.peer_schedule import keys_of

    return {"id": weekly.id, "weekday": weekly.weekday, "start_time": weekly.start_time.strftime("%H:%M"),
            "minutes": weekly.minutes, "timezone": weekly.timezone, "level": weekly.level,
            "topics": keys_of(weekly.topic_mask, TOPIC_KEYS), "languages": keys_of(weekly.language_mask, LANGUAGE_KEYS),
            "level_label": LEVEL_LABELS.get(weekly.level, weekly.level),
            "topic_options": _labelled(keys_of(weekly.topic_mask, TOPIC_KEYS), TOPIC_LABELS)}


def booking_data(booking: PeerBooking, *, user) -> dict:
    """A booking as one of its two participants sees it."""
    other = booking.other_of(user)
    live = booking_live_status(booking)
    return {"id": booking.id, "status": booking.status, "live_status": live,
            "live_label": LIVE_STATUS_LABELS[live], "role": booking.role_of(user), "peer": other.display_name,
            "peer_username": other.username, "topic": booking.topic, "language": booking.language,
            "topic_label": TOPIC_LABELS.get(booking.topic, booking.topic),
            "language_label": LANGUAGE_LABELS.get(booking.language, booking.language),
            "starts_at": booking.starts_at, "ends_at": booking.ends_at, "cost": booking.cost,
            "late_cancel": booking.late_cancel,
            "room_url": f"/rooms/{booking.room_id}/" if booking.room_id else None,
            "invite_url": f"/api/v1/peer/bookings/{booking.id}/invite/",
            "page_url": f"/interviews/peer/bookings/{booking.id}/"}


def feedback_data(feedback: PeerFeedback) -> dict:
    return {"id": feedback.id, "booking_id": feedback.booking_id, "half": feedback.half,
            "half_label": feedback.get_half_display(), "author": feedback.author.display_name,
            "author_username": feedback.author.username, "problem_solving": feedback.problem_solving,
            "communication": feedback.communication, "code_quality": feedback.code_quality,
            "hints_needed": feedback.hints_needed, "would_hire": feedback.would_hire, "rating": feedback.rating,
            "comments": feedback.comments, "created_at": feedback.created_at,
            "interview_starts_at": feedback.booking.starts_at, "topic": feedback.booking.topic,
            "topic_label": TOPIC_LABELS.get(feedback.booking.topic, feedback.booking.topic)}

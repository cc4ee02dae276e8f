"""Every write of peer mock interviews. Locks: core.locks 5e (slot, booking, points accounts by
ascending user id). Notifications and invites go out on commit."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.exceptions import ApplicationError, Conflict, Forbidden, NotFound, ValidationFailed

from ..engine.peer_calendar import Invite, InviteAttendee, invite_ics
from ..engine.peer_schedule import (
    LANGUAGE_KEYS,
    LEVEL_KEYS,
    TOPIC_KEYS,
    ScheduleError,
    cancellation_outcome,
    check_minutes,
    half_time,
    keys_of,
    local_to_utc,
    mask_of,
    overlapping,
    weekly_occurrences,
    zone,
)
from . import selectors
from .lock_objects import (
    lock_booking_for_update,
    lock_points_account_for_update,
    lock_slot_for_update,
)
from .models import (
    BookingStatus,
    HintsNeeded,
    PeerBlock,
    PeerBooking,
    PeerFeedback,
    PeerReport,
    PeerSlot,
    PeerSuspension,
    PointsAccount,
    PointsEntry,
    PointsReason,
    ReportStatus,
    SlotStatus,
    WeeklyAvailability,
    WouldHire,
)

NOTIFICATION_TYPE = "peer"  # bookings, reminders and feedback: their own row in the preferences
MAX_ONE_OFF_AHEAD = timedelta(days=90)


class InsufficientPoints(ApplicationError):
    code = "insufficient_points"
    status_code = 402
    default_message = "You do not have enough points."


class SlotTaken(Conflict):
    code = "slot_taken"
    default_message = "Someone else has just booked this slot."


def _schedule_error(error: ScheduleError) -> ValidationFailed:
    return ValidationFailed(error.message, code=error.code)


# --- points -----------------------------------------------------------------------------------


def _account_locked(user_id: int) -> PointsAccount:
    """The user's points account under its row lock, made with the starting grant on first use."""
    account = lock_points_account_for_update(user_id)
    if account is not None:
        return account
    try:
        with transaction.atomic():
            PointsAccount.objects.create(user_id=user_id, balance=settings.PEER_STARTING_GRANT)
            PointsEntry.objects.create(user_id=user_id, amount=settings.PEER_STARTING_GRANT,
                                       reason=PointsReason.STARTING_GRANT, source_type="user", source_id=str(user_id),
                                       balance_after=settings.PEER_STARTING_GRANT)
    except IntegrityError:
        pass  # made at the same moment by another transaction
    account = lock_points_account_for_update(user_id)
    assert account is not None
    return account


def points_ensure(*, user) -> PointsAccount:
    with transaction.atomic():
        return _account_locked(user.id)


@transaction.atomic
def points_record(*, user_id: int, amount: int, reason: str, source_type: str = "", source_id: str = "",
                  note: str = "", clamp: bool = False) -> PointsEntry | None:
    """Append one entry and move the balance with it, under the account's lock: the balance always
    equals the sum of the entries and never goes below zero (InsufficientPoints; with `clamp`, a
    penalty takes what there is instead). The same (reason, source) twice changes nothing and
    returns None."""
    if reason not in PointsReason.values:
        raise ValidationFailed(f"Unknown points reason {reason!r}.", code="invalid_reason")
    account = _account_locked(user_id)
    if source_id and PointsEntry.objects.filter(user_id=user_id, reason=reason, source_type=source_type,
                                                source_id=source_id).exists():
        return None
    if clamp and amount < 0:
        amount = max(amount, -account.balance)
    if account.balance + amount < 0:
        raise InsufficientPoints(f"This needs {-amount} points; you have {account.balance}.",
                                 details={"balance": account.balance, "needed": -amount})
    account.balance += amount
    account.save(update_fields=["balance", "updated_at"])
    entry = PointsEntry.objects.create(user_id=user_id, amount=amount, reason=reason, source_type=source_type,
                                       source_id=source_id, note=note[:200], balance_after=account.balance)
    _publish_balance(user_id)
    return entry


def _publish_balance(user_id: int) -> None:
    """After commit, push the balance to the user's sockets (every tab's navigation shows it),
    read from the stored account then (several entries in one transaction all show the final one)."""
    from core.realtime import publish_on_commit, user_group

    def event() -> dict:
        balance = PointsAccount.objects.filter(user_id=user_id).values_list("balance", flat=True).first()
        return {"type": "peer_points.balance", "balance": balance or 0}

    publish_on_commit(user_group(user_id), event)


@transaction.atomic
def points_adjust(*, staff, user, amount: int, note: str) -> PointsEntry | None:
    """A staff adjustment; it needs a reason, and cannot take a balance below zero either. It is
    audited (who, whose balance, from what to what, why) when it commits."""
    from core.audit import audit_record

    if not note.strip():
        raise ValidationFailed("Say why the points are adjusted.", code="note_required")
    entry = points_record(user_id=user.id, amount=amount, reason=PointsReason.ADJUSTMENT, note=f"{staff}: {note}")
    if entry is not None:
        audit_record(action="peer.points_adjusted", actor=staff, subject=user, target=entry, target_label=str(user),
                     changes={"balance": [entry.balance_after - entry.amount, entry.balance_after],
                              "reason": [None, note.strip()[:200]]})
    return entry


# --- availability -----------------------------------------------------------------------------


def _masks(topics, level: str, languages) -> tuple[int, int]:
    try:
        topic_mask = mask_of(topics, TOPIC_KEYS, what="topic")
        language_mask = mask_of(languages or [], LANGUAGE_KEYS, what="language")
    except ScheduleError as error:
        raise _schedule_error(error)
    if not topic_mask:
        raise ValidationFailed("Choose at least one topic.", code="topics_required")
    if level not in LEVEL_KEYS:
        raise ValidationFailed(f"Choose a level: {', '.join(LEVEL_KEYS)}.", code="invalid_level")
    return topic_mask, language_mask


def _busy_intervals(user_id: int, begins: datetime, ends: datetime) -> list[tuple[datetime, datetime]]:
    """What `user_id` already has between the two instants: own offered or booked slots, and
    interviews they booked with others."""
    slots = PeerSlot.objects.filter(owner_id=user_id, starts_at__lt=ends, ends_at__gt=begins).exclude(
        status=SlotStatus.WITHDRAWN).values_list("starts_at", "ends_at")
    booked = PeerBooking.objects.filter(interviewee_id=user_id, status=BookingStatus.SCHEDULED,
                                        starts_at__lt=ends, ends_at__gt=begins).values_list("starts_at", "ends_at")
    return list(slots) + list(booked)


def _overlap_error(clash: tuple[datetime, datetime], tz) -> ValidationFailed:
    local = clash[0].astimezone(tz)
    return ValidationFailed(f"This overlaps your time on {local:%a %d %b %Y at %H:%M} ({tz.key}).",
                            code="slot_overlaps", details={"overlaps_starts_at": clash[0].isoformat()})


def _user_zone(user, tz_name: str):
    name = tz_name or user.preferences.timezone
    try:
        return zone(name)
    except ScheduleError as error:
        raise _schedule_error(error)


@transaction.atomic
def slot_offer(*, user, starts_local: datetime, minutes: int = 60, tz_name: str = "", topics, level: str,
               languages=()) -> PeerSlot:
    """Offer one time. `starts_local` is a wall-clock time in `tz_name` (default: the user's
    time zone) or an aware datetime. Refused when it is in the past, too far ahead, or overlaps
    the user's own time."""
    tz = _user_zone(user, tz_name)
    try:
        check_minutes(minutes)
    except ScheduleError as error:
        raise _schedule_error(error)
    topic_mask, language_mask = _masks(topics, level, languages)
    if starts_local.tzinfo is None:
        begins = local_to_utc(starts_local.date(), starts_local.time(), tz)
    else:
        begins = starts_local.astimezone(UTC)
    now = timezone.now()
    if begins <= now:
        raise ValidationFailed("That time has already passed.", code="slot_in_past")
    if begins > now + MAX_ONE_OFF_AHEAD:
        raise ValidationFailed("Offer times at most 90 days ahead.", code="slot_too_far")
    ends = begins + timedelta(minutes=minutes)
    _lock_owner(user.id)
    clash = overlapping((begins, ends), _busy_intervals(user.id, begins, ends))
    if clash:
        raise _overlap_error(clash, tz)
    return PeerSlot.objects.create(owner=user, starts_at=begins, ends_at=ends, timezone=tz.key, topic_mask=topic_mask,
                                   level=level, language_mask=language_mask)


def _lock_owner(user_id: int) -> None:
    """Serialises one user's availability changes (two tabs adding overlapping slots at once)."""
    _account_locked(user_id)


@transaction.atomic
def weekly_offer(*, user, weekday: int, start: time, minutes: int = 60, tz_name: str = "", topics, level: str,
                 languages=(), now: datetime | None = None) -> tuple[WeeklyAvailability, list[PeerSlot]]:
    """Offer the same wall-clock time every week, and make its slots for the horizon ahead.
    Refused as a whole when any occurrence overlaps the user's own time (the error names it)."""
    tz = _user_zone(user, tz_name)
    topic_mask, language_mask = _masks(topics, level, languages)
    now = now or timezone.now()
    try:
        occurrences = weekly_occurrences(weekday=weekday, start=start, minutes=minutes, tz_name=tz.key,
                                         window_start=now, window_end=now + settings.PEER_SLOT_HORIZON)
    except ScheduleError as error:
        raise _schedule_error(error)
    _lock_owner(user.id)
    if occurrences:
        busy = _busy_intervals(user.id, occurrences[0][0], occurrences[-1][1])
        for occurrence in occurrences:
            clash = overlapping(occurrence, busy)
            if clash:
                raise _overlap_error(clash, tz)
    weekly = WeeklyAvailability.objects.create(owner=user, weekday=weekday, start_time=start, minutes=minutes,
                                               timezone=tz.key, topic_mask=topic_mask, level=level,
                                               language_mask=language_mask)
    slots = PeerSlot.objects.bulk_create(
        PeerSlot(owner=user, weekly=weekly, starts_at=b, ends_at=e, timezone=tz.key, topic_mask=topic_mask,
                 level=level, language_mask=language_mask) for b, e in occurrences)
    return weekly, slots


def weekly_extend(*, now: datetime | None = None) -> int:
    """Make the slots of every active weekly availability up to the horizon (Celery beat).
    Occurrences that would overlap the owner's other time are left out. Returns how many were made."""
    now = now or timezone.now()
    made = 0
    for weekly in WeeklyAvailability.objects.filter(is_active=True).iterator():
        with transaction.atomic():
            _lock_owner(weekly.owner_id)
            occurrences = weekly_occurrences(weekday=weekly.weekday, start=weekly.start_time, minutes=weekly.minutes,
                                             tz_name=weekly.timezone, window_start=now,
                                             window_end=now + settings.PEER_SLOT_HORIZON)
            existing = set(weekly.slots.values_list("starts_at", flat=True))
            for begins, ends in occurrences:
                if begins in existing or overlapping((begins, ends), _busy_intervals(weekly.owner_id, begins, ends)):
                    continue
                PeerSlot.objects.create(owner_id=weekly.owner_id, weekly=weekly, starts_at=begins, ends_at=ends,
                                        timezone=weekly.timezone, topic_mask=weekly.topic_mask, level=weekly.level,
                                        language_mask=weekly.language_mask)
                made += 1
    return made


@transaction.atomic
def slot_withdraw(*, user, slot_id: int) -> PeerSlot:
    """Take back an open slot. A booked one is cancelled through its booking instead."""
    slot = lock_slot_for_update(slot_id)
    if slot is None or slot.owner_id != user.id or slot.status == SlotStatus.WITHDRAWN:
        raise NotFound("No such slot.")
    if slot.status != SlotStatus.OPEN:
        raise Conflict("This slot is booked: cancel the booking instead.", code="slot_booked")
    slot.status = SlotStatus.WITHDRAWN
    slot.save(update_fields=["status", "updated_at"])
    return slot


@transaction.atomic
def weekly_withdraw(*, user, weekly_id: int) -> int:
    """Stop a weekly availability and take back its open future slots (booked ones stay)."""
    weekly = WeeklyAvailability.objects.filter(id=weekly_id, owner=user, is_active=True).first()
    if weekly is None:
        raise NotFound("No such weekly slot.")
    weekly.is_active = False
    weekly.save(update_fields=["is_active", "updated_at"])
    return weekly.slots.filter(status=SlotStatus.OPEN).update(status=SlotStatus.WITHDRAWN, updated_at=timezone.now())


# --- booking ----------------------------------------------------------------------------------


def booking_url(booking: PeerBooking) -> str:
    return reverse("peer-booking", args=[booking.id])


def booking_invite(booking: PeerBooking) -> bytes:
    """The booking's calendar invite: same UID for its life, SEQUENCE from the booking, CANCEL
    once cancelled."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "prepforge"
    interviewer, interviewee = booking.interviewer, booking.interviewee
    topic = dict(PeerBooking._meta.get_field("topic").choices or []).get(booking.topic, booking.topic)
    return invite_ics(Invite(
        uid=f"peer-booking-{booking.id}@{host}",
        sequence=booking.ics_sequence,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        summary=f"PrepForge mock interview: {topic}",
        description=(f"{interviewer.display_name} interviews {interviewee.display_name} ({topic}"
                     f"{', ' + booking.language if booking.language else ''}). The room opens at the start time: "
                     f"{settings.SITE_URL}{booking_url(booking)}"),
        url=f"{settings.SITE_URL}{booking_url(booking)}",
        organizer=InviteAttendee(name="PrepForge", email=settings.DEFAULT_FROM_EMAIL.split("<")[-1].strip(">")),
        attendees=(InviteAttendee(interviewer.display_name, interviewer.email),
                   InviteAttendee(interviewee.display_name, interviewee.email)),
        stamp=timezone.now(),
        cancelled=booking.status == BookingStatus.CANCELLED,
    ))


def _publish_status(booking: PeerBooking) -> None:
    """After commit, push the booking's live status to both participants' sockets (their user
    groups: every tab's notifications connection). Built at commit time from the stored row."""
    from core.realtime import publish_on_commit, user_group

    def event() -> dict:
        fresh = PeerBooking.objects.filter(id=booking.id).first()
        return selectors.booking_status_event(fresh or booking)

    for user_id in (booking.interviewer_id, booking.interviewee_id):
        publish_on_commit(user_group(user_id), event)


def _notify_both(booking: PeerBooking, *, title_for, body: str, with_invite: bool) -> None:
    """Notify both people after commit; the invite rides along as an attachment of the e-mail."""
    from accounts.services import notification_send

    def send():
        fresh = PeerBooking.objects.select_related("interviewer", "interviewee").get(id=booking.id)
        data: dict[str, object] = {"peer_booking": fresh.id}
        if with_invite:
            data["attachment_ics"] = booking_invite(fresh).decode()
        for person in (fresh.interviewer, fresh.interviewee):
            notification_send(user=person, type=NOTIFICATION_TYPE, title=title_for(fresh, person), body=body,
                              url=booking_url(fresh), data=data)

    transaction.on_commit(send, robust=True)


def _local(moment: datetime, person) -> str:
    tz = person.preferences.tzinfo
    return f"{moment.astimezone(tz):%a %d %b %Y %H:%M} ({tz.key})"


def _check_may_book(user) -> None:
    if selectors.peer_suspension_in_force(user=user):
        raise Forbidden("A moderator has suspended you from peer interviews, so you cannot book for now.",
                        code="peer_suspended")
    standing = selectors.peer_standing(user=user)
    if standing["booking_limited"]:
        raise Forbidden(f"You missed {standing['no_shows']} interviews in the last "
                        f"{settings.PEER_NO_SHOW_WINDOW.days} days; you can book again once they are older.",
                        code="booking_limited", details=standing)


def booking_create(*, user, slot_id: int, topic: str, language: str = "") -> PeerBooking:
    """Book someone's open slot: `user` is interviewed, the slot's owner interviews. Exactly one
    of several people booking the same slot at once wins (the slot's row lock; the partial
    unique constraint backs it); the others get SlotTaken at once. Costs PEER_BOOKING_COST
    points, never taking the balance below zero."""
    slot = selectors.slot_get_bookable(user=user, slot_id=slot_id)
    if slot.owner_id == user.id:
        raise ValidationFailed("This is your own slot; book someone else's.", code="own_slot")
    if topic not in keys_of(slot.topic_mask, TOPIC_KEYS):
        raise ValidationFailed("This slot is not offered for that topic.", code="topic_not_offered",
                               details={"topics": keys_of(slot.topic_mask, TOPIC_KEYS)})
    if language and language not in keys_of(slot.language_mask, LANGUAGE_KEYS):
        raise ValidationFailed("This slot is not offered in that language.", code="language_not_offered",
                               details={"languages": keys_of(slot.language_mask, LANGUAGE_KEYS)})
    if slot.starts_at <= timezone.now():
        raise ValidationFailed("This slot has already started.", code="slot_in_past")
    if slot.status != SlotStatus.OPEN:
        raise SlotTaken()
    _check_may_book(user)
    with transaction.atomic():
        locked = lock_slot_for_update(slot_id)
        if locked is None or locked.status != SlotStatus.OPEN:
            raise SlotTaken()
        slot = locked
        clash = overlapping((slot.starts_at, slot.ends_at), _busy_intervals(user.id, slot.starts_at, slot.ends_at))
        if clash:
            raise _overlap_error(clash, user.preferences.tzinfo)
        booking = PeerBooking.objects.create(slot=slot, interviewer_id=slot.owner_id, interviewee=user, topic=topic,
                                             language=language, starts_at=slot.starts_at, ends_at=slot.ends_at,
                                             cost=settings.PEER_BOOKING_COST)
        points_record(user_id=user.id, amount=-booking.cost, reason=PointsReason.BOOKING,
                      source_type="peer_booking", source_id=str(booking.id))
        slot.status = SlotStatus.BOOKED
        slot.save(update_fields=["status", "updated_at"])
        _publish_status(booking)
        _notify_both(booking, with_invite=True, body="The calendar invite is attached to the e-mail.",
                     title_for=lambda b, p: f"Mock interview booked for {_local(b.starts_at, p)}")
    return booking


def booking_auto_match(*, user, topic: str, level: str = "", language: str = "") -> PeerBooking:
    """Book the best open slot for `user` (engine.rank_for_match); a slot taken meanwhile moves
    on to the next one. NotFound when nothing matches."""
    from ..engine.peer_schedule import SlotCandidate, rank_for_match

    if topic not in TOPIC_KEYS:
        raise ValidationFailed(f"Choose a topic: {', '.join(TOPIC_KEYS)}.", code="invalid_topic")
    _check_may_book(user)
    candidates = list(selectors.slots_matching(user=user, topic=topic, language=language, limit=100))
    wanted_language = mask_of([language], LANGUAGE_KEYS, what="language") if language else 0
    ranked = rank_for_match([SlotCandidate(s.id, s.starts_at, s.level, s.language_mask) for s in candidates],
                            level=level, language_mask=wanted_language)
    for slot_id in ranked[:10]:
        try:
            return booking_create(user=user, slot_id=slot_id, topic=topic, language=language)
        except (SlotTaken, ValidationFailed) as error:
            if isinstance(error, ValidationFailed) and error.code != "slot_overlaps":
                raise
    raise NotFound("No open slot matches right now; try another topic or level, or check back later.",
                   code="no_match")


def _booking_for_participant_locked(*, user, booking_id: int) -> PeerBooking:
    """Slot, then booking, under lock (order 5e); someone else's booking is a 404."""
    booking = selectors.booking_get_for_user(user=user, booking_id=booking_id)
    lock_slot_for_update(booking.slot_id)
    locked = lock_booking_for_update(booking.id)
    assert locked is not None
    return locked


@transaction.atomic
def booking_cancel(*, user, booking_id: int) -> PeerBooking:
    """Cancel before the start (after it, refused: that is a no-show). Points move as
    engine.cancellation_outcome says; a late cancel is counted on the booking. The slot opens
    again when the interviewee cancels, and is withdrawn when its owner does."""
    booking = _booking_for_participant_locked(user=user, booking_id=booking_id)
    if booking.status != BookingStatus.SCHEDULED:
        raise Conflict(f"This booking is {booking.get_status_display().lower()}.", code="not_scheduled")
    by_interviewer = user.id == booking.interviewer_id
    try:
        outcome = cancellation_outcome(by_interviewer=by_interviewer, starts_at=booking.starts_at,
                                       now=timezone.now(), late_window=settings.PEER_LATE_CANCEL_WINDOW,
                                       cost=booking.cost, late_penalty=settings.PEER_LATE_CANCEL_PENALTY)
    except ScheduleError as error:
        raise Conflict(error.message, code=error.code)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_by = user
    booking.cancelled_at = timezone.now()
    booking.late_cancel = outcome.late
    booking.ics_sequence += 1
    booking.save(update_fields=["status", "cancelled_by", "cancelled_at", "late_cancel", "ics_sequence",
                                "updated_at"])
    PeerSlot.objects.filter(id=booking.slot_id).update(
        status=SlotStatus.WITHDRAWN if by_interviewer else SlotStatus.OPEN, updated_at=timezone.now())
    source_id = str(booking.id)
    for user_id in sorted({booking.interviewer_id, booking.interviewee_id}):
        if user_id == booking.interviewee_id and outcome.refund_to_interviewee:
            points_record(user_id=user_id, amount=outcome.refund_to_interviewee, reason=PointsReason.REFUND,
                          source_type="peer_booking", source_id=source_id)
        if user_id == booking.interviewer_id and outcome.penalty_to_interviewer:
            points_record(user_id=user_id, amount=-outcome.penalty_to_interviewer, reason=PointsReason.LATE_CANCEL,
                          clamp=True, source_type="peer_booking", source_id=source_id)
    _publish_status(booking)
    who = "the interviewer" if by_interviewer else "the interviewee"
    _notify_both(booking, with_invite=True, body=f"Cancelled by {who}. The cancellation for your calendar is attached.",
                 title_for=lambda b, p: f"Mock interview on {_local(b.starts_at, p)} cancelled")
    return booking


@transaction.atomic
def booking_reschedule(*, user, booking_id: int, starts_local: datetime, tz_name: str = "") -> PeerBooking:
    """The interviewer moves a scheduled booking to another time (the same length), before it
    starts: the invite keeps its UID with a higher SEQUENCE, and the reminders start over."""
    booking = _booking_for_participant_locked(user=user, booking_id=booking_id)
    if user.id != booking.interviewer_id:
        raise Forbidden("Only the interviewer can move the interview; ask them, or cancel.", code="not_interviewer")
    if booking.status != BookingStatus.SCHEDULED:
        raise Conflict(f"This booking is {booking.get_status_display().lower()}.", code="not_scheduled")
    now = timezone.now()
    if booking.starts_at <= now:
        raise Conflict("This interview has already started.", code="already_started")
    tz = _user_zone(user, tz_name)
    begins = (local_to_utc(starts_local.date(), starts_local.time(), tz) if starts_local.tzinfo is None
              else starts_local)
    if begins <= now:
        raise ValidationFailed("That time has already passed.", code="slot_in_past")
    ends = begins + (booking.ends_at - booking.starts_at)
    for person_id in (booking.interviewer_id, booking.interviewee_id):
        busy = [iv for iv in _busy_intervals(person_id, begins, ends)
                if iv != (booking.starts_at, booking.ends_at)]
        clash = overlapping((begins, ends), busy)
        if clash:
            raise _overlap_error(clash, tz) if person_id == user.id else ValidationFailed(
                "Your peer is busy then.", code="peer_busy")
    PeerSlot.objects.filter(id=booking.slot_id).update(starts_at=begins, ends_at=ends, weekly=None,
                                                       updated_at=now)
    booking.starts_at, booking.ends_at = begins, ends
    booking.ics_sequence += 1
    booking.reminder_day_sent_at = booking.reminder_soon_sent_at = None
    booking.save(update_fields=["starts_at", "ends_at", "ics_sequence", "reminder_day_sent_at",
                                "reminder_soon_sent_at", "updated_at"])
    _publish_status(booking)
    _notify_both(booking, with_invite=True, body="The updated invite is attached.",
                 title_for=lambda b, p: f"Mock interview moved to {_local(b.starts_at, p)}")
    return booking


@transaction.atomic
def booking_report_no_show(*, user, booking_id: int) -> PeerBooking:
    """One participant says the other did not come. Possible from PEER_NO_SHOW_GRACE after the
    start until a day after the end, once. An interviewer who did not show refunds the
    interviewee and loses PEER_NO_SHOW_PENALTY points; an interviewee who did not show keeps
    nothing back. Either way it is counted against the absent person (PEER_NO_SHOW_LIMIT)."""
    booking = _booking_for_participant_locked(user=user, booking_id=booking_id)
    now = timezone.now()
    if booking.status not in (BookingStatus.SCHEDULED, BookingStatus.IN_PROGRESS):
        raise Conflict(f"This booking is {booking.get_status_display().lower()}.", code="not_scheduled")
    if now < booking.starts_at + settings.PEER_NO_SHOW_GRACE:
        raise Conflict(f"Wait {settings.PEER_NO_SHOW_GRACE.seconds // 60} minutes after the start before reporting "
                       "a no-show.", code="too_early")
    if now > booking.ends_at + timedelta(days=1):
        raise Conflict("This interview is too long ago to report.", code="too_late")
    absent_id = booking.interviewee_id if user.id == booking.interviewer_id else booking.interviewer_id
    booking.status = BookingStatus.NO_SHOW
    booking.no_show_user_id = absent_id
    booking.save(update_fields=["status", "no_show_user", "updated_at"])
    _publish_status(booking)
    if absent_id == booking.interviewer_id:
        for user_id in sorted((booking.interviewer_id, booking.interviewee_id)):
            if user_id == booking.interviewee_id:
                points_record(user_id=user_id, amount=booking.cost, reason=PointsReason.REFUND,
                              source_type="peer_booking", source_id=str(booking.id))
            else:
                points_record(user_id=user_id, amount=-settings.PEER_NO_SHOW_PENALTY, reason=PointsReason.NO_SHOW,
                              clamp=True, source_type="peer_booking", source_id=str(booking.id))
    return booking


def _open_room_locked(booking: PeerBooking) -> PeerBooking:
    from collaboration.models import Role
    from collaboration.services import invite_token, room_create, room_join

    if booking.room_id:
        return booking
    title = f"Mock interview: {booking.get_topic_display()}"
    language = booking.language if booking.language in ("python", "javascript", "typescript", "java", "cpp", "go") \
        else "python"
    room = room_create(interviewer=booking.interviewer, title=title, language=language)
    room_join(room=room, token=invite_token(room=room, role=Role.CANDIDATE), user=booking.interviewee)
    booking.room = room
    booking.status = BookingStatus.IN_PROGRESS
    booking.save(update_fields=["room", "status", "updated_at"])
    _publish_status(booking)
    return booking


@transaction.atomic
def booking_open_room(*, user, booking_id: int) -> PeerBooking:
    """Open (or return) the booking's live coding room, for either participant, from
    PEER_ROOM_EARLY before the start until its end. Both get a seat: the interviewer as
    interviewer, the interviewee as candidate."""
    booking = _booking_for_participant_locked(user=user, booking_id=booking_id)
    now = timezone.now()
    if booking.room_id:
        return booking
    if booking.status != BookingStatus.SCHEDULED:
        raise Conflict(f"This booking is {booking.get_status_display().lower()}.", code="not_scheduled")
    if now < booking.starts_at - settings.PEER_ROOM_EARLY:
        raise Conflict("The room opens at the start time.", code="too_early")
    if now >= booking.ends_at:
        raise Conflict("This interview's time is over.", code="too_late")
    return _open_room_locked(booking)


def rooms_open_due(*, now: datetime | None = None) -> int:
    """Open the rooms of bookings whose start has come (Celery beat)."""
    now = now or timezone.now()
    opened = 0
    for booking_id in selectors.bookings_due_for_room(now=now).values_list("id", flat=True):
        with transaction.atomic():
            slot_id = PeerBooking.objects.filter(id=booking_id).values_list("slot_id", flat=True).first()
            if slot_id is None:
                continue
            lock_slot_for_update(slot_id)
            booking = lock_booking_for_update(booking_id)
            if booking and booking.status == BookingStatus.SCHEDULED and not booking.room_id:
                _open_room_locked(booking)
                opened += 1
    return opened


def rooms_swap_due(*, now: datetime | None = None) -> int:
    """Swap the roles of the interviews in progress that reached half time (Celery beat): each
    room once (collaboration's scheduled swap does nothing to a room that already swapped, early
    by its interviewer or by an earlier run). Both people are told live by the room."""
    from collaboration.models import RoomStatus
    from collaboration.services import room_roles_swap_scheduled

    now = now or timezone.now()
    live = PeerBooking.objects.filter(status=BookingStatus.IN_PROGRESS, room__status=RoomStatus.OPEN,
                                      room__role_swaps=0, starts_at__lte=now, ends_at__gt=now)
    swapped = 0
    for room_id, starts_at, ends_at in live.values_list("room_id", "starts_at", "ends_at"):
        if now >= half_time(starts_at, ends_at) and room_roles_swap_scheduled(room_id=room_id, after_swaps=0):
            swapped += 1
    return swapped


def _complete_locked(booking: PeerBooking) -> PeerBooking:
    booking.status = BookingStatus.COMPLETED
    booking.completed_at = timezone.now()
    booking.save(update_fields=["status", "completed_at", "updated_at"])
    _publish_status(booking)
    points_record(user_id=booking.interviewer_id, amount=settings.PEER_INTERVIEWER_REWARD,
                  reason=PointsReason.INTERVIEWED, source_type="peer_booking", source_id=str(booking.id))
    return booking


@transaction.atomic
def booking_complete(*, user, booking_id: int) -> PeerBooking:
    """The interviewee confirms the interview took place (from its start): the interviewer earns
    PEER_INTERVIEWER_REWARD points, once. Rooms left unconfirmed complete on their own
    PEER_AUTO_COMPLETE_AFTER their end."""
    booking = _booking_for_participant_locked(user=user, booking_id=booking_id)
    if user.id != booking.interviewee_id:
        raise Forbidden("The interviewee confirms the interview took place.", code="not_interviewee")
    if booking.status == BookingStatus.COMPLETED:
        return booking
    if booking.status not in (BookingStatus.SCHEDULED, BookingStatus.IN_PROGRESS):
        raise Conflict(f"This booking is {booking.get_status_display().lower()}.", code="not_scheduled")
    if timezone.now() < booking.starts_at:
        raise Conflict("This interview has not started yet.", code="too_early")
    return _complete_locked(booking)


def bookings_complete_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    done = 0
    due = PeerBooking.objects.filter(status=BookingStatus.IN_PROGRESS, ends_at__lt=now - settings.PEER_AUTO_COMPLETE_AFTER)
    for booking_id, slot_id in due.values_list("id", "slot_id"):
        with transaction.atomic():
            lock_slot_for_update(slot_id)
            booking = lock_booking_for_update(booking_id)
            if booking and booking.status == BookingStatus.IN_PROGRESS:
                _complete_locked(booking)
                done += 1
    return done


# --- feedback ---------------------------------------------------------------------------------

FEEDBACK_SCORES = ("problem_solving", "communication", "code_quality", "rating")


def feedback_is_good(*, comments: str) -> bool:
    """Feedback that earns its author points: the rubric is always complete (the service
    requires it), so what makes it useful is a comment of some substance."""
    return len(" ".join(comments.split())) >= settings.PEER_FEEDBACK_MIN_COMMENT


@transaction.atomic
def feedback_submit(*, user, booking_id: int, problem_solving: int, communication: int, code_quality: int,
                    hints_needed: str, would_hire: str, rating: int, comments: str = "") -> PeerFeedback:
    """`user` gives feedback on the half they interviewed the other participant in (the
    booking's interviewer the first half, the interviewee the second, after the role swap):
    once per half, from the end of that half (selectors.feedback_half_is_over) until it is
    revealed anyway (PEER_FEEDBACK_REVEAL_AFTER after the end), and only for an interview that
    took place (in progress or completed).
    Someone else's booking is a 404. Good feedback (feedback_is_good) earns the author
    PEER_FEEDBACK_REWARD points, one ledger entry per feedback. The receiver is notified on
    commit without the content: they read it once both have written (or at the deadline)."""
    booking = _booking_for_participant_locked(user=user, booking_id=booking_id)
    now = timezone.now()
    if booking.status not in (BookingStatus.IN_PROGRESS, BookingStatus.COMPLETED) or now < booking.starts_at:
        raise Conflict("Feedback opens once the interview has taken place.", code="feedback_not_open")
    if now > booking.ends_at + settings.PEER_FEEDBACK_REVEAL_AFTER:
        raise Conflict("Feedback for this interview has closed.", code="feedback_closed")
    half = selectors.feedback_half_of(booking, user)
    if not selectors.feedback_half_is_over(booking, half, now=now):
        raise Conflict("You rate your half once it is over: after the role swap for the first half, at the end "
                       "for the second.", code="half_not_over")
    scores = {"problem_solving": problem_solving, "communication": communication, "code_quality": code_quality,
              "rating": rating}
    bad = [name for name, value in scores.items() if not isinstance(value, int) or not 1 <= value <= 5]
    if bad:
        raise ValidationFailed("Scores go from 1 to 5.", code="invalid_score", details={"fields": bad})
    if hints_needed not in HintsNeeded.values:
        raise ValidationFailed(f"Hints needed: one of {', '.join(HintsNeeded.values)}.", code="invalid_hints")
    if would_hire not in WouldHire.values:
        raise ValidationFailed(f"Would hire: one of {', '.join(WouldHire.values)}.", code="invalid_would_hire")
    if len(comments) > 4000:
        raise ValidationFailed("Keep the comments under 4,000 characters.", code="comments_too_long")
    if PeerFeedback.objects.filter(booking=booking, half=half).exists():
        raise Conflict("You have already given feedback for this interview.", code="feedback_exists")
    receiver = booking.other_of(user)
    feedback = PeerFeedback.objects.create(booking=booking, half=half, author=user, receiver=receiver,
                                           hints_needed=hints_needed,
                                           would_hire=would_hire, comments=comments.strip(), **scores)
    if feedback_is_good(comments=feedback.comments):
        points_record(user_id=user.id, amount=settings.PEER_FEEDBACK_REWARD, reason=PointsReason.GOOD_FEEDBACK,
                      source_type="peer_feedback", source_id=str(feedback.id))

    def notify():
        from accounts.services import notification_send

        both = PeerFeedback.objects.filter(booking_id=booking.id).count() == 2
        notification_send(user=receiver, type=NOTIFICATION_TYPE,
                          title=f"{user.display_name} left feedback on your mock interview",
                          body="You can read it now." if both else
                          "Leave yours to read it (or wait until the deadline).",
                          url=reverse("peer-feedback", args=[booking.id]), data={"peer_booking": booking.id})

    transaction.on_commit(notify, robust=True)
    return feedback


# --- reminders --------------------------------------------------------------------------------

REMINDERS = (
    # (field, how long before the start, words)
    ("reminder_day_sent_at", timedelta(hours=24), "tomorrow"),
    ("reminder_soon_sent_at", timedelta(minutes=15), "in 15 minutes"),
)


def reminders_send(*, now: datetime | None = None) -> int:
    """Send the 24-hour and 15-minute reminders that are due (Celery beat), each once: a
    conditional UPDATE claims it before anything is sent, so a second run (or a second worker)
    finds nothing to do. A 24-hour reminder is skipped for a booking made within that day (its
    confirmation was the reminder), and neither goes out once the interview has started."""
    from accounts.services import notification_send

    now = now or timezone.now()
    sent = 0
    for field, ahead, words in REMINDERS:
        due = PeerBooking.objects.filter(status=BookingStatus.SCHEDULED, starts_at__gt=now,
                                         starts_at__lte=now + ahead, **{f"{field}__isnull": True})
        for booking in due.select_related("interviewer", "interviewee"):
            with transaction.atomic():
                if PeerBooking.objects.filter(id=booking.id, **{f"{field}__isnull": True}).update(
                        **{field: now}) != 1:
                    continue
                if field == "reminder_soon_sent_at":
                    _publish_status(booking)  # the 15-minute mark: "starting soon"
                if field == "reminder_day_sent_at" and booking.created_at > booking.starts_at - ahead:
                    continue
                for person in (booking.interviewer, booking.interviewee):
                    role = "interview" if person.id == booking.interviewer_id else "are interviewed by"
                    other = booking.other_of(person)
                    notification_send(user=person, type=NOTIFICATION_TYPE,
                                      title=f"Mock interview {words}: {_local(booking.starts_at, person)}",
                                      body=f"You {role} {other.display_name} ({booking.get_topic_display()}).",
                                      url=booking_url(booking), data={"peer_booking": booking.id, "reminder": field})
                sent += 1
    return sent


# --- safety -----------------------------------------------------------------------------------


def peer_block(*, user, blocked) -> PeerBlock:
    """Block a peer: neither sees the other's slots nor can book them from now on (bookings made
    before stay; cancel them if needed)."""
    if blocked.id == user.id:
        raise ValidationFailed("You cannot block yourself.", code="self_block")
    block, _ = PeerBlock.objects.get_or_create(blocker=user, blocked=blocked)
    return block


def peer_unblock(*, user, blocked) -> None:
    PeerBlock.objects.filter(blocker=user, blocked=blocked).delete()


def peer_report(*, user, booking_id: int, reason: str, details: str = "") -> PeerReport:
    """Report the other participant of a booking to the moderators (the admin lists open reports)."""
    booking = selectors.booking_get_for_user(user=user, booking_id=booking_id)
    reasons = dict(PeerReport._meta.get_field("reason").choices or [])
    if reason not in reasons:
        raise ValidationFailed(f"Choose a reason: {', '.join(reasons)}.", code="invalid_reason")
    if PeerReport.objects.filter(reporter=user, booking=booking, status=ReportStatus.OPEN).exists():
        raise Conflict("You have already reported this interview; a moderator will look at it.", code="already_reported")
    return PeerReport.objects.create(reporter=user, reported=booking.other_of(user), booking=booking, reason=reason,
                                     details=details[:2000])


def peer_report_resolve(*, moderator, report: PeerReport, status: str, resolution: str = "") -> PeerReport:
    if status not in (ReportStatus.RESOLVED, ReportStatus.DISMISSED):
        raise ValidationFailed("Resolve or dismiss.", code="invalid_status")
    report.status = status
    report.resolved_by = moderator
    report.resolution = resolution[:500]
    report.save(update_fields=["status", "resolved_by", "resolution", "updated_at"])
    return report


def _require_moderator(user) -> None:
    from core.roles import MODERATOR, user_has_role

    if not (user and user.is_authenticated and user_has_role(user, MODERATOR)):
        raise Forbidden("Only moderators can do that.", code="not_moderator")


def _moderation_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed("Say why (the user and the audit log see it).", code="reason_required",
                               details={"reason": ["Required."]})
    return reason[:500]


@transaction.atomic
def peer_suspend(*, moderator, user, reason: str) -> PeerSuspension:
    """Suspend `user` from peer interviews until a moderator lifts it: they cannot book or be
    matched, and their open slots are hidden from everyone (bookings already made stay; cancel
    them through the admin if needed). Needs a reason; audited; the user is told. Suspending
    someone already suspended returns the suspension in force."""
    from accounts.models import NotificationType
    from accounts.services import notification_send
    from core.audit import audit_record

    _require_moderator(moderator)
    reason = _moderation_reason(reason)
    if user.id == moderator.id:
        raise Conflict("You cannot suspend yourself.", code="self_suspend")
    _lock_owner(user.id)  # serialises with the user's own bookings and offers
    current = PeerSuspension.objects.filter(user=user, lifted_at__isnull=True).first()
    if current:
        return current
    suspension = PeerSuspension.objects.create(user=user, reason=reason, by=moderator)
    audit_record(action="peer.user_suspended", actor=moderator, subject=user, target=user,
                 changes={"peer_suspended": [False, True], "reason": [None, reason]})
    transaction.on_commit(lambda: notification_send(
        user=user, type=NotificationType.SYSTEM, title="You are suspended from peer mock interviews",
        body=f"Reason: {reason}"), robust=True)
    return suspension


@transaction.atomic
def peer_unsuspend(*, moderator, user, reason: str) -> PeerSuspension | None:
    """Lift `user`'s suspension from peer interviews (None when there was none); audited."""
    from accounts.models import NotificationType
    from accounts.services import notification_send
    from core.audit import audit_record

    _require_moderator(moderator)
    reason = _moderation_reason(reason)
    _lock_owner(user.id)
    suspension = PeerSuspension.objects.filter(user=user, lifted_at__isnull=True).first()
    if suspension is None:
        return None
    suspension.lifted_at, suspension.lifted_by, suspension.lift_reason = timezone.now(), moderator, reason
    suspension.save(update_fields=["lifted_at", "lifted_by", "lift_reason", "updated_at"])
    audit_record(action="peer.user_unsuspended", actor=moderator, subject=user, target=user,
                 changes={"peer_suspended": [True, False], "reason": [None, reason]})
    transaction.on_commit(lambda: notification_send(
        user=user, type=NotificationType.SYSTEM, title="Your peer-interview suspension was lifted",
        body=f"Reason: {reason}"), robust=True)
    return suspension

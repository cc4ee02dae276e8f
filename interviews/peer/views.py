"""Pages of peer mock interviews: the availability editor, finding and booking a slot, my
bookings, and one booking (with its room, invite and actions). GET never writes: opening the
room is a POST from the booking page."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError, NotFound

from . import selectors, services
from .forms import FeedbackForm, FindForm, OneOffForm, WeeklyForm
from .models import BookingStatus


def _fail(request, error: ApplicationError, form=None) -> None:
    if form is not None:
        form.add_error(None, error.message)
    else:
        messages.error(request, error.message)


@login_required
def availability(request):
    one_off = OneOffForm(request.POST if request.POST.get("kind") == "one_off" else None, prefix="one")
    weekly = WeeklyForm(request.POST if request.POST.get("kind") == "weekly" else None, prefix="week")
    if request.method == "POST":
        try:
            if request.POST.get("kind") == "one_off" and one_off.is_valid():
                v = one_off.cleaned_data
                services.slot_offer(user=request.user, starts_local=v["starts_at"].replace(tzinfo=None),
                                    minutes=v["minutes"], topics=v["topics"], level=v["level"],
                                    languages=v["languages"])
                messages.success(request, "Slot offered.")
                return redirect("peer-availability")
            if request.POST.get("kind") == "weekly" and weekly.is_valid():
                v = weekly.cleaned_data
                _, slots = services.weekly_offer(user=request.user, weekday=v["weekday"], start=v["start_time"],
                                                 minutes=v["minutes"], topics=v["topics"], level=v["level"],
                                                 languages=v["languages"])
                messages.success(request, f"Weekly slot offered ({len(slots)} upcoming times).")
                return redirect("peer-availability")
        except ApplicationError as error:
            _fail(request, error, one_off if request.POST.get("kind") == "one_off" else weekly)
    mine = selectors.own_availability(user=request.user)
    return render(request, "interviews/peer/availability.html", {
        "one_off": one_off, "weekly_form": weekly, "weekly": [selectors.weekly_data(w) for w in mine["weekly"]],
        "slots": [selectors.own_slot_data(s) for s in mine["slots"]], "tz": request.user.preferences.tzinfo,
        "balance": selectors.points_balance(user=request.user)})


WITHDRAWALS: dict[str, tuple[Callable[..., object], str, str]] = {
    "slot": (services.slot_withdraw, "slot_id", "Slot withdrawn."),
    "weekly": (services.weekly_withdraw, "weekly_id", "Weekly slot stopped."),
}


@login_required
@require_POST
def availability_withdraw(request, kind: str, item_id: int):
    """Take back one offered time or stop a weekly slot (the kind comes from the URL)."""
    service, argument, done = WITHDRAWALS[kind]
    try:
        service(user=request.user, **{argument: item_id})
        messages.success(request, done)
    except ApplicationError as error:
        _fail(request, error)
    return redirect("peer-availability")


@login_required
def find(request):
    form = FindForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    slots = selectors.slots_matching(user=request.user, topic=filters.get("topic", ""),
                                     level=filters.get("level", ""), language=filters.get("language", ""))
    return render(request, "interviews/peer/find.html", {
        "form": form, "slots": [selectors.slot_data(s) for s in slots], "tz": request.user.preferences.tzinfo,
        "topic": filters.get("topic", ""), "language": filters.get("language", ""),
        "balance": selectors.points_balance(user=request.user), **selectors.peer_standing(user=request.user)})


@login_required
@require_POST
def book(request):
    try:
        if request.POST.get("auto"):
            booking = services.booking_auto_match(user=request.user, topic=request.POST.get("topic", ""),
                                                  level=request.POST.get("level", ""),
                                                  language=request.POST.get("language", ""))
        else:
            slot_id = request.POST.get("slot", "")
            booking = services.booking_create(user=request.user, slot_id=int(slot_id) if slot_id.isdigit() else 0,
                                              topic=request.POST.get("topic", ""),
                                              language=request.POST.get("language", ""))
    except ApplicationError as error:
        _fail(request, error)
        return redirect("peer-find")
    messages.success(request, "Booked. The invite is in your e-mail and on this page.")
    return redirect("peer-booking", booking_id=booking.id)


@login_required
def bookings(request):
    rows = [selectors.booking_data(b, user=request.user) for b in selectors.bookings_for_user(user=request.user)[:100]]
    return render(request, "interviews/peer/bookings.html", {"bookings": rows, "tz": request.user.preferences.tzinfo,
                                                             "balance": selectors.points_balance(user=request.user)})


def _booking_or_404(request, booking_id: int):
    try:
        return selectors.booking_get_for_user(user=request.user, booking_id=booking_id)
    except NotFound:
        raise Http404("No such booking.")


@login_required
def booking_detail(request, booking_id: int):
    booking = _booking_or_404(request, booking_id)
    now = timezone.now()
    from django.conf import settings

    can_open_room = (booking.status == BookingStatus.SCHEDULED and not booking.room_id
                     and booking.starts_at - settings.PEER_ROOM_EARLY <= now < booking.ends_at)
    return render(request, "interviews/peer/booking.html", {
        "booking": selectors.booking_data(booking, user=request.user), "tz": request.user.preferences.tzinfo,
        "can_open_room": can_open_room, "late_hours": int(settings.PEER_LATE_CANCEL_WINDOW.total_seconds() // 3600), "can_cancel": booking.status == BookingStatus.SCHEDULED and now < booking.starts_at,
        "can_complete": (booking.role_of(request.user) == "interviewee" and now >= booking.starts_at
                         and booking.status in (BookingStatus.SCHEDULED, BookingStatus.IN_PROGRESS)),
        "can_no_show": (booking.status in (BookingStatus.SCHEDULED, BookingStatus.IN_PROGRESS)
                        and now >= booking.starts_at + settings.PEER_NO_SHOW_GRACE)})


@login_required
def booking_invite(request, booking_id: int):
    booking = _booking_or_404(request, booking_id)
    response = HttpResponse(services.booking_invite(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="prepforge-interview-{booking.id}.ics"'
    return response


@login_required
def booking_feedback(request, booking_id: int):
    """Give feedback on the peer, and read theirs once it may be read."""
    booking = _booking_or_404(request, booking_id)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(user=request.user, booking_id=booking.id, **form.cleaned_data)
            messages.success(request, "Thanks for your feedback.")
            return redirect("peer-feedback", booking_id=booking.id)
        except ApplicationError as error:
            _fail(request, error, form)
    view = selectors.feedback_for_booking(user=request.user, booking=booking)
    return render(request, "interviews/peer/feedback.html", {
        "booking": selectors.booking_data(booking, user=request.user), "form": form, "tz": request.user.preferences.tzinfo,
        **{k: (selectors.feedback_data(v) if k in ("given", "received") and v else v) for k, v in view.items()}})


@login_required
def feedback_received(request):
    rows = [selectors.feedback_data(f) for f in selectors.feedback_received(user=request.user)[:100]]
    return render(request, "interviews/peer/feedback_received.html", {"feedback": rows,
                                                                      "tz": request.user.preferences.tzinfo})


ACTIONS = {
    "cancel": (services.booking_cancel, "Cancelled."),
    "room": (services.booking_open_room, "The room is open."),
    "complete": (services.booking_complete, "Thanks: your interviewer earned their points."),
    "no-show": (services.booking_report_no_show, "No-show recorded."),
}


@login_required
@require_POST
def booking_action(request, booking_id: int, action: str):
    _booking_or_404(request, booking_id)
    if action not in ACTIONS:
        raise Http404("No such action.")
    service, done = ACTIONS[action]
    try:
        booking = service(user=request.user, booking_id=booking_id)
        messages.success(request, done)
        if action == "room" and booking.room_id:
            return redirect("room-detail", room_id=booking.room_id)
    except ApplicationError as error:
        _fail(request, error)
    return redirect("peer-booking", booking_id=booking_id)


@login_required
@require_POST
def booking_report(request, booking_id: int):
    booking = _booking_or_404(request, booking_id)
    try:
        services.peer_report(user=request.user, booking_id=booking_id, reason=request.POST.get("reason", ""),
                             details=request.POST.get("details", ""))
        if request.POST.get("block"):
            services.peer_block(user=request.user, blocked=booking.other_of(request.user))
        messages.success(request, "Reported to the moderators." + (" Blocked." if request.POST.get("block") else ""))
    except ApplicationError as error:
        _fail(request, error)
    return redirect("peer-booking", booking_id=booking_id)

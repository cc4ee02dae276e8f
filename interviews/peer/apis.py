"""JSON API of peer mock interviews (/api/v1/peer/...): every user action, one class per operation."""

import zoneinfo

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from core.exceptions import NotFound
from core.json_input import StrictJSONTypes
from core.pagination import PagePagination
from core.query_params import QueryInput, query_valid

from ..engine.peer_schedule import (
    LANGUAGE_KEYS,
    LEVEL_KEYS,
    MAX_SLOT_MINUTES,
    MIN_SLOT_MINUTES,
    TOPIC_KEYS,
)
from . import selectors, services
from .models import BookingStatus, HintsNeeded, WouldHire

TOPICS = serializers.ChoiceField(choices=TOPIC_KEYS)
MAX_ID = 2**31 - 1
TIME_ZONES = sorted(zoneinfo.available_timezones())


# --- shapes -------------------------------------------------------------------------------------


class PeerSlotOutput(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    level = serializers.CharField()
    topics = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
    interviewer = serializers.CharField(help_text="The display name of who offers it.")
    interviewer_username = serializers.CharField()


class PeerOwnSlotOutput(PeerSlotOutput):
    status = serializers.CharField(help_text="open | booked")
    timezone = serializers.CharField()
    weekly_id = serializers.IntegerField(allow_null=True)


class PeerWeeklyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    weekday = serializers.IntegerField(help_text="0 = Monday")
    start_time = serializers.CharField(help_text="HH:MM on the owner's wall clock")
    minutes = serializers.IntegerField()
    timezone = serializers.CharField()
    level = serializers.CharField()
    topics = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())


class PeerAvailabilityOutput(serializers.Serializer):
    weekly = PeerWeeklyOutput(many=True)
    slots = PeerOwnSlotOutput(many=True)


class PeerBookingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=BookingStatus.choices)
    live_status = serializers.ChoiceField(choices=list(selectors.LIVE_STATUS_LABELS.items()),
                                          help_text="What the pages show: `status`, or starting_soon for a "
                                                    "scheduled booking within 15 minutes of its start. Pushed "
                                                    "live as `peer_booking.status` on /ws/notifications/.")
    role = serializers.CharField(help_text="interviewer | interviewee: yours in this booking")
    peer = serializers.CharField()
    peer_username = serializers.CharField()
    topic = serializers.CharField()
    language = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    cost = serializers.IntegerField()
    late_cancel = serializers.BooleanField()
    room_url = serializers.CharField(allow_null=True, help_text="The live coding room, once open.")
    invite_url = serializers.CharField()
    page_url = serializers.CharField()


class PeerPointsEntryOutput(serializers.Serializer):
    amount = serializers.IntegerField()
    reason = serializers.CharField()
    source_type = serializers.CharField()
    source_id = serializers.CharField()
    balance_after = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class PeerPointsOutput(serializers.Serializer):
    balance = serializers.IntegerField()
    entries = PeerPointsEntryOutput(many=True)
    no_shows = serializers.IntegerField()
    late_cancels = serializers.IntegerField()
    booking_limited = serializers.BooleanField()


class WallClockDateTimeField(serializers.DateTimeField):
    """A date and time as sent: with an offset it is that instant; without one it stays a wall-clock
    time, which the service reads in the given (or the user's) time zone. DRF's own field would
    turn an offset into naive UTC, losing which it was."""

    def enforce_timezone(self, value):
        return value


class _OfferFields(StrictJSONTypes, serializers.Serializer):
    minutes = serializers.IntegerField(min_value=MIN_SLOT_MINUTES, max_value=MAX_SLOT_MINUTES, default=60)
    timezone = serializers.ChoiceField(choices=TIME_ZONES, allow_blank=True, default="",
                                       help_text="IANA name; blank: your preferences' time zone.")
    topics = serializers.ListField(child=serializers.ChoiceField(choices=TOPIC_KEYS), min_length=1, max_length=8)
    level = serializers.ChoiceField(choices=LEVEL_KEYS)
    languages = serializers.ListField(child=serializers.ChoiceField(choices=LANGUAGE_KEYS), default=list,
                                      max_length=8)


class PeerSlotOfferInput(_OfferFields):
    starts_at = WallClockDateTimeField(help_text="A wall-clock time in `timezone` (no offset), or with an offset.")


class PeerWeeklyOfferInput(_OfferFields):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 = Monday")
    start_time = serializers.TimeField(help_text="HH:MM on your wall clock in `timezone`")


class PeerSlotQuery(QueryInput):
    topic = serializers.ChoiceField(choices=TOPIC_KEYS, required=False)
    level = serializers.ChoiceField(choices=LEVEL_KEYS, required=False)
    language = serializers.ChoiceField(choices=LANGUAGE_KEYS, required=False)


class PeerBookInput(StrictJSONTypes, serializers.Serializer):
    slot = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    topic = TOPICS
    language = serializers.ChoiceField(choices=LANGUAGE_KEYS, required=False, default="")


class PeerMatchInput(StrictJSONTypes, serializers.Serializer):
    topic = TOPICS
    level = serializers.ChoiceField(choices=LEVEL_KEYS, required=False, default="")
    language = serializers.ChoiceField(choices=LANGUAGE_KEYS, required=False, default="")


class PeerRescheduleInput(StrictJSONTypes, serializers.Serializer):
    starts_at = WallClockDateTimeField(help_text="A wall-clock time in `timezone` (no offset), or with an offset.")
    timezone = serializers.ChoiceField(choices=TIME_ZONES, allow_blank=True, default="")


class PeerReportInput(StrictJSONTypes, serializers.Serializer):
    reason = serializers.ChoiceField(choices=["no_show", "abuse", "inappropriate", "spam", "other"])
    details = serializers.CharField(max_length=2000, allow_blank=True, default="")


class PeerBlockInput(StrictJSONTypes, serializers.Serializer):
    username = serializers.CharField(max_length=150)


def _valid(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _booking_response(booking, user, code=status.HTTP_200_OK) -> Response:
    fresh = selectors.booking_get_for_user(user=user, booking_id=booking.id)
    return Response(PeerBookingOutput(selectors.booking_data(fresh, user=user)).data, status=code)


class _PeerApi(APIView):
    permission_classes = [IsAuthenticated]


class _PeerWriteApi(_PeerApi):
    throttle_scope = "writes"


# --- availability -------------------------------------------------------------------------------


class PeerAvailabilityApi(_PeerApi):
    @extend_schema(responses=PeerAvailabilityOutput, operation_id="peer_availability")
    def get(self, request):
        mine = selectors.own_availability(user=request.user)
        return Response(PeerAvailabilityOutput({"weekly": [selectors.weekly_data(w) for w in mine["weekly"]],
                                                "slots": [selectors.own_slot_data(s) for s in mine["slots"]]}).data)


class PeerSlotOfferApi(_PeerWriteApi):
    @extend_schema(request=PeerSlotOfferInput, responses={201: PeerOwnSlotOutput}, operation_id="peer_slot_offer")
    def post(self, request):
        v = _valid(PeerSlotOfferInput, request)
        slot = services.slot_offer(user=request.user, starts_local=v["starts_at"], minutes=v["minutes"],
                                   tz_name=v["timezone"], topics=v["topics"], level=v["level"],
                                   languages=v["languages"])
        return Response(PeerOwnSlotOutput(selectors.own_slot_data(slot)).data, status=status.HTTP_201_CREATED)


class PeerSlotWithdrawApi(_PeerWriteApi):
    @extend_schema(request=None, responses={204: None}, operation_id="peer_slot_withdraw")
    def delete(self, request, slot_id: int):
        services.slot_withdraw(user=request.user, slot_id=slot_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PeerWeeklyOfferApi(_PeerWriteApi):
    @extend_schema(request=PeerWeeklyOfferInput, responses={201: PeerWeeklyOutput}, operation_id="peer_weekly_offer")
    def post(self, request):
        v = _valid(PeerWeeklyOfferInput, request)
        weekly, _ = services.weekly_offer(user=request.user, weekday=v["weekday"], start=v["start_time"],
                                          minutes=v["minutes"], tz_name=v["timezone"], topics=v["topics"],
                                          level=v["level"], languages=v["languages"])
        return Response(PeerWeeklyOutput(selectors.weekly_data(weekly)).data, status=status.HTTP_201_CREATED)


class PeerWeeklyWithdrawApi(_PeerWriteApi):
    @extend_schema(request=None, responses={204: None}, operation_id="peer_weekly_withdraw")
    def delete(self, request, weekly_id: int):
        services.weekly_withdraw(user=request.user, weekly_id=weekly_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- finding and booking ------------------------------------------------------------------------


class PeerSlotListApi(_PeerApi):
    @extend_schema(parameters=[PeerSlotQuery], responses=PeerSlotOutput(many=True), operation_id="peer_slots")
    def get(self, request):
        q = query_valid(PeerSlotQuery, request)
        slots = selectors.slots_matching(user=request.user, topic=q.get("topic", ""), level=q.get("level", ""),
                                         language=q.get("language", ""))
        return Response(PeerSlotOutput([selectors.slot_data(s) for s in slots], many=True).data)


class PeerBookingListApi(_PeerApi):
    @property
    def throttle_scope(self):
        # Booking is a write (throttled as one); reading the list is not.
        return "writes" if self.request.method == "POST" else None

    @extend_schema(responses=PagePagination.response(PeerBookingOutput), operation_id="peer_bookings",
                   parameters=[PagePagination.query])
    def get(self, request):
        bookings = selectors.bookings_for_user(user=request.user)
        paginator = PagePagination()
        page = paginator.paginate_queryset(bookings, request, view=self)
        return paginator.get_paginated_response(
            PeerBookingOutput([selectors.booking_data(b, user=request.user) for b in page], many=True).data)

    @extend_schema(request=PeerBookInput, responses={201: PeerBookingOutput}, operation_id="peer_book")
    def post(self, request):
        v = _valid(PeerBookInput, request)
        booking = services.booking_create(user=request.user, slot_id=v["slot"], topic=v["topic"],
                                          language=v["language"])
        return _booking_response(booking, request.user, status.HTTP_201_CREATED)


class PeerMatchApi(_PeerWriteApi):
    @extend_schema(request=PeerMatchInput, responses={201: PeerBookingOutput}, operation_id="peer_match")
    def post(self, request):
        v = _valid(PeerMatchInput, request)
        booking = services.booking_auto_match(user=request.user, topic=v["topic"], level=v["level"],
                                              language=v["language"])
        return _booking_response(booking, request.user, status.HTTP_201_CREATED)


class PeerBookingDetailApi(_PeerApi):
    @extend_schema(responses=PeerBookingOutput, operation_id="peer_booking")
    def get(self, request, booking_id: int):
        booking = selectors.booking_get_for_user(user=request.user, booking_id=booking_id)
        return Response(PeerBookingOutput(selectors.booking_data(booking, user=request.user)).data)


class PeerBookingInviteApi(_PeerApi):
    @extend_schema(responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.BINARY, description="The .ics")},
                   operation_id="peer_booking_invite")
    def get(self, request, booking_id: int):
        booking = selectors.booking_get_for_user(user=request.user, booking_id=booking_id)
        response = HttpResponse(services.booking_invite(booking), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="prepforge-interview-{booking.id}.ics"'
        return response


def _booking_action(name: str, service, doc: str):
    class Action(_PeerWriteApi):
        @extend_schema(request=None, responses=PeerBookingOutput, operation_id=f"peer_booking_{name}", description=doc)
        def post(self, request, booking_id: int):
            return _booking_response(service(user=request.user, booking_id=booking_id), request.user)

    Action.__name__ = Action.__qualname__ = f"PeerBooking{name.title().replace('_', '')}Api"
    return Action


PeerBookingCancelApi = _booking_action("cancel", services.booking_cancel, services.booking_cancel.__doc__ or "")
PeerBookingRoomApi = _booking_action("room", services.booking_open_room, services.booking_open_room.__doc__ or "")
PeerBookingCompleteApi = _booking_action("complete", services.booking_complete, services.booking_complete.__doc__ or "")
PeerBookingNoShowApi = _booking_action("no_show", services.booking_report_no_show,
                                       services.booking_report_no_show.__doc__ or "")


class PeerBookingRescheduleApi(_PeerWriteApi):
    @extend_schema(request=PeerRescheduleInput, responses=PeerBookingOutput, operation_id="peer_booking_reschedule")
    def post(self, request, booking_id: int):
        v = _valid(PeerRescheduleInput, request)
        booking = services.booking_reschedule(user=request.user, booking_id=booking_id, starts_local=v["starts_at"],
                                              tz_name=v["timezone"])
        return _booking_response(booking, request.user)


class PeerBookingReportApi(_PeerWriteApi):
    @extend_schema(request=PeerReportInput, responses={201: None}, operation_id="peer_booking_report")
    def post(self, request, booking_id: int):
        v = _valid(PeerReportInput, request)
        services.peer_report(user=request.user, booking_id=booking_id, reason=v["reason"], details=v["details"])
        return Response(status=status.HTTP_201_CREATED)


# --- safety and points --------------------------------------------------------------------------


def _user_named(username: str) -> User:
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise NotFound("No such user.")
    return found


class PeerBlockApi(_PeerWriteApi):
    @extend_schema(request=PeerBlockInput, responses={201: None}, operation_id="peer_block")
    def post(self, request):
        v = _valid(PeerBlockInput, request)
        services.peer_block(user=request.user, blocked=_user_named(v["username"]))
        return Response(status=status.HTTP_201_CREATED)


class PeerUnblockApi(_PeerWriteApi):
    @extend_schema(request=None, responses={204: None}, operation_id="peer_unblock")
    def delete(self, request, username: str):
        services.peer_unblock(user=request.user, blocked=_user_named(username))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PeerPointsApi(_PeerApi):
    @extend_schema(responses=PeerPointsOutput, operation_id="peer_points")
    def get(self, request):
        standing = selectors.peer_standing(user=request.user)
        return Response(PeerPointsOutput({
            "balance": selectors.points_balance(user=request.user),
            "entries": selectors.points_entries(user=request.user), **standing}).data)


# --- feedback -----------------------------------------------------------------------------------

class PeerFeedbackInput(StrictJSONTypes, serializers.Serializer):
    problem_solving = serializers.IntegerField(min_value=1, max_value=5, help_text="1 (weak) ... 5 (excellent)")
    communication = serializers.IntegerField(min_value=1, max_value=5)
    code_quality = serializers.IntegerField(min_value=1, max_value=5)
    hints_needed = serializers.ChoiceField(choices=HintsNeeded.choices)
    would_hire = serializers.ChoiceField(choices=WouldHire.choices)
    rating = serializers.IntegerField(min_value=1, max_value=5, help_text="Overall, 1 ... 5")
    comments = serializers.CharField(max_length=4000, allow_blank=True, default="",
                                     help_text="Free text; a substantial comment earns you points.")


class PeerFeedbackOutput(serializers.Serializer):
    id = serializers.IntegerField()
    booking_id = serializers.IntegerField()
    half = serializers.IntegerField(help_text="1: the booking's interviewer asked; 2: after the role swap, the "
                                              "interviewee asked.")
    author = serializers.CharField()
    author_username = serializers.CharField()
    problem_solving = serializers.IntegerField()
    communication = serializers.IntegerField()
    code_quality = serializers.IntegerField()
    hints_needed = serializers.ChoiceField(choices=HintsNeeded.choices)
    would_hire = serializers.ChoiceField(choices=WouldHire.choices)
    rating = serializers.IntegerField()
    comments = serializers.CharField()
    created_at = serializers.DateTimeField()
    interview_starts_at = serializers.DateTimeField()
    topic = serializers.CharField()


class PeerBookingFeedbackOutput(serializers.Serializer):
    given = PeerFeedbackOutput(allow_null=True, help_text="What you wrote about your peer.")
    received = PeerFeedbackOutput(allow_null=True,
                                  help_text="What your peer wrote about you: null until you have written yours "
                                            "too, or until `reveal_at`.")
    peer_has_written = serializers.BooleanField()
    reveal_at = serializers.DateTimeField(help_text="When the peer's feedback is shown to you anyway.")
    half = serializers.IntegerField(help_text="The half you interviewed in, which your feedback is about.")
    open = serializers.BooleanField(help_text="Whether you can give your feedback now (your half is over, you "
                                              "have not written it, and it has not closed).")


def _booking_feedback_response(request, booking_id: int, code=status.HTTP_200_OK) -> Response:
    booking = selectors.booking_get_for_user(user=request.user, booking_id=booking_id)
    view = selectors.feedback_for_booking(user=request.user, booking=booking)
    for key in ("given", "received"):
        view[key] = selectors.feedback_data(view[key]) if view[key] else None
    return Response(PeerBookingFeedbackOutput(view).data, status=code)


class PeerBookingFeedbackApi(_PeerApi):
    @property
    def throttle_scope(self):
        return "writes" if self.request.method == "POST" else None

    @extend_schema(responses=PeerBookingFeedbackOutput, operation_id="peer_booking_feedback")
    def get(self, request, booking_id: int):
        return _booking_feedback_response(request, booking_id)

    @extend_schema(request=PeerFeedbackInput, responses={201: PeerBookingFeedbackOutput},
                   operation_id="peer_booking_feedback_submit", description=services.feedback_submit.__doc__ or "")
    def post(self, request, booking_id: int):
        v = _valid(PeerFeedbackInput, request)
        services.feedback_submit(user=request.user, booking_id=booking_id, **v)
        return _booking_feedback_response(request, booking_id, status.HTTP_201_CREATED)


class PeerFeedbackReceivedApi(_PeerApi):
    @extend_schema(responses=PagePagination.response(PeerFeedbackOutput), operation_id="peer_feedback_received",
                   parameters=[PagePagination.query])
    def get(self, request):
        paginator = PagePagination()
        page = paginator.paginate_queryset(selectors.feedback_received(user=request.user), request, view=self)
        return paginator.get_paginated_response(
            PeerFeedbackOutput([selectors.feedback_data(f) for f in page], many=True).data)

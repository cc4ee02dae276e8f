from django.urls import path

from core.api_routes import slash_optional

from . import apis

urlpatterns = slash_optional([
    path("peer/availability/", apis.PeerAvailabilityApi.as_view(), name="api-peer-availability"),
    path("peer/availability/slots/", apis.PeerSlotOfferApi.as_view(), name="api-peer-slot-offer"),
    path("peer/availability/slots/<int:slot_id>/", apis.PeerSlotWithdrawApi.as_view(), name="api-peer-slot"),
    path("peer/availability/weekly/", apis.PeerWeeklyOfferApi.as_view(), name="api-peer-weekly-offer"),
    path("peer/availability/weekly/<int:weekly_id>/", apis.PeerWeeklyWithdrawApi.as_view(), name="api-peer-weekly"),
    path("peer/slots/", apis.PeerSlotListApi.as_view(), name="api-peer-slots"),
    path("peer/match/", apis.PeerMatchApi.as_view(), name="api-peer-match"),
    path("peer/bookings/", apis.PeerBookingListApi.as_view(), name="api-peer-bookings"),
    path("peer/bookings/<int:booking_id>/", apis.PeerBookingDetailApi.as_view(), name="api-peer-booking"),
    path("peer/bookings/<int:booking_id>/invite/", apis.PeerBookingInviteApi.as_view(), name="api-peer-invite"),
    path("peer/bookings/<int:booking_id>/cancel/", apis.PeerBookingCancelApi.as_view(), name="api-peer-cancel"),
    path("peer/bookings/<int:booking_id>/reschedule/", apis.PeerBookingRescheduleApi.as_view(),
         name="api-peer-reschedule"),
    path("peer/bookings/<int:booking_id>/room/", apis.PeerBookingRoomApi.as_view(), name="api-peer-room"),
    path("peer/bookings/<int:booking_id>/complete/", apis.PeerBookingCompleteApi.as_view(), name="api-peer-complete"),
    path("peer/bookings/<int:booking_id>/no-show/", apis.PeerBookingNoShowApi.as_view(), name="api-peer-no-show"),
    path("peer/bookings/<int:booking_id>/report/", apis.PeerBookingReportApi.as_view(), name="api-peer-report"),
    path("peer/bookings/<int:booking_id>/feedback/", apis.PeerBookingFeedbackApi.as_view(),
         name="api-peer-feedback"),
    path("peer/feedback/received/", apis.PeerFeedbackReceivedApi.as_view(), name="api-peer-feedback-received"),
    path("peer/blocks/", apis.PeerBlockApi.as_view(), name="api-peer-blocks"),
    path("peer/blocks/<str:username>/", apis.PeerUnblockApi.as_view(), name="api-peer-block"),
    path("peer/points/", apis.PeerPointsApi.as_view(), name="api-peer-points"),
])

from django.urls import path

from . import views

urlpatterns = [
    path("interviews/peer/", views.find, name="peer-find"),
    path("interviews/peer/availability/", views.availability, name="peer-availability"),
    path("interviews/peer/availability/slots/<int:item_id>/withdraw/", views.availability_withdraw,
         {"kind": "slot"}, name="peer-slot-withdraw"),
    path("interviews/peer/availability/weekly/<int:item_id>/withdraw/", views.availability_withdraw,
         {"kind": "weekly"}, name="peer-weekly-withdraw"),
    path("interviews/peer/book/", views.book, name="peer-book"),
    path("interviews/peer/bookings/", views.bookings, name="peer-bookings"),
    path("interviews/peer/bookings/<int:booking_id>/", views.booking_detail, name="peer-booking"),
    path("interviews/peer/bookings/<int:booking_id>/invite.ics", views.booking_invite, name="peer-booking-invite"),
    path("interviews/peer/bookings/<int:booking_id>/report/", views.booking_report, name="peer-booking-report"),
    path("interviews/peer/bookings/<int:booking_id>/feedback/", views.booking_feedback, name="peer-feedback"),
    path("interviews/peer/feedback/", views.feedback_received, name="peer-feedback-received"),
    path("interviews/peer/bookings/<int:booking_id>/<slug:action>/", views.booking_action, name="peer-booking-action"),
]

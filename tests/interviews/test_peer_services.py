import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Notification
from collaboration.models import Participant
from core.exceptions import ApplicationError, Conflict, Forbidden, NotFound, ValidationFailed
from interviews.models import PeerBooking, PeerReport, PeerSlot, PointsAccount, PointsEntry
from interviews.peer import selectors, services
from tests.interviews.peer_fixtures import offer, shift

pytestmark = pytest.mark.django_db


def ledger_sum(user) -> int:
    return PointsEntry.objects.filter(user=user).aggregate(total=Sum("amount"))["total"] or 0


def assert_ledger_consistent(*users):
    for user in users:
        account = PointsAccount.objects.get(user=user)
        assert account.balance == ledger_sum(user) >= 0


# --- availability ------------------------------------------------------------------------------


def test_one_off_slot_is_read_in_the_users_time_zone(user):
    user.preferences.timezone = "Asia/Tokyo"
    user.preferences.save()
    day = (timezone.now() + timedelta(days=3)).date()
    slot = services.slot_offer(user=user, starts_local=datetime.combine(day, time(9)), topics=["algorithms"],
                               level="mid")
    assert slot.starts_at.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M") == "09:00"
    assert slot.timezone == "Asia/Tokyo" and slot.ends_at - slot.starts_at == timedelta(hours=1)


def test_slots_in_the_past_and_overlapping_ones_are_refused(user):
    with pytest.raises(ValidationFailed) as error:
        services.slot_offer(user=user, starts_local=timezone.now() - timedelta(minutes=1), topics=["algorithms"],
                            level="mid")
    assert error.value.code == "slot_in_past"
    first = offer(user, hours_ahead=30)
    with pytest.raises(ValidationFailed) as error:
        offer(user, hours_ahead=30.5)
    assert error.value.code == "slot_overlaps" and "overlaps your time" in error.value.message
    after = services.slot_offer(user=user, starts_local=first.ends_at, topics=["algorithms"], level="mid")
    assert after.starts_at == first.ends_at  # touching is fine


def test_bad_topics_level_and_time_zone_are_clear_errors(user):
    starts = timezone.now() + timedelta(days=1)
    for kwargs, code in (({"topics": []}, "topics_required"), ({"topics": ["cooking"]}, "invalid_topic"),
                         ({"level": "guru"}, "invalid_level"), ({"tz_name": "Nowhere/City"}, "invalid_timezone"),
                         ({"minutes": 600}, "invalid_duration")):
        arguments = {"topics": ["algorithms"], "level": "mid", **kwargs}
        with pytest.raises(ValidationFailed) as error:
            services.slot_offer(user=user, starts_local=starts, **arguments)
        assert error.value.code == code


def test_weekly_slot_makes_occurrences_at_the_same_local_time_across_dst(user):
    now = datetime(2026, 10, 12, 0, 0, tzinfo=ZoneInfo("UTC"))
    weekly, slots = services.weekly_offer(user=user, weekday=0, start=time(9), tz_name="Europe/Berlin",
                                          topics=["system_design"], level="senior", now=now)
    local = [s.starts_at.astimezone(ZoneInfo("Europe/Berlin")) for s in slots]
    assert len(slots) == 4 and {d.strftime("%a %H:%M") for d in local} == {"Mon 09:00"}
    assert {s.starts_at.utcoffset() for s in slots} == {timedelta(0)}
    assert sorted({s.starts_at.hour for s in slots}) == [7, 8]
    # Extending again makes nothing twice.
    assert services.weekly_extend(now=now) == 0


def test_weekly_slot_overlapping_an_existing_slot_is_refused_whole(user):
    one = offer(user, hours_ahead=72)
    local = one.starts_at.astimezone(user.preferences.tzinfo)
    with pytest.raises(ValidationFailed) as error:
        services.weekly_offer(user=user, weekday=local.weekday(), start=local.time(), topics=["algorithms"],
                              level="mid")
    assert error.value.code == "slot_overlaps"
    assert PeerSlot.objects.filter(owner=user).count() == 1


def test_only_open_slots_of_others_are_visible(user, other_user, make_user):
    open_slot = offer(other_user, hours_ahead=30)
    booked = offer(other_user, hours_ahead=50)
    withdrawn = offer(other_user, hours_ahead=70)
    services.slot_withdraw(user=other_user, slot_id=withdrawn.id)
    services.booking_create(user=make_user(), slot_id=booked.id, topic="algorithms")
    offer(user, hours_ahead=90)  # own slots are not listed
    assert [s.id for s in selectors.slots_matching(user=user)] == [open_slot.id]
    shown = selectors.slot_data(open_slot)
    assert set(shown) == {"id", "starts_at", "ends_at", "level", "topics", "languages", "interviewer",
                          "interviewer_username", "level_label", "topic_options", "language_options"}


def test_matching_filters_by_topic_level_and_language(user, make_user):
    a = offer(make_user(), topics=["algorithms", "data_structures"], level="mid", languages=["python"])
    b = offer(make_user(), topics=["system_design"], level="senior", languages=["java", "go"])
    ids = lambda **f: [s.id for s in selectors.slots_matching(user=user, **f)]  # noqa: E731
    assert ids(topic="data_structures") == [a.id]
    assert ids(level="senior") == [b.id]
    assert ids(language="go") == [b.id]
    assert ids(topic="system_design", language="python") == []


# --- points -----------------------------------------------------------------------------------


def test_points_start_with_a_grant_and_never_go_below_zero(user, settings):
    account = services.points_ensure(user=user)
    assert account.balance == settings.PEER_STARTING_GRANT
    services.points_record(user_id=user.id, amount=-settings.PEER_STARTING_GRANT, reason="adjustment")
    with pytest.raises(services.InsufficientPoints):
        services.points_record(user_id=user.id, amount=-1, reason="adjustment")
    clamped = services.points_record(user_id=user.id, amount=-5, reason="no_show", clamp=True, source_type="t",
                                     source_id="1")
    assert clamped.amount == 0
    assert services.points_record(user_id=user.id, amount=3, reason="interviewed", source_type="t",
                                  source_id="1").amount == 3
    assert services.points_record(user_id=user.id, amount=3, reason="interviewed", source_type="t",
                                  source_id="1") is None  # once per source
    assert_ledger_consistent(user)
    assert PointsAccount.objects.get(user=user).balance == 3


def test_staff_adjustment_needs_a_reason_and_is_audited(user, make_user, django_capture_on_commit_callbacks):
    from core.models import AuditEvent

    staff = make_user(is_staff=True)
    with pytest.raises(ValidationFailed):
        services.points_adjust(staff=staff, user=user, amount=5, note=" ")
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.points_adjust(staff=staff, user=user, amount=5, note="goodwill")
    assert entry.reason == "adjustment" and "goodwill" in entry.note
    assert_ledger_consistent(user)
    event = AuditEvent.objects.get(action="peer.points_adjusted")
    assert (event.actor_id, event.subject_id) == (staff.id, user.id)
    assert event.changes == {"balance": [entry.balance_after - 5, entry.balance_after], "reason": [None, "goodwill"]}
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.InsufficientPoints):
        services.points_adjust(staff=staff, user=user, amount=-10_000, note="typo")
    assert AuditEvent.objects.filter(action="peer.points_adjusted").count() == 1  # refused: nothing audited


# --- booking ----------------------------------------------------------------------------------


def test_booking_costs_points_notifies_both_and_attaches_the_invite(user, other_user, settings,
                                                                    django_capture_on_commit_callbacks):
    slot = offer(other_user)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(user=user, slot_id=slot.id, topic="algorithms", language="python")
    slot.refresh_from_db()
    assert slot.status == "booked" and booking.interviewer == other_user and booking.interviewee == user
    assert PointsAccount.objects.get(user=user).balance == settings.PEER_STARTING_GRANT - settings.PEER_BOOKING_COST
    assert_ledger_consistent(user)
    assert Notification.objects.filter(user__in=[user, other_user], data__peer_booking=booking.id).count() == 2
    invites = [a for m in mail.outbox for a in m.attachments if a[0] == "invite.ics"]
    assert len(invites) == 2  # peer-interview e-mails are on by default
    event = Calendar.from_ical(invites[0][1]).walk("VEVENT")[0]
    assert str(event["UID"]) == f"peer-booking-{booking.id}@127.0.0.1" and int(event["SEQUENCE"]) == 0


def test_booking_errors_are_clear(user, other_user, make_user, settings):
    mine = offer(user)
    with pytest.raises(ValidationFailed) as error:
        services.booking_create(user=user, slot_id=mine.id, topic="algorithms")
    assert error.value.code == "own_slot"
    theirs = offer(other_user, topics=["algorithms"], languages=["python"])
    with pytest.raises(ValidationFailed) as error:
        services.booking_create(user=user, slot_id=theirs.id, topic="frontend")
    assert error.value.code == "topic_not_offered"
    with pytest.raises(ValidationFailed) as error:
        services.booking_create(user=user, slot_id=theirs.id, topic="algorithms", language="go")
    assert error.value.code == "language_not_offered"
    PeerSlot.objects.filter(id=theirs.id).update(starts_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationFailed) as error:
        services.booking_create(user=user, slot_id=theirs.id, topic="algorithms")
    assert error.value.code == "slot_in_past"
    with pytest.raises(NotFound):
        services.booking_create(user=user, slot_id=999_999, topic="algorithms")
    taken = offer(make_user(), hours_ahead=100)
    services.booking_create(user=other_user, slot_id=taken.id, topic="algorithms")
    with pytest.raises(services.SlotTaken):
        services.booking_create(user=user, slot_id=taken.id, topic="algorithms")


def test_booking_without_enough_points_changes_nothing(user, other_user):
    services.points_ensure(user=user)
    services.points_record(user_id=user.id, amount=-15, reason="adjustment")
    slot = offer(other_user)
    with pytest.raises(services.InsufficientPoints) as error:
        services.booking_create(user=user, slot_id=slot.id, topic="algorithms")
    assert error.value.details == {"balance": 5, "needed": 10}
    slot.refresh_from_db()
    assert slot.status == "open" and not PeerBooking.objects.exists()
    assert_ledger_consistent(user)


def test_automatic_match_books_the_best_slot(user, make_user):
    offer(make_user(), hours_ahead=30, level="senior")
    best = offer(make_user(), hours_ahead=60, level="mid", languages=["python"])
    offer(make_user(), hours_ahead=40, topics=["frontend"], level="mid")
    booking = services.booking_auto_match(user=user, topic="algorithms", level="mid", language="python")
    assert booking.slot_id == best.id
    with pytest.raises(NotFound) as error:
        services.booking_auto_match(user=user, topic="machine_learning")
    assert error.value.code == "no_match"


@pytest.mark.django_db(transaction=True)
def test_two_people_booking_the_same_slot_at_once_exactly_one_wins(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for concurrent writers (SQLite serialises every write)")
    owner = make_user()
    slot = offer(owner)
    bookers = [make_user() for _ in range(4)]
    for b in bookers:
        services.points_ensure(user=b)
    barrier = threading.Barrier(len(bookers))
    outcomes: list = []

    def book(person):
        try:
            barrier.wait()
            outcomes.append(services.booking_create(user=person, slot_id=slot.id, topic="algorithms"))
        except ApplicationError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(b,)) for b in bookers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [o for o in outcomes if isinstance(o, PeerBooking)]
    losers = [o for o in outcomes if isinstance(o, services.SlotTaken)]
    assert len(winners) == 1 and len(losers) == 3, outcomes
    assert PeerBooking.objects.filter(slot=slot).count() == 1
    for person in bookers:  # only the winner paid
        expected = 10 if person.id == winners[0].interviewee_id else 20
        assert PointsAccount.objects.get(user=person).balance == expected == ledger_sum(person)


# --- cancellation, no-shows, completion ---------------------------------------------------------


def test_early_cancel_by_interviewee_refunds_and_reopens_the_slot(user, other_user, django_capture_on_commit_callbacks):
    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(user=user, booking_id=booking.id)
    booking.refresh_from_db()
    assert booking.status == "cancelled" and not booking.late_cancel and booking.ics_sequence == 1
    assert PeerSlot.objects.get(id=booking.slot_id).status == "open"
    assert PointsAccount.objects.get(user=user).balance == 20
    assert_ledger_consistent(user)
    calendar = Calendar.from_ical([a for m in mail.outbox for a in m.attachments][0][1])
    assert str(calendar["METHOD"]) == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    assert str(event["UID"]) == f"peer-booking-{booking.id}@127.0.0.1"


def test_late_cancels_lose_points_and_are_counted(user, other_user, make_user):
    late = services.booking_create(user=user, slot_id=offer(other_user, hours_ahead=3).id, topic="algorithms")
    services.booking_cancel(user=user, booking_id=late.id)
    assert PointsAccount.objects.get(user=user).balance == 10  # no refund
    third = make_user()
    by_interviewer = services.booking_create(user=third, slot_id=offer(other_user, hours_ahead=5).id,
                                             topic="algorithms")
    services.booking_cancel(user=other_user, booking_id=by_interviewer.id)
    assert PointsAccount.objects.get(user=third).balance == 20  # always refunded when the interviewer cancels
    assert PointsAccount.objects.get(user=other_user).balance == 15  # late penalty
    assert PeerSlot.objects.get(id=by_interviewer.slot_id).status == "withdrawn"
    assert selectors.peer_standing(user=user)["late_cancels"] == 1
    assert selectors.peer_standing(user=other_user)["late_cancels"] == 1
    assert_ledger_consistent(user, other_user, third)


def test_cancelling_after_the_start_is_refused(user, other_user):
    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    shift(booking, starts_in=-timedelta(minutes=1))
    with pytest.raises(Conflict) as error:
        services.booking_cancel(user=user, booking_id=booking.id)
    assert error.value.code == "already_started"


def test_no_show_of_the_interviewer_refunds_and_penalises(user, other_user):
    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    with pytest.raises(Conflict):
        services.booking_report_no_show(user=user, booking_id=booking.id)  # before the start
    shift(booking, starts_in=-timedelta(minutes=15))
    services.booking_report_no_show(user=user, booking_id=booking.id)
    booking.refresh_from_db()
    assert booking.status == "no_show" and booking.no_show_user == other_user
    assert PointsAccount.objects.get(user=user).balance == 20
    assert PointsAccount.objects.get(user=other_user).balance == 10
    with pytest.raises(Conflict):
        services.booking_report_no_show(user=user, booking_id=booking.id)
    assert_ledger_consistent(user, other_user)


def test_repeated_no_shows_limit_booking(user, make_user, settings):
    settings.PEER_STARTING_GRANT = 100
    for _ in range(settings.PEER_NO_SHOW_LIMIT):
        interviewer = make_user()
        booking = services.booking_create(user=user, slot_id=offer(interviewer).id, topic="algorithms")
        shift(booking, starts_in=-timedelta(minutes=15))
        services.booking_report_no_show(user=interviewer, booking_id=booking.id)
    assert selectors.peer_standing(user=user) == {"no_shows": 2, "late_cancels": 0, "booking_limited": True}
    with pytest.raises(Forbidden) as error:
        services.booking_create(user=user, slot_id=offer(make_user()).id, topic="algorithms")
    assert error.value.code == "booking_limited"


def test_someone_elses_booking_is_not_found(user, other_user, make_user):
    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    stranger = make_user()
    for action in (services.booking_cancel, services.booking_open_room, services.booking_complete,
                   services.booking_report_no_show):
        with pytest.raises(NotFound):
            action(user=stranger, booking_id=booking.id)


def test_room_opens_at_start_for_both_and_completion_pays_the_interviewer(user, other_user, settings):
    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms", language="python")
    with pytest.raises(Conflict) as error:
        services.booking_open_room(user=user, booking_id=booking.id)
    assert error.value.code == "too_early"
    assert services.rooms_open_due() == 0
    shift(booking, starts_in=timedelta(seconds=-5))
    assert services.rooms_open_due() == 1
    assert services.rooms_open_due() == 0  # once
    booking.refresh_from_db()
    assert booking.status == "in_progress" and booking.room is not None
    seats = {p.user_id: p.role for p in Participant.objects.filter(room=booking.room)}
    assert seats == {other_user.id: "interviewer", user.id: "candidate"}
    assert services.booking_open_room(user=other_user, booking_id=booking.id).room_id == booking.room_id
    with pytest.raises(Forbidden):
        services.booking_complete(user=other_user, booking_id=booking.id)  # interviewers cannot pay themselves
    services.booking_complete(user=user, booking_id=booking.id)
    services.booking_complete(user=user, booking_id=booking.id)  # twice: paid once
    assert PointsAccount.objects.get(user=other_user).balance == 20 + settings.PEER_INTERVIEWER_REWARD
    assert_ledger_consistent(user, other_user)


def test_roles_swap_on_their_own_at_half_time_once_and_not_after_an_early_swap(user, other_user, make_user,
                                                                            django_capture_on_commit_callbacks):
    from collaboration.services import room_roles_swap
    from core.models import AuditEvent
    from interviews.peer.tasks import peer_tick

    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    shift(booking, starts_in=timedelta(seconds=-5))
    services.booking_open_room(user=user, booking_id=booking.id)
    assert services.rooms_swap_due() == 0  # the first half is under way
    shift(booking, starts_in=-timedelta(minutes=31))  # a 60-minute interview, past its half
    with django_capture_on_commit_callbacks(execute=True):
        assert peer_tick.delay().get()["swapped"] == 1
    assert services.rooms_swap_due() == 0  # once
    seats = {p.user_id: p.role for p in Participant.objects.filter(room=booking.room)}
    assert seats == {user.id: "interviewer", other_user.id: "candidate"}
    event = AuditEvent.objects.get(action="rooms.roles_swapped")
    assert event.actor_id is None and event.actor_label == "half time"

    # An interviewer who swapped early: half time leaves the roles as they are.
    early = services.booking_create(user=make_user(), slot_id=offer(other_user, hours_ahead=72).id, topic="algorithms")
    shift(early, starts_in=timedelta(seconds=-5))
    services.booking_open_room(user=other_user, booking_id=early.id)
    early.refresh_from_db()
    room_roles_swap(room=early.room, by=Participant.objects.get(room=early.room, user=other_user))
    shift(early, starts_in=-timedelta(minutes=40))
    assert services.rooms_swap_due() == 0
    assert Participant.objects.get(room=early.room, user=other_user).role == "candidate"


def test_unconfirmed_interviews_complete_on_their_own(user, other_user):
    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    shift(booking, starts_in=timedelta(seconds=-5))
    services.booking_open_room(user=user, booking_id=booking.id)
    shift(booking, starts_in=-timedelta(hours=4))
    assert services.bookings_complete_due() == 1
    assert PeerBooking.objects.get(id=booking.id).status == "completed"
    assert PointsAccount.objects.get(user=other_user).balance == 30


def test_reschedule_keeps_the_uid_and_bumps_the_sequence(user, other_user, django_capture_on_commit_callbacks):
    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    with pytest.raises(Forbidden):
        services.booking_reschedule(user=user, booking_id=booking.id, starts_local=timezone.now() + timedelta(days=3))
    mail.outbox.clear()
    new_start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reschedule(user=other_user, booking_id=booking.id, starts_local=new_start)
    booking.refresh_from_db()
    assert booking.starts_at == new_start and booking.ics_sequence == 1
    event = Calendar.from_ical(services.booking_invite(booking)).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1 and event.decoded("DTSTART") == new_start
    assert str(event["UID"]) == f"peer-booking-{booking.id}@127.0.0.1"
    assert len([a for m in mail.outbox for a in m.attachments]) == 2


# --- reminders --------------------------------------------------------------------------------


def test_reminders_go_out_once_even_when_the_task_runs_twice(user, other_user):
    from interviews.peer.tasks import peer_tick

    booking = services.booking_create(user=user, slot_id=offer(other_user, hours_ahead=100).id, topic="algorithms")
    before = Notification.objects.count()
    assert services.reminders_send() == 0  # not due yet
    PeerBooking.objects.filter(id=booking.id).update(created_at=timezone.now() - timedelta(days=3))
    shift(booking, starts_in=timedelta(hours=23))
    assert peer_tick.delay().get()["reminders"] == 1
    assert peer_tick.delay().get()["reminders"] == 0
    day = Notification.objects.filter(data__reminder="reminder_day_sent_at")
    assert day.count() == 2 and Notification.objects.count() == before + 2
    shift(booking, starts_in=timedelta(minutes=10))
    assert services.reminders_send() == 1 and services.reminders_send() == 0
    assert Notification.objects.filter(data__reminder="reminder_soon_sent_at").count() == 2


def test_reminders_follow_the_peer_notification_preferences(user, other_user):
    prefs = user.preferences
    prefs.inapp_peer = False
    prefs.email_peer = False
    prefs.save()
    # Turning off social notifications (followers, community) leaves peer interviews on.
    other_prefs = other_user.preferences
    other_prefs.inapp_social = False
    other_prefs.email_social = False
    other_prefs.save()
    booking = services.booking_create(user=user, slot_id=offer(other_user, hours_ahead=100).id, topic="algorithms")
    shift(booking, starts_in=timedelta(minutes=10))
    mail.outbox.clear()
    services.reminders_send()
    assert not Notification.objects.filter(user=user, data__reminder="reminder_soon_sent_at").exists()
    assert Notification.objects.filter(user=other_user, data__reminder="reminder_soon_sent_at", type="peer").exists()


def test_day_reminder_is_skipped_for_a_booking_made_within_the_day(user, other_user):
    services.booking_create(user=user, slot_id=offer(other_user, hours_ahead=5).id, topic="algorithms")
    assert services.reminders_send() == 0
    assert not Notification.objects.filter(data__reminder="reminder_day_sent_at").exists()


# --- safety -----------------------------------------------------------------------------------


def test_blocked_users_are_never_matched_either_way(user, other_user):
    slot = offer(other_user)
    services.peer_block(user=other_user, blocked=user)
    assert list(selectors.slots_matching(user=user)) == []
    with pytest.raises(NotFound):
        services.booking_create(user=user, slot_id=slot.id, topic="algorithms")
    with pytest.raises(NotFound):
        services.booking_auto_match(user=user, topic="algorithms")
    services.peer_unblock(user=other_user, blocked=user)
    assert [s.id for s in selectors.slots_matching(user=user)] == [slot.id]
    with pytest.raises(ValidationFailed):
        services.peer_block(user=user, blocked=user)


def test_reports_reach_the_moderators_once(user, other_user, make_user):
    booking = services.booking_create(user=user, slot_id=offer(other_user).id, topic="algorithms")
    report = services.peer_report(user=user, booking_id=booking.id, reason="abuse", details="rude")
    assert report.reported == other_user and report.status == "open"
    with pytest.raises(Conflict):
        services.peer_report(user=user, booking_id=booking.id, reason="abuse")
    with pytest.raises(NotFound):
        services.peer_report(user=make_user(), booking_id=booking.id, reason="abuse")
    with pytest.raises(ValidationFailed):
        services.peer_report(user=other_user, booking_id=booking.id, reason="bad-vibes")
    services.peer_report_resolve(moderator=make_user(is_staff=True), report=report, status="resolved")
    assert PeerReport.objects.get(id=report.id).status == "resolved"


def test_weekly_slots_are_extended_as_the_horizon_moves_and_skip_the_owners_other_time(user):
    from interviews.peer.tasks import peer_weekly_extend

    now = datetime(2026, 12, 7, 0, 0, tzinfo=ZoneInfo("UTC"))  # a Monday
    weekly, slots = services.weekly_offer(user=user, weekday=2, start=time(18), tz_name="UTC", topics=["behavioral"],
                                          level="junior", now=now)
    assert len(slots) == 4
    later = now + timedelta(days=7)
    blocking_start = slots[-1].starts_at + timedelta(days=7)
    PeerSlot.objects.create(owner=user, starts_at=blocking_start, ends_at=blocking_start + timedelta(hours=1),
                            timezone="UTC", topic_mask=1, level="mid")
    assert services.weekly_extend(now=later + timedelta(days=7)) == 1  # two new weeks, one already taken
    assert weekly.slots.count() == 5
    assert isinstance(peer_weekly_extend.delay().get(), int)


def test_staff_adjust_points_in_the_admin(client, user, make_user):
    staff = make_user(is_staff=True)
    staff.is_superuser = True
    staff.save()
    services.points_ensure(user=user)
    client.force_login(staff)
    asked = client.post("/admin/interviews/pointsaccount/", {"action": "adjust_points", "_selected_action": [user.id]})
    assert asked.status_code == 200 and b"Adjust points" in asked.content and f"{user.id}: 20 points".encode() in asked.content
    response = client.post("/admin/interviews/pointsaccount/", {
        "action": "adjust_points", "_selected_action": [user.id], "apply": "1", "amount": 7, "note": "event prize"})
    assert response.status_code == 302
    entry = PointsEntry.objects.filter(user=user, reason="adjustment").get()
    assert entry.amount == 7 and "event prize" in entry.note
    assert_ledger_consistent(user)

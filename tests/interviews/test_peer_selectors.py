import pytest

from interviews.peer import selectors, services
from tests.interviews.peer_fixtures import offer

pytestmark = pytest.mark.django_db


def _book(user, make_user, n, start=40):
    for i in range(n):
        services.booking_create(user=user, slot_id=offer(make_user(), hours_ahead=start + 2 * i).id,
                                topic="algorithms")


@pytest.mark.parametrize("bookings", [1, 6])
def test_bookings_list_is_flat_in_the_number_of_bookings(user, make_user, settings, django_assert_num_queries,
                                                         bookings):
    settings.PEER_STARTING_GRANT = 100
    _book(user, make_user, bookings)
    with django_assert_num_queries(1):
        rows = [selectors.booking_data(b, user=user) for b in selectors.bookings_for_user(user=user)]
    assert len(rows) == bookings


@pytest.mark.parametrize("slots", [1, 8])
def test_matching_slots_is_flat_in_the_number_of_slots(user, make_user, django_assert_num_queries, slots):
    for i in range(slots):
        offer(make_user(), hours_ahead=30 + 2 * i)
    with django_assert_num_queries(1):
        rows = [selectors.slot_data(s) for s in selectors.slots_matching(user=user, topic="algorithms")]
    assert len(rows) == slots


def test_bookings_page_queries_do_not_grow_with_the_bookings(client, user, make_user, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PEER_STARTING_GRANT = 100
    client.force_login(user)
    client.get("/interviews/peer/bookings/")  # the first request of a session fills per-user caches
    counts = []
    for more in (1, 5):
        _book(user, make_user, more, start=40 + 20 * len(counts))
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/interviews/peer/bookings/")
        assert response.status_code == 200
        counts.append(len(queries))
    assert response.content.count(b'data-booking-status=') == 6
    assert counts[0] == counts[1], counts

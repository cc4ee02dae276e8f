"""A new user's home: "Welcome" (not "back") and three first steps that tick off from real data;
the password-reset and e-mail pages offer only what applies."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import selectors
from accounts.models import ActivityDay
from challenges.models import Submission, SubmissionStatus
from collaboration import services as room_services
from resumes import services as resume_services
from tests.challenges.conftest import sum_two_challenge

pytestmark = pytest.mark.django_db


def steps_done(user) -> dict[str, bool]:
    return {step.key: step.done for step in selectors.home_start(user=user).steps}


def judged(user, challenge, verdict: str) -> Submission:
    # A judged submission as the judge leaves it (the judge itself is tested in tests/challenges).
    return Submission.objects.create(user=user, challenge=challenge, language="python", source="print(3)",
                                     status=SubmissionStatus.DONE, verdict=verdict)


def test_new_user_home_says_welcome_and_lists_three_first_steps(client, user):
    client.force_login(user)
    page = client.get("/").content.decode()
    assert f"Welcome, {user.display_name}" in page
    assert "Welcome back" not in page
    assert "First steps" in page and "0 of 3 done" in page
    for link in ('href="/resumes/#upload-title"', 'href="/challenges/"', 'href="/rooms/#new-room-title"'):
        assert link in page


def test_steps_tick_off_from_real_data(user, other_user):
    assert steps_done(user) == {"resume": False, "challenge": False, "room": False}
    resume_services.resume_create_blank(user=user, title="Mine")
    assert steps_done(user) == {"resume": True, "challenge": False, "room": False}

    challenge = sum_two_challenge()
    judged(user, challenge, "WA")
    judged(other_user, challenge, "AC")  # someone else's success is not mine
    assert steps_done(user)["challenge"] is False
    judged(user, challenge, "AC")
    assert steps_done(user)["challenge"] is True

    room_services.room_create(interviewer=other_user, title="Not mine")
    assert steps_done(user)["room"] is False
    room_services.room_create(interviewer=user, title="Mine")
    assert selectors.home_start(user=user).all_done


def test_all_steps_done_hides_the_list(client, user):
    resume_services.resume_create_blank(user=user)
    judged(user, sum_two_challenge(), "AC")
    room_services.room_create(interviewer=user)
    client.force_login(user)
    assert "data-first-steps" not in client.get("/").content.decode()


def test_welcome_back_once_the_user_was_here_on_an_earlier_day(client, user):
    today = selectors.user_today(user)
    ActivityDay.objects.create(user=user, day=today - timedelta(days=1))
    client.force_login(user)
    assert f"Welcome back, {user.display_name}" in client.get("/").content.decode()


def test_first_steps_are_one_query(user, django_assert_num_queries):
    assert user.preferences.tzinfo  # the time zone is loaded with the user on every page
    with django_assert_num_queries(1):
        selectors.home_start(user=user)


def test_home_query_count_does_not_grow_with_rows(user):
    client = Client()
    client.force_login(user)

    def home_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    client.get("/")  # the once-a-day activity record is made on the first page
    before = home_queries()
    challenge = sum_two_challenge()
    for index in range(4):
        resume_services.resume_create_blank(user=user, title=f"R{index}")
        judged(user, challenge, "AC")
        room_services.room_create(interviewer=user, title=f"Room {index}")
    assert home_queries() == before


def test_password_reset_done_page_links_to_log_in(client):
    page = client.get(reverse("account_password_reset_completed")).content.decode()
    assert "Your password is now changed" in page
    assert 'href="/accounts/login/"' in page


def test_single_address_page_offers_no_action_that_cannot_apply(client, user):
    client.force_login(user)
    page = client.get("/accounts/email/").content.decode()
    assert user.email in page
    for impossible in ("action_primary", "action_remove", "action_send"):
        assert impossible not in page
    assert "action_add" in page


def test_several_addresses_offer_the_actions_that_apply(client, user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email="second@example.com", verified=False, primary=False)
    client.force_login(user)
    page = client.get("/accounts/email/").content.decode()
    assert "action_remove" in page and "action_send" in page
    assert "action_primary" not in page  # the only other address is unverified: it cannot be primary yet

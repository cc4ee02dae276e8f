"""No GET writes: opening a page or reading the API inserts, updates and deletes nothing, for a
user made by the product and for one whose own rows (profile, preferences, progress) are not
there yet (a user made by createsuperuser or the admin). Only the writers create those rows."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.models import Preferences, Profile, Progress, User
from challenges import services as challenge_services
from challenges.models import ChallengeProgress
from resumes import services as resume_services
from tests.challenges.conftest import sum_two_challenge
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)

PAGES = [
    "/", "/settings/profile/", "/settings/preferences/", "/u/{me}/", "/u/{other}/", "/u/{other}/followers/",
    "/people/", "/notifications/", "/achievements/", "/challenges/", "/challenges/sum-two/",
    "/challenges/sum-two/?mode=interview", "/challenges/sum-two/?mode=zen", "/leaderboard/",
    "/challenges/sum-two/leaderboard/", "/resumes/", "/resumes/{resume}/", "/resumes/{resume}/builder/",
    "/resumes/{resume}/versions/", "/jobs/", "/roadmap/",
]
API = [
    "/api/v1/me/profile/", "/api/v1/me/preferences/", "/api/v1/me/progress/", "/api/v1/me/achievements/",
    "/api/v1/users/{me}/", "/api/v1/users/{other}/", "/api/v1/challenges/sum-two/", "/api/v1/notifications/",
    "/api/v1/interview-prep/score/{resume}/",
]


def writes_of(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]


def user_without_rows() -> User:
    """As `manage.py createsuperuser` makes one: the manager alone, no service."""
    user = User.objects.create_user(username="bare", email="bare@example.com", password=PASSWORD)
    return user


@pytest.fixture
def setting(make_user, achievements):
    sum_two_challenge()
    other = make_user()
    account_services.follow_create(follower=other, following=make_user())
    return other


@pytest.mark.parametrize("kind", ["made by the product", "without its rows"])
def test_no_page_or_api_read_writes(kind, make_user, setting):
    user = make_user() if kind == "made by the product" else user_without_rows()
    if kind == "without its rows":
        assert not Profile.objects.filter(user=user).exists()
        assert not Preferences.objects.filter(user=user).exists() and not Progress.objects.filter(user=user).exists()
    resume = resume_services.resume_create_blank(user=user).resume_id
    # Using the site once a day counts toward the streak (accounts.middleware.DailyActivityMiddleware):
    # the day is recorded beforehand, so that what follows measures the pages themselves.
    account_services.progress_record_activity(user=user)
    page_client = Client()
    page_client.force_login(user)
    api_client = APIClient()
    api_client.force_authenticate(user)
    names = {"me": user.username, "other": setting.username, "resume": resume}
    for client, urls in ((page_client, PAGES), (api_client, API)):
        for template in urls:
            url = template.format(**names)
            for attempt in ("first view", "reload"):
                status, writes = writes_of(client, url)
                assert status in (200, 404), (url, status)
                assert writes == [], (url, attempt, writes)
    assert not ChallengeProgress.objects.filter(user=user).exists()


def test_the_interview_clock_survives_a_reload(make_user, monkeypatch):
    from datetime import datetime, timedelta

    from django.utils import timezone

    when = datetime.fromisoformat

    sum_two_challenge()
    user = make_user()
    client = Client()
    client.force_login(user)

    def started_at_on_the_page():
        page = client.get("/challenges/sum-two/?mode=interview").content.decode()
        data = re.search(r'<script id="challenge-data" type="application/json">(.*?)</script>', page, re.S).group(1)
        return json.loads(data)["startedAt"]

    def start(**body):
        response = client.post("/api/v1/challenges/sum-two/start/", body, content_type="application/json")
        assert response.status_code == 200, response.content
        return response.json()

    assert started_at_on_the_page() is None  # not started by looking
    started = start(mode="interview")["interview_started_at"]
    later = timezone.now() + timedelta(minutes=7)
    monkeypatch.setattr(timezone, "now", lambda: later)
    # Reloading (which starts the clock again from the page's script) keeps the interview's time.
    assert started_at_on_the_page() is not None
    assert when(started_at_on_the_page()) == when(started)
    assert start(mode="interview")["interview_started_at"] == started
    assert when(started_at_on_the_page()) == when(started)
    # Only asking to start over sets it back to zero.
    restarted = start(mode="interview", restart=True)["interview_started_at"]
    assert timedelta(minutes=7) <= when(restarted) - when(started) < timedelta(minutes=8)
    assert when(started_at_on_the_page()) == when(restarted)


def test_the_first_start_counts_toward_popularity_once(make_user):
    challenge = sum_two_challenge()
    user = make_user()
    for mode in ("standard", "interview", "standard"):
        challenge_services.challenge_start(user=user, challenge=challenge, mode=mode)
    challenge.refresh_from_db()
    assert challenge.popularity == 1


def test_signing_up_creates_the_users_rows(client):
    response = client.post("/accounts/signup/", {
        "email": "newcomer@example.com", "username": "newcomer", "password1": "quite-long-pass-123",
        "password2": "quite-long-pass-123"})
    assert response.status_code == 302
    app = APIClient().post("/_allauth/app/v1/auth/signup", {
        "email": "mobile@example.com", "username": "mobile-2", "password": "sturdy-password-2026"}, format="json")
    assert app.status_code == 401  # pending e-mail verification
    for username in ("newcomer", "mobile-2"):
        user = User.objects.get(username=username)
        assert Profile.objects.filter(user=user).exists() and Preferences.objects.filter(user=user).exists()
        assert Progress.objects.filter(user=user).exists()


def test_writers_create_a_missing_row(achievements):
    user = user_without_rows()
    account_services.preferences_update(user=user, data={"theme": "dark"})
    account_services.profile_update(user=user, data={"headline": "Hello"})
    account_services.progress_record_event(user=user, event_type="challenge.solved", xp=20, source=("c", 1))
    assert Preferences.objects.get(user=user).theme == "dark"
    assert Profile.objects.get(user=user).headline == "Hello"
    assert Progress.objects.get(user=user).xp_total >= 20

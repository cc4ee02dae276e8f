"""A new user who logs in again before confirming the sign-up e-mail (within the minutes in which
no second code may be sent) is told the truth: confirm your e-mail; a new code can be sent later.
Not "Too many failed login attempts", on the page or in the app API."""

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
AUTH = "/_allauth/app/v1"
EMAIL, PASSWORD = "fresh@example.com", "quite-long-pass-123"


def sign_up_in_the_browser():
    response = Client().post("/accounts/signup/", {
        "email": EMAIL, "username": "fresh", "password1": PASSWORD, "password2": PASSWORD,
    })
    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_page_login_right_after_signup_says_to_confirm_the_email():
    sign_up_in_the_browser()
    response = Client().post("/accounts/login/", {"login": EMAIL, "password": PASSWORD})
    page = response.content.decode()
    assert "Too many failed login attempts" not in page
    assert "confirm" in page.lower() and EMAIL in page
    assert re.search(r"new code in (about )?\d+ (minute|second)", page), page
    assert len(mail.outbox) == 1  # the rate limit on mails still holds


def test_wrong_password_right_after_signup_reveals_nothing():
    sign_up_in_the_browser()
    page = Client().post("/accounts/login/", {"login": EMAIL, "password": "wrong-password-1"}).content.decode()
    assert "confirm" not in page.lower()
    assert "not correct" in page or "incorrect" in page.lower()


def test_api_login_right_after_signup_says_to_confirm_the_email():
    response = APIClient().post(f"{AUTH}/auth/signup", {"email": EMAIL, "username": "fresh",
                                                        "password": PASSWORD}, format="json")
    assert response.status_code == 401
    response = APIClient().post(f"{AUTH}/auth/login", {"email": EMAIL, "password": PASSWORD}, format="json")
    body = response.json()
    assert response.status_code == 400, body
    error = body["errors"][0]
    assert error["code"] == "email_not_verified"
    assert "Too many" not in error["message"] and "confirm" in error["message"].lower()


def test_real_failed_login_flood_is_still_called_that(make_user):
    make_user(email="target@example.com")
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"login": "target@example.com", "password": "wrong-wrong-1"})
    page = client.post("/accounts/login/", {"login": "target@example.com", "password": "wrong-wrong-1"}).content.decode()
    assert "Too many failed login attempts" in page


def test_once_the_wait_is_over_logging_in_sends_a_new_code():
    from django.core.cache import cache

    sign_up_in_the_browser()
    client = Client()
    assert client.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD}).status_code == 200
    cache.clear()  # the resend window has passed: allauth's rate-limit history is gone
    response = client.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD})
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    assert len(mail.outbox) == 2

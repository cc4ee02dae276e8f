"""The JSON API as a mobile app uses it: allauth headless (app client, JWT) for auth, then
/api/v1/ with the access token."""

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from accounts import services
from accounts.models import Follow, Notification
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
AUTH = "/_allauth/app/v1"


def mailed_code() -> str:
    return re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def app_login(email: str, password: str = PASSWORD) -> dict:
    response = APIClient().post(f"{AUTH}/auth/login", {"email": email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["meta"]


def test_mobile_signup_verify_login_refresh_logout():
    app = APIClient()
    response = app.post(f"{AUTH}/auth/signup", {"email": "Mobile@Example.com", "username": "mobile-1",
                                                "password": "sturdy-password-2026"}, format="json")
    assert response.status_code == 401  # pending e-mail verification
    session_token = response.json()["meta"]["session_token"]
    assert any(f["id"] == "verify_email" and f.get("is_pending") for f in response.json()["data"]["flows"])

    response = app.post(f"{AUTH}/auth/email/verify", {"key": mailed_code()}, format="json",
                        HTTP_X_SESSION_TOKEN=session_token)
    assert response.status_code == 200, response.content
    meta = response.json()["meta"]
    assert meta["is_authenticated"] and meta["access_token"] and meta["refresh_token"]

    # The access token opens /api/v1/.
    me = bearer(meta["access_token"]).get("/api/v1/me/profile/")
    assert me.status_code == 200 and me.json()["username"] == "mobile-1"
    assert me.json()["email"] == "mobile@example.com"

    # Refresh gives a new pair; the old refresh token is spent (rotation).
    refreshed = APIClient().post(f"{AUTH}/tokens/refresh", {"refresh_token": meta["refresh_token"]}, format="json")
    assert refreshed.status_code == 200, refreshed.content
    new = refreshed.json()["data"]
    assert new["access_token"] and new["refresh_token"] != meta["refresh_token"]
    again = APIClient().post(f"{AUTH}/tokens/refresh", {"refresh_token": meta["refresh_token"]}, format="json")
    assert again.status_code == 400

    # Logging out ends the session, and with it every access token from it.
    out = APIClient().delete(f"{AUTH}/auth/session", HTTP_X_SESSION_TOKEN=meta["session_token"])
    assert out.status_code == 401
    assert bearer(new["access_token"]).get("/api/v1/me/profile/").status_code == 401


def test_login_needs_a_verified_email(make_user):
    make_user(email="unverified@example.com", username="unverified", email_verified=False)
    response = APIClient().post(f"{AUTH}/auth/login", {"email": "unverified@example.com", "password": PASSWORD}, format="json")
    assert response.status_code == 401
    assert "access_token" not in response.json().get("meta", {})


def test_wrong_password_and_unknown_email_look_the_same(user):
    wrong = APIClient().post(f"{AUTH}/auth/login", {"email": user.email, "password": "nope-nope-nope"}, format="json")
    unknown = APIClient().post(f"{AUTH}/auth/login", {"email": "ghost@example.com", "password": "nope-nope-nope"}, format="json")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json()["errors"][0]["code"] == unknown.json()["errors"][0]["code"]


def test_signup_with_a_taken_email_does_not_reveal_it(user):
    response = APIClient().post(f"{AUTH}/auth/signup", {"email": user.email, "username": "someone-new",
                                                       "password": "sturdy-password-2026"}, format="json")
    # Same answer as a fresh signup: verification pending; the owner is told by e-mail instead.
    assert response.status_code == 401
    assert Follow.objects.count() == 0


def test_weak_password_is_refused_with_a_clear_error():
    response = APIClient().post(f"{AUTH}/auth/signup", {"email": "weak@example.com", "username": "weakling",
                                                       "password": "12345"}, format="json")
    assert response.status_code == 400
    assert any(e["param"] == "password" for e in response.json()["errors"])


def test_api_rejects_a_forged_or_missing_token(user):
    assert APIClient().get("/api/v1/me/profile/").status_code == 401
    response = bearer("not.a.jwt").get("/api/v1/me/profile/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_profile_read_and_update(user):
    client = bearer(app_login(user.email)["access_token"])
    response = client.patch("/api/v1/me/profile/", {"name": "Ada L", "skills": ["Python", "python", "Go"],
                                                    "github_username": "ada-l"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["skills"] == ["Python", "Go"] and response.json()["name"] == "Ada L"


def test_profile_update_errors_have_the_error_shape(auth_client):
    response = auth_client.patch("/api/v1/me/profile/", {"website": "not a url", "years_of_experience": -1}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["details"]) == {"website", "years_of_experience"}


def test_service_errors_have_the_error_shape(auth_client):
    response = auth_client.patch("/api/v1/me/profile/", {"github_username": "bad name!"}, format="json")
    assert response.status_code == 400
    assert "github_username" in response.json()["error"]["details"]


def test_preferences_read_and_update(auth_client, user):
    assert auth_client.get("/api/v1/me/preferences/").json()["theme"] == "system"
    response = auth_client.patch("/api/v1/me/preferences/", {"theme": "dark", "timezone": "Europe/Berlin",
                                                             "public_profile": False}, format="json")
    assert response.status_code == 200
    user.preferences.refresh_from_db()
    assert (user.preferences.theme, user.preferences.timezone, user.preferences.public_profile) == ("dark", "Europe/Berlin", False)
    bad = auth_client.patch("/api/v1/me/preferences/", {"timezone": "Nowhere/Land"}, format="json")
    assert bad.status_code == 400 and "timezone" in bad.json()["error"]["details"]


def _image_bytes(fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), "navy").save(buffer, format=fmt)
    return buffer.getvalue()


def test_avatar_upload(auth_client):
    upload = SimpleUploadedFile("me.webp", _image_bytes("WEBP"), content_type="image/webp")
    response = auth_client.post("/api/v1/me/avatar/", {"avatar": upload}, format="multipart")
    assert response.status_code == 200
    assert response.json()["avatar_url"].endswith(".png")


def test_avatar_upload_refuses_non_images(auth_client):
    upload = SimpleUploadedFile("me.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = auth_client.post("/api/v1/me/avatar/", {"avatar": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "avatar_not_image"


def test_notifications_list_read_delete_and_count(auth_client, user, achievements):
    for i in range(25):
        services.notification_send(user=user, type="system", title=f"n{i}")
    # The first request of the day counts as activity: "First Steps" unlocks, one more notification.
    auth_client.get("/api/v1/me/progress/")
    page = auth_client.get("/api/v1/notifications/").json()
    assert [n["title"] for n in page["results"]][:2] == ["Achievement unlocked: First Steps", "n24"]
    assert len(page["results"]) == 20
    older = auth_client.get(page["next"]).json()
    assert len(older["results"]) == 6 and older["results"][-1]["title"] == "n0" and older["next"] is None

    first = page["results"][1]["id"]
    assert auth_client.get(f"/api/v1/notifications/{first}/").json()["read"] is False
    assert auth_client.post(f"/api/v1/notifications/{first}/read/").json()["read"] is True
    assert auth_client.get("/api/v1/notifications/unread-count/").json() == {"unread_count": 25}
    assert len(auth_client.get("/api/v1/notifications/?unread=true&page_size=100").json()["results"]) == 25
    assert auth_client.delete(f"/api/v1/notifications/{first}/").status_code == 204
    assert auth_client.get(f"/api/v1/notifications/{first}/").status_code == 404
    assert auth_client.post("/api/v1/notifications/read-all/").json() == {"marked": 25}
    assert auth_client.get("/api/v1/notifications/unread-count/").json() == {"unread_count": 0}


def test_another_users_notification_answers_404(auth_client, other_user):
    theirs = services.notification_send(user=other_user, type="system", title="private")
    for method, url in [("get", f"/api/v1/notifications/{theirs.id}/"),
                        ("post", f"/api/v1/notifications/{theirs.id}/read/"),
                        ("delete", f"/api/v1/notifications/{theirs.id}/")]:
        response = getattr(auth_client, method)(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_follow_and_unfollow(auth_client, user, other_user):
    assert auth_client.post(f"/api/v1/users/{other_user.username}/follow/").status_code == 201
    assert auth_client.post(f"/api/v1/users/{other_user.username}/follow/").status_code == 200
    profile = auth_client.get(f"/api/v1/users/{other_user.username}/").json()
    assert profile["follower_count"] == 1 and profile["viewer_follows"] is True
    followers = auth_client.get(f"/api/v1/users/{other_user.username}/followers/").json()
    assert [p["username"] for p in followers["results"]] == [user.username]
    assert Notification.objects.filter(user=other_user, type="social").count() == 1
    assert auth_client.delete(f"/api/v1/users/{other_user.username}/follow/").status_code == 204
    assert not Follow.objects.exists()


def test_cannot_follow_yourself(auth_client, user):
    response = auth_client.post(f"/api/v1/users/{user.username}/follow/")
    assert response.status_code == 400 and response.json()["error"]["code"] == "self_follow"


def test_private_profile_answers_404_to_others(auth_client, other_user, make_user):
    services.preferences_update(user=other_user, data={"public_profile": False})
    assert auth_client.get(f"/api/v1/users/{other_user.username}/").status_code == 404
    assert auth_client.post(f"/api/v1/users/{other_user.username}/follow/").status_code == 404
    owner = APIClient()
    owner.force_authenticate(other_user)
    assert owner.get(f"/api/v1/users/{other_user.username}/").status_code == 200


USER_ENDPOINTS = [("get", "/api/v1/users/{}/"), ("post", "/api/v1/users/{}/follow/"),
                  ("delete", "/api/v1/users/{}/follow/"), ("get", "/api/v1/users/{}/followers/"),
                  ("get", "/api/v1/users/{}/following/")]


def test_private_and_deactivated_profiles_answer_like_unknown_names(auth_client, other_user, make_user):
    """No users/<username>/... endpoint tells a stranger that a private (or deactivated) account
    exists: same status, same body as for a name nobody has."""
    services.preferences_update(user=other_user, data={"public_profile": False})
    gone = make_user()
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    anonymous = APIClient()
    for method, template in USER_ENDPOINTS:
        clients = [auth_client] + ([anonymous] if method == "get" else [])
        for client in clients:
            unknown = getattr(client, method)(template.format("nobody-has-this-name"))
            for hidden in (other_user.username, other_user.username.upper(), gone.username):
                answer = getattr(client, method)(template.format(hidden))
                assert (answer.status_code, answer.json()) == (unknown.status_code, unknown.json()), (method, template)
            assert unknown.status_code in (401, 404)
    assert not Follow.objects.exists()


def test_a_follower_can_still_unfollow_a_profile_that_turned_private(auth_client, user, other_user):
    services.follow_create(follower=user, following=other_user)
    services.preferences_update(user=other_user, data={"public_profile": False})
    assert auth_client.delete(f"/api/v1/users/{other_user.username}/follow/").status_code == 204
    assert not Follow.objects.exists()
    # Once they no longer follow, the profile is as unknown to them as to anyone.
    assert auth_client.delete(f"/api/v1/users/{other_user.username}/follow/").status_code == 404
    assert auth_client.post(f"/api/v1/users/{other_user.username}/follow/").status_code == 404


def test_hidden_stats_are_not_in_the_public_profile(auth_client, other_user):
    services.preferences_update(user=other_user, data={"show_stats": False})
    assert auth_client.get(f"/api/v1/users/{other_user.username}/").json()["stats"] is None


def test_progress_and_achievements(auth_client, user, achievements):
    services.progress_record_event(user=user, event_type="challenge.solved", source=("c", 1))
    progress = auth_client.get("/api/v1/me/progress/").json()
    assert progress["xp"] == 20 and progress["level"] == 1 and progress["achievements_unlocked"] == 1
    board = {a["code"]: a for a in auth_client.get("/api/v1/me/achievements/").json()}
    assert board["first-solve"]["unlocked_at"] is not None
    assert (board["solves-10"]["current"], board["solves-10"]["target"]) == (1, 10)


def test_writes_are_throttled(auth_client, settings):
    from django.core.cache import cache

    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], writes="3/min")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    from rest_framework.throttling import ScopedRateThrottle

    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = rates
    cache.clear()
    try:
        codes = [auth_client.patch("/api/v1/me/preferences/", {"theme": "dark"}, format="json").status_code for _ in range(4)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
    assert codes == [200, 200, 200, 429]


def test_schema_lists_every_endpoint():
    response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ["/api/v1/me/profile/", "/api/v1/me/preferences/", "/api/v1/notifications/",
                 "/api/v1/notifications/{notification_id}/", "/api/v1/users/{username}/follow/"]:
        assert path in paths
    assert APIClient().get("/api/docs/").status_code == 200


def test_schema_is_valid_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "FollowOutput" in (tmp_path / "schema.yml").read_text()


def test_expired_access_token_is_refused(user, settings):
    settings.HEADLESS_JWT_ACCESS_TOKEN_EXPIRES_IN = -60  # issued already expired
    token = app_login(user.email)["access_token"]
    response = bearer(token).get("/api/v1/me/profile/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_list_query_values_are_checked_and_lists_are_paginated(auth_client, user, other_user):
    for url in ("/api/v1/notifications/?unread=2901374", "/api/v1/notifications/?page_size=0",
                f"/api/v1/users/{user.username}/followers/?page=null",
                f"/api/v1/users/{user.username}/following/?page_size=abc"):
        response = auth_client.get(url)
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_query", url
    assert auth_client.get("/api/v1/notifications/?cursor=bogus").status_code == 404
    assert auth_client.get("/api/v1/notifications/?unread=true").json() == {"next": None, "previous": None,
                                                                             "results": []}
    followers = auth_client.get(f"/api/v1/users/{user.username}/followers").json()  # no slash
    assert followers == {"count": 0, "next": None, "previous": None, "results": []}


def test_profile_takes_json_types_as_written(auth_client):
    for odd in ({"headline": 5}, {"skills": ["  "]}, {"years_of_experience": "7"}, {"linkedin_url": "https://x.com/in/a"}):
        response = auth_client.patch("/api/v1/me/profile/", odd, format="json")
        assert response.status_code == 400, odd
    assert auth_client.patch("/api/v1/me/preferences/", {"timezone": "Mars/Base"}, format="json").status_code == 400
    assert auth_client.patch("/api/v1/me/preferences", {"timezone": "Europe/Paris"}, format="json").status_code == 200

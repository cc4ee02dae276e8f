import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from PIL import Image

from accounts import services
from accounts.models import Follow, Notification, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(user):
    client = Client()
    client.force_login(user)
    return client


def test_landing_page_says_what_prepforge_does(client):
    page = client.get("/").content.decode()
    assert "Prepare for technical interviews" in page and "Sign up" in page


def test_browser_signup_confirm_by_code_and_login(client):
    response = client.post("/accounts/signup/", {
        "email": "newbie@example.com", "username": "newbie", "password1": "quite-long-pass-123",
        "password2": "quite-long-pass-123",
    })
    assert response.status_code == 302
    assert "PrepForge" in mail.outbox[-1].body and "127.0.0.1" not in mail.outbox[-1].body
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    home = client.get("/")
    assert "Welcome, newbie" in home.content.decode()  # a first visit, not "back"
    user = User.objects.get(username="newbie")
    assert user.profile and user.preferences and user.progress  # created with the user

    client.post("/accounts/logout/")
    assert "Welcome back" not in client.get("/").content.decode()
    response = client.post("/accounts/login/", {"login": "newbie@example.com", "password": "quite-long-pass-123"})
    assert response.status_code == 302


def test_signup_errors_are_shown_not_crashed(client, user):
    response = client.post("/accounts/signup/", {"email": "x@example.com", "username": user.username,
                                                 "password1": "short", "password2": "different"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "already" in page.lower() or "taken" in page.lower()
    assert User.objects.filter(email="x@example.com").count() == 0


def test_password_reset_does_not_reveal_unknown_addresses(client, user):
    known = client.post("/accounts/password/reset/", {"email": user.email})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_writes_need_a_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/settings/preferences/", {"theme": "dark", "timezone": "UTC"})
    assert response.status_code == 403
    user.preferences.refresh_from_db()
    assert user.preferences.theme == "system"


def test_home_shows_progress_and_notifications(browser, user, achievements):
    services.progress_record_event(user=user, event_type="practice", xp=150, source=("demo", 1))
    services.notification_send(user=user, type="system", title="Welcome aboard")
    page = browser.get("/").content.decode()
    assert "Level 2" in page and "Welcome aboard" in page and "First Steps" in page


def test_profile_edit_saves_and_shows_errors(browser, user):
    response = browser.post("/settings/profile/", {"name": "Ada", "headline": "Engineer", "skills": "Python, Go",
                                                   "github_username": "ada"})
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.skills == ["Python", "Go"]
    response = browser.post("/settings/profile/", {"github_username": "bad name!", "linkedin_url": "https://x.com/a"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "GitHub username" in page and "linkedin.com" in page


def test_avatar_upload_page(browser, user):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(buffer, format="PNG")
    buffer.name = "me.png"
    buffer.seek(0)
    response = browser.post("/settings/avatar/", {"avatar": buffer})
    assert response.status_code == 302, response.content.decode()[-3000:]
    not_image = io.BytesIO(b"GIF89a but not really")
    not_image.name = "evil.gif"
    response = browser.post("/settings/avatar/", {"avatar": not_image})
    assert response.status_code == 400 and "Upload a PNG, JPEG, GIF or WebP image" in response.content.decode()


def test_preferences_page(browser, user):
    response = browser.post("/settings/preferences/", {"theme": "dark", "timezone": "Asia/Tokyo",
                                                       "inapp_social": "on", "email_social": "",
                                                       "public_profile": "on"})
    assert response.status_code == 302
    user.preferences.refresh_from_db()
    assert (user.preferences.theme, user.preferences.timezone, user.preferences.email_social) == ("dark", "Asia/Tokyo", False)
    assert 'data-theme-preference="dark"' in browser.get("/").content.decode()
    bad = browser.post("/settings/preferences/", {"theme": "dark", "timezone": "Atlantis/Capital"})
    assert bad.status_code == 200 and "not a known time zone" in bad.content.decode()


def test_public_profile_respects_privacy(client, user, other_user):
    services.profile_update(user=other_user, data={"bio": "**Hi** <script>x()</script>"})
    page = client.get(f"/u/{other_user.username}/").content.decode()
    assert "<strong>Hi</strong>" in page and "<script>x()" not in page
    services.preferences_update(user=other_user, data={"show_stats": False, "show_activity": False})
    page = client.get(f"/u/{other_user.username}/").content.decode()
    assert "Day streak" not in page and "heatmap" not in page
    services.preferences_update(user=other_user, data={"public_profile": False})
    assert client.get(f"/u/{other_user.username}/").status_code == 404
    client.force_login(other_user)
    assert client.get(f"/u/{other_user.username}/").status_code == 200


def test_follow_and_unfollow_from_the_profile(browser, user, other_user):
    assert browser.post(f"/u/{other_user.username}/follow/", {"action": "follow"}).status_code == 302
    assert Follow.objects.filter(follower=user, following=other_user).exists()
    page = browser.get(f"/u/{other_user.username}/").content.decode()
    assert "Unfollow" in page
    browser.post(f"/u/{other_user.username}/follow/", {"action": "unfollow"})
    assert not Follow.objects.exists()


def test_follow_pages_of_a_private_profile_look_like_an_unknown_name(browser, user, other_user):
    from accounts import services

    services.preferences_update(user=other_user, data={"public_profile": False})
    for path, data in [("/u/{}/follow/", {"action": "follow"}), ("/u/{}/follow/", {"action": "unfollow"})]:
        assert browser.post(path.format(other_user.username), data).status_code == 404
        assert browser.post(path.format("nobody-has-this-name"), data).status_code == 404
    for path in ("/u/{}/", "/u/{}/followers/", "/u/{}/following/"):
        assert browser.get(path.format(other_user.username)).status_code == 404
    # Someone who followed before it turned private can still leave.
    services.preferences_update(user=other_user, data={"public_profile": True})
    services.follow_create(follower=user, following=other_user)
    services.preferences_update(user=other_user, data={"public_profile": False})
    response = browser.post(f"/u/{other_user.username}/follow/", {"action": "unfollow"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and not Follow.objects.exists()


def test_follow_with_htmx_returns_the_button(browser, other_user):
    response = browser.post(f"/u/{other_user.username}/follow/", {"action": "follow"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Unfollow" in response.content.decode()


def test_notifications_page_mark_read_and_all(browser, user, other_user):
    mine = services.notification_send(user=user, type="system", title="Mine")
    services.notification_send(user=user, type="system", title="Also mine")
    theirs = services.notification_send(user=other_user, type="system", title="Theirs")
    page = browser.get("/notifications/").content.decode()
    assert "Mine" in page and "Theirs" not in page
    assert browser.post(f"/notifications/{mine.id}/read/").status_code == 302
    assert browser.post(f"/notifications/{theirs.id}/read/").status_code == 404
    browser.post("/notifications/read-all/")
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert Notification.objects.get(id=theirs.id).read_at is None


def test_achievements_page(browser, achievements):
    page = browser.get("/achievements/").content.decode()
    assert "Week Warrior" in page and "Centurion" in page


def test_staff_pages_answer_403_without_the_role(browser, user):
    assert browser.get("/staff/").status_code == 403
    assert browser.get("/staff/announce/").status_code == 403
    user.groups.add(Group.objects.get_or_create(name="moderator")[0])
    user = User.objects.get(id=user.id)
    browser.force_login(user)
    assert browser.get("/staff/").status_code == 200
    assert browser.get("/staff/announce/").status_code == 403


def test_admin_role_can_announce(client, make_user, other_user, django_capture_on_commit_callbacks):
    admin_user = make_user()
    admin_user.groups.add(Group.objects.get_or_create(name="admin")[0])
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/announce/", {"title": "New challenges are live"})
    assert response.status_code == 302
    assert Notification.objects.filter(user=other_user, title="New challenges are live").exists()


def test_anonymous_users_are_sent_to_log_in(client):
    for url in ["/settings/profile/", "/notifications/", "/achievements/", "/staff/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_django_admin_lists_and_searches_every_model(client, make_user, user):
    from django.contrib import admin

    staff = make_user(username="boss")
    User.objects.filter(id=staff.id).update(is_staff=True, is_superuser=True)
    client.force_login(User.objects.get(id=staff.id))
    services.notification_send(user=user, type="system", title="hello")
    for model in admin.site._registry:
        meta = model._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/"
        assert client.get(url, {"q": "a"}).status_code == 200, url


def test_login_page_for_demo_user_works(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_follow_never_redirects_off_site(browser, other_user):
    response = browser.post(f"/u/{other_user.username}/follow/", {"action": "follow", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == f"/u/{other_user.username}/"
    response = browser.post(f"/u/{other_user.username}/follow/", {"action": "unfollow", "next": "/people/"})
    assert response["Location"] == "/people/"

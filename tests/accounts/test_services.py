import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from accounts import services
from accounts.models import (
    ActivityDay,
    EmailStatus,
    Follow,
    Notification,
    Progress,
    UserAchievement,
    XPEvent,
)
from core.exceptions import Conflict, NotFound, ValidationFailed

pytestmark = pytest.mark.django_db


# --- notifications ---------------------------------------------------------------------------


def test_notification_is_pushed_only_after_commit(user, listen, django_capture_on_commit_callbacks):
    listener = listen(user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notification_send(user=user, type="system", title="Hello")
        assert listener.events(timeout=0.1) == []  # nothing before commit
    for callback in callbacks:
        callback()
    events = listener.events()
    assert [e["type"] for e in events] == ["notification.created"]
    assert events[0]["notification"]["title"] == "Hello"
    assert events[0]["unread_count"] == 1


def test_rolled_back_notification_is_never_pushed(user, listen, django_capture_on_commit_callbacks):
    listener = listen(user)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.notification_send(user=user, type="system", title="Doomed")
                raise RuntimeError
        except RuntimeError:
            pass
    assert listener.events(timeout=0.1) == []
    assert not Notification.objects.filter(title="Doomed").exists()


def test_notification_reaches_only_its_user(user, other_user, listen, django_capture_on_commit_callbacks):
    mine, theirs = listen(user), listen(other_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_send(user=user, type="system", title="Just for you")
    assert len(mine.events()) == 1
    assert theirs.events(timeout=0.1) == []


def test_preferences_decide_in_app_and_email(user, django_capture_on_commit_callbacks):
    services.preferences_update(user=user, data={"inapp_social": False, "email_social": True})
    with django_capture_on_commit_callbacks(execute=True):
        n = services.notification_send(user=user, type="social", title="Someone followed you")
    n.refresh_from_db()
    assert n.in_app is False and n.email_status == EmailStatus.SENT
    assert len(mail.outbox) == 1 and "Someone followed you" in mail.outbox[0].subject
    assert list(services.notification_to_dict(x) for x in Notification.objects.filter(in_app=True)) == []


def test_notification_email_text_is_raw_and_html_is_escaped(user, django_capture_on_commit_callbacks):
    title, body = """Tom & Jerry's <b>&"'""", "Line 1 <i>x</i> & y"
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_send(user=user, type="system", title=title, body=body, url="/a?b=1&c=2")
    message = mail.outbox[-1]
    assert message.subject.endswith(title)
    assert title in message.body and body in message.body and "/a?b=1&c=2" in message.body
    assert "&amp;" not in message.body and "&lt;" not in message.body and "&#x27;" not in message.body
    (html, mimetype), = message.alternatives
    assert mimetype == "text/html"
    assert "Tom &amp; Jerry&#x27;s &lt;b&gt;&amp;&quot;&#x27;" in html
    assert "Line 1 &lt;i&gt;x&lt;/i&gt; &amp; y" in html
    assert "<b>" not in html and "<i>" not in html


def test_no_channel_wanted_stores_nothing(user):
    services.preferences_update(user=user, data={"inapp_system": False, "email_system": False})
    assert services.notification_send(user=user, type="system", title="Quiet") is None
    assert Notification.objects.count() == 0


def test_email_is_sent_at_most_once(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        n = services.notification_send(user=user, type="system", title="Once")
    assert len(mail.outbox) == 1
    assert services.notification_email_deliver(notification_id=n.id) is False
    assert len(mail.outbox) == 1


def test_bad_notification_type_is_refused(user):
    with pytest.raises(ValidationFailed):
        services.notification_send(user=user, type="spam", title="x")


def test_mark_read_and_all_read_update_the_count(user, listen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.notification_send(user=user, type="system", title="1")
        services.notification_send(user=user, type="system", title="2")
    listener = listen(user)
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_mark_read(user=user, notification_id=first.id)
    assert listener.events()[-1] == {"type": "notification.read", "ids": [first.id], "unread_count": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notifications_mark_all_read(user=user) == 1
    assert listener.events()[-1]["unread_count"] == 0


def test_another_users_notification_cannot_be_touched(user, other_user):
    n = services.notification_send(user=other_user, type="system", title="Private")
    with pytest.raises(NotFound):
        services.notification_mark_read(user=user, notification_id=n.id)
    with pytest.raises(NotFound):
        services.notification_delete(user=user, notification_id=n.id)
    assert Notification.objects.filter(id=n.id, read_at__isnull=True).exists()


def test_expired_notifications_are_purged(user):
    old = services.notification_send(user=user, type="system", title="Old",
                                      expires_at=datetime.now(UTC) - timedelta(seconds=1))
    fresh = services.notification_send(user=user, type="system", title="Fresh")
    assert services.notifications_purge_expired() == 1
    assert not Notification.objects.filter(id=old.id).exists()
    assert Notification.objects.filter(id=fresh.id).exists()


def test_announcement_reaches_every_active_user_once(make_user, user, django_capture_on_commit_callbacks):
    users = [user] + [make_user() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        count = services.announcement_broadcast(sender=user, title="Maintenance tonight")
    assert count == 4
    assert Notification.objects.filter(title="Maintenance tonight").count() == 4
    key = Notification.objects.filter(title="Maintenance tonight").first().data["announcement"]
    # A retried chunk skips the users it already reached.
    assert services.announcement_deliver(key=key, user_ids=[u.id for u in users], title="Maintenance tonight", body="", url="") == 0


# --- XP, levels, achievements ------------------------------------------------------------------


def test_event_awards_xp_once_per_source(user):
    first = services.progress_record_event(user=user, event_type="practice", xp=60, source=("demo", 1))
    again = services.progress_record_event(user=user, event_type="practice", xp=60, source=("demo", 1))
    assert first.event is not None and again.event is None
    assert Progress.objects.get(user=user).xp_total == 60
    assert XPEvent.objects.filter(user=user).count() == 1


def test_level_up_sends_a_notification(user):
    result = services.progress_record_event(user=user, event_type="practice", xp=120, source=("demo", 2))
    assert result.leveled_up_to == 2
    assert Notification.objects.filter(user=user, type="achievement", title__contains="level 2").exists()


def test_achievement_unlocks_once_with_reward_and_notification(user, achievements):
    services.progress_record_event(user=user, event_type="challenge.solved", source=("c", 1))
    services.progress_record_event(user=user, event_type="challenge.solved", source=("c", 2))
    unlocked = UserAchievement.objects.filter(user=user, achievement__code="first-solve")
    assert unlocked.count() == 1
    assert XPEvent.objects.filter(user=user, reason="achievement.unlocked").count() == 1
    assert Progress.objects.get(user=user).xp_total == 20
    assert Notification.objects.filter(user=user, title="Achievement unlocked: Hello, World").count() == 1


def test_count_achievement_needs_the_target(user, achievements):
    for i in range(9):
        services.progress_record_event(user=user, event_type="challenge.solved", source=("c", i))
    assert not UserAchievement.objects.filter(user=user, achievement__code="solves-10").exists()
    services.progress_record_event(user=user, event_type="challenge.solved", source=("c", 9))
    assert UserAchievement.objects.filter(user=user, achievement__code="solves-10").exists()


def test_score_and_time_achievements(user, achievements):
    services.progress_record_event(user=user, event_type="interview.completed", value=80, source=("i", 1))
    assert not UserAchievement.objects.filter(user=user, achievement__code="interview-ace").exists()
    services.progress_record_event(user=user, event_type="interview.completed", value=95, source=("i", 2))
    assert UserAchievement.objects.filter(user=user, achievement__code="interview-ace").exists()
    services.progress_record_event(user=user, event_type="challenge.solved", value=200, source=("c", 1))
    assert UserAchievement.objects.filter(user=user, achievement__code="speed-demon").exists()


def test_reward_xp_can_cascade_into_a_level_achievement(user, achievements):
    # 950 XP -> level 4; the first-solve reward (+20) is not enough for level 5 (1000)...
    services.progress_record_event(user=user, event_type="practice", xp=950, source=("demo", 1))
    services.progress_record_event(user=user, event_type="challenge.solved", source=("c", 1))
    assert not UserAchievement.objects.filter(user=user, achievement__code="level-5").exists()
    # ...but the second (+50 for a 5-minute solve, +20 already) is: 950 + 20 + 50 = 1020.
    services.progress_record_event(user=user, event_type="challenge.solved", value=100, source=("c", 2))
    assert UserAchievement.objects.filter(user=user, achievement__code="level-5").exists()


def test_streak_follows_the_users_time_zone(user, achievements):
    services.preferences_update(user=user, data={"timezone": "Pacific/Auckland"})
    user.refresh_from_db()
    # 11:30 UTC on 17 Nov is 00:30 on 18 Nov in Auckland (UTC+13): two UTC-day events that are
    # consecutive local days.
    services.progress_record_activity(user=user, when=datetime(2026, 11, 16, 11, 30, tzinfo=UTC))
    services.progress_record_activity(user=user, when=datetime(2026, 11, 17, 11, 30, tzinfo=UTC))
    days = sorted(ActivityDay.objects.filter(user=user).values_list("day", flat=True))
    assert [d.isoformat() for d in days] == ["2026-11-17", "2026-11-18"]
    assert Progress.objects.get(user=user).current_streak == 2
    # 00:30 local: a night owl.
    assert UserAchievement.objects.filter(user=user, achievement__code="night-owl").exists()


def test_activity_is_recorded_once_a_day(user, achievements):
    when = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
    assert services.progress_record_activity(user=user, when=when) is not None
    assert services.progress_record_activity(user=user, when=when + timedelta(hours=3)) is None
    assert XPEvent.objects.filter(user=user, reason="daily.active").count() == 1
    # The daily XP plus the "First Steps" reward, once.
    assert Progress.objects.get(user=user).xp_total == services.progression.DAILY_ACTIVE_XP + 10


def test_complete_profile_achievement(user, achievements):
    png = _png_upload()
    services.profile_avatar_set(user=user, upload=png)
    services.profile_update(user=user, data={
        "headline": "h", "bio": "b", "location": "l", "website": "https://x.dev",
        "github_username": "octo-cat", "linkedin_url": "https://www.linkedin.com/in/x",
        "skills": ["Python"], "experience_level": "mid",
    })
    assert UserAchievement.objects.filter(user=user, achievement__code="complete-profile").exists()


def test_catalog_sync_is_idempotent(db):
    first = services.achievement_catalog_sync()
    second = services.achievement_catalog_sync()
    from accounts.models import Achievement

    assert first == second == Achievement.objects.count() >= 15


# --- follows -------------------------------------------------------------------------------------


def test_follow_notifies_once_and_counts(user, other_user, achievements):
    follow, created = services.follow_create(follower=user, following=other_user)
    again, created_again = services.follow_create(follower=user, following=other_user)
    assert created and not created_again and follow.id == again.id
    assert Notification.objects.filter(user=other_user, type="social").count() == 1
    assert UserAchievement.objects.filter(user=user, achievement__code="first-follow").exists()
    assert services.follow_delete(follower=user, following=other_user)
    assert not Follow.objects.exists()


def test_follow_unfollow_cycles_notify_and_mail_once_a_day(user, other_user, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    from django.utils import timezone

    def cycle():
        with django_capture_on_commit_callbacks(execute=True):
            services.follow_create(follower=user, following=other_user)
            services.follow_delete(follower=user, following=other_user)
            services.follow_create(follower=user, following=other_user)

    def told():
        notes = Notification.objects.filter(user=other_user, type="social")
        mails = [m for m in mail.outbox if m.to == [other_user.email]]
        return notes.count(), len(mails)

    cycle()
    assert told() == (1, 1)
    services.follow_delete(follower=user, following=other_user)
    cycle()
    assert told() == (1, 1)  # still the same day
    # Following is worth its XP once per pair of people, not once per cycle.
    assert XPEvent.objects.filter(user=user, reason="social.followed").count() == 1
    assert XPEvent.objects.filter(user=other_user, reason="social.follower_gained").count() == 1

    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    services.follow_delete(follower=user, following=other_user)
    cycle()
    assert told() == (2, 2)
    # Another follower is news on the same day.
    third = services.user_create(email="third@example.com", username="third", password=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_create(follower=third, following=other_user)
    assert told() == (3, 3)


def test_cannot_follow_yourself(user):
    with pytest.raises(ValidationFailed):
        services.follow_create(follower=user, following=user)


# --- profile and users -----------------------------------------------------------------------------


def test_profile_update_is_all_or_nothing(user):
    with pytest.raises(ValidationFailed) as error:
        services.profile_update(user=user, data={"headline": "Fine", "github_username": "not valid!"})
    assert "github_username" in error.value.details
    user.profile.refresh_from_db()
    assert user.profile.headline == ""


def test_profile_skills_are_normalised(user):
    profile = services.profile_update(user=user, data={"skills": " Python ,python, Go,  , Rust"})
    assert profile.skills == ["Python", "Go", "Rust"]


def test_linkedin_must_be_a_linkedin_address(user):
    with pytest.raises(ValidationFailed):
        services.profile_update(user=user, data={"linkedin_url": "https://evil.example/in/x"})


def test_unknown_time_zone_is_refused(user):
    with pytest.raises(ValidationFailed):
        services.preferences_update(user=user, data={"timezone": "Mars/Olympus"})


def _png_upload(size=(600, 400), fmt="PNG", name="a.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_avatar_is_cropped_square_and_reencoded(user):
    profile = services.profile_avatar_set(user=user, upload=_png_upload(fmt="JPEG", name="photo.jpg"))
    with profile.avatar.open("rb") as f:
        image = Image.open(f)
        assert image.format == "PNG" and image.size == (256, 256)


def test_avatar_type_comes_from_content_not_name(user):
    fake = SimpleUploadedFile("cat.png", b"<?php system($_GET['c']); ?>", content_type="image/png")
    with pytest.raises(ValidationFailed) as error:
        services.profile_avatar_set(user=user, upload=fake)
    assert error.value.code == "avatar_not_image"
    user.profile.refresh_from_db()
    assert not user.profile.avatar


def test_avatar_size_limit(user, settings):
    settings.AVATAR_MAX_BYTES = 1000
    with pytest.raises(ValidationFailed) as error:
        services.profile_avatar_set(user=user, upload=_png_upload(size=(800, 800)))
    assert error.value.code == "avatar_too_large"


def test_replacing_the_avatar_deletes_the_old_file(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.profile_avatar_set(user=user, upload=_png_upload()).avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        profile = services.profile_avatar_set(user=user, upload=_png_upload())
    assert profile.avatar.name != first
    assert not profile.avatar.storage.exists(first)


def test_user_create_refuses_duplicates_and_weak_passwords(user):
    with pytest.raises((Conflict, ValidationFailed)):
        services.user_create(email=user.email, username="fresh-name", password="a-long-enough-pass-9")
    with pytest.raises((Conflict, ValidationFailed)):
        services.user_create(email="new@example.com", username=user.username, password="a-long-enough-pass-9")
    with pytest.raises(ValidationFailed):
        services.user_create(email="new@example.com", username="new-user", password="123")

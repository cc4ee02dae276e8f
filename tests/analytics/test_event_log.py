"""The append-only event log: written on commit by the apps' services, never updated, turned into
daily totals by set-based SQL that can be re-run for any day."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from analytics import event_log
from analytics.event_log import event_record, event_totals_aggregate, events_anonymise
from analytics.models import DailyUserVerbTotal, DailyVerbTotal, Event
from analytics.selectors import platform_overview, verb_days

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_event_is_written_only_when_the_action_commits(user):
    with pytest.raises(RuntimeError), transaction.atomic():
        event_record(actor=user, verb=event_log.POST_CREATED, object_type="community.post", object_id=1)
        raise RuntimeError("the action failed")
    assert not Event.objects.exists()
    with transaction.atomic():
        event_record(actor=user, verb=event_log.POST_CREATED, object_type="community.post", object_id=2, value=3)
        assert not Event.objects.exists()  # not before the commit
    event = Event.objects.get()
    assert (event.actor_id, event.verb, event.object_id, event.value) == (user.id, "post.created", "2", 3.0)


def test_the_log_is_append_only(user):
    event_record(actor=user, verb=event_log.MESSAGE_SENT)
    event = Event.objects.get()
    event.value = 9
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).update(value=9)
    assert Event.objects.get().value == 0


def test_the_day_is_the_actors_own_day(user):
    user.preferences.timezone = "Pacific/Kiritimati"  # UTC+14
    user.preferences.save()
    at = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    event_record(actor=user, verb=event_log.MESSAGE_SENT, at=at)
    event_record(actor=None, verb=event_log.RESUME_PARSED, at=at)
    assert sorted(Event.objects.values_list("verb", "day")) == [
        ("message.sent", (at + timedelta(hours=14)).date()), ("resume.parsed", at.date())]


def _events(user, other, day_at):
    for who, verb, value in ((user, event_log.POST_CREATED, 0), (user, event_log.POST_CREATED, 0),
                             (other, event_log.POST_CREATED, 0), (user, event_log.INTERVIEW_COMPLETED, 70),
                             (other, event_log.INTERVIEW_COMPLETED, 50)):
        event_record(actor=who, verb=verb, value=value, at=day_at)


def test_aggregating_a_day_is_idempotent_and_a_quiet_day_is_zero(user, other_user):
    today = timezone.now().date()
    day = today - timedelta(days=3)
    _events(user, other_user, timezone.now() - timedelta(days=3))
    assert event_totals_aggregate(day=day) == 2
    first = list(DailyVerbTotal.objects.values_list("day", "verb", "events", "actors", "value_sum"))
    assert event_totals_aggregate(day=day) == 2
    assert list(DailyVerbTotal.objects.values_list("day", "verb", "events", "actors", "value_sum")) == first
    assert sorted(first) == [(day, "interview.completed", 2, 2, 120.0), (day, "post.created", 3, 2, 0.0)]
    assert DailyUserVerbTotal.objects.get(user=user, verb="post.created").events == 2
    assert event_totals_aggregate(day=day - timedelta(days=1)) == 0
    series = dict(verb_days(start=day - timedelta(days=1), today=today))
    assert series[day - timedelta(days=1)]["post.created"] == 0
    assert series[day]["post.created"] == 3 and series[day]["interview.completed"] == 2


def test_today_combines_the_totals_with_todays_events(user):
    today = timezone.now().date()
    event_record(actor=None, verb=event_log.RESUME_PARSE_FAILED)
    assert dict(verb_days(start=today, today=today))[today]["resume.parse_failed"] == 1


def test_a_deleted_actor_still_counts_under_an_opaque_token(user, other_user):
    day = timezone.now().date() - timedelta(days=2)
    _events(user, other_user, timezone.now() - timedelta(days=2))
    event_totals_aggregate(day=day)
    before = sorted(DailyVerbTotal.objects.values_list("verb", "events", "actors"))
    user_id = user.id
    assert events_anonymise(user_id=user_id) == 3
    user.delete()
    assert not Event.objects.filter(actor_id=user_id).exists()
    assert len(set(Event.objects.exclude(anonymous_actor="").values_list("anonymous_actor", flat=True))) == 1
    event_totals_aggregate(day=day)
    assert sorted(DailyVerbTotal.objects.values_list("verb", "events", "actors")) == before
    assert not DailyUserVerbTotal.objects.filter(user_id=user_id).exists()


def test_the_platform_overview_reads_the_log_with_a_flat_query_count(user, make_user, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        platform_overview(days=30)
    for back in range(1, 6):
        other = make_user()
        _events(user, other, timezone.now() - timedelta(days=back))
        event_totals_aggregate(day=timezone.now().date() - timedelta(days=back))
    with django_assert_num_queries(len(ctx.captured_queries)):
        overview = platform_overview(days=30)
    assert sum(counts["post.created"] for _, counts in overview.verb_days) == 15
    assert len(overview.verb_days) == 30


def test_the_apps_services_write_events_and_the_staff_page_shows_community_and_chat(client, user, make_user):
    from chat import services as chat_services
    from community import services as community_services

    post = community_services.post_create(author=user, title="How I prepare for graphs",
                                          body="Practise BFS every day, then DFS.")
    other = make_user()
    community_services.post_like_set(user=other, post_id=post.id, liked=True)
    community_services.post_like_set(user=other, post_id=post.id, liked=True)  # idempotent: one event
    community_services.comment_create(author=other, post_id=post.id, body="Thanks!")
    room = chat_services.chat_create(owner=user, kind="group", title="Study group")
    chat_services.message_send(sender=user, chat=room, body="hello")
    assert sorted(Event.objects.values_list("verb", "actor_id")) == [
        ("comment.created", other.id), ("message.sent", user.id), ("post.created", user.id),
        ("post.liked", other.id)]
    client.force_login(make_user(is_staff=True))
    page = client.get("/analytics/platform/").content.decode()
    assert '<tr><th scope="row">posts</th><td>1</td></tr>' in page
    assert '<tr><th scope="row">likes</th><td>1</td></tr>' in page
    assert f"<td>{user.username}</td><td>1</td><td>0</td>" in page
    assert '<tr><th scope="row">messages</th><td>1</td></tr>' in page
    today = timezone.now().date()
    assert f"<td>{today:%Y-%m-%d}</td><td>0</td><td>1</td><td>1</td><td>1</td><td>1</td>" in page


def test_the_dashboard_shows_the_users_community_figures(client, user, make_user):
    from chat import services as chat_services
    from community import services as community_services

    post = community_services.post_create(author=user, title="Notes on heaps", body="Heaps are trees.")
    community_services.post_like_set(user=make_user(), post_id=post.id, liked=True)
    community_services.comment_create(author=user, post_id=post.id, body="And arrays.")
    chat_services.message_send(sender=user, chat=chat_services.chat_create(owner=user, kind="group", title="G"),
                               body="hi")
    client.force_login(user)
    page = client.get("/analytics/?range=7d").content.decode()
    for label, n in (("posts written in the range", 1), ("comments written in the range", 1),
                     ("likes your posts received", 1), ("chat messages sent in the range", 1)):
        assert f'<tr><th scope="row">{label}</th><td>{n}</td></tr>' in page
    assert "Community contributions</strong>" not in page  # no longer "not available yet"


def test_deleting_an_account_leaves_yesterdays_platform_figures_as_they_were(user, make_user):
    from accounts.services import account_delete
    from community import services as community_services

    yesterday_at = timezone.now() - timedelta(days=1)
    other = make_user()
    for who in (user, other):
        event_record(actor=who, verb=event_log.SUBMISSION_JUDGED, value=100, at=yesterday_at)
        event_record(actor=who, verb=event_log.CHALLENGE_SOLVED, value=300, at=yesterday_at)
    event_record(actor=user, verb=event_log.SUBMISSION_JUDGED, value=40, at=yesterday_at)
    yesterday = timezone.localtime(yesterday_at, user.preferences.tzinfo).date()
    event_totals_aggregate(day=yesterday)
    community_services.post_create(author=user, title="Graphs, daily", body="BFS then DFS, every day.")

    def figures():
        overview = platform_overview(days=7)
        return (next(row for row in overview.per_day if row[0] == yesterday),
                dict(overview.verb_days)[yesterday])

    before = figures()
    assert before[0] == (yesterday, 2, 3, 2)
    user.set_password("a long password 15")
    user.save()
    account_delete(user=user, password="a long password 15")
    event_totals_aggregate(day=yesterday)  # the hourly run goes over yesterday again
    assert figures() == before
    today = timezone.now().date()
    assert dict(platform_overview(days=7).verb_days)[today]["post.created"] == 1  # today's, live

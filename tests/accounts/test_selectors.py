import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import selectors, services
from core.exceptions import NotFound

pytestmark = pytest.mark.django_db


def _render(qs):
    return [(u.username, u.profile.headline, u.progress.level, getattr(u, "viewer_follows", None)) for u in qs]


@pytest.mark.parametrize("people", [2, 12])
def test_people_list_query_count_does_not_grow(make_user, user, people, django_assert_num_queries):
    for _ in range(people):
        services.follow_create(follower=make_user(), following=user)
    # One query for the viewer's roles (then cached on the user), one for the list.
    with django_assert_num_queries(2):
        _render(selectors.followers_of(viewer=user, user=user))
    with django_assert_num_queries(1):
        _render(selectors.people_search(viewer=user))


@pytest.mark.parametrize("count", [3, 30])
def test_notification_list_query_count_does_not_grow(user, count, django_assert_num_queries):
    for i in range(count):
        services.notification_send(user=user, type="system", title=f"n{i}")
    with django_assert_num_queries(1):
        [(n.title, n.is_read) for n in selectors.notification_list(user=user)[:50]]
    with django_assert_num_queries(1):
        assert selectors.notification_badge(user_id=user.id)[0] == count


def test_achievement_board_query_count_is_constant(user, achievements, django_assert_num_queries):
    with django_assert_num_queries(4):
        board = selectors.achievement_board(user=user)
    assert len(board) >= 15


def test_private_profile_is_hidden_from_others_but_not_owner_or_moderators(user, other_user, make_user):
    from django.contrib.auth.models import Group

    services.preferences_update(user=other_user, data={"public_profile": False})
    with pytest.raises(NotFound):
        selectors.user_get_public(viewer=user, username=other_user.username)
    with pytest.raises(NotFound):
        selectors.user_get_public(viewer=AnonymousUser(), username=other_user.username)
    assert selectors.user_get_public(viewer=other_user, username=other_user.username) == other_user
    moderator = make_user()
    moderator.groups.add(Group.objects.get_or_create(name="moderator")[0])
    assert selectors.user_get_public(viewer=moderator, username=other_user.username) == other_user


def test_private_profiles_are_left_out_of_lists(user, other_user):
    services.preferences_update(user=other_user, data={"public_profile": False})
    services.follow_create(follower=other_user, following=user)
    assert list(selectors.followers_of(viewer=AnonymousUser(), user=user)) == []
    assert other_user.username not in [u.username for u in selectors.people_search(viewer=user)]


def test_expired_notifications_are_not_listed_or_counted(user):
    from datetime import timedelta

    from django.utils import timezone

    services.notification_send(user=user, type="system", title="gone", expires_at=timezone.now() - timedelta(minutes=1))
    assert list(selectors.notification_list(user=user)) == []
    assert selectors.notification_unread_count(user_id=user.id) == 0

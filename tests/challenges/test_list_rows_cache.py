"""The challenge list's rows are kept in the cache (challenges.views.challenge_rows_html) under a
digest of what they show: a change to a challenge or to the viewer's progress shows at once, each
viewer sees their own status, the same rows are not rendered twice, and a cache that is down only
means rendering them."""

from unittest import mock

import pytest
from django.test import Client

from challenges import services, views
from challenges.models import Challenge, ChallengeProgress

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(user):
    client = Client()
    client.force_login(user)
    return client


def test_kept_rows_are_served_and_change_with_what_they_show(client, challenge):
    first = client.get("/challenges/").content.decode()
    assert "Sum Two" in first
    with mock.patch.object(views, "render_to_string", wraps=views.render_to_string) as rendered:
        assert client.get("/challenges/").content.decode().count("Sum Two") == first.count("Sum Two")
        assert rendered.call_count == 0  # the same rows: the kept HTML
        Challenge.objects.filter(pk=challenge.pk).update(title="Sum Three")  # no signal: the key still changes
        page = client.get("/challenges/").content.decode()
        assert "Sum Three" in page and "Sum Two" not in page and rendered.call_count == 1


def test_each_viewer_sees_their_own_progress(browser, client, user, challenge):
    assert "New" in browser.get("/challenges/").content.decode()
    ChallengeProgress.objects.create(user=user, challenge=challenge, attempts=1, best_score=40)
    mine = browser.get("/challenges/").content.decode()
    assert "● Tried" in mine and "40 points" in mine
    anonymous = client.get("/challenges/").content.decode()
    assert "● Tried" not in anonymous and "Your best" not in anonymous


def test_a_cache_that_is_down_renders_the_rows(client, challenge):
    from redis.exceptions import ConnectionError as RedisDown

    with mock.patch.object(views.cache, "get", side_effect=RedisDown("down")), \
            mock.patch.object(views.cache, "set", side_effect=RedisDown("down")):
        response = client.get("/challenges/")
    assert response.status_code == 200 and "Sum Two" in response.content.decode()


def test_a_judged_submission_updates_the_status_shown(browser, user, challenge, django_capture_on_commit_callbacks):
    from .conftest import SUM_SOURCE

    before = browser.get("/challenges/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # judged (eagerly) once it commits
        services.submission_create(user=user, challenge=challenge, language="python", source=SUM_SOURCE)
    after = browser.get("/challenges/").content.decode()
    assert "✔ Solved" in after and "✔ Solved" not in before


def test_a_new_rating_shows_in_the_kept_rows(client, challenge):
    """A column the rows show (the reviews' rating) is in the key too: every field of a row is."""
    assert "★" not in client.get("/challenges/").content.decode()
    Challenge.objects.filter(pk=challenge.pk).update(review_count=2, rating_average=4.5)
    assert "★ 4.5" in client.get("/challenges/").content.decode()

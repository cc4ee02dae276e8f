"""Challenge reviews: only after attempting, once per user, helpful once (also under
concurrency), replies, the average on the challenge's page and list, and the API's checks."""

import os
import threading

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import XPEvent
from challenges import review_selectors, review_services, selectors
from challenges.models import Challenge, ChallengeReview, ReviewHelpfulVote
from core.exceptions import Conflict, Forbidden

from .conftest import plain_challenge
from .learning_fixtures import judge

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempted(user, challenge):
    judge(user, challenge, source="print(0)\n")  # a wrong answer is an attempt too
    return challenge


def review(user, challenge, rating=4, **kwargs):
    return review_services.challenge_review_create(user=user, challenge=challenge, rating=rating,
                                                   title=kwargs.pop("title", "Nice warm-up"),
                                                   text=kwargs.pop("text", "Clear **statement**."), **kwargs)


def test_review_needs_an_attempt_and_happens_once(user, challenge):
    with pytest.raises(Forbidden) as error:
        review(user, challenge)
    assert error.value.code == "not_attempted"
    judge(user, challenge)
    created = review(user, challenge, rating=5, tags=["Clear", "clear", "edge cases"])
    assert created.tags == ["clear", "edge cases"]
    with pytest.raises(Conflict):
        review(user, challenge, rating=1)
    challenge.refresh_from_db()
    assert (challenge.review_count, challenge.rating_average) == (1, 5.0)
    assert XPEvent.objects.filter(user=user, reason="challenge.reviewed").count() == 1


def test_average_follows_edits_and_deletes(user, other_user, attempted):
    judge(other_user, attempted)
    mine = review(user, attempted, rating=2)
    review(other_user, attempted, rating=5)
    attempted.refresh_from_db()
    assert attempted.rating_average == 3.5
    review_services.challenge_review_update(user=user, review=mine, rating=4)
    attempted.refresh_from_db()
    assert attempted.rating_average == 4.5
    with pytest.raises(Forbidden):
        review_services.challenge_review_update(user=other_user, review=mine, title="Hacked")
    review_services.challenge_review_delete(user=user, review=mine)
    attempted.refresh_from_db()
    assert (attempted.review_count, attempted.rating_average) == (1, 5.0)


def test_helpful_once_not_on_own_and_replies_notify(user, other_user, attempted):
    mine = review(user, attempted)
    with pytest.raises(Forbidden):
        review_services.review_helpful_mark(user=user, review=mine)
    assert review_services.review_helpful_mark(user=other_user, review=mine).helpful_count == 1
    with pytest.raises(Conflict):
        review_services.review_helpful_mark(user=other_user, review=mine)
    assert review_services.review_helpful_unmark(user=other_user, review=mine).helpful_count == 0
    review_services.review_reply_create(user=other_user, review=mine, text="Agreed")
    mine.refresh_from_db()
    assert mine.reply_count == 1
    assert user.notifications.filter(title__contains="replied to your review").exists()


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="SQLite serialises writers; the race needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_helpful_votes_at_once_are_each_counted_once(challenge):
    from tests.factories import UserFactory

    author = UserFactory()
    judge(author, challenge)
    target = review(author, challenge)
    voters = [UserFactory() for _ in range(4)]
    barrier, errors = threading.Barrier(8), []

    def vote(voter):
        barrier.wait()
        try:
            review_services.review_helpful_mark(user=voter, review=target)
        except Conflict:
            errors.append(voter.id)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(v,)) for v in voters for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(errors) == 4
    assert ChallengeReview.objects.get(id=target.id).helpful_count == ReviewHelpfulVote.objects.count() == 4


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="SQLite serialises writers; the race needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_reviewing_twice_at_once_counts_once(challenge):
    from tests.factories import UserFactory

    author = UserFactory()
    judge(author, challenge)
    barrier, outcomes = threading.Barrier(2), []

    def post():
        barrier.wait()
        try:
            review(author, challenge)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(outcomes) == ["conflict", "ok"]
    assert Challenge.objects.get(id=challenge.id).review_count == 1


def test_reviews_selector_is_flat_in_the_number_of_reviews(django_assert_num_queries, make_user, challenge):
    def add(n):
        for _ in range(n):
            author = make_user()
            judge(author, challenge)
            created = review(author, challenge)
            review_services.review_reply_create(user=author, review=created, text="PS")

    viewer = make_user()
    add(2)
    with django_assert_num_queries(2):
        rows = [(r.user.username, [x.user.username for x in r.replies.all()], r.viewer_marked)
                for r in review_selectors.challenge_reviews(user=viewer, challenge=challenge)]
    assert len(rows) == 2
    add(3)
    with django_assert_num_queries(2):
        assert len([(r.user.username, [x.user.username for x in r.replies.all()])
                    for r in review_selectors.challenge_reviews(user=viewer, challenge=challenge)]) == 5


def test_challenge_list_shows_the_rating_without_extra_queries(django_assert_num_queries, user, attempted):
    review(user, attempted, rating=4)
    plain_challenge("echo", "Echo")
    with django_assert_num_queries(1):
        rows = {c.slug: (c.review_count, c.rating_average) for c in selectors.challenge_list(user=user)}
    assert rows == {"sum-two": (1, 4.0), "echo": (0, 0.0)}


def test_pages_show_reviews_safely(client, user, other_user, attempted):
    review(user, attempted, text="Look <script>alert(1)</script> [x](javascript:alert(1))", title="<b>T</b>")
    page = client.get(reverse("challenge-reviews", args=[attempted.slug])).content.decode()
    assert "<script>alert(1)</script>" not in page and "href=\"javascript:" not in page
    assert "&lt;b&gt;T&lt;/b&gt;" in page and "&lt;script&gt;" in page
    detail = client.get(reverse("challenge-detail", args=[attempted.slug])).content.decode()
    assert "★ 4.0" in detail
    assert "★ 4.0" in client.get(reverse("challenge-list")).content.decode()
    client.force_login(other_user)
    response = client.post(reverse("challenge-review-create", args=[attempted.slug]),
                           {"rating": 5, "title": "x", "text": "y"}, follow=True)
    assert "Submit a solution before reviewing" in response.content.decode()


def test_api_create_list_helpful_reply_and_edit_permissions(api_client, user, other_user, attempted):
    base = f"/api/v1/reviews/challenges/{attempted.slug}/"
    api_client.force_authenticate(other_user)
    refused = api_client.post(base, {"rating": 5, "title": "t", "text": "x"}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_attempted"
    api_client.force_authenticate(user)
    bad = api_client.post(base, {"rating": 6, "title": "t", "text": "x"}, format="json")
    assert bad.status_code == 400
    created = api_client.post(base, {"rating": 5, "title": "t", "text": "x", "tags": ["a"]}, format="json")
    assert created.status_code == 201
    review_id = created.json()["id"]
    assert api_client.post(base, {"rating": 5, "title": "t", "text": "x"}, format="json").status_code == 409
    api_client.force_authenticate(other_user)
    assert api_client.patch(f"/api/v1/reviews/{review_id}/", {"title": "mine"}, format="json").status_code == 403
    assert api_client.delete(f"/api/v1/reviews/{review_id}/").status_code == 403
    assert api_client.post(f"/api/v1/reviews/{review_id}/helpful/").json() == {"helpful_count": 1,
                                                                                "viewer_marked": True}
    assert api_client.post(f"/api/v1/reviews/{review_id}/helpful/").status_code == 409
    assert api_client.post(f"/api/v1/reviews/{review_id}/replies/", {"text": "thanks"},
                           format="json").status_code == 201
    api_client.force_authenticate(None)
    listed = api_client.get(base).json()
    assert listed["count"] == 1 and listed["results"][0]["replies"][0]["text"] == "thanks"
    assert api_client.get("/api/v1/reviews/999999/").status_code == 404

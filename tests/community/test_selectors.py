"""Reads: the feed's filters and orders, visibility, and query counts flat in the number of rows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community import selectors, services
from community.models import Post, PostLike
from core.exceptions import NotFound
from tests.community.conftest import bulk_posts, bulk_thread

pytestmark = pytest.mark.django_db


def _feed_queries(viewer, **filters):
    rows = list(selectors.post_feed(viewer=viewer, **filters)[:20])
    for post in rows:  # what a card reads
        assert post.author.display_name and post.author.profile is not None and post.viewer_liked in (True, False)
    return rows


@pytest.mark.parametrize("n", [5, 60])
def test_feed_is_one_query_whatever_its_length(user, other_user, django_assert_num_queries, n):
    bulk_posts(other_user, n)
    with django_assert_num_queries(2):  # the viewer's roles (once per request), the page
        rows = _feed_queries(user, sort="trending")
    assert len(rows) == min(n, 20)
    with django_assert_num_queries(1):
        _feed_queries(user, sort="new", tag="python")


def test_feed_filters_and_orders(user, other_user, make_post):
    help_post = make_post(type="help", tags=["graphs"], difficulty="hard", challenge_type="dsa",
                          title="Dijkstra with negative edges?")
    tip = make_post(type="tips", tags=["python"], title="Use itertools")
    old = make_post(title="Old but loved", tags=["python"])
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3), like_count=50)
    services._rescore(old.pk)
    ids = lambda **f: [p.id for p in selectors.post_feed(viewer=user, **f)]  # noqa: E731
    assert ids(type="help") == [help_post.id]
    assert ids(tag="python") == [old.id, tip.id]
    assert ids(tag="#Python") == [old.id, tip.id]
    assert ids(difficulty="hard", challenge_type="dsa") == [help_post.id]
    assert ids(search="dijkstra edges") == [help_post.id]
    assert ids(sort="top-day")[-1] != old.id and old.id not in ids(sort="top-day")
    assert ids(sort="top-week")[0] == old.id
    services.post_like_set(user=other_user, post_id=tip.id, liked=True)
    assert ids(sort="trending")[0] == tip.id  # newest with a point beats older with none
    assert ids(sort="new") == [old.id, tip.id, help_post.id]  # the order they were written in


def test_hidden_posts_show_to_their_author_and_moderators_only(user, other_user, moderator, make_post):
    post = make_post()
    services.post_moderate(moderator=moderator, post_id=post.id, action="hide", reason="Spam")
    assert post.id not in [p.id for p in selectors.post_feed(viewer=other_user)]
    # Lists show hidden posts to moderators only; the author still opens theirs by its link.
    assert post.id not in [p.id for p in selectors.post_feed(viewer=user)]
    assert selectors.post_get_for_user(viewer=user, post_id=post.id).is_hidden
    with pytest.raises(NotFound):
        selectors.post_get_for_user(viewer=other_user, post_id=post.id)
    assert post.id in [p.id for p in selectors.post_feed(viewer=moderator)]
    from django.contrib.auth.models import AnonymousUser

    assert post.id not in [p.id for p in selectors.post_feed(viewer=AnonymousUser())]


def test_viewer_state_is_joined_in(user, other_user, make_post):
    post = make_post()
    services.post_like_set(user=other_user, post_id=post.id, liked=True)
    services.post_bookmark_set(user=other_user, post_id=post.id, bookmarked=True)
    mine = selectors.post_get_for_user(viewer=other_user, post_id=post.id)
    theirs = selectors.post_get_for_user(viewer=user, post_id=post.id)
    assert mine.viewer_liked and mine.viewer_bookmarked and not theirs.viewer_liked
    assert [p.id for p in selectors.bookmarks_of(user=other_user)] == [post.id]
    assert list(selectors.bookmarks_of(user=user)) == []


def test_a_thousand_comment_thread_loads_in_at_most_three_queries(user, other_user, make_post,
                                                                     django_assert_max_num_queries):
    post = make_post()
    made = bulk_thread(post, other_user, 1000)
    PostLike.objects.create(post=post, user=user)
    with django_assert_max_num_queries(3):
        fetched = selectors.post_get_for_user(viewer=user, post_id=post.id)
        thread = selectors.comment_thread(viewer=user, post=fetched)
        # Everything the page reads, children included.
        stack = list(thread.roots)
        seen = 0
        while stack:
            node = stack.pop()
            seen += 1
            assert node.item.author.display_name and node.item.author.profile is not None
            assert node.item.viewer_liked is False
            stack.extend(node.children)
    assert seen == 1000 == thread.count == len(made)
    assert len(thread.roots) == 1


def test_link_visibility_follows_the_submission_rule(user, other_user, make_post):
    from challenges.models import Challenge, Submission

    challenge = Challenge.objects.create(title="Mine", slug="mine", description="d", type="dsa", difficulty="easy",
                                         category="arrays", statement="s", author=user, is_public=False)
    submission = Submission.objects.create(user=user, challenge=challenge, language="python", source="x")
    post = make_post(linked_submission=submission.id, linked_challenge="mine")
    post = selectors.post_get_for_user(viewer=other_user, post_id=post.id)
    assert selectors.linked_items_visible(viewer=other_user, post=post) == {"submission": None, "challenge": None}
    mine = selectors.linked_items_visible(viewer=user, post=post)
    assert mine["submission"] == submission and mine["challenge"] is None  # a private challenge stays hidden


@pytest.mark.parametrize("n", [3, 40])
def test_template_list_is_flat(user, other_user, django_assert_num_queries, n):
    for i in range(n):
        services.template_create(author=other_user, title=f"Template {i}", category="landing",
                                 framework="react" if i % 2 else "", files=[{"path": "index.html", "content": "x"}])
    with django_assert_num_queries(2):
        rows = list(selectors.template_list(viewer=user, sort="stars")[:20])
        for t in rows:
            assert t.author.display_name and t.author.profile is not None and t.forked_from is None
            assert t.viewer_starred is False
    facets = selectors.template_facets()
    assert facets["categories"] == [{"category": "landing", "count": n}]
    assert {f["framework"] for f in facets["frameworks"]} == ({"react"} if n > 1 else {"react"})

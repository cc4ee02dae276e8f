"""Community benchmarks, each against a reference measured in the same run.

1. The feed over 10,000 posts: p95 of reading one page (20 cards with their authors and the
   viewer's likes and bookmarks) for each sort, against the floor: the same 20 rows' ids and
   titles by primary key in raw SQL. Target: p95 under 50 ms, and the same number of queries
   with 100 posts as with 10,000.
2. A 1,000-comment thread: the queries to load the post and its whole tree (target: at most 3),
   against the naive read that fetches each comment's author when it is shown.
"""

import statistics
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community import selectors
from community.engine.ranking import hot_score
from community.models import Comment, Post, PostLike
from tests.factories import UserFactory

ROUNDS = 60
POSTS = 10_000

pytestmark = pytest.mark.django_db


def p95_ms(samples):
    return statistics.quantiles(samples, n=20)[-1] * 1000


def timed(fn, rounds=ROUNDS):
    fn()  # warm the connection and caches
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def make_posts(author, n, start=0):
    now = timezone.now()
    rows = []
    for i in range(start, start + n):
        created = now - timedelta(minutes=i)
        likes = (i * 37) % 101
        rows.append(Post(author=author, title=f"Post {i}", body="x" * 200, type=("help", "tips", "discussion")[i % 3],
                         tags=["python"] if i % 2 else ["graphs"], tags_text=",python," if i % 2 else ",graphs,",
                         like_count=likes, created_at=created,
                         hot_score=hot_score(likes=likes, comments=0, created=created)))
    Post.objects.bulk_create(rows, batch_size=2000)


def read_page(viewer, **filters):
    rows = list(selectors.post_feed(viewer=viewer, **filters)[:20])
    return [(p.author.display_name, p.author.profile.avatar, p.viewer_liked, p.viewer_bookmarked) for p in rows]


def queries(fn):
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_feed_over_ten_thousand_posts():
    author, viewer = UserFactory(), UserFactory()
    make_posts(author, 100)
    read_page(viewer)  # the viewer's roles are read once and kept on the user
    few = {sort: queries(lambda s=sort: read_page(viewer, sort=s)) for sort in selectors.SORTS}
    make_posts(author, POSTS - 100, start=100)
    PostLike.objects.bulk_create([PostLike(post_id=pk, user=viewer) for pk in
                                  Post.objects.values_list("pk", flat=True)[:500]])
    many = {sort: queries(lambda s=sort: read_page(viewer, sort=s)) for sort in selectors.SORTS}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE community_post")

    def floor():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, title FROM community_post ORDER BY id DESC LIMIT 20")
            cursor.fetchall()

    def plain_orm():
        list(Post.objects.select_related("author", "author__profile").order_by("-id")[:20])

    reference = p95_ms(timed(floor))
    orm = p95_ms(timed(plain_orm))
    print(f"\nfeed over {Post.objects.count():,} posts ({connection.vendor}); references: raw SQL, 20 rows by id "
          f"p95 {reference:.2f} ms; the plain ORM read of 20 posts with their authors p95 {orm:.2f} ms")
    cases = [{"sort": s} for s in selectors.SORTS] + [{"sort": "trending", "tag": "python"},
                                                      {"sort": "new", "type": "help"}]
    for filters in cases:
        figure = p95_ms(timed(lambda f=filters: read_page(viewer, **f)))
        print(f"  {filters}: p95 {figure:.2f} ms ({figure / reference:.1f}x raw SQL, {figure / orm:.2f}x the plain "
              "ORM read; target < 50 ms)")
    print(f"  queries per page, 100 posts: {few}; 10,000 posts: {many}")
    assert few == many  # flat in the number of posts


def test_thousand_comment_thread_queries():
    author, viewer = UserFactory(), UserFactory()
    post = Post.objects.create(author=author, title="Big thread")
    commenters = [UserFactory() for _ in range(20)]
    made = []
    for level_size in (10, 90, 900):  # 10 roots, 9 replies each, 10 replies to each of those
        parents = made[-(level_size // 10 if made else 0):] if made else [None] * level_size
        rows = [Comment(post=post, author=commenters[i % 20], parent=parents[i % len(parents)] if made else None,
                        depth=0 if not made else parents[i % len(parents)].depth + 1, body=f"c{i}",
                        body_html=f"<p>c{i}</p>") for i in range(level_size)]
        made.extend(Comment.objects.bulk_create(rows))
    assert Comment.objects.filter(post=post).count() == 1000

    def ours():
        fetched = selectors.post_get_for_user(viewer=viewer, post_id=post.id)
        thread = selectors.comment_thread(viewer=viewer, post=fetched)
        stack = list(thread.roots)
        while stack:
            node = stack.pop()
            assert node.item.author.display_name
            stack.extend(node.children)

    def naive():
        fetched = Post.objects.get(pk=post.id)
        for comment in Comment.objects.filter(post=fetched):
            assert comment.author.display_name  # one query per comment

    ours_q, naive_q = queries(ours), queries(naive)
    ours_ms = statistics.median(timed(ours, rounds=10)) * 1000
    naive_ms = statistics.median(timed(naive, rounds=3)) * 1000
    print(f"\n1,000-comment thread ({connection.vendor}): {ours_q} queries, median {ours_ms:.1f} ms; reference "
          f"(each author fetched when shown): {naive_q} queries, {naive_ms:.1f} ms "
          f"({naive_q / ours_q:.0f}x the queries; target <= 3 queries)")
    assert ours_q <= 3

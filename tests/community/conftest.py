from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from community import services
from community.engine.ranking import hot_score
from community.models import Comment, Post
from core.roles import MODERATOR


@pytest.fixture
def moderator(make_user):
    person = make_user(username="mod")
    person.groups.add(Group.objects.get_or_create(name=MODERATOR)[0])
    return person


@pytest.fixture
def veteran(make_user):
    """An account old and active enough to be past the new-member limits (trust level 1+)."""
    person = make_user(username="veteran")
    type(person).objects.filter(pk=person.pk).update(date_joined=timezone.now() - timedelta(days=30))
    person.refresh_from_db()
    return person


@pytest.fixture
def make_post(user):
    def make(author=None, **fields):
        fields.setdefault("title", "How do I reverse a linked list?")
        fields.setdefault("body", "I tried **recursion**.")
        return services.post_create(author=author or user, **fields)

    return make


def bulk_posts(author, n: int, **fields) -> list[Post]:
    """Many posts straight into the table, for reads (the services' daily limits would stop them)."""
    now = timezone.now()
    rows = []
    for i in range(n):
        created = now - timedelta(minutes=i)
        likes = (i * 7) % 13
        rows.append(Post(author=author, title=f"Post {i}", body=f"Body {i}", tags=["python"], tags_text=",python,",
                         like_count=likes, hot_score=hot_score(likes=likes, comments=0, created=created), **fields))
    posts = Post.objects.bulk_create(rows)
    return posts


def bulk_thread(post: Post, author, n: int, fanout: int = 3) -> list[Comment]:
    """A tree of n comments: comment i > 0 replies to comment (i - 1) // fanout. Inserted one
    level at a time (a level's parents already have their ids)."""
    parent_of = [None] + [(i - 1) // fanout for i in range(1, n)]
    depth = [0] * n
    for i in range(1, n):
        depth[i] = depth[parent_of[i]] + 1
    made: list[Comment | None] = [None] * n
    for level in range(max(depth) + 1 if n else 0):
        indices = [i for i in range(n) if depth[i] == level]
        rows = [Comment(post=post, author=author, parent=made[parent_of[i]] if parent_of[i] is not None else None,
                        depth=level, body=f"c{i}", body_html=f"<p>c{i}</p>") for i in indices]
        for i, row in zip(indices, Comment.objects.bulk_create(rows), strict=True):
            made[i] = row
    Post.objects.filter(pk=post.pk).update(comment_count=n)
    return [c for c in made if c is not None]


def _api_as(person):
    from rest_framework.test import APIClient

    client = APIClient()
    if person is not None:
        client.force_authenticate(person)
    return client


@pytest.fixture
def other_api(other_user):
    return _api_as(other_user)


@pytest.fixture
def mod_api(moderator):
    return _api_as(moderator)


@pytest.fixture
def anon_api(db):
    return _api_as(None)

import io

import pytest
from django.core.management import call_command

from community.models import CodeTemplate, Comment, Post

pytestmark = pytest.mark.django_db


def test_demo_seed_is_small_and_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_community", stdout=io.StringIO())
    counts = (Post.objects.count(), Comment.objects.count(), CodeTemplate.objects.count())
    call_command("seed_community", stdout=io.StringIO())
    assert counts == (Post.objects.count(), Comment.objects.count(), CodeTemplate.objects.count()) == (4, 2, 2)
    answered = Post.objects.get(type="help")
    assert answered.accepted_comment is not None and answered.like_count == 1
    assert "<strong>communication</strong>" in Post.objects.get(type="tips").body_html


def test_seed_without_demo_users_says_so():
    out = io.StringIO()
    call_command("seed_community", stdout=out)
    assert "seed_demo first" in out.getvalue()

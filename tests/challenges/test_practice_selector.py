"""Challenges looked up by the skill they practise (what the resume checker's gap advice links)."""

import pytest

from challenges.models import Challenge
from challenges.selectors import challenges_for_practice

pytestmark = pytest.mark.django_db


def make(slug, difficulty, category, tags, languages=("python",), **extra):
    return Challenge.objects.create(
        slug=slug, title=slug.replace("-", " ").title(), description="-", type="dsa", difficulty=difficulty,
        category=category, tags=list(tags), statement="-", starter_code={lang: "" for lang in languages}, **extra)


def test_challenges_are_found_by_tag_category_or_language_easiest_first():
    make("islands", "medium", "graphs", ["bfs", "Union-Find"])
    make("routes", "hard", "graphs", ["dijkstra"], languages=("java",))
    make("two-sum", "easy", "hashing", ["hash-map"], languages=("python", "java"))
    make("hidden", "easy", "graphs", ["bfs"], is_public=False)
    make("retired", "easy", "graphs", ["bfs"], is_active=False)
    assert [c.slug for c in challenges_for_practice(topics={"graphs"})] == ["islands", "routes"]
    assert [c.slug for c in challenges_for_practice(topics={"union find"})] == ["islands"]  # any case, hyphens
    assert [c.slug for c in challenges_for_practice(topics=(), languages={"java"})] == ["two-sum", "routes"]
    assert challenges_for_practice(topics={"kafka"}) == [] and challenges_for_practice(topics=()) == []


def test_the_lookup_is_one_query_however_many_challenges(django_assert_num_queries):
    for index in range(3):
        make(f"graph-{index}", "easy", "graphs", ["bfs"])
    with django_assert_num_queries(1):
        assert len(challenges_for_practice(topics={"bfs"})) == 3
    for index in range(3, 12):
        make(f"graph-{index}", "medium", "graphs", ["bfs"])
    with django_assert_num_queries(1):
        assert len(challenges_for_practice(topics={"bfs"})) == 12

"""List reads: their query count does not grow with the number of rows."""

import pytest

from interviews import selectors, services
from interviews.engine import question_to_data
from interviews.models import Question

pytestmark = pytest.mark.django_db


def _more_questions(n):
    base = question_to_data(Question.objects.get(slug="starter-dsa-hash-map").spec())
    services.questions_import(items=[{**base, "slug": f"extra-{i}"} for i in range(n)])


def test_the_question_api_list_is_flat_in_queries(bank, api_client, django_assert_num_queries):
    with django_assert_num_queries(2):  # count, page
        assert api_client.get("/api/v1/questions").status_code == 200
    _more_questions(15)
    with django_assert_num_queries(2):
        assert len(api_client.get("/api/v1/questions").json()["results"]) == 20


def test_the_question_page_is_flat_in_queries(bank, client, django_assert_num_queries):
    client.get("/interviews/questions/")  # warm the session and per-request caches
    with django_assert_num_queries(3):  # facets, count, page
        assert client.get("/interviews/questions/").status_code == 200
    _more_questions(15)
    with django_assert_num_queries(3):
        assert client.get("/interviews/questions/").status_code == 200


def test_the_history_api_is_flat_in_queries(bank, user, auth_client, django_assert_num_queries):
    services.session_start(user=user, interview_type="mixed", difficulty="easy", length=1)
    auth_client.get("/api/v1/interview/v3/sessions")  # warm the per-user caches of the first request
    with django_assert_num_queries(2):
        auth_client.get("/api/v1/interview/v3/sessions")
    for _ in range(5):
        services.session_start(user=user, interview_type="mixed", difficulty="easy", length=1)
    with django_assert_num_queries(2):
        assert auth_client.get("/api/v1/interview/v3/sessions").json()["count"] == 6


def test_a_session_detail_is_flat_in_its_turns(bank, user, auth_client, django_assert_num_queries):
    session = services.session_start(user=user, interview_type="mixed", difficulty="easy", length=6)
    auth_client.get(f"/api/v1/interview/v3/sessions/{session.pk}")
    with django_assert_num_queries(2):  # session, turns with their questions
        auth_client.get(f"/api/v1/interview/v3/sessions/{session.pk}")
    for _ in range(4):
        services.session_answer(user=user, session_id=session.pk, answer="A hash map uses buckets and a hash "
                                "function so lookups are constant time on average because keys spread.")
    with django_assert_num_queries(2):
        assert len(auth_client.get(f"/api/v1/interview/v3/sessions/{session.pk}").json()["turns"]) == 5


def test_question_filters(bank):
    assert {q.slug for q in selectors.question_list(skill="python")} == {"starter-python-gil",
                                                                          "starter-behavioral-slow-service"}
    assert [q.slug for q in selectors.question_list(role_family="devops")] == ["starter-system-design-rate-limiter"]

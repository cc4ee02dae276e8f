"""Interview progress, mistake patterns and recommendations (engine alone and over the API)."""

import pytest

from interviews import services
from interviews.engine import evaluate, parse_question
from interviews.engine.progress import AnsweredTurn, mistake_patterns, progress_summary
from tests.interviews.test_engine import BY_SLUG

NO_RESULT = ("At my previous job our team had a slow checkout service and users complained a lot about it. "
             "I was responsible for it, so I decided to profile the requests and I added a cache for prices.")


def test_mistake_patterns_are_counted_with_a_recommendation():
    star = BY_SLUG["starter-behavioral-slow-service"]
    answers = [AnsweredTurn(session=7 + turn // 2, turn=turn, prompt=star.prompt, at=f"2026-12-0{turn + 1}T10:00:00",
                            evaluation=evaluate(star, NO_RESULT), star=True) for turn in range(3)]
    answers.append(AnsweredTurn(session=9, turn=0, prompt=star.prompt, at="2026-12-05T10:00:00",
                                evaluation=evaluate(star, "It was slow, I fixed it."), star=True))
    patterns = {p["code"]: p for p in mistake_patterns(answers)}
    missing_result = patterns["star_missing_result"]
    assert missing_result["occurrences"] == 3 and missing_result["interviews"] == 2
    assert "outcome" in missing_result["recommendation"] and missing_result["source"] == "interviews"
    # Its evidence: which interview, which question, what the evaluation said; newest first.
    assert [(e["session"], e["turn"]) for e in missing_result["evidence"]] == [(8, 2), (7, 1), (7, 0)]
    first = missing_result["evidence"][0]
    assert first["question"] == star.prompt and first["title"] == "Interview #8, question 3"
    assert first["detail"].startswith("Structure ") and "result" in first["detail"]
    assert "too_short" not in patterns  # seen once: not a pattern yet
    summary = progress_summary([80, 60, None], {"depth": [70, 50]})
    assert summary == {"answered": 3, "judged": 2, "average": 70, "consistency": 10.0, "recent_average": 70,
                       "by_dimension": {"depth": 60}}
    assert parse_question  # the engine is importable alone


@pytest.mark.django_db
def test_progress_and_recommend_over_the_api(bank, user, auth_client, api_client, other_user, client):
    session = services.session_start(user=user, interview_type="behavioral", difficulty="medium", length=3)
    for _ in range(3):
        services.session_answer(user=user, session_id=session.pk, answer=NO_RESULT)
    progress = auth_client.get("/api/v1/interview/v3/progress").json()
    assert progress["answered"] == 3 and progress["sessions"] == 1
    (missing_result,) = [m for m in progress["mistakes"] if m["code"] == "star_missing_result"]
    turns = list(session.turns.order_by("index"))
    assert [(e["session"], e["turn"]) for e in missing_result["evidence"]] == [(session.pk, 2), (session.pk, 1),
                                                                               (session.pk, 0)]
    assert missing_result["evidence"][0]["question"] == turns[2].prompt
    assert missing_result["evidence"][0]["url"] == f"/interviews/{session.pk}/report/#turn-2"
    assert "result" in missing_result["evidence"][0]["detail"]
    client.force_login(user)
    page = client.get("/interviews/").content.decode()
    assert f'href="/interviews/{session.pk}/report/#turn-2"' in page and "Interview #" in page
    recommended = auth_client.post("/api/v1/ai/recommend", {"limit": 3}, format="json").json()
    assert recommended["weakest_dimensions"] and len(recommended["questions"]) <= 3
    assert all(q["why"] for q in recommended["questions"])
    api_client.force_authenticate(other_user)
    assert api_client.get("/api/v1/interview/v3/progress").json()["answered"] == 0
    assert api_client.post("/api/v1/ai/recommend", {"analysis_id": 999}, format="json").status_code == 404

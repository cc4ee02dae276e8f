"""Interview services: the bank's seed and import, sessions from start to report, bad input,
another user's session and two tabs answering at once."""

import pytest

from core.exceptions import Conflict, NotFound, ValidationFailed
from core.models import AICall
from interviews import services
from interviews.engine import ANSWER_MAX_CHARS
from interviews.models import InterviewSession, InterviewTurn, Question, SessionStatus
from tests.interviews.conftest import TEST_BANK

pytestmark = pytest.mark.django_db



def _answer_for(turn: InterviewTurn, strong: bool = True) -> str:
    q = turn.question
    return q.sample_strong_answer if strong else q.sample_weak_answer


def _open(session) -> InterviewTurn:
    return session.turns.filter(answered_at__isnull=True).select_related("question").get()


def test_the_seed_is_idempotent_by_slug(bank):
    count = Question.objects.count()
    assert count >= 8
    again = services.questions_seed(directory=TEST_BANK)
    assert again == {"created": 0, "updated": 0, "unchanged": count}
    Question.objects.filter(slug="starter-dsa-hash-map").update(prompt="changed", rating=1444.0, rated_answers=3)
    assert services.questions_seed(directory=TEST_BANK)["updated"] == 1
    question = Question.objects.get(slug="starter-dsa-hash-map")
    assert question.prompt.startswith("How does a hash map") and question.rating == 1444.0  # calibration kept


def test_an_import_with_one_bad_question_imports_nothing(bank):
    good = {"slug": "import-new-one", "category": "hr", "difficulty": "easy", "prompt": "Why us?",
            "talking_points": [{"text": "Knows the product", "keywords": ["product"]}]}
    bad = {**good, "slug": "import-bad-one", "skills": ["no-such-skill"]}
    with pytest.raises(ValidationFailed, match="no-such-skill"):
        services.questions_import(items=[good, bad])
    assert not Question.objects.filter(slug__startswith="import-").exists()


def test_an_interview_from_start_to_report(bank, user):
    session = services.session_start(user=user, interview_type="technical", difficulty="medium", length=3)
    first = _open(session)
    assert first.index == 0 and first.question.category != "behavioral" and first.reason
    answered, following, session = services.session_answer(user=user, session_id=session.pk,
                                                            answer=_answer_for(first), turn_index=0)
    assert answered.overall is not None and answered.evaluation["dimensions"]
    assert following.index == 1 and following.question_id != first.question_id or following.kind == "follow_up"
    answered, following, session = services.session_answer(user=user, session_id=session.pk,
                                                            answer=_answer_for(following, strong=False))
    answered, last, session = services.session_answer(user=user, session_id=session.pk, answer="I don't know.")
    assert last is None and session.status == SessionStatus.FINISHED
    report = session.report
    assert report["answers"] == 3 and 0 < report["evidence"]["share"] < 1
    assert {d["dimension"] for d in report["dimensions"]} == {"relevance", "depth", "structure", "clarity",
                                                              "concision"}
    assert "questions" in report["recommended"] and "challenges" in report["recommended"]
    assert AICall.objects.filter(task="interview.evaluate").count() == 2  # the third had no evidence to judge
    first.question.refresh_from_db()
    assert first.question.rated_answers == 1 and first.question.rating is not None


def test_a_job_and_a_resume_gap_aim_the_questions(bank, user):
    job = "Backend engineer\nRequirements:\n- Python and concurrency\n- Redis"
    session = services.session_start(user=user, interview_type="technical", difficulty="medium", length=2,
                                     job_text=job)
    assert "python" in session.target_skills and session.job_terms
    assert _open(session).question.slug == "starter-python-gil"


def test_another_users_job_or_analysis_is_not_found(bank, user, other_user):
    from resumes.models import JobDescription

    theirs = JobDescription.objects.create(user=other_user, title="Secret", text="Python")
    with pytest.raises(NotFound):
        services.session_start(user=user, interview_type="mixed", difficulty="easy", length=2, job_id=theirs.pk)
    assert not InterviewSession.objects.exists()


@pytest.mark.parametrize(("answer", "code"), [
    ("", "empty_answer"), ("   ", "empty_answer"), ("x" * (ANSWER_MAX_CHARS + 1), "answer_too_long"),
    ("abc\x00def", "binary_answer"), (12, "invalid_answer"),
])
def test_bad_answers_are_refused_and_nothing_is_saved(bank, user, answer, code):
    session = services.session_start(user=user, interview_type="mixed", difficulty="easy", length=2)
    with pytest.raises(ValidationFailed) as error:
        services.session_answer(user=user, session_id=session.pk, answer=answer)
    assert error.value.code == code
    turn = _open(session)
    assert turn.answer == "" and turn.evaluation == {} and session.turns.count() == 1


def test_someone_elses_or_a_finished_session(bank, user, other_user):
    session = services.session_start(user=user, interview_type="mixed", difficulty="easy", length=2)
    with pytest.raises(NotFound):
        services.session_answer(user=other_user, session_id=session.pk, answer="My answer to your question.")
    with pytest.raises(NotFound):
        services.session_end(user=other_user, session_id=session.pk)
    services.session_end(user=user, session_id=session.pk)
    with pytest.raises(Conflict) as error:
        services.session_answer(user=user, session_id=session.pk, answer="Too late for this answer now.")
    assert error.value.code == "interview_finished"
    with pytest.raises(Conflict):
        services.session_end(user=user, session_id=session.pk)


def test_two_tabs_answering_the_same_question_count_once(bank, user):
    session = services.session_start(user=user, interview_type="mixed", difficulty="easy", length=3)
    turn = _open(session)
    services.session_answer(user=user, session_id=session.pk, answer=_answer_for(turn), turn_index=0)
    with pytest.raises(Conflict) as error:
        services.session_answer(user=user, session_id=session.pk, answer="The other tab's answer.", turn_index=0)
    assert error.value.code == "already_answered" and error.value.details == {"open_turn": 1}
    assert session.turns.filter(answered_at__isnull=False).count() == 1
    assert session.turns.get(index=0).answer == _answer_for(turn).strip()


def test_sharing_makes_and_revokes_an_unguessable_link(bank, user):
    session = services.session_start(user=user, interview_type="mixed", difficulty="easy", length=2)
    with pytest.raises(Conflict):
        services.session_share_set(user=user, session_id=session.pk, shared=True)
    services.session_end(user=user, session_id=session.pk)
    first = services.session_share_set(user=user, session_id=session.pk, shared=True).share_token
    assert len(first) >= 32
    second = services.session_share_set(user=user, session_id=session.pk, shared=True).share_token
    assert second != first
    assert services.session_share_set(user=user, session_id=session.pk, shared=False).share_token is None

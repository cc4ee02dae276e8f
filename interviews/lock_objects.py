"""Row locks of the interviews domain (order: core.locks): the session, then its question."""

from core.locks import lock_for_update

from .models import InterviewSession, Question


def lock_session_for_update(session_id: int) -> InterviewSession | None:
    return lock_for_update(InterviewSession.objects.filter(id=session_id)).first()


def lock_question_for_update(question_id: int) -> Question | None:
    return lock_for_update(Question.objects.filter(id=question_id)).first()

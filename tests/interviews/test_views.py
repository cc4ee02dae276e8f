"""The interview pages: browse, start (form errors), live, report, history, share and revoke."""

import pytest

from interviews import services
from interviews.models import InterviewSession

pytestmark = pytest.mark.django_db


def test_the_bank_page_filters_and_shows_calibration_to_staff(bank, client, staff):
    page = client.get("/interviews/questions/", {"category": "system_design"}).content.decode()
    assert "Design a URL shortener" in page and "How does a hash map" not in page
    assert "data-calibrated" not in page
    client.force_login(staff)
    page = client.get("/interviews/questions/", {"difficulty": "easy"}).content.decode()
    assert "calibrated (elo)" in page and "not yet answered" in page


def test_start_answer_report_share(bank, client, user):
    client.force_login(user)
    assert "Start the interview" in client.get("/interviews/start/").content.decode()
    bad = client.post("/interviews/start/", {"interview_type": "mixed", "difficulty": "easy", "length": 99})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    response = client.post("/interviews/start/", {"interview_type": "technical", "difficulty": "easy", "length": 3})
    session = InterviewSession.objects.get()
    assert response["Location"] == f"/interviews/{session.pk}/"
    live = client.get(f"/interviews/{session.pk}/").content.decode()
    assert "data-answer-form" in live and "data-voice-slot" in live
    assert client.get(f"/interviews/{session.pk}/report/")["Location"] == f"/interviews/{session.pk}/"
    client.post(f"/interviews/{session.pk}/end/")
    report = client.get(f"/interviews/{session.pk}/report/").content.decode()
    assert "interview report" in report and "Create a share link" in report
    client.post(f"/interviews/{session.pk}/share/", {"shared": "1"})
    session.refresh_from_db()
    link = f"/interviews/shared/{session.share_token}/"
    client.logout()
    shared = client.get(link).content.decode()
    assert "read-only" in shared and "Create a share link" not in shared
    client.force_login(user)
    client.post(f"/interviews/{session.pk}/share/", {"shared": "0"})
    assert client.get(link).status_code == 404
    assert "Technical" in client.get("/interviews/").content.decode()


def test_another_users_pages_are_404(bank, client, user, other_user):
    session = services.session_start(user=user, interview_type="mixed", difficulty="easy", length=2)
    client.force_login(other_user)
    for url in (f"/interviews/{session.pk}/", f"/interviews/{session.pk}/report/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/interviews/{session.pk}/end/").status_code == 404
    assert client.post(f"/interviews/{session.pk}/share/", {"shared": "1"}).status_code == 404
    session.refresh_from_db()
    assert session.status == "active"


def test_seed_questions_command(db):
    from django.core.management import call_command

    call_command("seed_questions")
    call_command("seed_questions")
    assert InterviewSession.objects.count() == 0
    from interviews.models import Question

    assert Question.objects.count() >= 8

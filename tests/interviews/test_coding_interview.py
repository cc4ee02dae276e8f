"""A technical interview with a challenge attached: it opens a live room (the user as the
candidate, the challenge's starter code), the room ends with the interview, and the timeline API
replays code, runs and transcript; strangers get 404s."""

import pytest
from pycrdt import Doc, Text
from rest_framework.test import APIClient

from collaboration import services as room_services
from collaboration.models import DocumentUpdate, Participant, Room
from interviews.engine.timeline import frame_texts
from interviews.models import InterviewSession, Question

pytestmark = pytest.mark.django_db

STARTER = "# Read a and b, print a + b.\n"


@pytest.fixture
def sum_two(db):
    from challenges.catalog import challenge_import

    challenge, _ = challenge_import({
        "slug": "sum-two", "title": "Sum Two", "type": "dsa", "difficulty": "easy", "category": "math",
        "tags": ["math"], "description": "Add two integers.", "statement": "Print **a + b**.",
        "examples": [{"input": "1 2", "output": "3"}], "starter": {"python": STARTER},
        "reference": {"python": "a, b = map(int, input().split())\nprint(a + b)\n"},
        "tests": [{"input": "1 2\n", "output": "3\n", "hidden": False, "weight": 1}],
    })
    return challenge


def start(client, **extra):
    return client.post("/api/v1/interview/v3/start", {"type": "technical", "length": 2, **extra}, format="json")


def type_code(room, seat, text: str) -> None:
    """What the room's editor sends: an update on top of the stored document."""
    doc = Doc()
    code = doc.get("code", type=Text)
    for update in DocumentUpdate.objects.filter(room=room).order_by("id").values_list("data", flat=True):
        doc.apply_update(bytes(update))
    before = doc.get_state()
    code.insert(len(code), text)
    room_services.document_updates_store(updates=[(str(room.id), seat.id, doc.get_update(before))])


def test_a_coding_interview_from_start_to_timeline(bank, sum_two, auth_client, user):
    started = start(auth_client, challenge="sum-two")
    assert started.status_code == 201, started.content
    body = started.json()
    session = InterviewSession.objects.get(pk=body["id"])
    room = session.room
    assert body["room_url"] == f"/rooms/{room.id}/" and room.challenge == sum_two and room.language == "python"
    seat = Participant.objects.get(room=room)
    assert seat.user == user and seat.role == "candidate" and room.interviewer == user

    type_code(room, seat, "a, b = map(int, input().split())\nprint(a + b)\n")
    room.stdin = "2 40\n"
    room.save()
    run = room_services.room_run(room=room, by=seat, source="a, b = map(int, input().split())\nprint(a + b)\n")
    assert run.stdout == "42\n"
    prompt = Question.objects.get(slug=body["turns"][0]["question"])
    auth_client.post("/api/v1/interview/v3/answer", {"session": session.pk, "answer": prompt.sample_strong_answer},
                     format="json")
    assert auth_client.post(f"/api/v1/interview/v3/end/{session.pk}").json()["status"] == "finished"
    assert Room.objects.get(pk=room.pk).status == "ended"  # the replay ends with the interview

    timeline = auth_client.get(f"/api/v1/interview/v3/sessions/{session.pk}/timeline")
    assert timeline.status_code == 200, timeline.content
    data = timeline.json()
    kinds = [f["kind"] for f in data["frames"]]
    assert kinds[0] == "code" and data["frames"][0]["code"] == STARTER
    assert {"code", "run", "question", "answer"} <= set(kinds)
    texts = frame_texts(data["frames"])
    assert texts[kinds.index("run")].endswith("print(a + b)\n") and data["runs"][0]["verdict"] == "OK"
    assert data["runs"][0]["stdout"] == "42\n"
    assert data["lines"][0] == {"t": data["lines"][0]["t"], "speaker": "interviewer", "kind": "question", "turn": 0,
                                "text": body["turns"][0]["prompt"], "overall": None}
    assert [f["t"] for f in data["frames"]] == sorted(f["t"] for f in data["frames"])

    from django.test import Client

    browser = Client()
    browser.force_login(user)
    page = browser.get(f"/interviews/{session.pk}/report/")
    assert b"data-interview-replay" in page.content and b'id="interview-timeline"' in page.content


def test_bad_challenges_are_clear_errors_and_nothing_is_left_behind(bank, sum_two, auth_client):
    missing = start(auth_client, challenge="no-such-challenge")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    behavioral = start(auth_client, challenge="sum-two", type="behavioral")
    assert behavioral.status_code == 400
    assert behavioral.json()["error"]["code"] == "challenge_not_technical"
    assert start(auth_client, challenge="x" * 121).status_code == 400
    assert InterviewSession.objects.count() == 0 and Room.objects.count() == 0
    plain = start(auth_client).json()
    assert plain["room_url"] is None
    no_room = auth_client.get(f"/api/v1/interview/v3/sessions/{plain['id']}/timeline")
    assert no_room.status_code == 404 and no_room.json()["error"]["code"] == "no_coding_room"


def test_someone_elses_timeline_is_a_404(bank, sum_two, auth_client, other_user, django_assert_num_queries):
    theirs = start(auth_client, challenge="sum-two").json()["id"]
    stranger = APIClient()
    stranger.force_authenticate(other_user)
    assert stranger.get(f"/api/v1/interview/v3/sessions/{theirs}/timeline").status_code == 404
    from django.test import Client

    other = Client()
    other.force_login(other_user)
    assert other.get(f"/interviews/{theirs}/report/").status_code == 404
    assert APIClient().get(f"/api/v1/interview/v3/sessions/{theirs}/timeline").status_code in (401, 403)
    # The read is flat in the number of edits: more typing, the same queries.
    session = InterviewSession.objects.get(pk=theirs)
    from interviews.selectors import session_timeline

    with django_assert_num_queries(3):
        session_timeline(session=session)
    seat = Participant.objects.get(room=session.room)
    for i in range(5):
        type_code(session.room, seat, f"# {i}\n")
    with django_assert_num_queries(3):
        assert frame_texts(session_timeline(session=session)["frames"])[-1].endswith("# 4\n")


def test_the_start_page_attaches_a_challenge_and_links_the_room(bank, sum_two, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    form = {"interview_type": "technical", "difficulty": "medium", "length": 2, "challenge": "sum-tw0"}
    page = client.post("/interviews/start/", form)
    assert page.status_code == 200 and "No such challenge: check its slug." in page.content.decode()
    response = client.post("/interviews/start/", {**form, "challenge": "sum-two"})
    assert response.status_code == 302
    session = InterviewSession.objects.get()
    live = client.get(response["Location"]).content.decode()
    assert f'href="/rooms/{session.room_id}/"' in live and "data-room-link" in live

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from collaboration import services
from collaboration.models import Room
from core.exceptions import Forbidden

pytestmark = pytest.mark.django_db


def test_create_and_read_a_session_through_the_api(auth_client, user, other_user):
    response = auth_client.post("/api/v1/sessions", {"title": "Graph round", "language": "py"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["language"] == "python" and body["participants"][0]["role"] == "interviewer"
    assert set(body["invite_links"]) == {"candidate", "observer"} and len(body["id"]) == 36
    assert auth_client.get(f"/api/v1/sessions/{body['id']}").json()["title"] == "Graph round"
    stranger = APIClient()
    stranger.force_authenticate(other_user)
    assert stranger.get(f"/api/v1/sessions/{body['id']}").status_code == 404
    bad = auth_client.post("/api/v1/sessions", {"language": "cobol"}, format="json")
    # The installed runtimes are the schema's enum for `language`.
    assert bad.status_code == 400 and "language" in bad.json()["error"]["details"]
    missing = auth_client.post("/api/v1/sessions", {"challenge": "no-such-challenge"}, format="json")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_join_by_link_as_user_and_as_guest(room, make_user):
    token = services.invite_token(room=room, role="candidate")
    client = Client()
    page = client.get(f"/rooms/{room.id}/join/?t={token}")
    assert page.status_code == 200 and "guest_name" in page.content.decode()
    response = client.post(f"/rooms/{room.id}/join/", {"t": token, "guest_name": "  Robin  "})
    assert response.status_code == 302 and response["Location"] == f"/rooms/{room.id}/"
    assert room.participants.filter(guest_name="Robin", role="candidate").exists()
    assert client.get(f"/rooms/{room.id}/").status_code == 200  # the session remembers the guest
    member = make_user()
    logged_in = Client()
    logged_in.force_login(member)
    observer_token = services.invite_token(room=room, role="observer")
    assert logged_in.post(f"/rooms/{room.id}/join/", {"t": observer_token}).status_code == 302
    assert room.participants.get(user=member).role == "observer"


def test_guests_cannot_observe_and_names_are_required(room):
    with pytest.raises(Forbidden):
        services.room_join(room=room, token=services.invite_token(room=room, role="observer"), guest_name="Eve")
    from core.exceptions import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.room_join(room=room, token=services.invite_token(room=room, role="candidate"), guest_name="  ")


def without_csrf(page: str) -> str:
    return re.sub(r'content="[A-Za-z0-9]{64}"', "", page)


def test_revoked_and_forged_links_are_refused(room, interviewer_seat):
    token = services.invite_token(room=room, role="candidate")
    services.room_revoke_invites(room=room, by=interviewer_seat)
    unknown = Client().get(f"/rooms/{uuid.uuid4()}/join/?t={token}")
    other_room = services.room_create(interviewer=interviewer_seat.user, title="Another room")
    for bad in (token, "forged", "", services.invite_token(room=other_room, role="candidate")):
        response = Client().get(f"/rooms/{room.id}/join/?t={bad}")
        page = response.content.decode()
        # The same page as an unknown room: nothing about this one (title, interviewer, state).
        assert response.status_code == unknown.status_code == 404
        assert without_csrf(page) == without_csrf(unknown.content.decode())
        assert room.title not in page and interviewer_seat.user.display_name not in page
    with pytest.raises(Forbidden):
        services.room_join(room=room, token=token, guest_name="Late")


def test_strangers_see_404(room, make_user):
    client = Client()
    client.force_login(make_user())
    assert client.get(f"/rooms/{room.id}/").status_code == 404
    assert client.get(f"/rooms/{room.id}/summary/").status_code == 404


def test_idle_rooms_expire_and_keep_their_summary(room, interviewer_seat):
    Room.objects.filter(id=room.id).update(last_activity_at=timezone.now() - timedelta(hours=25))
    from collaboration.tasks import rooms_expire

    assert rooms_expire.apply().get() == 1
    room.refresh_from_db()
    assert room.status == "expired" and room.ended_at
    client = Client()
    client.force_login(interviewer_seat.user)
    assert client.get(f"/rooms/{room.id}/").status_code == 302  # to the summary
    assert client.get(f"/rooms/{room.id}/summary/").status_code == 200
    assert rooms_expire.apply().get() == 0


def test_summary_shows_final_code_chat_runs_and_private_notes(room, interviewer_seat, candidate):
    from pycrdt import Doc, Text

    doc = Doc()
    text = doc.get("code", type=Text)
    text += "print('final')\n"
    services.document_updates_store(updates=[(str(room.id), candidate.id, doc.get_update())])
    services.chat_send(room=room, by=candidate, text="Done!")
    services.notes_save(room=room, by=interviewer_seat, text="Hire")
    services.room_run(room=room, by=candidate, source="print('final')")
    services.room_end(room=room, by=interviewer_seat)
    interviewer = Client()
    interviewer.force_login(interviewer_seat.user)
    page = interviewer.get(f"/rooms/{room.id}/summary/").content.decode()
    assert "print(&#x27;final&#x27;)" in page and "Done!" in page and "Hire" in page
    candidate_client = Client()
    candidate_client.force_login(candidate.user)
    assert "Hire" not in candidate_client.get(f"/rooms/{room.id}/summary/").content.decode()


def test_rooms_pages(client, user):
    client.force_login(user)
    response = client.post("/rooms/", {"title": "Warm-up", "language": "python"})
    assert response.status_code == 302
    room = Room.objects.get(title="Warm-up")
    page = client.get(f"/rooms/{room.id}/").content.decode()
    assert "room-data" in page and "/join/?t=" in page
    assert "Warm-up" in client.get("/rooms/").content.decode()


def test_private_challenges_cannot_be_attached(client, room, interviewer_seat):
    from challenges.catalog import challenge_import

    hidden, _ = challenge_import({"slug": "secret-one", "title": "Secret", "type": "dsa", "difficulty": "easy",
                                  "category": "x", "statement": "s", "starter": {"python": "# hidden"},
                                  "tests": [{"input": "", "output": ""}]})
    hidden.is_public = False
    hidden.save()
    client.force_login(interviewer_seat.user)
    client.post(f"/rooms/{room.id}/attach/", {"challenge": "secret-one"})
    room.refresh_from_db()
    assert room.challenge is None


def test_session_api_refuses_odd_bodies_and_unknown_challenges(auth_client):
    assert auth_client.post("/api/v1/sessions/", [1], format="json").json()["error"]["code"] == "invalid_body"
    assert auth_client.post("/api/v1/sessions/", {"title": 3}, format="json").status_code == 400
    missing = auth_client.post("/api/v1/sessions", {"challenge": "no-such"}, format="json")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert auth_client.get("/api/v1/sessions/not-a-uuid/").json()["error"]["code"] == "not_found"


def test_a_stored_batch_counts_bytes_per_room_and_touches_only_the_rooms_asked(room, make_user):
    other = services.room_create(interviewer=make_user(), title="Next door")
    long_ago = timezone.now() - timedelta(hours=3)
    Room.objects.filter(id__in=[room.id, other.id]).update(last_activity_at=long_ago)
    services.document_updates_store(
        updates=[(str(room.id), None, b"\x01" * 10), (str(other.id), None, b"\x02" * 7), (str(room.id), None, b"\x03" * 5)],
        touch_rooms={str(other.id)})
    room.refresh_from_db()
    other.refresh_from_db()
    assert (room.document_bytes, other.document_bytes) == (15, 7)
    assert room.last_activity_at == long_ago
    assert other.last_activity_at > long_ago + timedelta(hours=2)
    assert list(room.updates.order_by("id").values_list("data", flat=True)) == [b"\x01" * 10, b"\x03" * 5]


def test_a_room_opened_with_a_challenge_starts_with_its_starter_in_the_rooms_language(make_user):
    from challenges.catalog import challenge_import
    from collaboration.models import DocumentUpdate
    from collaboration.selectors import document_text

    challenge, _ = challenge_import({"slug": "two-langs", "title": "Two", "type": "dsa", "difficulty": "easy",
                                     "category": "x", "statement": "s",
                                     "starter": {"python": "def solve():\n    pass\n", "javascript": "// js\n"},
                                     "tests": [{"input": "", "output": ""}]})
    host = make_user()
    python_room = services.room_create(interviewer=host, language="python", challenge=challenge)
    assert document_text(room_id=python_room.id) == "def solve():\n    pass\n"
    seed = DocumentUpdate.objects.get(room=python_room)  # one edit, the interviewer's: the replay's first step
    assert seed.participant.role == "interviewer"
    assert python_room.document_bytes == len(bytes(seed.data))
    assert document_text(room_id=services.room_create(interviewer=host, language="javascript",
                                                      challenge=challenge).id) == "// js\n"
    cpp_room = services.room_create(interviewer=host, language="cpp", challenge=challenge)  # no C++ starter
    assert document_text(room_id=cpp_room.id) == "" and not DocumentUpdate.objects.filter(room=cpp_room).exists()


def test_the_attach_form_sends_the_interviewer_back_to_load_the_starter(client, room, interviewer_seat):
    import json

    from challenges.catalog import challenge_import

    challenge_import({"slug": "open-one", "title": "Open", "type": "dsa", "difficulty": "medium", "category": "x",
                      "statement": "Print *hi*.", "starter": {"python": "# hi\n"},
                      "tests": [{"input": "", "output": ""}]})
    client.force_login(interviewer_seat.user)
    response = client.post(f"/rooms/{room.id}/attach/", {"challenge": "open-one"})
    assert response.status_code == 302 and response["Location"] == f"/rooms/{room.id}/?attached=1"
    page = client.get(response["Location"]).content.decode()
    data = json.loads(re.search(r'<script id="room-data" type="application/json">(.*?)</script>', page).group(1))
    assert data["justAttached"] is True and data["challenge"]["statement_html"] == "<p>Print <em>hi</em>.</p>\n"
    assert json.loads(re.search(r'<script id="room-data" type="application/json">(.*?)</script>',
                                client.get(f"/rooms/{room.id}/").content.decode()).group(1))["justAttached"] is False
    detached = client.post(f"/rooms/{room.id}/attach/", {"challenge": ""})
    assert detached["Location"] == f"/rooms/{room.id}/"

"""The interviewer's private panel (a question of the bank with its rubric, talking points, hints
and follow-ups) and the role swap of a peer interview, over /ws/rooms/<id>/events/."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from collaboration import selectors, services
from collaboration.models import Participant, Role, RoomQuestion
from config.asgi import application
from core.exceptions import Forbidden, ValidationFailed
from interviews.services import questions_seed
from tests.interviews.conftest import TEST_BANK

from .conftest import ORIGIN, cookie_of

FIRST = "starter-system-design-url-shortener"
SECOND = "starter-behavioral-disagreement"
RUBRIC_TEXT = "Requirements and estimates"  # a criterion of FIRST's rubric


@pytest.fixture
def bank(db):
    questions_seed(directory=TEST_BANK)


async def events(room, participant):
    cookie = await cookie_of(participant)
    ws = WebsocketCommunicator(application, f"/ws/rooms/{room.id}/events/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await ws.connect(timeout=5)
    assert connected
    raw = []
    state = await next_of(ws, "room.state", raw=raw)
    return ws, state, raw


async def next_of(ws, kind, limit=30, where=lambda event: True, raw=None):
    for _ in range(limit):
        text = await ws.receive_from(timeout=5)
        if raw is not None:
            raw.append(text)
        event = json.loads(text)
        if event["type"] == kind and where(event):
            return event
    raise AssertionError(f"no {kind}")


async def drain(ws, raw: list[str]) -> None:
    while not await ws.receive_nothing(timeout=0.3):
        raw.append(await ws.receive_from(timeout=1))


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_only_the_interviewer_gets_the_question_and_its_rubric(room, interviewer_seat, candidate, bank, make_user):
    observer = await database_sync_to_async(services.room_join)(
        room=room, token=services.invite_token(room=room, role="observer"), user=await database_sync_to_async(make_user)())
    a, state_a, _ = await events(room, interviewer_seat)
    b, state_b, heard_b = await events(room, candidate)
    o, state_o, heard_o = await events(room, observer)
    assert state_a["panel"]["question"] is None and state_a["panel"]["turn"] == 1
    assert "panel" not in state_b and "panel" not in state_o

    await a.send_json_to({"type": "panel.search", "category": "system_design", "difficulty": "medium"})
    found = (await next_of(a, "panel.questions"))["questions"]
    assert [q["slug"] for q in found] == [FIRST]
    await a.send_json_to({"type": "panel.search", "search": "disagree"})
    assert SECOND in [q["slug"] for q in (await next_of(a, "panel.questions"))["questions"]]

    await a.send_json_to({"type": "panel.pick", "slug": FIRST})
    picked = (await next_of(a, "panel.question"))["question"]
    assert picked["slug"] == FIRST and picked["talking_points"] and picked["hints"] and picked["follow_ups"]
    criterion = picked["rubric"][0]
    assert criterion["criterion"] == RUBRIC_TEXT and criterion["weight"] > 0
    assert criterion["weak"] and criterion["fair"] and criterion["strong"]

    # The candidate and the observer asking for it are refused, and heard nothing of it.
    await b.send_json_to({"type": "panel.search", "category": "system_design"})
    assert (await next_of(b, "error", raw=heard_b))["code"] == "interviewer_only"
    await b.send_json_to({"type": "panel.pick", "slug": SECOND})
    assert (await next_of(b, "error", raw=heard_b))["code"] == "interviewer_only"
    await o.send_json_to({"type": "panel.search"})
    assert (await next_of(o, "error", raw=heard_o))["code"] == "interviewer_only"
    await drain(b, heard_b)
    await drain(o, heard_o)
    for text in heard_b + heard_o:
        assert RUBRIC_TEXT not in text and FIRST not in text and picked["hints"][0] not in text

    # Reconnecting: the interviewer's state has this turn's question; the candidate's does not.
    await a.disconnect()
    a, state_a, _ = await events(room, interviewer_seat)
    assert state_a["panel"]["question"]["slug"] == FIRST
    await b.disconnect()
    b, _, heard_b = await events(room, candidate)
    assert all(RUBRIC_TEXT not in text for text in heard_b)

    await a.send_json_to({"type": "panel.pick", "slug": "no-such-question"})
    assert (await next_of(a, "error"))["code"] == "not_found"
    for ws in (a, b, o):
        await ws.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_swap_is_pushed_to_both_and_moves_the_panel(room, interviewer_seat, candidate, bank):
    a, _, _ = await events(room, interviewer_seat)
    b, _, heard_b = await events(room, candidate)
    await a.send_json_to({"type": "panel.pick", "slug": FIRST})
    await next_of(a, "panel.question")

    # The candidate cannot swap.
    await b.send_json_to({"type": "roles.swap"})
    assert (await next_of(b, "error", raw=heard_b))["code"] == "interviewer_only"

    await a.send_json_to({"type": "roles.swap"})
    for ws in (a, b):
        swapped = await next_of(ws, "room.roles", raw=heard_b if ws is b else None)
        roles = {p["id"]: p["role"] for p in swapped["participants"]}
        assert roles == {interviewer_seat.id: "candidate", candidate.id: "interviewer"} and swapped["turn"] == 2
    assert (await next_of(a, "panel.closed"))["turn"] == 2
    panel = (await next_of(b, "panel.state", raw=heard_b))["panel"]
    assert panel["turn"] == 2 and panel["question"] is None  # the new interviewer picks the second question

    # The roles hold on the open connections: the new interviewer searches and picks; the old one
    # (now the candidate) is refused and never hears the second question.
    await a.send_json_to({"type": "panel.search"})
    assert (await next_of(a, "error"))["code"] == "interviewer_only"
    await b.send_json_to({"type": "panel.pick", "slug": SECOND})
    second = (await next_of(b, "panel.question", raw=heard_b))
    assert second["question"]["slug"] == SECOND and second["turn"] == 2
    heard_a: list[str] = []
    await drain(a, heard_a)
    assert all(SECOND not in text for text in heard_a)
    # ...and the old interviewer's controls now answer as a candidate's.
    await a.send_json_to({"type": "lock.set", "locked": True})
    assert (await next_of(a, "error"))["code"] == "interviewer_only"

    @database_sync_to_async
    def stored():
        return (dict(Participant.objects.filter(room=room).values_list("id", "role")),
                list(RoomQuestion.objects.filter(room=room).order_by("turn").values_list("turn", "question__slug",
                                                                                        "interviewer_id")))

    roles, questions = await stored()
    assert roles == {interviewer_seat.id: "candidate", candidate.id: "interviewer"}
    assert questions == [(1, FIRST, interviewer_seat.id), (2, SECOND, candidate.id)]
    # Swapping back: the first interviewer's panel shows turn 3, empty.
    await b.send_json_to({"type": "roles.swap"})
    assert (await next_of(a, "panel.state"))["panel"]["turn"] == 3
    await a.disconnect()
    await b.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_half_time_swap_is_pushed_live_once(room, interviewer_seat, candidate, bank):
    a, _, _ = await events(room, interviewer_seat)
    b, _, heard_b = await events(room, candidate)
    swap = database_sync_to_async(services.room_roles_swap_scheduled)
    assert await swap(room_id=room.id, after_swaps=0) is True
    for ws in (a, b):
        swapped = await next_of(ws, "room.roles", raw=heard_b if ws is b else None)
        assert swapped["automatic"] is True and swapped["turn"] == 2
    state = await next_of(b, "panel.state", raw=heard_b)
    assert state["panel"]["turn"] == 2 and state["sections_url"] == f"/rooms/{room.id}/interviewer-sections/"
    assert (await next_of(a, "panel.closed"))["turn"] == 2
    assert await swap(room_id=room.id, after_swaps=0) is False  # a second run: nothing
    assert await a.receive_nothing(timeout=0.3)
    await a.disconnect()
    await b.disconnect()


def test_the_interviewer_sections_go_to_whoever_interviews_now(client, room, interviewer_seat, candidate):
    client.force_login(candidate.user)
    url = f"/rooms/{room.id}/interviewer-sections/"
    assert client.get(url).status_code == 404  # the candidate: nothing of the interviewer's
    services.notes_save(room=room, by=interviewer_seat, text="Needs hints on recursion")
    services.room_roles_swap(room=room, by=interviewer_seat)
    sections = client.get(url)
    assert sections.status_code == 200
    assert b"/join/?t=" in sections.content and b"data-attach-form" in sections.content
    assert b"Needs hints on recursion" not in sections.content  # the other's notes are about them
    client.force_login(interviewer_seat.user)
    assert client.get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_guests_and_observers_cannot_swap(room, interviewer_seat, make_user):
    guest = await database_sync_to_async(services.room_join)(
        room=room, token=services.invite_token(room=room, role="candidate"), guest_name="Ada")
    observer = await database_sync_to_async(services.room_join)(
        room=room, token=services.invite_token(room=room, role="observer"), user=await database_sync_to_async(make_user)())
    g, _, _ = await events(room, guest)
    o, _, _ = await events(room, observer)
    a, _, _ = await events(room, interviewer_seat)
    await g.send_json_to({"type": "roles.swap"})
    assert (await next_of(g, "error"))["code"] == "guest"
    await o.send_json_to({"type": "roles.swap"})
    assert (await next_of(o, "error"))["code"] == "observer"
    # The interviewer cannot hand the seat to a guest candidate either.
    await a.send_json_to({"type": "roles.swap"})
    error = await next_of(a, "error")
    assert error["code"] == "guest_candidate" and "signed in" in error["message"]
    for ws in (g, o, a):
        await ws.disconnect()


def test_swap_needs_exactly_one_candidate(room, interviewer_seat, make_user):
    with pytest.raises(ValidationFailed) as none:
        services.room_roles_swap(room=room, by=interviewer_seat)
    assert none.value.code == "swap_needs_one_candidate"
    for _ in range(2):
        services.room_join(room=room, token=services.invite_token(room=room, role="candidate"), user=make_user())
    with pytest.raises(ValidationFailed):
        services.room_roles_swap(room=room, by=interviewer_seat)


def test_a_stale_seat_cannot_swap_twice(room, interviewer_seat, candidate):
    stale = Participant.objects.get(id=interviewer_seat.id)
    services.room_roles_swap(room=room, by=interviewer_seat)
    # A second click from the same (now stale) seat: re-read under the room's lock, refused.
    with pytest.raises(Forbidden):
        services.room_roles_swap(room=room, by=stale)
    assert Participant.objects.get(id=candidate.id).role == Role.INTERVIEWER


def test_each_interviewer_keeps_their_own_notes_across_a_swap(room, interviewer_seat, candidate):
    services.notes_save(room=room, by=interviewer_seat, text="Struggled with recursion")
    services.room_roles_swap(room=room, by=interviewer_seat)
    new_interviewer = Participant.objects.get(id=candidate.id)
    state = selectors.room_state(room_id=room.id, participant=new_interviewer)
    assert state["notes"] == "" and state["panel"]["turn"] == 2  # their own, empty: never the other's
    services.notes_save(room=room, by=new_interviewer, text="Clear on trade-offs")
    old = Participant.objects.get(id=interviewer_seat.id)
    with pytest.raises(Forbidden):  # now the candidate: no notes while interviewed
        services.notes_save(room=room, by=old, text="overwrite")
    assert "notes" not in selectors.room_state(room_id=room.id, participant=old)
    assert selectors.room_summary(room=room, participant=new_interviewer)["notes"] == "Clear on trade-offs"
    assert selectors.room_summary(room=room, participant=old)["notes"] == "Struggled with recursion"


def test_a_swap_is_audited(room, interviewer_seat, candidate, django_capture_on_commit_callbacks):
    from core.models import AuditEvent

    with django_capture_on_commit_callbacks(execute=True):
        services.room_roles_swap(room=room, by=interviewer_seat)
    event = AuditEvent.objects.get(action="rooms.roles_swapped")
    assert event.actor_id == interviewer_seat.user_id and event.target_id == str(room.id)
    assert event.changes["turn"] == [1, 2]
    assert event.changes["interviewer"] == [interviewer_seat.display_name, candidate.display_name]


def test_the_pickers_search_is_one_query(bank, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = selectors.panel_question_search()
    assert len(rows) >= 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_after_a_swap_the_document_sockets_enforce_the_new_roles(room, interviewer_seat, candidate):
    """The lock exempts the interviewer: after a swap that is the new one, on the open document
    connections too."""
    from collaboration import documents
    from collaboration.consumers import RoomClose

    from .conftest import YClient, wait_for

    old = YClient(room, await cookie_of(interviewer_seat))
    new = YClient(room, await cookie_of(candidate))
    await old.connect()
    await new.connect()
    await database_sync_to_async(services.room_roles_swap)(room=room, by=interviewer_seat)
    fresh = await database_sync_to_async(Participant.objects.get)(id=candidate.id)
    await database_sync_to_async(services.room_set_lock)(room=room, by=fresh, locked=True)
    # The swap and then the lock reach the document connections as room events, in that order.
    connections = documents.document_if_open(room.id).connections
    await wait_for(lambda: all(connection.room.editor_locked for connection in connections),
                   "the lock to reach both document connections")
    await new.type(0, "new interviewer ")
    await old.type(0, "old interviewer ")
    assert await old.closed() == RoomClose.READ_ONLY
    await new.synced()
    assert new.value == "new interviewer "
    await new.close()

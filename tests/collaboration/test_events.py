"""The room's JSON events: people, chat with replay, runs, controls."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from collaboration import services
from config.asgi import application
from core.consumers import CloseCode

from .conftest import ORIGIN, WAIT_SECONDS, cookie_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def events(room, participant, last_id=0):
    cookie = await cookie_of(participant)
    ws = WebsocketCommunicator(application, f"/ws/rooms/{room.id}/events/?last_id={last_id}",
                               headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await ws.connect(timeout=5)
    assert connected
    return ws


async def next_of(ws, kind, limit=20, where=lambda event: True):
    for _ in range(limit):
        event = json.loads(await ws.receive_from(timeout=WAIT_SECONDS))
        if event["type"] == kind and where(event):
            return event
    raise AssertionError(f"no {kind}")


async def test_state_on_connect_and_presence(room, interviewer_seat, candidate):
    a = await events(room, interviewer_seat)
    state = await next_of(a, "room.state")
    assert state["me"]["role"] == "interviewer" and "notes" in state
    assert {p["role"] for p in state["participants"]} == {"interviewer", "candidate"}
    b = await events(room, candidate)
    state_b = await next_of(b, "room.state")
    assert "notes" not in state_b  # private to the interviewer
    theirs = lambda event: event["participant"]["id"] == candidate.id  # noqa: E731
    presence = await next_of(a, "participant.presence", where=theirs)
    assert presence["participant"]["online"] is True
    await b.disconnect()
    assert (await next_of(a, "participant.presence", where=theirs))["participant"]["online"] is False
    await a.disconnect()


async def test_chat_reaches_everyone_and_is_replayed(room, interviewer_seat, candidate):
    a = await events(room, interviewer_seat)
    b = await events(room, candidate)
    await next_of(a, "room.state")
    await next_of(b, "room.state")
    await a.send_json_to({"type": "chat.send", "text": "Welcome! Ready?"})
    message = (await next_of(b, "chat.message"))["message"]
    assert message["text"] == "Welcome! Ready?" and message["role"] == "interviewer"
    await b.send_json_to({"type": "chat.send", "text": "Yes"})
    later = (await next_of(a, "chat.message", where=lambda e: e["message"]["text"] == "Yes"))["message"]
    await a.disconnect()
    # Reconnecting with the last id seen replays only what came after it.
    again = await events(room, interviewer_seat, last_id=message["id"])
    state = await next_of(again, "room.state")
    assert [m["id"] for m in state["messages"]] == [later["id"]]
    await again.send_json_to({"type": "chat.send", "text": "   "})
    assert (await next_of(again, "error"))["code"] == "empty_message"
    await again.disconnect()
    await b.disconnect()


async def test_run_is_shown_to_everyone(room, interviewer_seat, candidate):
    a = await events(room, interviewer_seat)
    b = await events(room, candidate)
    await next_of(a, "room.state")
    await next_of(b, "room.state")
    await b.send_json_to({"type": "stdin.set", "stdin": "21"})
    await next_of(a, "room.stdin")
    await b.send_json_to({"type": "run", "source": "print(int(input()) * 2)"})
    for ws in (a, b):
        assert (await next_of(ws, "run.started"))["by"]
        run = (await next_of(ws, "run.finished"))["run"]
        assert run["stdout"] == "42\n" and run["verdict"] == "OK"
    await a.disconnect()
    await b.disconnect()


async def test_interviewer_controls_and_their_limits(room, interviewer_seat, candidate):
    a = await events(room, interviewer_seat)
    b = await events(room, candidate)
    await next_of(a, "room.state")
    await next_of(b, "room.state")
    await b.send_json_to({"type": "lock.set", "locked": True})
    assert (await next_of(b, "error"))["code"] == "interviewer_only"
    await a.send_json_to({"type": "lock.set", "locked": True})
    assert (await next_of(b, "room.lock"))["locked"] is True
    await a.send_json_to({"type": "timer.set", "running": True})
    assert (await next_of(b, "room.timer"))["timer"]["running"] is True
    await b.send_json_to({"type": "language.set", "language": "cpp"})
    assert (await next_of(a, "room.language"))["language"] == "cpp"
    await a.send_json_to({"type": "notes.save", "text": "Strong on DP"})
    await next_of(a, "notes.saved")
    await a.send_json_to({"type": "end"})
    ended = await next_of(b, "room.ended")
    assert ended["summary_url"].endswith("/summary/")
    await a.disconnect()
    await b.disconnect()


async def test_strangers_get_4403(room, make_user):
    from .conftest import user_cookie

    stranger = await database_sync_to_async(make_user)()
    cookie = await database_sync_to_async(user_cookie)(stranger)
    ws = WebsocketCommunicator(application, f"/ws/rooms/{room.id}/events/", headers=[ORIGIN, (b"cookie", cookie)])
    await ws.connect(timeout=5)
    assert (await ws.receive_output(timeout=WAIT_SECONDS))["code"] == CloseCode.FORBIDDEN


async def test_runs_are_throttled_per_room(room, interviewer_seat, settings):
    settings.ROOM_RUNS_PER_MINUTE = 1
    await database_sync_to_async(services.room_run)(room=room, by=interviewer_seat, source="print(1)")
    from core.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as error:
        await database_sync_to_async(services.room_run)(room=room, by=interviewer_seat, source="print(1)")
    assert error.value.code == "throttled"


async def test_long_code_can_be_run_and_long_notes_saved(room, interviewer_seat):
    a = await events(room, interviewer_seat)
    await next_of(a, "room.state")
    long_source = "x = 1\n" * 2000 + "print('long ok')\n"  # about 12 KB
    await a.send_json_to({"type": "run", "source": long_source})
    assert (await next_of(a, "run.finished"))["run"]["stdout"] == "long ok\n"
    await a.send_json_to({"type": "notes.save", "text": "n" * 20_000})
    await next_of(a, "notes.saved")
    await a.disconnect()


async def test_odd_last_id_is_ignored_not_a_crash(room, interviewer_seat):
    cookie = await cookie_of(interviewer_seat)
    ws = WebsocketCommunicator(application, f"/ws/rooms/{room.id}/events/?last_id=%C2%B2",
                               headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await ws.connect(timeout=5)
    assert connected and (await next_of(ws, "room.state"))["type"] == "room.state"
    await ws.disconnect()


async def test_runs_are_limited_per_person_across_rooms(room, interviewer_seat, settings):
    settings.ROOM_RUNS_PER_PERSON_PER_MINUTE = 1

    @database_sync_to_async
    def second_room():
        other = services.room_create(interviewer=interviewer_seat.room.interviewer)
        return other, other.participants.get(role="interviewer")

    other, other_seat = await second_room()
    await database_sync_to_async(services.room_run)(room=room, by=interviewer_seat, source="print(1)")
    from core.exceptions import ApplicationError

    with pytest.raises(ApplicationError):
        await database_sync_to_async(services.room_run)(room=other, by=other_seat, source="print(1)")


async def test_a_socket_the_server_closed_is_sent_nothing_after_its_close(room, interviewer_seat):
    """Room events keep coming to a consumer until its client answers the close; what it was
    sent after its close frame is what daphne logs as "Attempt to send on a closed protocol"
    (and uvicorn as an unexpected ASGI message). A guest's socket has no sign-in guard around it."""
    guest = await database_sync_to_async(services.room_join)(
        room=room, token=services.invite_token(room=room, role="candidate"), guest_name="Lin")
    host = await events(room, interviewer_seat)
    await next_of(host, "room.state")
    visitor = await events(room, guest)
    await next_of(visitor, "room.state")
    await next_of(visitor, "participant.presence")  # its own arrival
    await next_of(host, "participant.presence")
    await visitor.send_to(text_data="x" * (300 * 1024))  # over the room's message size: closed
    closed = await visitor.receive_output(timeout=WAIT_SECONDS)
    assert closed == {"type": "websocket.close", "code": CloseCode.MESSAGE_TOO_BIG}
    await host.send_json_to({"type": "chat.send", "text": "Still there?"})
    await next_of(host, "chat.message")
    assert await visitor.receive_nothing(timeout=0.5)
    await visitor.disconnect()
    await host.disconnect()


def import_challenge(slug="sum-two"):
    from challenges.catalog import challenge_import

    challenge, _ = challenge_import({
        "slug": slug, "title": "Sum Two", "type": "dsa", "difficulty": "easy", "category": "math",
        "statement": "Read *a* and *b*, print **a + b**.", "constraints": "`-10^9 <= a, b <= 10^9`",
        "examples": [{"input": "1 2", "output": "3", "explanation": "<b>1</b> + 2"}],
        "starter": {"python": "# read a and b\n"}, "tests": [{"input": "1 2\n", "output": "3\n"}]})
    return challenge


async def test_attaching_a_challenge_shows_it_to_everyone_and_answers_the_interviewer(room, interviewer_seat,
                                                                                    candidate):
    await database_sync_to_async(import_challenge)()
    host = await events(room, interviewer_seat)
    other = await events(room, candidate)
    await next_of(host, "room.state")
    assert (await next_of(other, "room.state"))["room"]["challenge"] is None
    await other.send_json_to({"type": "challenge.attach", "slug": "sum-two"})
    assert (await next_of(other, "error"))["code"] == "interviewer_only"
    await host.send_json_to({"type": "challenge.attach", "slug": "sum-two"})
    heard = await next_of(other, "room.challenge")
    challenge = heard["challenge"]
    assert heard["by"] == interviewer_seat.display_name
    assert challenge["title"] == "Sum Two" and challenge["difficulty"] == "Easy"
    assert "<strong>a + b</strong>" in challenge["statement_html"] and "<code>" in challenge["constraints_html"]
    assert challenge["examples"] == [{"input": "1 2", "output": "3", "explanation": "<b>1</b> + 2"}]  # escaped by the page
    assert challenge["starter"] == {"python": "# read a and b\n"}
    assert (await next_of(host, "challenge.attached"))["challenge"] == challenge  # the host loads the starter
    # A page opened later starts with it.
    late = await events(room, candidate)
    assert (await next_of(late, "room.state"))["room"]["challenge"] == challenge
    # Unknown and private challenges are refused, and nothing changes.
    await host.send_json_to({"type": "challenge.attach", "slug": "no-such"})
    assert (await next_of(host, "error"))["code"] == "not_found"
    hidden = await database_sync_to_async(import_challenge)(slug="hidden")
    hidden.is_public = False
    await database_sync_to_async(hidden.save)()
    await host.send_json_to({"type": "challenge.attach", "slug": "hidden"})
    assert (await next_of(host, "error"))["code"] == "not_found"
    await host.send_json_to({"type": "challenge.attach", "slug": ""})
    assert (await next_of(other, "room.challenge"))["challenge"] is None
    assert (await next_of(host, "challenge.attached"))["challenge"] is None
    for ws in (host, other, late):
        await ws.disconnect()

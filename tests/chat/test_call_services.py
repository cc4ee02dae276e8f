"""Chat calls as services: who is rung, answers, busy people, hang-ups, the ring timeout, and the
call message each call leaves in the chat."""

from datetime import timedelta

import pytest

from chat import call_services, selectors, services
from chat.call_models import CallOutcome, CallPartyState, CallStatus, ChatCall
from chat.models import ChatEvent, MessageKind
from core.exceptions import Conflict, NotFound, ValidationFailed

from .conftest import online

pytestmark = pytest.mark.django_db


def events_of(user, type_):
    return [e.payload for e in ChatEvent.objects.filter(user=user, type=type_).order_by("event_id")]


def states(call):
    return {p.user.username: p.state for p in call.parties.select_related("user")}


def test_a_private_call_rings_the_other_member_only(pair, alice, bob, carol):
    online(alice)
    call = call_services.call_start(user=alice, chat_id=pair.id, media="video")
    assert call.status == CallStatus.RINGING
    assert states(call) == {"alice": CallPartyState.JOINED, "bob": CallPartyState.INVITED}
    [incoming] = events_of(bob, "call.incoming")
    assert incoming["call"]["id"] == call.id and incoming["call"]["media"] == "video"
    assert events_of(alice, "call.incoming") == [] and events_of(carol, "call.incoming") == []
    assert events_of(alice, "call.started")[0]["call"]["id"] == call.id


def test_an_answered_call_ends_with_its_duration_in_the_chat(pair, alice, bob):
    online(alice)
    online(bob)
    call = call_services.call_start(user=alice, chat_id=pair.id, media="audio")
    call_services.call_accept(user=bob, call_id=call.id)
    call.refresh_from_db()
    assert call.status == CallStatus.ACTIVE and call.answered_at is not None
    assert events_of(alice, "call.accepted")[0]["user"]["username"] == "bob"
    ChatCall.objects.filter(id=call.id).update(answered_at=call.answered_at - timedelta(seconds=125))
    call_services.call_leave(user=bob, call_id=call.id)
    call.refresh_from_db()
    assert call.status == CallStatus.ENDED and call.outcome == CallOutcome.ANSWERED
    assert call.duration_seconds == 125
    record = call.record
    assert record.kind == MessageKind.CALL and record.body == "Audio call · 2:05"
    for user in (alice, bob):
        [new] = [e for e in events_of(user, "message.new") if e["message"]["id"] == record.id]
        assert new["message"]["call"]["duration_seconds"] == 125 and new["message"]["call"]["outcome"] == "answered"
        assert events_of(user, "call.ended")[0]["call"]["status"] == "ended"
    # The record is in the history like any message, and the chat list shows it as the last one.
    history = selectors.chat_messages_for_user(user=bob, chat=pair)
    assert history[0].id == record.id


def test_hanging_up_before_an_answer_leaves_a_missed_call(pair, alice, bob):
    online(alice)
    call = call_services.call_start(user=alice, chat_id=pair.id, media="video")
    call_services.call_leave(user=alice, call_id=call.id)
    call.refresh_from_db()
    assert call.outcome == CallOutcome.MISSED and call.record.body == "Missed video call"
    assert states(call) == {"alice": CallPartyState.LEFT, "bob": CallPartyState.MISSED}
    assert events_of(bob, "call.ended")[0]["call"]["outcome"] == "missed"
    with pytest.raises(Conflict):
        call_services.call_accept(user=bob, call_id=call.id)


def test_a_declined_call_is_recorded_as_declined(pair, alice, bob):
    online(alice)
    call = call_services.call_start(user=alice, chat_id=pair.id, media="audio")
    call_services.call_reject(user=bob, call_id=call.id)
    call.refresh_from_db()
    assert call.outcome == CallOutcome.REJECTED and call.record.body == "Declined audio call"
    assert events_of(alice, "call.rejected")[0]["user"]["username"] == "bob"


def test_a_busy_callee_ends_a_private_call_at_once(pair, alice, bob, carol):
    for user in (alice, bob, carol):
        online(user)
    with_carol = services.chat_private_open(user=bob, other=carol)
    first = call_services.call_start(user=bob, chat_id=with_carol.id, media="audio")
    call_services.call_accept(user=carol, call_id=first.id)
    call = call_services.call_start(user=alice, chat_id=pair.id, media="video")
    call.refresh_from_db()
    assert call.status == CallStatus.ENDED and call.outcome == CallOutcome.BUSY
    [busy] = events_of(alice, "call.busy")
    assert [u["username"] for u in busy["users"]] == ["bob"]
    assert [e for e in events_of(bob, "call.incoming") if e["call"]["id"] == call.id] == []
    assert call.record.body == "Busy: video call not answered"


def test_a_party_whose_process_died_is_not_busy(pair, alice, bob, carol):
    """Bob's lease is gone (his web process died mid-call): Alice's call rings him."""
    online(alice)
    with_carol = services.chat_private_open(user=bob, other=carol)
    online(bob)
    first = call_services.call_start(user=bob, chat_id=with_carol.id, media="audio")
    services.presence_disconnect(user=bob, socket_id="tab-1")
    assert first.parties.get(user=bob).state == CallPartyState.JOINED
    call = call_services.call_start(user=alice, chat_id=pair.id, media="audio")
    assert call.status == CallStatus.RINGING


def test_a_group_call_goes_on_until_one_is_left(group, alice, bob, carol):
    for user in (alice, bob, carol):
        online(user)
    call = call_services.call_start(user=alice, chat_id=group.id, media="video")
    assert sorted(p["call"]["id"] for u in (bob, carol) for p in events_of(u, "call.incoming")) == [call.id, call.id]
    call_services.call_accept(user=bob, call_id=call.id)
    call_services.call_accept(user=carol, call_id=call.id)
    call_services.call_leave(user=alice, call_id=call.id)
    call.refresh_from_db()
    assert call.status == CallStatus.ACTIVE
    assert events_of(bob, "call.left")[0]["user"]["username"] == "alice"
    call_services.call_accept(user=alice, call_id=call.id)  # rejoins while it goes on
    call_services.call_leave(user=alice, call_id=call.id)
    call_services.call_leave(user=carol, call_id=call.id)
    call.refresh_from_db()
    assert call.status == CallStatus.ENDED and call.outcome == CallOutcome.ANSWERED


def test_refusals(pair, group, alice, bob, carol, make_user):
    online(alice)
    with pytest.raises(NotFound):
        call_services.call_start(user=carol, chat_id=pair.id, media="audio")
    with pytest.raises(ValidationFailed):
        call_services.call_start(user=alice, chat_id=pair.id, media="smell")
    channel = services.chat_create(owner=alice, kind="channel", title="News", members=[bob])
    with pytest.raises(ValidationFailed) as error:
        call_services.call_start(user=alice, chat_id=channel.id, media="audio")
    assert error.value.code == "call_in_channel"
    big = services.chat_create(owner=alice, kind="group", title="Big",
                               members=[bob, carol, make_user(username="dan"), make_user(username="eve")])
    with pytest.raises(ValidationFailed) as error:
        call_services.call_start(user=alice, chat_id=big.id, media="audio")
    assert error.value.code == "call_too_large"
    call = call_services.call_start(user=alice, chat_id=pair.id, media="audio")
    with pytest.raises(Conflict) as error:
        call_services.call_start(user=bob, chat_id=pair.id, media="audio")
    assert error.value.code == "call_in_progress"
    with pytest.raises(NotFound):
        call_services.call_accept(user=carol, call_id=call.id)
    with pytest.raises(NotFound):
        call_services.call_accept(user=bob, call_id=2**70)


def test_the_sweep_ends_unanswered_ringing_as_missed(pair, alice, bob, settings):
    online(alice)
    call = call_services.call_start(user=alice, chat_id=pair.id, media="audio")
    assert call_services.calls_sweep() == 0
    ChatCall.objects.filter(id=call.id).update(created_at=call.created_at - timedelta(
        seconds=settings.CHAT_CALL_RING_SECONDS + 1))
    assert call_services.calls_sweep() == 1
    call.refresh_from_db()
    assert call.outcome == CallOutcome.MISSED and states(call)["bob"] == CallPartyState.MISSED


def test_the_sweep_ends_a_call_whose_other_party_vanished(pair, alice, bob):
    online(alice)
    online(bob)
    call = call_services.call_start(user=alice, chat_id=pair.id, media="audio")
    call_services.call_accept(user=bob, call_id=call.id)
    services.presence_disconnect(user=bob, socket_id="tab-1")
    assert call_services.calls_sweep() == 1
    call.refresh_from_db()
    assert call.outcome == CallOutcome.ANSWERED and call.duration_seconds is not None


# --- /api/v1/calls ------------------------------------------------------------------------------

def test_the_calls_api_lists_records_of_ones_chats_only(pair, group, alice, bob, carol, django_assert_max_num_queries):
    from tests.chat.test_apis import client_for

    for user in (alice, bob, carol):
        online(user)
    for media in ("audio", "video", "audio"):
        call = call_services.call_start(user=alice, chat_id=pair.id, media=media)
        call_services.call_accept(user=bob, call_id=call.id)
        call_services.call_leave(user=alice, call_id=call.id)
    in_group = call_services.call_start(user=carol, chat_id=group.id, media="video")
    call_services.call_leave(user=carol, call_id=in_group.id)

    client_for(bob).get("/api/v1/calls/")  # the day's first request also records the user's activity
    with django_assert_max_num_queries(3):  # the page of calls, and their parties with their users
        page = client_for(bob).get("/api/v1/calls/?page_size=2").json()
    assert [c["media"] for c in page["results"]] == ["video", "audio"]  # newest first: the group's, then the pair's
    assert page["results"][0]["outcome"] == "missed" and page["results"][1]["outcome"] == "answered"
    assert page["results"][1]["parties"][1]["state"] == "left"
    rest = client_for(bob).get(page["next"]).json()["results"]
    assert len(rest) == 2 and rest[0]["duration_seconds"] is not None
    only_pair = client_for(bob).get(f"/api/v1/calls/?chat_id={pair.id}").json()["results"]
    assert {c["chat_id"] for c in only_pair} == {pair.id} and len(only_pair) == 3

    # Carol is not in the private chat: its calls do not exist for her.
    assert [c["id"] for c in client_for(carol).get("/api/v1/calls/").json()["results"]] == [in_group.id]
    assert client_for(carol).get(f"/api/v1/calls/{call.id}/").status_code == 404
    assert client_for(bob).get(f"/api/v1/calls/{call.id}/").json()["id"] == call.id
    assert client_for(bob).get("/api/v1/calls/?chat_id=abc").json()["error"]["code"] == "invalid_query"
    assert APIClientWithoutLogin().get("/api/v1/calls/").status_code in (401, 403)


def APIClientWithoutLogin():
    from rest_framework.test import APIClient

    return APIClient()


def test_the_calls_list_costs_the_same_queries_for_more_calls(pair, alice, bob):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.chat.test_apis import client_for

    online(alice)
    api = client_for(bob)
    api.get("/api/v1/calls/")  # the day's first request also records the user's activity

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/calls/").status_code == 200
        return len(captured)

    call = call_services.call_start(user=alice, chat_id=pair.id, media="audio")
    call_services.call_leave(user=alice, call_id=call.id)
    one = queries_for_list()
    for _ in range(5):
        call = call_services.call_start(user=alice, chat_id=pair.id, media="audio")
        call_services.call_leave(user=alice, call_id=call.id)
    assert queries_for_list() == one

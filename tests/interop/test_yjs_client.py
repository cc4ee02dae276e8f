"""The rooms' document socket against the official Yjs client.

tests/interop/node/room_session.mjs runs three yjs documents, each synchronised by y-websocket's
own WebsocketProvider over `ws` (versions pinned by package-lock.json), against a real server
process, authenticated with access tokens from the app login. A and B type at once, C joins late,
B edits offline and reconnects, A's network drops without a goodbye and comes back. The script
reports what it saw; the tests here check it, and compare it with the document the server stored.

Point it at another checkout's server with PREPFORGE_SERVER_ROOT (see tests/live_server.py)."""

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pycrdt import Doc

from tests.factories import UserFactory
from tests.interop.stored_documents import stored_document, text_of
from tests.live_server import ROOT, app_login, live_asgi_server, process_env

SCRIPT = Path(__file__).parent / "node" / "room_session.mjs"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.skipif(NODE is None, reason="Node.js is not installed: the official Yjs client runs in Node"),
    # The tests only read the session's results, but marked tests are what make pytest-django
    # set the test database up.
    pytest.mark.django_db,
]


@pytest.fixture(scope="module")
def session(django_db_setup, django_db_blocker, tmp_path_factory):
    """Runs the Node session once against a fresh server; every test below reads its results."""
    if not (ROOT / "node_modules" / "y-websocket").is_dir():
        pytest.fail("node_modules is missing: run `npm ci` (the pinned yjs, y-websocket and ws)")
    from collaboration import services

    tmp_path = tmp_path_factory.mktemp("yjs")
    with django_db_blocker.unblock():
        people = [UserFactory() for _ in range(3)]
        room = services.room_create(interviewer=people[0], title="Yjs interop")
        invite = services.invite_token(room=room, role="candidate")
        for user in people[1:]:
            services.room_join(room=room, token=invite, user=user)
        try:
            with live_asgi_server(tmp_path) as server:
                tokens = [app_login(server.url, user.email) for user in people]
                config = {
                    # y-websocket connects to serverUrl + "/" + roomname + "?" + params.
                    "serverUrl": server.url.replace("http://", "ws://") + f"/ws/rooms/{room.id}",
                    "roomname": "doc",
                    "tokens": tokens,
                }
                run = subprocess.run([NODE, str(SCRIPT), json.dumps(config)], cwd=ROOT, capture_output=True,
                                     text=True, timeout=180, env=process_env(tmp_path))
                (tmp_path / "node.log").write_text(run.stderr)
                assert run.returncode == 0, f"the Node session failed:\n{run.stderr[-4000:]}"
                result = json.loads(run.stdout.strip().splitlines()[-1])
            stored = stored_document(room.id)
            yield {"node": result, "stored": stored, "log": run.stderr}
        finally:
            room.delete()
            for user in people:
                user.delete()


def steps(session) -> dict:
    return session["node"]["steps"]


def test_concurrent_edits_converge(session):
    assert steps(session)["concurrentConvergedMs"] is not None, steps(session)["afterConcurrent"]


def test_late_joiner_gets_the_whole_text(session):
    assert steps(session)["lateJoinerTextMatchesA"], steps(session)["lateJoinerText"]


def test_offline_edits_merge_after_reconnect(session):
    assert steps(session)["reconnectConvergedMs"] is not None
    assert steps(session)["offlineEditsKept"]


def test_everyone_ends_with_the_same_text(session):
    people = session["node"]["people"]
    assert steps(session)["finalConvergedMs"] is not None
    assert people["A"]["text"] == people["B"]["text"] == people["C"]["text"]


def test_every_text_is_byte_identical_to_the_stored_document(session):
    stored = text_of(session["stored"]).encode()
    assert stored, "the server stored an empty document"
    for name, person in session["node"]["people"].items():
        assert person["text"].encode() == stored, f"{name}'s text differs from the server's stored document"
    # What a fresh client is served once everyone has left (rebuilt from storage).
    assert session["node"]["server"]["text"].encode() == stored


def state_vector(encoded: bytes) -> dict[int, int]:
    """A Yjs state vector (how many operations of each client a document holds) as a dict."""
    def var_uint(offset):
        value, shift = 0, 0
        while True:
            byte = encoded[offset]
            value, offset, shift = value | (byte & 0x7F) << shift, offset + 1, shift + 7
            if byte < 0x80:
                return value, offset

    count, offset = var_uint(0)
    vector = {}
    for _ in range(count):
        client, offset = var_uint(offset)
        vector[client], offset = var_uint(offset)
    return vector


def test_stored_document_holds_exactly_what_the_clients_hold(session):
    """Python side: the Yjs update Node exported, applied with pycrdt, is the stored document,
    and both hold the same operations of every client."""
    stored = session["stored"]
    for name, person in session["node"]["people"].items():
        theirs = Doc()
        theirs.apply_update(base64.b64decode(person["update"]))
        assert text_of(theirs) == text_of(stored), name
        assert state_vector(base64.b64decode(person["stateVector"])) == state_vector(stored.get_state()), \
            f"{name} and the server's stored document hold different operations"
        assert state_vector(theirs.get_state()) == state_vector(stored.get_state()), name


def test_server_refused_no_connection(session):
    for name, person in session["node"]["people"].items():
        refused = [code for code in person["closeCodes"] if code >= 4000]
        assert not refused, f"the server closed {name}'s connection with {refused}"


def test_late_joiner_sees_everyones_cursor_within_a_second(session):
    seen = steps(session)
    assert seen["lateJoinerSeesA"] is not None and seen["lateJoinerSeesA"] <= 1000, seen["lateJoinerStates"]
    assert seen["lateJoinerSeesB"] is not None and seen["lateJoinerSeesB"] <= 1000, seen["lateJoinerStates"]


def test_a_closed_connection_cursor_disappears_at_once(session):
    seen = steps(session)
    assert seen["cleanLeaveForgottenByA"] is not None and seen["cleanLeaveForgottenByA"] <= 2000
    assert seen["cleanLeaveForgottenByC"] is not None and seen["cleanLeaveForgottenByC"] <= 2000


def test_a_dropped_connection_cursor_disappears_within_two_seconds(session):
    """No close frame, no awareness goodbye: the server must remove the dropped client's state
    for the others (y-websocket would keep it for 30 s)."""
    seen = steps(session)
    assert seen["droppedForgottenByB"] is not None and seen["droppedForgottenByB"] <= 2000, \
        "B still shows the dropped A's cursor"
    assert seen["droppedForgottenByC"] is not None and seen["droppedForgottenByC"] <= 2000, \
        "C still shows the dropped A's cursor"


def test_a_dropped_connection_removes_no_one_elses_cursor(session):
    seen = steps(session)
    assert seen["wronglyRemovedAtB"] == [], "B lost the cursor of someone who is still here"
    assert seen["wronglyRemovedAtC"] == [], "C lost the cursor of someone who is still here"


def test_reconnected_person_is_seen_again(session):
    seen = steps(session)
    assert seen["reconnectedSeenByA"] is not None and seen["reconnectedSeenByA"] <= 1000
    assert seen["reconnectedSeenByC"] is not None and seen["reconnectedSeenByC"] <= 1000

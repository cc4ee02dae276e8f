import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from pycrdt import (
    Doc,
    Text,
    create_sync_message,
    create_update_message,
    handle_sync_message,
    read_message,
)

from collaboration import selectors, services
from collaboration.documents import EMPTY_UPDATE
from config.asgi import application
from tests.session_cookies import session_cookie

ORIGIN = (b"origin", b"http://127.0.0.1:8000")
# How long a test waits for a frame it expects: generous, for a loaded machine; the waits end
# as soon as the frame is there, so a quiet machine never spends it.
WAIT_SECONDS = 10.0


user_cookie = session_cookie


def guest_cookie(room, participant) -> bytes:
    session = SessionStore()
    session[selectors.GUEST_SESSION_KEY] = {str(room.id): participant.id}
    session.save()
    return f"sessionid={session.session_key}".encode()


class YClient:
    """A Yjs peer made of a pycrdt document, speaking y-websocket to /ws/rooms/<id>/doc."""

    def __init__(self, room, cookie: bytes | None):
        headers = [ORIGIN] + ([(b"cookie", cookie)] if cookie else [])
        self.ws = WebsocketCommunicator(application, f"/ws/rooms/{room.id}/doc", headers=headers)
        self.doc = Doc()
        self.text = self.doc.get("code", type=Text)
        self.outbox: list[bytes] = []
        self.applying = False
        self.heard: list[bytes] = []  # every update and awareness frame from the server
        self.step2_replies = 0  # the server's answers to our sync step 1 messages
        self.doc.observe(lambda event: None if self.applying else self.outbox.append(event.update))

    async def connect(self):
        connected, _ = await self.ws.connect(timeout=5)
        assert connected
        await self.ws.send_to(bytes_data=create_sync_message(self.doc))
        await self.pump_until(lambda: self.step2_replies >= 1, "the server's answer to the first sync step 1")
        await self.round_trip()  # and the cursors it sent at connect

    async def handle_next(self, *, deadline: float, what: str) -> int | None:
        """Wait for the server's next frame (until the loop time `deadline`) and handle it: a
        document message is applied and answered, an awareness one goes to on_awareness. The
        close code if it was the close. Fails, saying what it waited for, when nothing came."""
        loop = asyncio.get_running_loop()
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"waited {WAIT_SECONDS}s for {what}; the document is {self.value!r}")
            # receive_output() cancels the application when it times out: ask first, briefly,
            # so that the wait ends as soon as a frame is there.
            if not await self.ws.receive_nothing(timeout=min(remaining, 0.05), interval=0.005):
                break
        output = await self.ws.receive_output(timeout=WAIT_SECONDS)
        if output["type"] == "websocket.close":
            return output["code"]
        data = output.get("bytes")
        if not data:
            return None
        if data[0] != 0:
            self.heard.append(data)
            self.on_awareness(data)
            return None
        if data[1] == 1:
            self.step2_replies += 1
            if read_message(data[2:]) != EMPTY_UPDATE:  # an answer that brought something new
                self.heard.append(data)
        else:
            self.heard.append(data)
        self.applying = True
        try:
            reply = handle_sync_message(data[1:], self.doc)
        finally:
            self.applying = False
        if reply is not None:
            await self.ws.send_to(bytes_data=reply)
        return None

    async def pump_until(self, condition, what: str, seconds: float | None = None) -> None:
        """Handle the server's frames until `condition()` holds: as fast as the frames come on a
        quiet machine, up to WAIT_SECONDS on a loaded one; then it fails saying what it waited
        for. A close on the way fails too (use closed() to wait for one)."""
        deadline = asyncio.get_running_loop().time() + (seconds or WAIT_SECONDS)
        while not condition():
            code = await self.handle_next(deadline=deadline, what=what)
            if code is not None:
                raise AssertionError(f"closed with {code} while waiting for {what}; the document is {self.value!r}")

    async def closed(self) -> int:
        """Handle frames until the server closes this connection; the close code."""
        deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
        while True:
            code = await self.handle_next(deadline=deadline, what="the server to close the connection")
            if code is not None:
                return code

    async def round_trip(self) -> None:
        """A sync step 1 and the server's answer to it: everything the server queued for this
        connection before it read the step 1 has been handled when this returns. Twice, because a
        connection's queued messages go out coalesced (documents.coalesce puts the step 2 answer
        before the updates of its batch); the second answer leaves only after the whole first
        batch did."""
        for _ in range(2):
            expected = self.step2_replies + 1
            await self.ws.send_to(bytes_data=create_sync_message(self.doc))
            await self.pump_until(lambda expected=expected: self.step2_replies >= expected,
                                  "the answer to a sync step 1 (a round trip)")

    async def synced(self) -> None:
        """Sent what it typed, and handled everything the server had queued for it by now."""
        await self.flush()
        await self.round_trip()

    async def hears_nothing_new(self, action_by=None) -> bool:
        """Nothing (no update, no awareness) reaches this connection from what was sent before
        this call: `action_by`, the client that sent it, makes a round trip first (the server
        has handled its message, and relayed whatever it relays, once that returns); then this
        one makes its own. A marker instead of a short timeout: true on a loaded machine too."""
        if action_by is not None:
            await action_by.round_trip()
        before = len(self.heard)
        await self.round_trip()
        return len(self.heard) == before

    def on_awareness(self, frame: bytes) -> None:
        """Cursors: this plain client ignores them (CursorClient in test_room_server keeps them)."""

    async def flush(self):
        while self.outbox:
            await self.ws.send_to(bytes_data=create_update_message(self.outbox.pop(0)))

    async def type(self, position: int, text: str):
        self.text.insert(position, text)
        await self.flush()

    @property
    def value(self) -> str:
        return str(self.text)

    async def close(self):
        await self.ws.disconnect()


@pytest.fixture
def room(make_user):
    interviewer = make_user()
    return services.room_create(interviewer=interviewer, title="Pairing")


@pytest.fixture
def candidate(room, make_user):
    user = make_user()
    return services.room_join(room=room, token=services.invite_token(room=room, role="candidate"), user=user)


@pytest.fixture
def interviewer_seat(room):
    return room.participants.get(role="interviewer")


async def cookie_of(participant):
    @database_sync_to_async
    def make():
        return user_cookie(participant.user) if participant.user_id else guest_cookie(participant.room, participant)

    return await make()


async def settle(*clients, rounds=3):
    """Everyone sends what it typed (and, for cursor clients, echoes what it heard, as the
    official client does), then makes a round trip; the next round hands on what the previous
    one relayed. Markers, not timeouts: as long as the machine needs, and no longer."""
    for _ in range(rounds):
        for client in clients:
            await client.flush()
            echo = getattr(client, "send_echo", None)
            if echo is not None:
                await echo()
        for client in clients:
            await client.round_trip()


async def wait_for(condition, what: str, seconds: float = WAIT_SECONDS) -> None:
    """For state the server reaches without telling the client (a lock event, a flush): poll
    `condition()` until it holds, failing after `seconds` with `what`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"waited {seconds}s for {what}")
        await asyncio.sleep(0.01)

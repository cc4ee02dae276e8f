import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from pycrdt import Doc, Text, create_sync_message, create_update_message, handle_sync_message

from collaboration import selectors, services
from config.asgi import application
from tests.session_cookies import session_cookie

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


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
        self.doc.observe(lambda event: None if self.applying else self.outbox.append(event.update))

    async def connect(self):
        connected, _ = await self.ws.connect(timeout=5)
        assert connected
        await self.ws.send_to(bytes_data=create_sync_message(self.doc))
        await self.pump()

    async def pump(self, timeout=0.3):
        """Handle whatever the server sent, until it is quiet for `timeout` seconds."""
        while True:
            # receive_output() cancels the application when it times out; ask first.
            if await self.ws.receive_nothing(timeout=timeout, interval=0.01):
                return None
            output = await self.ws.receive_output(timeout=1)
            if output["type"] == "websocket.close":
                return output["code"]
            data = output.get("bytes")
            if not data:
                continue
            if data[0] != 0:
                self.on_awareness(data)
                continue
            self.applying = True
            try:
                reply = handle_sync_message(data[1:], self.doc)
            finally:
                self.applying = False
            if reply is not None:
                await self.ws.send_to(bytes_data=reply)

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

"""Every WebSocket path accepts an app's access token (query string or Authorization header) and
refuses a forged one, in the embedded pass too: this is how the mobile apps connect."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework.test import APIClient

from challenges import services as challenge_services
from collaboration import services as room_services
from config.asgi import application
from core.consumers import CloseCode
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def login_token(user) -> str:
    response = APIClient().post(
        "/_allauth/app/v1/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["meta"]["access_token"]


def socket_paths(user) -> dict[str, str]:
    from tests.challenges.conftest import SUM_SOURCE, sum_two_challenge

    sum_two = sum_two_challenge()
    submission = challenge_services.submission_create(
        user=user, challenge=sum_two, language="python", source=SUM_SOURCE)
    room = room_services.room_create(interviewer=user, title="Token room")
    return {
        "notifications": "/ws/notifications/",
        "submission": f"/ws/submissions/{submission.id}/",
        "room document": f"/ws/rooms/{room.id}/doc",
        "room events": f"/ws/rooms/{room.id}/events/",
    }


async def first_frame(path: str, headers: list) -> dict:
    ws = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await ws.connect(timeout=5)
    assert connected, path
    output = await ws.receive_output(timeout=5)
    await ws.disconnect()
    return output


@pytest.mark.parametrize("where", ["query", "header"])
async def test_every_socket_accepts_an_access_token_without_origin(user, where):
    token = await database_sync_to_async(login_token)(user)
    paths = await database_sync_to_async(socket_paths)(user)
    for name, path in paths.items():
        if where == "query":
            output = await first_frame(f"{path}?access_token={token}", [])
        else:
            output = await first_frame(path, [(b"authorization", f"Bearer {token}".encode())])
        assert output["type"] == "websocket.send", (name, output)


async def test_every_socket_refuses_a_forged_token(user):
    paths = await database_sync_to_async(socket_paths)(user)
    for name, path in paths.items():
        output = await first_frame(f"{path}?access_token=forged.token.value", [])
        assert output == {"type": "websocket.close", "code": CloseCode.UNAUTHENTICATED}, name

"""Open WebSockets end with the sign-in they were opened with: logging out closes that session's
sockets (browser cookie or app token), a password change or reset closes every socket of the
user. Through the whole ASGI stack, with Django's and allauth's real logout and password views."""

import re

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from collaboration import services as room_services
from config.asgi import application
from core.consumers import CloseCode
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ORIGIN = (b"origin", b"http://127.0.0.1:8000")
AUTH = "/_allauth/app/v1"
NEW_PASSWORD = "a-brand-new-passphrase-77"


def browser_login(user) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def app_login(user) -> dict:
    response = APIClient().post(f"{AUTH}/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["meta"]


async def open_socket(path, *, client: Client | None = None, token: str | None = None):
    headers = [ORIGIN]
    if client is not None:
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    if token is not None:
        path = f"{path}?access_token={token}"
    ws = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await ws.connect(timeout=5)
    assert connected
    await ws.receive_from(timeout=5)  # the first frame: the unread count, the room state...
    return ws


async def closed_with(ws) -> int | None:
    """The close code the server sent, or None when the socket is still open and quiet."""
    for _ in range(20):
        if await ws.receive_nothing(timeout=1, interval=0.01):
            return None
        output = await ws.receive_output(timeout=1)
        if output["type"] == "websocket.close":
            return output["code"]
    raise AssertionError("the socket kept talking")


async def still_open(ws) -> bool:
    await ws.send_json_to({"type": "ping"})
    return (await ws.receive_json_from(timeout=5))["type"] == "pong"


async def test_browser_logout_closes_that_sessions_sockets_and_a_password_change_all(user):
    laptop, phone = await database_sync_to_async(browser_login)(user), await database_sync_to_async(browser_login)(user)
    room = await database_sync_to_async(room_services.room_create)(interviewer=user, title="Open room")
    laptop_sockets = [await open_socket("/ws/notifications/", client=laptop),
                      await open_socket(f"/ws/rooms/{room.id}/events/", client=laptop),
                      await open_socket(f"/ws/rooms/{room.id}/doc", client=laptop)]
    phone_socket = await open_socket("/ws/notifications/", client=phone)

    response = await database_sync_to_async(laptop.post)("/accounts/logout/")
    assert response.status_code == 302
    for ws in laptop_sockets:
        assert await closed_with(ws) == CloseCode.UNAUTHENTICATED
    # The same user's other session is not signed out, so its socket stays.
    assert await closed_with(phone_socket) is None and await still_open(phone_socket)

    # A second socket on the phone, then the password changes there: every socket of the user closes.
    phone_room_socket = await open_socket(f"/ws/rooms/{room.id}/events/", client=phone)
    response = await database_sync_to_async(phone.post)(
        "/accounts/password/change/", {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content
    assert await closed_with(phone_socket) == CloseCode.UNAUTHENTICATED
    assert await closed_with(phone_room_socket) == CloseCode.UNAUTHENTICATED


async def test_app_logout_closes_the_sockets_of_that_token_only(user):
    first, second = await database_sync_to_async(app_login)(user), await database_sync_to_async(app_login)(user)
    first_socket = await open_socket("/ws/notifications/", token=first["access_token"])
    second_socket = await open_socket("/ws/notifications/", token=second["access_token"])

    def app_logout():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {first['access_token']}")
        return client.delete(f"{AUTH}/auth/session")

    response = await database_sync_to_async(app_logout)()
    assert response.status_code == 401  # signed out
    assert await closed_with(first_socket) == CloseCode.UNAUTHENTICATED
    assert await closed_with(second_socket) is None and await still_open(second_socket)
    await second_socket.disconnect()


async def test_password_reset_closes_every_socket_of_the_user(user):
    browser = await database_sync_to_async(browser_login)(user)
    app = await database_sync_to_async(app_login)(user)
    sockets = [await open_socket("/ws/notifications/", client=browser),
               await open_socket("/ws/notifications/", token=app["access_token"])]

    def reset_password():
        client = APIClient()
        response = client.post(f"{AUTH}/auth/password/request", {"email": user.email}, format="json")
        session_token = response.json()["meta"]["session_token"]
        code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
        return client.post(f"{AUTH}/auth/password/reset", {"key": code, "password": NEW_PASSWORD},
                           format="json", HTTP_X_SESSION_TOKEN=session_token)

    response = await database_sync_to_async(reset_password)()
    assert response.status_code in (200, 401), response.content
    for ws in sockets:
        assert await closed_with(ws) == CloseCode.UNAUTHENTICATED


async def test_a_socket_opened_after_logout_is_refused(user):
    browser = await database_sync_to_async(browser_login)(user)
    cookie = browser.cookies["sessionid"].value
    await database_sync_to_async(browser.post)("/accounts/logout/")
    ws = WebsocketCommunicator(application, "/ws/notifications/", headers=[ORIGIN, (b"cookie", f"sessionid={cookie}".encode())])
    await ws.connect(timeout=5)
    assert (await ws.receive_output(timeout=5))["code"] == CloseCode.UNAUTHENTICATED

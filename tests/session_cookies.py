"""A signed-in user's session cookie, for WebSocket and HTTP clients that are not Django's."""

from django.test import Client


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()

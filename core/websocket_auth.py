"""WebSocket handshake security: Origin check and authentication.

A browser connection authenticates with its session cookie and must come from one of our own
origins (otherwise any site could ride the cookie). An app authenticates with its access token
(`?access_token=` or an `Authorization: Bearer` header); native WebSocket clients often send no
Origin, which is safe there because no ambient credential is involved. A foreign Origin is
refused in every case.

Every signed-in connection also listens for the end of its sign-in (logout, password change or
reset): it then closes with 4401, whichever consumer serves it."""

import asyncio
from urllib.parse import parse_qs

from allauth.headless import app_settings as headless_settings
from allauth.headless.contrib.rest_framework.authentication import JWTTokenAuthentication
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from rest_framework.exceptions import AuthenticationFailed

from core.realtime import DISPATCH_TYPE, SESSION_REVOKED, session_group, user_sessions_group
from core.request_context import WebSocketObservation

_jwt_authentication = JWTTokenAuthentication()

# Same value as core.consumers.CloseCode.UNAUTHENTICATED (not imported: that module needs the
# app registry, this one is imported by the ASGI entry point before it is ready).
SIGNED_OUT_CLOSE_CODE = 4401


def access_token_from_scope(scope) -> str | None:
    query = parse_qs(scope.get("query_string", b"").decode("latin1"))
    if query.get("access_token"):
        return query["access_token"][0]
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, credential = value.decode("latin1").partition(" ")
            if scheme.lower() == "bearer" and credential:
                return credential.strip()
    return None


def _has_origin(scope) -> bool:
    return any(name == b"origin" for name, _ in scope.get("headers", []))


def _token_session_key(token: str) -> str | None:
    """The session an access token was issued for, through the token strategy's public
    `get_session_token` (the token carries the key encrypted)."""
    request = HttpRequest()
    request.META["HTTP_AUTHORIZATION"] = f"{headless_settings.JWT_AUTHORIZATION_HEADER_SCHEME} {token}"
    return headless_settings.TOKEN_STRATEGY.get_session_token(request)


@database_sync_to_async
def user_from_access_token(token: str):
    """(user, session key) of an access token, through allauth's public authenticator (the one
    DRF uses), so that a change in allauth's internals cannot break the handshake."""
    try:
        authenticated = _jwt_authentication.authenticate_credentials(token)
    except AuthenticationFailed:
        return AnonymousUser(), None
    user = authenticated[0] if authenticated else None
    if user is None or not user.is_active:
        return AnonymousUser(), None
    return user, _token_session_key(token)


class TokenOrSessionAuthMiddleware:
    def __init__(self, inner):
        self.inner = inner
        self.session_stack = AuthMiddlewareStack(inner)

    async def __call__(self, scope, receive, send):
        token = access_token_from_scope(scope)
        if token is None:
            return await self.session_stack(scope, receive, send)
        user, session_key = await user_from_access_token(token)
        scope = dict(scope, user=user, auth_method="token", auth_session_key=session_key)
        return await self.inner(scope, receive, send)


def _scope_session_key(scope) -> str | None:
    if "auth_session_key" in scope:
        return scope["auth_session_key"]
    session = scope.get("session")
    return getattr(session, "session_key", None)


class SignInBoundConnection:
    """Ties every signed-in WebSocket to its sign-in: the connection joins its session's group
    and its user's group (core.realtime) on a channel of its own, and when a SESSION_REVOKED event
    arrives there it is closed with 4401 and the consumer is told the client left (so that it
    cleans up as on any disconnect). Done here rather than in each consumer so that no socket,
    whatever class serves it, outlives a logout or a password change."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        layer = get_channel_layer()
        if scope["type"] != "websocket" or layer is None or user is None or not user.is_authenticated:
            return await self.inner(scope, receive, send)
        groups = [user_sessions_group(user.id)]
        session_key = _scope_session_key(scope)
        if session_key:
            groups.append(session_group(session_key))
        channel = await layer.new_channel()
        for group in groups:
            await layer.group_add(group, channel)

        # One future for the connection's whole life, not a wait task per message.
        revoked = asyncio.get_running_loop().create_future()
        closed = False
        pending_receive: asyncio.Future | None = None

        async def guarded_send(message):
            nonlocal closed
            if closed:
                return  # the socket was closed for the client already
            if message.get("type") == "websocket.close":
                closed = True
            await send(message)

        async def watch():
            nonlocal closed
            while True:
                message = await layer.receive(channel)
                event = message.get("event") if message.get("type") == DISPATCH_TYPE else None
                if isinstance(event, dict) and event.get("type") == SESSION_REVOKED:
                    break
            if not closed:
                closed = True
                await send({"type": "websocket.close", "code": SIGNED_OUT_CLOSE_CODE})
            revoked.set_result(None)

        async def guarded_receive():
            nonlocal pending_receive
            if revoked.done():
                return {"type": "websocket.disconnect", "code": SIGNED_OUT_CLOSE_CODE}
            # One outstanding receive across calls: the consumer cancels its receive task when
            # it stops, and a message must never be lost to a cancelled wait.
            if pending_receive is None:
                pending_receive = asyncio.ensure_future(receive())
            if not pending_receive.done():
                # This runs for every message: a plain future woken by either, not asyncio.wait.
                woken = asyncio.get_running_loop().create_future()

                def wake(_):
                    if not woken.done():
                        woken.set_result(None)

                pending_receive.add_done_callback(wake)
                revoked.add_done_callback(wake)
                try:
                    await woken
                finally:
                    pending_receive.remove_done_callback(wake)
                    revoked.remove_done_callback(wake)
            if pending_receive.done():
                message, pending_receive = pending_receive.result(), None
                return message
            return {"type": "websocket.disconnect", "code": SIGNED_OUT_CLOSE_CODE}

        watcher = asyncio.ensure_future(watch())
        try:
            return await self.inner(scope, guarded_receive, guarded_send)
        finally:
            watcher.cancel()
            if pending_receive is not None:
                pending_receive.cancel()
            for group in groups:
                await layer.group_discard(group, channel)


class OriginValidator:
    """AllowedHostsOriginValidator, except that a token-authenticated handshake may omit Origin."""

    def __init__(self, inner):
        self.inner = inner
        self.checked = AllowedHostsOriginValidator(inner)

    async def __call__(self, scope, receive, send):
        if not _has_origin(scope) and access_token_from_scope(scope) is not None:
            return await self.inner(scope, receive, send)
        return await self.checked(scope, receive, send)


def websocket_security_stack(app):
    return OriginValidator(TokenOrSessionAuthMiddleware(WebSocketObservation(SignInBoundConnection(app))))

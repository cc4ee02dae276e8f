"""WebSocket handshake security: Origin check and authentication.

A browser connection authenticates with its session cookie and must come from one of our own
origins (otherwise any site could ride the cookie). An app authenticates with its access token
(`?access_token=` or an `Authorization: Bearer` header); native WebSocket clients often send no
Origin, which is safe there because no ambient credential is involved. A foreign Origin is
refused in every case."""

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.models import AnonymousUser
from rest_framework.exceptions import AuthenticationFailed

from allauth.headless.contrib.rest_framework.authentication import JWTTokenAuthentication

_jwt_authentication = JWTTokenAuthentication()


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


@database_sync_to_async
def user_from_access_token(token: str):
    """The access token's user, through allauth's public authenticator (the one DRF uses), so
    that a change in allauth's internals cannot break the handshake."""
    try:
        authenticated = _jwt_authentication.authenticate_credentials(token)
    except AuthenticationFailed:
        return AnonymousUser()
    user = authenticated[0] if authenticated else None
    if user is None or not user.is_active:
        return AnonymousUser()
    return user


class TokenOrSessionAuthMiddleware:
    def __init__(self, inner):
        self.inner = inner
        self.session_stack = AuthMiddlewareStack(inner)

    async def __call__(self, scope, receive, send):
        token = access_token_from_scope(scope)
        if token is None:
            return await self.session_stack(scope, receive, send)
        scope = dict(scope, user=await user_from_access_token(token), auth_method="token")
        return await self.inner(scope, receive, send)


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
    return OriginValidator(TokenOrSessionAuthMiddleware(app))

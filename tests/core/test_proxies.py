"""The client address and scheme come from X-Forwarded-* only when the direct peer is a trusted
proxy; anyone else's forwarded headers are dropped before the application sees them."""

import ipaddress

import pytest

from core.proxies import TrustedProxyMiddleware, parse_networks


async def seen_by_app(scope: dict, trusted: str) -> dict:
    seen = {}

    async def app(scope, receive, send):
        seen.update(scope)

    await TrustedProxyMiddleware(app, parse_networks(trusted))(scope, None, None)
    return seen


def http_scope(peer: str, *headers: tuple[bytes, bytes]) -> dict:
    return {"type": "http", "scheme": "http", "client": (peer, 51000), "headers": list(headers)}


@pytest.mark.asyncio
async def test_a_trusted_proxy_names_the_client_and_the_scheme():
    scope = await seen_by_app(http_scope("127.0.0.1", (b"x-forwarded-for", b"198.51.100.4"),
                                         (b"x-forwarded-proto", b"https")), "127.0.0.1/32")
    assert scope["client"][0] == "198.51.100.4" and scope["scheme"] == "https"


@pytest.mark.asyncio
async def test_the_client_is_the_rightmost_address_that_is_not_a_proxy():
    # A client that sends its own X-Forwarded-For cannot choose its address: nginx appends the
    # real one, and the right-most untrusted hop wins.
    forwarded = (b"x-forwarded-for", b"203.0.113.99, 198.51.100.4, 10.0.0.5")
    scope = await seen_by_app(http_scope("10.0.0.6", forwarded), "10.0.0.0/8")
    assert scope["client"][0] == "198.51.100.4"


@pytest.mark.asyncio
async def test_forwarded_headers_from_anyone_else_are_dropped():
    scope = await seen_by_app(http_scope("198.51.100.4", (b"x-forwarded-for", b"127.0.0.1"),
                                         (b"x-forwarded-proto", b"https"), (b"host", b"example.com")), "127.0.0.1/32")
    assert scope["client"][0] == "198.51.100.4" and scope["scheme"] == "http"
    assert scope["headers"] == [(b"host", b"example.com")]


@pytest.mark.asyncio
async def test_websockets_get_ws_or_wss():
    scope = {"type": "websocket", "scheme": "ws", "client": ("::1", 1),
             "headers": [(b"x-forwarded-proto", b"https"), (b"x-forwarded-for", b"2001:db8::7")]}
    seen = await seen_by_app(scope, "::1/128")
    assert seen["scheme"] == "wss" and ipaddress.ip_address(seen["client"][0]) == ipaddress.ip_address("2001:db8::7")

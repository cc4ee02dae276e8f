"""The client address and scheme the site trusts. Behind a reverse proxy (nginx in `make prod`)
every request comes from the proxy, which says who the client is in `X-Forwarded-For` and
whether it spoke HTTPS in `X-Forwarded-Proto`. Those headers are believed only when the direct
peer is one of TRUSTED_PROXIES; from anyone else they are removed, so that a client cannot claim
another address (rate limits, the audit log) or HTTPS. The outermost ASGI layer, for HTTP and
WebSockets alike."""

import ipaddress

FORWARDED = (b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"x-real-ip", b"forwarded")


def parse_networks(value: str) -> list:
    return [ipaddress.ip_network(item.strip(), strict=False) for item in value.split(",") if item.strip()]


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


class TrustedProxyMiddleware:
    def __init__(self, app, trusted: list):
        self.app = app
        self.trusted = trusted

    def _is_trusted(self, address) -> bool:
        return address is not None and any(address in network for network in self.trusted)

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        peer = _address((scope.get("client") or ("", 0))[0])
        headers = scope.get("headers") or []
        if not self._is_trusted(peer):
            if any(name in FORWARDED for name, _ in headers):
                scope = {**scope, "headers": [(n, v) for n, v in headers if n not in FORWARDED]}
            return await self.app(scope, receive, send)
        scope = dict(scope)
        forwarded_for = b",".join(v for n, v in headers if n == b"x-forwarded-for").decode("latin-1")
        if forwarded_for:
            # The right-most address that is not one of our proxies is the client.
            hops = [_address(hop) for hop in forwarded_for.split(",")]
            client = next((hop for hop in reversed(hops) if hop is not None and not self._is_trusted(hop)), None)
            if client is None:
                client = next((hop for hop in hops if hop is not None), None)
            if client is not None:
                scope["client"] = (str(client), 0)
        proto = next((v for n, v in headers if n == b"x-forwarded-proto"), b"").decode("latin-1").strip().lower()
        if proto in ("http", "https"):
            scope["scheme"] = proto if scope["type"] == "http" else ("wss" if proto == "https" else "ws")
        return await self.app(scope, receive, send)

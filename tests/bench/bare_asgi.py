"""The reference the request path is measured against: an ASGI app that answers every request
with a small JSON body and does nothing else, served by the same server (granian, two processes)
behind the same nginx configuration as the site. What it costs is what the server, nginx and the
machine cost; the site's ratio to it is what Django and PrepForge add."""

BODY = b'{"status": "ok"}'
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})

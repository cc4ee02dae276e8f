"""Request bodies are bounded before anything buffers them.

Django's ASGI handler reads the whole body into a spooled file before DATA_UPLOAD_MAX_MEMORY_SIZE
is ever looked at, so that setting alone lets a client make the process hold any amount. This
ASGI middleware sits in front of Django: a declared Content-Length over the limit is answered 413
at once, without reading a byte of the body; a body without one (chunked) is counted as it
streams and cut off at the limit. API paths get the JSON error envelope, pages a readable page.
"""

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string

from core.error_responses import error_json_bytes, wants_json


def _header(scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value
    return b""


def body_limit_for(content_type: bytes, path: str = "") -> int:
    """Multipart forms carry the uploads, which Django streams to disk, so they may be as large
    as the largest upload of that address: recordings (MEDIA_UPLOAD_PATHS) up to the ceiling,
    resumes and avatars up to UPLOAD_BODY_BYTES. Everything else (JSON, urlencoded forms) is read
    into memory by Django and refused there beyond DATA_UPLOAD_MAX_MEMORY_SIZE anyway."""
    ceiling = settings.MAX_REQUEST_BODY_BYTES
    if content_type.lower().startswith(b"multipart/form-data"):
        if path.rstrip("/") in settings.MEDIA_UPLOAD_PATHS:
            return ceiling
        return min(ceiling, settings.UPLOAD_BODY_BYTES)
    in_memory = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return ceiling if in_memory is None else min(ceiling, in_memory)


def too_large_response(path: str, accept: str, limit: int) -> tuple[int, str, bytes]:
    readable_limit = str(filesizeformat(limit)).replace("\xa0", " ")
    message = f"The request body is larger than the {readable_limit} this address accepts."
    if wants_json(path, accept):
        body = error_json_bytes("request_too_large", message, {"max_bytes": limit})
        return 413, "application/json", body
    page = render_to_string("400.html", {"message": message, "status": 413})
    return 413, "text/html; charset=utf-8", page.encode()


class RequestBodyLimitMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        limit = body_limit_for(_header(scope, b"content-type"), scope.get("path", ""))
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, limit)
            return

        received = 0
        refused = False

        async def counted_receive():
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Django is still reading the body, so nothing has been sent yet; it takes
                    # the disconnect as an aborted request and answers nothing itself.
                    refused = True
                    await self._refuse(scope, send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            if not refused:
                await send(message)

        await self.app(scope, counted_receive, guarded_send)

    @staticmethod
    async def _refuse(scope, send, limit: int) -> None:
        accept = _header(scope, b"accept").decode("latin-1")
        status, content_type, body = too_large_response(scope.get("path", "/"), accept, limit)
        await send({
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
                # The unread rest of the body would otherwise be taken for the next request.
                (b"connection", b"close"),
            ],
        })
        await send({"type": "http.response.body", "body": body})

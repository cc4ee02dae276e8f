"""One webhook POST to an address that address_policy already checked: the connection goes to
that address (the name is sent only as Host and as the TLS server name, so the certificate is
still checked against it), redirects are not followed, proxies from the environment are not
used, and the whole exchange is bounded in time and in the bytes read back."""

import socket
import threading
import time
from dataclasses import dataclass

import httpx

from .address_policy import WebhookTarget

EXCERPT_CHARS = 500


@dataclass(frozen=True)
class DeliveryOutcome:
    succeeded: bool
    status_code: int | None
    error: str  # "" when it succeeded; else a short code (timeout, connect_failed, http_500...)
    response_excerpt: str
    response_bytes: int
    truncated: bool
    duration_ms: int


class _ExchangeDeadline:
    """Shuts the connection's socket down when the whole exchange's time is up. httpx bounds each
    wait for bytes, not the exchange: a receiver sending its headers a byte at a time, each within
    the read timeout, would otherwise hold the worker for as long as it liked. The socket comes
    from httpcore's `trace` request extension (after the TCP connect, and again after TLS, which
    wraps it in a new socket object)."""

    def __init__(self, seconds: float):
        self.expired = False
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "_ExchangeDeadline":
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict) -> None:
        if event not in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            return
        stream = info.get("return_value")
        with self._lock:
            self._socket = stream.get_extra_info("socket") if stream is not None else None
            if self.expired:
                self._shut_down()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shut_down()

    def _shut_down(self) -> None:
        if self._socket is None:
            return
        try:
            # The plain socket's shutdown, also under TLS: it wakes the thread blocked reading.
            socket.socket.shutdown(self._socket, socket.SHUT_RDWR)
        except OSError:
            pass


def post_webhook(target: WebhookTarget, body: bytes, headers: dict[str, str], *, timeout_seconds: float,
                 max_response_bytes: int, transport: httpx.BaseTransport | None = None) -> DeliveryOutcome:
    """POST `body` and read at most `max_response_bytes` of the answer within `timeout_seconds`:
    each wait for bytes is bounded by it, and the whole exchange too (_ExchangeDeadline)."""
    started = time.monotonic()
    deadline = started + timeout_seconds
    read = bytearray()
    total = 0
    truncated = False
    status: int | None = None
    error = ""
    request_headers = {**headers, "Host": target.host_header, "Content-Type": "application/json",
                       "User-Agent": "PrepForge-Webhooks/1"}
    deadline_guard = _ExchangeDeadline(timeout_seconds)
    extensions: dict = {"trace": deadline_guard.trace}
    if target.scheme == "https":
        extensions["sni_hostname"] = target.host.strip("[]")
    try:
        with deadline_guard, httpx.Client(follow_redirects=False, trust_env=False, transport=transport,
                                          timeout=httpx.Timeout(timeout_seconds)) as client:
            with client.stream("POST", target.connect_url, content=body, headers=request_headers,
                               extensions=extensions) as response:
                status = response.status_code
                for chunk in response.iter_raw():
                    total += len(chunk)
                    if len(read) < max_response_bytes:
                        read.extend(chunk[: max_response_bytes - len(read)])
                    if total > max_response_bytes:
                        truncated = True
                        break
                    if time.monotonic() > deadline:
                        error = "timeout"
                        break
    except httpx.TimeoutException:
        error = "timeout"
    except httpx.ConnectError:
        error = "connect_failed"
    except httpx.HTTPError as exc:
        error = f"http_error:{type(exc).__name__}"
    if deadline_guard.expired and (error or status is None):
        error = "timeout"  # what the shut-down socket made of it (a disconnect, a read error)
    duration_ms = int((time.monotonic() - started) * 1000)
    if not error and status is not None:
        if 300 <= status < 400:
            error = "redirect_not_followed"
        elif not 200 <= status < 300:
            error = f"http_{status}"
    return DeliveryOutcome(succeeded=not error and status is not None, status_code=status, error=error,
                           response_excerpt=bytes(read[:EXCERPT_CHARS * 4]).decode("utf-8", "replace")[:EXCERPT_CHARS],
                           response_bytes=total, truncated=truncated, duration_ms=duration_ms)

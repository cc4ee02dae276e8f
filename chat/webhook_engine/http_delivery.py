"""One webhook POST to an address that address_policy already checked: the connection goes to
that address (the name is sent only as Host and as the TLS server name, so the certificate is
still checked against it), redirects are not followed, proxies from the environment are not
used, and the whole exchange is bounded in time and in the bytes read back."""

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


def post_webhook(target: WebhookTarget, body: bytes, headers: dict[str, str], *, timeout_seconds: float,
                 max_response_bytes: int, transport: httpx.BaseTransport | None = None) -> DeliveryOutcome:
    """POST `body` and read at most `max_response_bytes` of the answer within `timeout_seconds`
    (each wait for bytes is bounded by it too, so a silent server costs at most that much more)."""
    started = time.monotonic()
    deadline = started + timeout_seconds
    read = bytearray()
    total = 0
    truncated = False
    status: int | None = None
    error = ""
    request_headers = {**headers, "Host": target.host_header, "Content-Type": "application/json",
                       "User-Agent": "PrepForge-Webhooks/1"}
    extensions = {"sni_hostname": target.host.strip("[]")} if target.scheme == "https" else {}
    try:
        with httpx.Client(follow_redirects=False, trust_env=False, transport=transport,
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
    duration_ms = int((time.monotonic() - started) * 1000)
    if not error and status is not None:
        if 300 <= status < 400:
            error = "redirect_not_followed"
        elif not 200 <= status < 300:
            error = f"http_{status}"
    return DeliveryOutcome(succeeded=not error and status is not None, status_code=status, error=error,
                           response_excerpt=bytes(read[:EXCERPT_CHARS * 4]).decode("utf-8", "replace")[:EXCERPT_CHARS],
                           response_bytes=total, truncated=truncated, duration_ms=duration_ms)

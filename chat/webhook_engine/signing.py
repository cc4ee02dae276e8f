"""How a webhook delivery is signed, and how a receiver checks it.

The signature is HMAC-SHA256, keyed by the bot's webhook secret, over "<timestamp>.<body>":
signing the time with the body lets a receiver refuse a captured delivery replayed later
(outside the tolerance window), and the body cannot be changed without the secret."""

import hashlib
import hmac

TIMESTAMP_HEADER = "X-PrepForge-Timestamp"
SIGNATURE_HEADER = "X-PrepForge-Signature"
SIGNATURE_VERSION = "v1"
REPLAY_WINDOW_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SIGNATURE_VERSION}={mac.hexdigest()}"


def signature_headers(secret: str, body: bytes, now: float) -> dict[str, str]:
    timestamp = int(now)
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(secret, timestamp, body)}


def signature_valid(*, secret: str, body: bytes, timestamp_header: str | None, signature_header: str | None,
                    now: float, tolerance_seconds: int = REPLAY_WINDOW_SECONDS) -> bool:
    """What a receiver runs: the timestamp is within the window and one of the header's
    comma-separated signatures matches (compared in constant time)."""
    if not timestamp_header or not signature_header or not timestamp_header.isdigit():
        return False
    timestamp = int(timestamp_header)
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, given.strip()) for given in signature_header.split(","))

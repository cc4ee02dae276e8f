"""WebRTC signalling messages of a call (a room's or a chat's), checked before they are relayed.

No Django here: the rooms' events consumer and the chat socket hand each `call.signal` message
to `signal_read`, which
returns the only fields that are relayed (nothing else a client adds reaches the other peer), or
raises `SignalRejected` with the close code the connection gets. Bounds are generous for real
SDP (a Chromium offer with audio and video is 5-10 KB) and tight enough that a socket cannot use
the relay to push large payloads to another person."""

import re
from dataclasses import dataclass

MAX_SDP_CHARS = 32 * 1024
MAX_CANDIDATE_CHARS = 1024
MAX_MID_CHARS = 64
MAX_UFRAG_CHARS = 256
MAX_MLINE_INDEX = 63
PEER_ID = re.compile(r"[0-9a-f]{32}")
DESCRIPTION_TYPES = ("offer", "answer")

BAD_MESSAGE = 4400
TOO_LARGE = 4413


@dataclass(frozen=True)
class SignalRejected(Exception):
    close_code: int
    reason: str

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class Signal:
    to: str  # the addressed peer's id
    payload: dict  # {"description": {...}} or {"candidate": {...}}


def _bad(reason: str) -> SignalRejected:
    return SignalRejected(BAD_MESSAGE, reason)


def _bounded_text(value, name: str, limit: int, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _bad(f"{name} must be text")
    if len(value) > limit:
        raise SignalRejected(TOO_LARGE, f"{name} is longer than {limit} characters")
    return value


def peer_id_read(value) -> str:
    if not isinstance(value, str) or not PEER_ID.fullmatch(value):
        raise _bad("`to` must be a peer id of this call")
    return value


def description_read(value) -> dict:
    if not isinstance(value, dict):
        raise _bad("description must be an object")
    kind = value.get("type")
    if kind not in DESCRIPTION_TYPES:
        raise _bad("description type must be offer or answer")
    sdp = _bounded_text(value.get("sdp"), "sdp", MAX_SDP_CHARS)
    if not sdp or not sdp.startswith("v=0"):
        raise _bad("sdp must be a session description (starting with v=0)")
    return {"type": kind, "sdp": sdp}


def candidate_read(value) -> dict:
    """An RTCIceCandidateInit. An empty `candidate` is the end-of-candidates marker."""
    if not isinstance(value, dict):
        raise _bad("candidate must be an object")
    text = _bounded_text(value.get("candidate"), "candidate", MAX_CANDIDATE_CHARS)
    if text and not text.startswith(("candidate:", "a=candidate:")):
        raise _bad("candidate must be an ICE candidate line")
    mid = _bounded_text(value.get("sdpMid"), "sdpMid", MAX_MID_CHARS, optional=True)
    index = value.get("sdpMLineIndex")
    if index is not None and (isinstance(index, bool) or not isinstance(index, int)
                              or not 0 <= index <= MAX_MLINE_INDEX):
        raise _bad(f"sdpMLineIndex must be a whole number from 0 to {MAX_MLINE_INDEX}")
    if text and mid is None and index is None:
        raise _bad("a candidate needs sdpMid or sdpMLineIndex")
    ufrag = _bounded_text(value.get("usernameFragment"), "usernameFragment", MAX_UFRAG_CHARS, optional=True)
    return {"candidate": text, "sdpMid": mid, "sdpMLineIndex": index, "usernameFragment": ufrag}


def signal_read(message: dict) -> Signal:
    """`{"type": "call.signal", "to": <peer id>, "description": {...}}` or the same with
    `"candidate": {...}`: exactly one of the two."""
    to = peer_id_read(message.get("to"))
    has_description = message.get("description") is not None
    has_candidate = message.get("candidate") is not None
    if has_description == has_candidate:
        raise _bad("a signal carries either a description or a candidate")
    if has_description:
        return Signal(to=to, payload={"description": description_read(message["description"])})
    return Signal(to=to, payload={"candidate": candidate_read(message["candidate"])})

"""Who is in a room's audio/video call, across web processes.

Nothing of a call is stored in the database: media flows between the browsers, and the server
only relays their signalling. Each events connection that joins gets a random peer id; the shared
cache maps `(room, peer id)` to that connection's channel and seat, so a signal is sent to
exactly the addressed connection (through the channel layer, whichever process holds it) and
only when it joined this room's call. An entry goes when its connection leaves the call or
closes; one whose process died expires with CALL_PEER_TTL."""

import secrets
from dataclasses import dataclass

from django.core.cache import cache

CALL_PEER_TTL = 12 * 3600


@dataclass(frozen=True)
class CallPeer:
    peer_id: str
    channel: str
    participant_id: int


def _key(room_id, peer_id: str) -> str:
    return f"room-call:{room_id}:{peer_id}"


def new_peer_id() -> str:
    return secrets.token_hex(16)


async def call_peer_add(*, room_id, peer: CallPeer) -> None:
    await cache.aset(_key(room_id, peer.peer_id), {"channel": peer.channel, "participant": peer.participant_id},
                     timeout=CALL_PEER_TTL)


async def call_peer_remove(*, room_id, peer_id: str) -> None:
    await cache.adelete(_key(room_id, peer_id))


async def call_peer_get(*, room_id, peer_id: str) -> CallPeer | None:
    """The connection behind a peer id of this room's call; None when it is not (or no longer) in it."""
    entry = await cache.aget(_key(room_id, peer_id))
    if not isinstance(entry, dict):
        return None
    return CallPeer(peer_id=peer_id, channel=entry["channel"], participant_id=entry["participant"])

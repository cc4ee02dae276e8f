"""Who is in an audio/video call, across web processes: a room's call or a chat's.

Nothing of the media is stored: it flows between the browsers, and the server only relays their
signalling. Each connection that joins a call gets a random peer id; the shared cache maps
`(call scope, peer id)` to that connection's channel and to the seat or user it speaks for, so a
signal is sent to exactly the addressed connection (through the channel layer, whichever process
holds it) and only when it joined that call. A scope names one call: `room:<id>` for a room's,
`chat-call:<id>` for a chat's. An entry goes when its connection leaves the call or closes; one
whose process died expires with CALL_PEER_TTL."""

import secrets
from dataclasses import dataclass

from django.core.cache import cache

CALL_PEER_TTL = 12 * 3600


@dataclass(frozen=True)
class CallPeer:
    peer_id: str
    channel: str
    # Who the connection speaks for: a room participant's id, or a chat call's user id.
    participant_id: int


def _key(scope: str, peer_id: str) -> str:
    return f"call-peer:{scope}:{peer_id}"


def new_peer_id() -> str:
    return secrets.token_hex(16)


async def call_peer_add(*, scope: str, peer: CallPeer) -> None:
    await cache.aset(_key(scope, peer.peer_id), {"channel": peer.channel, "participant": peer.participant_id},
                     timeout=CALL_PEER_TTL)


async def call_peer_remove(*, scope: str, peer_id: str) -> None:
    await cache.adelete(_key(scope, peer_id))


async def call_peer_get(*, scope: str, peer_id: str) -> CallPeer | None:
    """The connection behind a peer id of this call; None when it is not (or no longer) in it."""
    entry = await cache.aget(_key(scope, peer_id))
    if not isinstance(entry, dict):
        return None
    return CallPeer(peer_id=peer_id, channel=entry["channel"], participant_id=entry["participant"])

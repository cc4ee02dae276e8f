"""Calls over /ws/chat/: the part of the chat socket that starts, answers and ends calls
(chat.call_services) and relays WebRTC signalling between the sockets in a call, as the rooms
do (core.call_peers, core.webrtc_signalling).

Client messages:
- call.start {chat_id, media: "audio"|"video"}: ring the chat's other members;
- call.accept {call_id}, call.reject {call_id}, call.end {call_id};
- call.signal {call_id, to: <peer id>, description | candidate}: to one peer of the call.

The socket that starts or accepts a call joins it as a peer: it gets `call.ready` {call_id,
peer_id, ice_servers}; the peers already in the call hear `call.peer_joined` {call_id, peer_id,
user} and send it their offers (a mesh: each pair has its own connection). `call.peer_left`
says that a peer went. Signalling has a rate bound of its own (CHAT_CALL_SIGNAL_RATE); a flood
closes the socket with 4429, a malformed signal with 4400, an oversized one with 4413."""

from channels.db import database_sync_to_async
from django.conf import settings

from core.call_peers import CallPeer, call_peer_add, call_peer_get, call_peer_remove, new_peer_id
from core.consumers import AuthenticatedJsonConsumer, CloseCode, call_message_of
from core.exceptions import ApplicationError
from core.rate_limits import TokenBucket
from core.webrtc_signalling import MAX_SDP_CHARS, SignalRejected, signal_read

from . import call_services
from .call_models import CallStatus

# A signal frame may carry a whole session description (a Chromium video offer is 5-10 KB), far
# over the 4 KB that bounds the socket's other messages; signal_read bounds the SDP itself.
CALL_MESSAGE_MAX_BYTES = MAX_SDP_CHARS + 4096


def chat_call_group(call_id: int) -> str:
    """The sockets that joined one chat call (the peers)."""
    return f"chat.call.{call_id}"


def _call_scope(call_id: int) -> str:
    return f"chat-call:{call_id}"


class ChatCallConsumer(AuthenticatedJsonConsumer):
    """The call part of chat.consumers.ChatConsumer, which builds on it."""

    call_id: int | None = None
    call_peer_id: str | None = None

    def call_setup(self):
        self.call_bucket = TokenBucket(*settings.CHAT_CALL_SIGNAL_RATE)

    def call_handlers(self) -> dict:
        return {"call.start": self.handle_call_start, "call.accept": self.handle_call_accept,
                "call.reject": self.handle_call_reject, "call.end": self.handle_call_end,
                "call.signal": self.handle_call_signal}

    async def receive(self, text_data=None, bytes_data=None):
        raw = text_data if text_data is not None else bytes_data
        message = None
        if raw is not None and len(raw) <= CALL_MESSAGE_MAX_BYTES and hasattr(self, "call_bucket"):
            message = call_message_of(raw)
        if message is None:
            await super().receive(text_data=text_data, bytes_data=bytes_data)
            return
        if not self.call_bucket.allow():
            await self.close(code=CloseCode.RATE_LIMITED)
            return
        handler = self.call_handlers().get(message["type"])
        if handler is None:
            await self._call_error("unknown_type", f"Unknown message type {message['type']!r}.")
            return
        await handler(message)

    async def _call_error(self, code: str, message: str):
        await self.send_json({"type": "error", "code": code, "message": message})

    async def _call_service(self, function, **kwargs):
        try:
            return await database_sync_to_async(function)(user=self.user, **kwargs)
        except ApplicationError as error:
            await self._call_error(error.code, error.message)
            return None

    @staticmethod
    def _id_field(message, name):
        value = message.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63 else None

    async def handle_call_start(self, message):
        chat_id = self._id_field(message, "chat_id")
        if chat_id is None:
            await self._call_error("not_found", "No such chat.")
            return
        if self.call_id is not None:
            await self._call_error("already_in_call", "This tab is in a call already.")
            return
        call = await self._call_service(call_services.call_start, chat_id=chat_id, media=message.get("media"))
        if call is not None and call.status != CallStatus.ENDED:
            await self._call_join(call.id)

    async def handle_call_accept(self, message):
        call_id = self._id_field(message, "call_id")
        if self.call_id is not None:
            await self._call_error("already_in_call", "This tab is in a call already.")
            return
        call = await self._call_service(call_services.call_accept, call_id=call_id)
        if call is not None:
            await self._call_join(call.id)

    async def handle_call_reject(self, message):
        await self._call_service(call_services.call_reject, call_id=self._id_field(message, "call_id"))

    async def handle_call_end(self, message):
        call_id = self._id_field(message, "call_id")
        if call_id is not None and call_id == self.call_id:
            await self._call_part()
        await self._call_service(call_services.call_leave, call_id=call_id)

    async def _call_join(self, call_id: int):
        self.call_id, self.call_peer_id = call_id, new_peer_id()
        await call_peer_add(scope=_call_scope(call_id),
                            peer=CallPeer(self.call_peer_id, self.channel_name, self.user.id))
        layer = self.channel_layer
        await layer.group_add(chat_call_group(call_id), self.channel_name)
        await layer.group_send(chat_call_group(call_id), {"type": "call.peer", "event": {
            "type": "call.peer_joined", "call_id": call_id, "peer_id": self.call_peer_id,
            "user": {"id": self.user.id, "username": self.user.username,
                     "name": self.user.display_name}}})
        await self.send_json({"type": "call.ready", "call_id": call_id,
                              "peer_id": self.call_peer_id, "ice_servers": settings.WEBRTC_ICE_SERVERS})

    async def _call_part(self):
        """This socket stops being a peer of its call (the call itself may go on)."""
        call_id, peer_id = self.call_id, self.call_peer_id
        self.call_id = self.call_peer_id = None
        if call_id is None or peer_id is None:
            return
        await call_peer_remove(scope=_call_scope(call_id), peer_id=peer_id)
        layer = self.channel_layer
        await layer.group_discard(chat_call_group(call_id), self.channel_name)
        await layer.group_send(chat_call_group(call_id), {"type": "call.peer", "event": {
            "type": "call.peer_left", "call_id": call_id, "peer_id": peer_id}})

    async def call_hang_up_on_close(self):
        """The socket closed (tab gone, network lost): its user leaves the call it was in."""
        call_id = self.call_id
        if call_id is None:
            return
        await self._call_part()
        await self._call_service(call_services.call_leave, call_id=call_id)

    async def handle_call_signal(self, message):
        try:
            signal = signal_read(message)
        except SignalRejected as rejected:
            await self._call_error("bad_signal", rejected.reason)
            await self.close(code=rejected.close_code)
            return
        call_id = self._id_field(message, "call_id")
        if self.call_id is None or call_id != self.call_id:
            await self._call_error("call_not_joined", "Join the call before you signal.")
            return
        target = await call_peer_get(scope=_call_scope(call_id), peer_id=signal.to)
        if target is None or target.peer_id == self.call_peer_id:
            await self._call_error("call_peer_gone", "That person is no longer in the call.")
            return
        await self.channel_layer.send(target.channel, {
            "type": "call.relay", "call_id": call_id, "to": target.peer_id,
            "event": {"type": "call.signal", "call_id": call_id, "from": self.call_peer_id,
                      "from_user": self.user.id, **signal.payload}})

    async def call_relay(self, message):
        # Only while this socket is still that peer of that call.
        if self.call_peer_id is not None and message.get("call_id") == self.call_id \
                and message.get("to") == self.call_peer_id:
            await self.send_json(message["event"])

    async def call_peer(self, message):
        event = message["event"]
        if event.get("call_id") != self.call_id or event.get("peer_id") == self.call_peer_id:
            return  # our own joining, or a call this socket has left
        await self.send_json(event)

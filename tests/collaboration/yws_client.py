"""A y-websocket peer over a real network connection: a pycrdt document synchronised with
/ws/rooms/<id>/doc on a running server. Used by the cross-process test and the benchmark."""

import asyncio

from pycrdt import Doc, Text, create_sync_message, create_update_message, handle_sync_message


class NetworkPeer:
    def __init__(self, url: str, cookie: str):
        self.url = url
        self.cookie = cookie
        self.doc = Doc()
        self.text = self.doc.get("code", type=Text)
        self.applying = False
        self.outbox: list[bytes] = []
        self.doc.observe(lambda event: None if self.applying else self.outbox.append(event.update))
        self.changed = asyncio.Event()
        self.socket = None
        self.reader = None

    async def connect(self):
        import websockets

        self.socket = await websockets.connect(self.url, additional_headers={
            "Cookie": self.cookie, "Origin": self.url.replace("ws://", "http://").split("/ws/")[0]},
            open_timeout=20, max_size=2**22)
        await self.socket.send(create_sync_message(self.doc))
        self.reader = asyncio.create_task(self._read())

    async def _read(self):
        async for message in self.socket:
            if not isinstance(message, bytes) or not message or message[0] != 0:
                continue
            self.applying = True
            try:
                reply = handle_sync_message(message[1:], self.doc)
            finally:
                self.applying = False
            if reply is not None:
                await self.socket.send(reply)
            self.changed.set()

    async def type(self, position: int, text: str):
        self.text.insert(position, text)
        while self.outbox:
            await self.socket.send(create_update_message(self.outbox.pop(0)))

    async def wait_for(self, predicate, timeout: float = 10.0):
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate(str(self.text)):
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError(f"document is {str(self.text)!r}")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                pass

    async def close(self):
        if self.reader:
            self.reader.cancel()
        if self.socket:
            await self.socket.close()

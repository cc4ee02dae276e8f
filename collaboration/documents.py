"""The rooms' shared documents, kept in memory per process while someone in this process is
connected, and rebuilt from the stored updates when the first connection arrives (after a
restart, or on another web process). Every process applies every update it hears about, so its
copy stays current for the next person who joins."""

import asyncio

from channels.db import database_sync_to_async
from pycrdt import Doc, Text

from . import selectors

TEXT_NAME = "code"  # the Y.Text the editors bind to


class RoomDocument:
    def __init__(self):
        self.doc = Doc()
        self.text = self.doc.get(TEXT_NAME, type=Text)
        self.connections = 0

    def apply(self, update: bytes) -> None:
        self.doc.apply_update(update)

    def length(self) -> int:
        return len(str(self.text))


_documents: dict[str, RoomDocument] = {}
_loading: dict[str, asyncio.Lock] = {}


async def document_open(room_id) -> RoomDocument:
    key = str(room_id)
    lock = _loading.setdefault(key, asyncio.Lock())
    async with lock:
        document = _documents.get(key)
        if document is None:
            document = RoomDocument()
            for update in await database_sync_to_async(selectors.document_updates)(room_id=room_id):
                document.apply(update)
            _documents[key] = document
        document.connections += 1
        return document


def document_release(room_id) -> None:
    key = str(room_id)
    document = _documents.get(key)
    if document is None:
        return
    document.connections -= 1
    if document.connections <= 0:
        _documents.pop(key, None)  # frees the memory; the updates are stored
        _loading.pop(key, None)


def document_if_open(room_id) -> RoomDocument | None:
    return _documents.get(str(room_id))


def open_document_count() -> int:
    return len(_documents)

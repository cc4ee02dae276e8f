"""Storing the rooms' document updates in batches, off the relay path.

An update is relayed first and queued here; every ROOM_FLUSH_SECONDS (or sooner, at
ROOM_FLUSH_MAX_UPDATES) the queue is written in one transaction on a thread of its own (not the
shared database thread the other consumers wait on), with `last_activity_at` at most every
ROOM_ACTIVITY_SECONDS per room, and a checkpoint every ROOM_CHECKPOINT_EVERY updates of a room.

What a crash can lose: at most the updates of the window not yet committed. Every one of them is
still in the documents of the clients that typed or received it, and a y-websocket client that
reconnects answers the server's sync step 1 (our state vector) with sync step 2: everything the
server lacks. So the lost updates come back, and are stored, on the next connection of any peer
that held them. A room's queue is also flushed when its last connection here leaves, and before
its document is loaded, so a reload never misses what this process accepted."""

import asyncio
import logging
import time
import weakref
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import DatabaseError, connection

from . import services

logger = logging.getLogger(__name__)


class UpdateBatcher:
    def __init__(self):
        self.pending: list[tuple[str, int | None, bytes]] = []
        self.wakeup = asyncio.Event()
        self.flush_lock = asyncio.Lock()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="room-updates")
        self.touched_at: dict[str, float] = {}
        self.since_checkpoint: dict[str, int] = {}
        self.task: asyncio.Task | None = None
        self.submitted = 0  # updates queued so far
        self.committed = 0  # of those, how many are committed (they commit in order)
        self.in_flight: dict[str, int] = {}  # room -> updates being written now
        self.waiters: list[tuple[int, asyncio.Future]] = []

    def submit(self, room_id: str, participant_id: int | None, update: bytes) -> None:
        self.pending.append((str(room_id), participant_id, update))
        self.submitted += 1
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run())
        self.wakeup.set()

    def pending_for(self, room_id: str) -> list[bytes]:
        return [update for room, _, update in self.pending if room == str(room_id)]

    def note_loaded(self, room_id: str, since_checkpoint: int) -> None:
        self.since_checkpoint[str(room_id)] = max(self.since_checkpoint.get(str(room_id), 0), since_checkpoint)

    async def flush_room(self, room_id: str) -> None:
        """Return once every update of this room queued so far is committed (not waiting for
        what other rooms queue meanwhile)."""
        room_id = str(room_id)
        if not self.in_flight.get(room_id) and not any(room == room_id for room, _, _ in self.pending):
            return
        target = self.submitted
        future = asyncio.get_running_loop().create_future()
        self.waiters.append((target, future))
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run())
        self.wakeup.set()
        await future

    async def flush(self) -> None:
        """Store everything queued (tests, shutdown)."""
        while self.pending or self.flush_lock.locked():
            await self._flush_once()

    async def _flush_once(self) -> None:
        async with self.flush_lock:
            loop = asyncio.get_running_loop()
            while self.pending:
                batch = self.pending[:settings.ROOM_FLUSH_MAX_UPDATES]
                del self.pending[:len(batch)]
                now = time.monotonic()
                rooms = {room for room, _, _ in batch}
                for room, _, _ in batch:
                    self.in_flight[room] = self.in_flight.get(room, 0) + 1
                touch = {room for room in rooms
                         if now - self.touched_at.get(room, -1e9) >= settings.ROOM_ACTIVITY_SECONDS}
                for room, _, _ in batch:
                    self.since_checkpoint[room] = self.since_checkpoint.get(room, 0) + 1
                due = [room for room in rooms if self.since_checkpoint[room] >= settings.ROOM_CHECKPOINT_EVERY]
                try:
                    await loop.run_in_executor(self.executor, self._store, batch, touch, due)
                except DatabaseError:
                    logger.exception("room updates: storing %d failed; retrying", len(batch))
                    self.pending[:0] = batch  # in front, in order
                    for room, _, _ in batch:
                        self.since_checkpoint[room] -= 1
                        self.in_flight[room] -= 1
                    await asyncio.sleep(0.5)
                    continue
                for room, _, _ in batch:
                    self.in_flight[room] -= 1
                    if not self.in_flight[room]:
                        del self.in_flight[room]
                self.committed += len(batch)
                for room in touch:
                    self.touched_at[room] = now
                for room in due:
                    self.since_checkpoint[room] = 0
                still_waiting = []
                for target, future in self.waiters:
                    if target <= self.committed:
                        if not future.done():
                            future.set_result(None)
                    else:
                        still_waiting.append((target, future))
                self.waiters = still_waiting
                if not self.waiters:
                    break  # the next window gathers the rest

    def _store(self, batch, touch, due) -> None:
        try:
            services.document_updates_store(updates=batch, touch_rooms=touch)
            for room in due:
                services.document_checkpoint_create(room_id=room)
        except DatabaseError:
            connection.close()  # a broken connection is not reused
            raise

    def _close_connection(self) -> None:
        connection.close()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                await asyncio.wait_for(self.wakeup.wait(), timeout=2.0)
            except TimeoutError:
                # Idle: the thread's database connection is not kept open.
                await loop.run_in_executor(self.executor, self._close_connection)
                continue
            if len(self.pending) < settings.ROOM_FLUSH_MAX_UPDATES and not self.waiters:
                await asyncio.sleep(settings.ROOM_FLUSH_SECONDS)  # gather one window
            self.wakeup.clear()
            await self._flush_once()
            if self.pending:
                self.wakeup.set()


_batchers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, UpdateBatcher]" = weakref.WeakKeyDictionary()


def update_batcher() -> UpdateBatcher:
    """The batcher of the running event loop (one per process under an ASGI server)."""
    loop = asyncio.get_running_loop()
    batcher = _batchers.get(loop)
    if batcher is None:
        batcher = _batchers[loop] = UpdateBatcher()
    return batcher

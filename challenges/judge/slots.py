"""Bounded concurrency across every process on this machine, and one uid per running program.

A slot is an exclusive lock on a file; holding slot n means running as uid BASE_UID + n, so that
the process limit (RLIMIT_NPROC counts per uid) bounds each run alone. Runs queue for a slot
rather than overload the machine."""

import fcntl
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

BASE_UID = 61000


class NoFreeSlot(Exception):
    pass


class SlotPool:
    def __init__(self, size: int, lock_dir: Path | None = None):
        self.size = max(1, size)
        self.lock_dir = Path(lock_dir or Path(tempfile.gettempdir()) / "prepforge-judge-slots")
        self.lock_dir.mkdir(mode=0o700, parents=True, exist_ok=True)

    @contextmanager
    def acquire(self, timeout: float = 120.0):
        deadline = time.monotonic() + timeout
        while True:
            for slot in range(self.size):
                handle = os.open(self.lock_dir / f"slot-{slot}.lock", os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(handle)
                    continue
                try:
                    yield slot
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
                    os.close(handle)
                return
            if time.monotonic() > deadline:
                raise NoFreeSlot(f"all {self.size} judge slots stayed busy for {timeout:.0f}s")
            time.sleep(0.02)

"""The limited child process: a Python module of this project run in a fresh interpreter under
CPU-time, address-space, file-size and core-dump limits, with a wall-clock timeout, a clean
environment and a bounded number at once on this machine (flock slots shared by the web and
Celery processes). Avatar decoding (accounts.services.profiles) and images in the media pipeline
(core.media_services: chat attachments) run their workers through it; resume parsing
(resumes.services) applies the same limits itself, because it holds its reader slot across the
version's state change."""

import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from challenges.judge.slots import NoFreeSlot, SlotPool

ROOT = Path(__file__).resolve().parent.parent


class ChildBusy(Exception):
    """Every slot stayed busy for as long as the caller would wait."""


class ChildTimeout(Exception):
    """The child ran past its wall-clock limit and was killed."""


@dataclass(frozen=True)
class ChildLimits:
    seconds: int  # CPU seconds; the wall clock allows twice that
    memory_bytes: int  # address space
    max_file_bytes: int = 0  # 0: it writes no files
    concurrency: int = 2
    lock_dir: str = ""
    queue_seconds: float = 20.0


def run_limited_child(module: str, args: list[str], *, stdin: bytes, limits: ChildLimits) -> subprocess.CompletedProcess:
    """`python -m module *args` with `stdin`, under `limits`. Raises ChildBusy or ChildTimeout;
    otherwise returns the finished process (a child stopped by its memory or CPU limit has a
    non-zero return code: the caller says what that means)."""

    def apply_limits():
        resource.setrlimit(resource.RLIMIT_CPU, (limits.seconds, limits.seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.max_file_bytes, limits.max_file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    pool = SlotPool(limits.concurrency, lock_dir=Path(limits.lock_dir) if limits.lock_dir else None)
    try:
        with pool.acquire(timeout=limits.queue_seconds):
            return subprocess.run([sys.executable, "-m", module, *args], input=stdin, capture_output=True,
                                  timeout=limits.seconds * 2, cwd=ROOT, preexec_fn=apply_limits,
                                  env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"})
    except NoFreeSlot:
        raise ChildBusy()
    except subprocess.TimeoutExpired:
        raise ChildTimeout()

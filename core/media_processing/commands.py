"""Running Debian's ffmpeg and ffprobe on untrusted files: a wall-clock limit, CPU, file-size and
core-dump limits, output read up to a bound, and the whole process group killed at the end."""

import os
import resource
import signal
import subprocess
from dataclasses import dataclass

FFMPEG = "/usr/bin/ffmpeg"
FFPROBE = "/usr/bin/ffprobe"


class MediaCommandTimeout(Exception):
    """ffmpeg/ffprobe ran past its time limit (a hostile or pathological file, or a busy machine):
    worth retrying later, unlike a refusal."""


class MediaCommandFailed(Exception):
    def __init__(self, message: str, stderr: str = ""):
        super().__init__(message)
        self.stderr = stderr


@dataclass
class CommandResult:
    stdout: bytes
    stderr: str
    truncated: bool  # stdout went past max_output and was cut there


def run_media_command(args: list[str], *, timeout: float, max_output: int, max_file_bytes: int = 0,
                      check: bool = True) -> CommandResult:
    """Run one ffmpeg/ffprobe command. `max_file_bytes` bounds any file it writes (0: none)."""

    def limits():
        os.setsid()  # its own process group, so that a timeout kills every thread and child
        cpu = int(timeout * 4) + 1  # CPU seconds over all threads (2 cores), generous; the wall limit rules
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        file_limit = max_file_bytes or 1
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               preexec_fn=limits, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})
    try:
        stdout, stderr = _communicate_bounded(process, timeout=timeout, max_output=max_output)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise MediaCommandTimeout(f"{os.path.basename(args[0])} took longer than {timeout:g} s")
    finally:
        _kill_group(process)
    truncated = len(stdout) > max_output
    text = stderr[-4000:].decode(errors="replace")
    if check and process.returncode != 0 and not truncated:
        raise MediaCommandFailed(f"{os.path.basename(args[0])} exited with {process.returncode}", text)
    return CommandResult(stdout[:max_output], text, truncated)


def _communicate_bounded(process: subprocess.Popen, *, timeout: float, max_output: int) -> tuple[bytes, bytes]:
    """Like communicate(), but stop reading stdout once it passes `max_output` (then kill)."""
    import selectors
    import time

    deadline = time.monotonic() + timeout
    out, err = bytearray(), bytearray()
    assert process.stdout is not None and process.stderr is not None
    streams = {process.stdout.fileno(): out, process.stderr.fileno(): err}
    selector = selectors.DefaultSelector()
    for fd in streams:
        selector.register(fd, selectors.EVENT_READ)
    try:
        while streams:
            left = deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(process.args, timeout)
            for key, _ in selector.select(timeout=min(left, 1.0)):
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    selector.unregister(key.fd)
                    del streams[key.fd]
                    continue
                buffer = streams[key.fd]
                buffer += chunk
                if key.fd == process.stderr.fileno() and len(buffer) > 1 << 16:
                    del buffer[:-(1 << 15)]  # keep the tail: the error is at the end
                if key.fd == process.stdout.fileno() and len(buffer) > max_output:
                    return bytes(out), bytes(err)
        process.wait(timeout=max(deadline - time.monotonic(), 0.01))
    finally:
        selector.close()
    return bytes(out), bytes(err)


def _kill_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()

"""Running one untrusted program with limits.

`BwrapSandbox` runs it inside bubblewrap: a read-only view of the system directories, the work
directory at /box, a fresh /tmp, new user/PID/IPC/UTS/network/cgroup namespaces (so no network
at all), a clean environment, no capabilities, and the process tree killed with its parent.
On top of that, rlimits bound CPU time, address space, processes, file size and open files; the
wall clock and the captured output are bounded here. When the judge runs as root, each run also
drops to an unprivileged uid of its own slot, so the process limit counts only that run.

`RlimitSandbox` is the fallback without bubblewrap: the same rlimits, no isolation. It is not
safe for untrusted code and the site says so (and refuses it with DEBUG off)."""

import ctypes
import errno
import hashlib
import os
import resource
import select
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import IO, Any

from .limits import Limits

# Read-only system paths visible inside the sandbox (those that exist on this machine).
SYSTEM_DIRS = ("/usr", "/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf",
               "/etc/ld.so.conf.d", "/etc/java-17-openjdk", "/etc/java-21-openjdk",
               "/etc/ssl/certs", "/etc/localtime")
MERGED_USR_LINKS = (("usr/bin", "/bin"), ("usr/sbin", "/sbin"), ("usr/lib", "/lib"),
                    ("usr/lib64", "/lib64"), ("usr/lib32", "/lib32"))
SANDBOX_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8",
               "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8", "PYTHONDONTWRITEBYTECODE": "1"}
READ_CHUNK = 65536


class Status:
    OK = "OK"
    RUNTIME_ERROR = "RE"  # non-zero exit
    SIGNALED = "SG"  # killed by a signal
    TIMED_OUT = "TO"  # CPU or wall time
    OUTPUT_LIMIT = "OL"  # stdout over the limit
    ERROR_LIMIT = "EL"  # stderr over the limit
    MEMORY_LIMIT = "ML"
    INTERNAL = "XX"


@dataclass
class ExecutionResult:
    stdout: bytes = b""
    stderr: bytes = b""
    output: bytes = b""  # stdout and stderr as one stream, in the order they arrived
    exit_code: int | None = None  # set only when the program exited
    signal: int | None = None  # set only when a signal ended it
    cpu_time: float = 0.0
    wall_time: float = 0.0
    memory: int | None = None  # the program's own peak resident bytes; None when not measured
    status: str = Status.OK
    message: str = ""
    timed_out_wall: bool = False
    notes: list[str] = field(default_factory=list)


HELPER_SOURCE = Path(__file__).with_name("helper.c")
HELPER_IN_SANDBOX = "/.pf-helper"
REPORT_FD = 3
PR_SET_CHILD_SUBREAPER = 36
ZOMBIE_ROOM = 4
STOP_GRACE = 1.0  # seconds the reaper has to stop the program and report


@lru_cache(maxsize=1)
def helper_binary() -> Path | None:
    """The helper (helper.c), compiled once per machine and source version. None without gcc,
    in which case a Python preexec_fn sets the limits and no usage report comes from inside."""
    source = HELPER_SOURCE.read_bytes()
    digest = hashlib.sha256(source).hexdigest()[:16]
    cache = Path(os.environ.get("PREPFORGE_JUDGE_CACHE", tempfile.gettempdir())) / "prepforge-judge"
    binary = cache / f"helper-{digest}"
    if binary.exists():
        return binary
    compiler = shutil.which("gcc") or shutil.which("cc")
    if not compiler:
        return None
    cache.mkdir(mode=0o755, parents=True, exist_ok=True)
    partial = cache / f".helper-{digest}-{os.getpid()}"
    built = subprocess.run([compiler, "-O2", "-static", "-o", str(partial), str(HELPER_SOURCE)],
                           capture_output=True)
    if built.returncode != 0:  # no static libc: a dynamic binary works too (/usr is mounted)
        built = subprocess.run([compiler, "-O2", "-o", str(partial), str(HELPER_SOURCE)], capture_output=True)
    if built.returncode != 0:
        return None
    os.chmod(partial, 0o755)
    os.replace(partial, binary)
    return binary


def _parse_report(raw: bytes) -> tuple[int, float, int] | None:
    try:
        status, cpu_us, maxrss_kb = raw.split()[:3]
        return int(status), int(cpu_us) / 1e6, int(maxrss_kb) * 1024
    except ValueError:
        return None


@cache
def _subreaper_for(pid: int) -> bool:
    return become_subreaper()


def _subreaper_once() -> bool:
    return _subreaper_for(os.getpid())  # once per process, forks included


def _wait_for_exit(pid: int, timeout: float) -> None:
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        return
    try:
        select.select([pidfd], [], [], max(0.0, timeout))
    finally:
        os.close(pidfd)


def bwrap_path() -> str | None:
    return shutil.which("bwrap", path="/usr/bin:/bin:/usr/local/bin")


def _processes_of(uid: int) -> list[int]:
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _count_processes_of(uid: int) -> int:
    return len(_processes_of(uid))


def become_subreaper() -> bool:
    """Orphans of our sandboxes (bubblewrap's namespace init outlives its monitor) are
    re-parented to this process instead of the machine's init, so that we can reap them at once."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _state_and_parent(pid: int) -> tuple[str, int] | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return fields[0].decode(), int(fields[1])
    except (OSError, IndexError, ValueError):
        return None


def clear_uid(uid: int, timeout: float = 3.0) -> bool:
    """Kill whatever still runs as a slot's uid, until only zombies are left, and reap the
    zombies that are ours. (A leftover zombie holds no resources; the next run's process budget
    has room for a few.) True when nothing of that uid runs any more."""
    deadline = time.monotonic() + timeout
    me = os.getpid()
    while True:
        running = 0
        for pid in _processes_of(uid):
            state = _state_and_parent(pid)
            if state is None:
                continue
            if state[0] == "Z":
                if state[1] == me:
                    try:
                        os.waitpid(pid, os.WNOHANG)
                    except ChildProcessError:
                        pass
                continue
            running += 1
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if not running:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.0005)



class Sandbox:
    isolated = False
    name = "base"

    def __init__(self, run_as_uid: int | None = None):
        # Only root can switch to another uid; others run as themselves.
        self.run_as_uid = run_as_uid if os.geteuid() == 0 else None
        _subreaper_once()

    # --- building the command -----------------------------------------------------------------
    def wrap(self, argv: list[str], box: Path, writable_box: bool, env: dict) -> list[str]:
        raise NotImplementedError

    def _process_budget(self, processes: int) -> int:
        if self.run_as_uid is None:
            # Without our own uid the limit counts every process of this user: allow what is
            # already running plus the run's own budget.
            return _count_processes_of(os.getuid()) + processes
        return processes

    def _launch_arguments(self, limits: Limits, address_space: int, processes: int,
                          report_fd: int | None, stop_fd: int | None) -> list[str]:
        return [str(self.run_as_uid if self.run_as_uid is not None else -1),
                str(max(1, int(limits.cpu_time + 0.999))), str(address_space),
                str(self._process_budget(processes)), str(limits.file_size), str(limits.open_files),
                str(report_fd if report_fd is not None else -1), str(stop_fd if stop_fd is not None else -1)]

    def _preexec(self, limits: Limits, address_space: int, processes: int, report_fd: int | None = None):
        run_as = self.run_as_uid
        nproc = self._process_budget(processes)

        cpu = max(1, int(limits.cpu_time + 0.999))

        def apply():
            if report_fd is not None:
                os.dup2(report_fd, REPORT_FD)
            os.setsid()
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
            resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size, limits.file_size))
            resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            resource.setrlimit(resource.RLIMIT_STACK, (64 * 1024 * 1024, 64 * 1024 * 1024))
            if run_as is not None:
                os.setgroups([])
                os.setgid(run_as)
                os.setuid(run_as)
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))

        return apply

    # --- running ------------------------------------------------------------------------------
    def execute(self, argv: list[str], box: Path, *, stdin_path: Path | None, limits: Limits,
                address_space_extra: int = 0, threads_extra: int = 0, writable_box: bool = False,
                env: dict | None = None) -> ExecutionResult:
        full_env = dict(SANDBOX_ENV, **(env or {}))
        command = self.wrap(argv, box, writable_box, full_env)
        address_space = limits.memory + address_space_extra
        # bubblewrap itself takes two processes (its monitor and the namespace's init), and a few
        # zombies of earlier runs may not be reaped yet.
        processes = limits.processes + threads_extra + (2 if self.isolated else 0) + ZOMBIE_ROOM
        stdin: IO[bytes] | int = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        result = ExecutionResult()
        report_read, report_write = os.pipe() if self.uses_reaper else (None, None)
        # Closing stop_write asks the reaper to kill the program and report (see helper.c).
        stop_read, stop_write = os.pipe() if self.uses_reaper else (None, None)
        helper = helper_binary()
        if helper is not None:
            command = [str(helper), "launch", *self._launch_arguments(limits, address_space, processes,
                                                                      report_write, stop_read), "--", *command]
            spawn: dict[str, Any] = {"pass_fds": tuple(fd for fd in (report_write, stop_read) if fd is not None)}
        else:
            spawn = {"preexec_fn": self._preexec(limits, address_space, processes, report_write),
                     "pass_fds": (REPORT_FD,) if report_write is not None else ()}
        started = time.monotonic()
        try:
            process = subprocess.Popen(
                command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, close_fds=True,
                env=full_env if not self.isolated else {"PATH": SANDBOX_ENV["PATH"]},
                cwd=str(box), **spawn,
            )
        except OSError as error:
            result.status, result.message = Status.INTERNAL, f"could not start: {error}"
            if stop_write is not None:
                os.close(stop_write)
            return result
        finally:
            if not isinstance(stdin, int):
                stdin.close()
            for fd in (report_write, stop_read):
                if fd is not None:
                    os.close(fd)
        stop = [stop_write] if stop_write is not None else []
        try:
            self._collect(process, limits, result, started, report_read, stop)
        finally:
            for fd in stop:
                os.close(fd)
            self._kill_tree(process)
            if report_read is not None:
                os.close(report_read)
            if self.run_as_uid is not None and not clear_uid(self.run_as_uid):
                result.notes.append(f"processes of uid {self.run_as_uid} outlived the run")
        return result

    uses_reaper = False

    def _collect(self, process, limits: Limits, result: ExecutionResult, started: float,
                 report_read: int | None = None, stop: list[int] | None = None):
        deadline = started + limits.wall_time
        out, err, both = bytearray(), bytearray(), bytearray()
        overflow = None
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ, ("out", out))
        selector.register(process.stderr, selectors.EVENT_READ, ("err", err))
        open_streams = 2
        while open_streams:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                result.timed_out_wall = True
                break
            for key, _ in selector.select(timeout=min(remaining, 0.5)):
                chunk = os.read(key.fd, READ_CHUNK)
                name, buffer = key.data
                if not chunk:
                    selector.unregister(key.fileobj)
                    open_streams -= 1
                    continue
                room = limits.output - len(buffer)
                buffer += chunk[:max(room, 0)]
                both += chunk[:max(room, 0)]
                if len(chunk) > room:
                    overflow = name
                    break
            if overflow:
                break
        selector.close()
        if overflow or result.timed_out_wall:
            if stop:
                # The reaper kills the program and reports its own figures up to now.
                os.close(stop.pop())
                _wait_for_exit(process.pid, STOP_GRACE)
            self._kill_tree(process)

        # Reap with resource usage (CPU and peak memory include waited-for descendants). A pidfd
        # says when the process has exited, without polling.
        wait_deadline = max(deadline, time.monotonic()) + 2
        _wait_for_exit(process.pid, wait_deadline - time.monotonic())
        while True:
            try:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            except ChildProcessError:
                pid, status, usage = process.pid, 0, None
                break
            if pid:
                break
            if time.monotonic() > wait_deadline:
                result.timed_out_wall = True
                self._kill_tree(process)
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.0002)
        process.returncode = 0  # reaped here; keep Popen from waiting again
        result.wall_time = time.monotonic() - started
        result.stdout, result.stderr, result.output = bytes(out), bytes(err), bytes(both)
        if usage is not None:
            # CPU time counts from the fork, so it is the run's own. Peak memory is not: the child
            # of a fork (or vfork) inherits this process's high-water mark, so it says nothing
            # about the program and is never used.
            result.cpu_time = usage.ru_utime + usage.ru_stime
        reported = False
        if os.WIFSIGNALED(status):
            result.signal = os.WTERMSIG(status)
        elif os.WIFEXITED(status):
            result.exit_code = os.WEXITSTATUS(status)
        if report_read is not None:
            os.set_blocking(report_read, False)
            try:
                report = _parse_report(os.read(report_read, 256))
            except BlockingIOError:
                report = None
            if report is not None:
                # The program's own figures, measured by its parent inside the sandbox: its real
                # wait status, so an exit code above 128 stays an exit code.
                program_status, result.cpu_time, result.memory = report
                result.signal = os.WTERMSIG(program_status) if os.WIFSIGNALED(program_status) else None
                result.exit_code = os.WEXITSTATUS(program_status) if os.WIFEXITED(program_status) else None
                reported = True
            elif not result.timed_out_wall and result.signal is None:
                result.notes.append("no usage report from inside the sandbox")
        self._classify(result, limits, overflow, reported)

    def _classify(self, result: ExecutionResult, limits: Limits, overflow: str | None, reported: bool = False):
        # Without the reaper's report all we have is bwrap's (or the reaper's) own exit code,
        # which folds a signal into 128 + signal: the best reading of it, though ambiguous.
        if not reported and result.signal is None and result.exit_code is not None and result.exit_code > 128 and (
                self.isolated or self.uses_reaper):
            result.signal, result.exit_code = result.exit_code - 128, None
        if overflow == "out":
            result.status, result.message = Status.OUTPUT_LIMIT, "stdout length exceeded"
        elif overflow == "err":
            result.status, result.message = Status.ERROR_LIMIT, "stderr length exceeded"
        elif result.timed_out_wall:
            result.status, result.message = Status.TIMED_OUT, "wall-time limit exceeded"
        elif result.cpu_time > limits.cpu_time or result.signal in (signal.SIGXCPU,):
            result.status, result.message = Status.TIMED_OUT, "CPU-time limit exceeded"
        elif result.signal == signal.SIGXFSZ:
            result.status, result.message = Status.OUTPUT_LIMIT, "file size limit exceeded"
        elif result.signal is not None:
            result.status = Status.SIGNALED
            result.message = signal.Signals(result.signal).name if result.signal in signal.Signals._value2member_map_ else f"signal {result.signal}"
        elif result.exit_code:
            result.status, result.message = Status.RUNTIME_ERROR, f"exit code {result.exit_code}"
        if (result.memory or 0) > limits.memory and result.status in (Status.OK, Status.RUNTIME_ERROR, Status.SIGNALED):
            result.status, result.message = Status.MEMORY_LIMIT, "memory limit exceeded"

    def _kill_tree(self, process):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        except OSError as error:
            if error.errno != errno.ESRCH:
                raise


class BwrapSandbox(Sandbox):
    isolated = True
    name = "bubblewrap"

    def __init__(self, run_as_uid: int | None = None, bwrap: str | None = None):
        super().__init__(run_as_uid)
        self.bwrap = bwrap or bwrap_path()
        if not self.bwrap:
            raise RuntimeError("bubblewrap (bwrap) is not installed")
        self.helper = helper_binary()
        self.uses_reaper = self.helper is not None

    def wrap(self, argv, box, writable_box, env):
        command = [self.bwrap, "--unshare-all", "--die-with-parent", "--new-session",
                   "--cap-drop", "ALL", "--clearenv"]
        for path in SYSTEM_DIRS:
            if os.path.exists(path):
                command += ["--ro-bind", path, path]
        for target, link in MERGED_USR_LINKS:
            if os.path.islink(link):
                command += ["--symlink", target, link]
        command += ["--proc", "/proc", "--dev", "/dev",
                    "--size", str(64 * 1024 * 1024), "--tmpfs", "/tmp",
                    "--bind" if writable_box else "--ro-bind", str(box), "/box",
                    "--chdir", "/box"]
        for key, value in env.items():
            command += ["--setenv", key, value]
        if self.helper is not None:
            command += ["--ro-bind", str(self.helper), HELPER_IN_SANDBOX]
            argv = [HELPER_IN_SANDBOX, "reap", *argv]
        return [*command, "--", *argv]


class RlimitSandbox(Sandbox):
    """No isolation: for development machines without bubblewrap only."""

    isolated = False
    name = "rlimits only (unsafe)"

    def __init__(self, run_as_uid: int | None = None):
        super().__init__(run_as_uid)
        # The helper's reaper measures the program itself: a process started from this big one
        # would otherwise report this process's peak memory as its own.
        self.helper = helper_binary()
        self.uses_reaper = self.helper is not None

    def wrap(self, argv, box, writable_box, env):
        return [str(self.helper), "reap", *argv] if self.helper is not None else list(argv)

    def execute(self, argv, box, **kwargs):
        # Without a mount namespace the program sees the box at its real path.
        argv = [str(box / a[2:]) if a.startswith("./") else a for a in argv]
        return super().execute(argv, box, **kwargs)

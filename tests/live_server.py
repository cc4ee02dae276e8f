"""Real server processes for the tests that need them: the site's ASGI server serving config.asgi
(pages, API, WebSockets; how each server starts is said once, in `asgi_server_command`) and a
Celery worker, both pointed at the test database."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_database_url() -> str:
    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def process_env(tmp_path: Path, **overrides) -> dict:
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_SETTINGS"))
    }
    env.update({
        "PREPFORGE_TESTING": "1",
        "DEBUG": "1",
        "DATABASE_URL": test_database_url(),
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "PYTHONUNBUFFERED": "1",
    })
    env.update({k: str(v) for k, v in overrides.items()})
    return env


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listened on port {port} within {timeout}s")


@contextmanager
def running(command: list[str], env: dict, log_path: Path, port: int | None = None, ready=None,
            cwd: Path = ROOT):
    log = open(log_path, "wb")
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        if port is not None:
            wait_for_port(port, process)
        if ready is not None:
            ready(process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            # The whole session: a server's worker that outlives its parent keeps serving
            # (and using CPU) long after the test.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # workers the parent left behind
        log.close()


# The server `make run` uses; tests/bench/test_asgi_servers.py is the measurement behind it.
ASGI_SERVER = "granian"
ASGI_SERVERS = ("daphne", "uvicorn", "granian")
_serving: dict[str, subprocess.Popen] = {}


def server_root() -> Path:
    """The checkout whose server the live tests start: this one, or another worktree's
    (`PREPFORGE_SERVER_ROOT=/path/to/checkout`), so that a test written here can be pointed at a
    server that is being changed elsewhere. That checkout's own .venv runs it."""
    configured = os.environ.get("PREPFORGE_SERVER_ROOT")
    return Path(configured).resolve() if configured else ROOT


def asgi_server_command(port: int, server: str = ASGI_SERVER, root: Path = ROOT) -> list[str]:
    """The one place that says how each ASGI server is started on a port."""
    bin_dir = VENV_BIN if root == ROOT else root / ".venv" / "bin"
    target = "config.asgi:application"
    if server == "daphne":
        return [str(bin_dir / "daphne"), "-b", "127.0.0.1", "-p", str(port), target]
    if server == "uvicorn":
        return [str(bin_dir / "uvicorn"), "--host", "127.0.0.1", "--port", str(port),
                "--ws", "websockets", "--lifespan", "off", "--no-access-log", target]
    if server == "granian":
        # asginl: ASGI without the lifespan protocol, which Django does not speak.
        return [str(bin_dir / "granian"), "--interface", "asginl", "--host", "127.0.0.1",
                "--port", str(port), "--workers", os.environ.get("WEB_WORKERS", "1"), "--no-access-log", target]
    raise ValueError(f"unknown ASGI server {server!r}")


@dataclass
class LiveServer:
    url: str  # http://127.0.0.1:PORT
    pid: int  # the server process (its children, if any, are its workers: see server_pids)


@contextmanager
def live_asgi_server(tmp_path: Path, server: str = ASGI_SERVER, **env_overrides):
    """Yields a LiveServer serving the site on a free port, with the test database."""
    root = server_root()
    env = process_env(tmp_path, **env_overrides)
    if root != ROOT:
        # Another checkout may have migrations this one lacks.
        subprocess.run([str(root / ".venv" / "bin" / "python"), "manage.py", "migrate", "--noinput"],
                       cwd=root, env=env, check=True, capture_output=True)
    port = free_port()
    with running(asgi_server_command(port, server, root), env, tmp_path / f"{server}-{port}.log",
                 port=port, cwd=root) as process:
        base_url = f"http://127.0.0.1:{port}"
        _serving[base_url] = process
        try:
            yield LiveServer(url=base_url, pid=process.pid)
        finally:
            _serving.pop(base_url, None)


@contextmanager
def asgi_server(tmp_path: Path, server: str = ASGI_SERVER, **env_overrides):
    """Yields the base URL of a process serving the site on a free port (`server_pids` gives its
    process ids)."""
    with live_asgi_server(tmp_path, server, **env_overrides) as live:
        yield live.url


def server_pids(base_url: str) -> list[int]:
    """The server process and its children (granian serves from worker processes)."""
    pids, pending = [], [_serving[base_url].pid]
    while pending:
        pid = pending.pop()
        pids.append(pid)
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as children:
                pending.extend(int(child) for child in children.read().split())
        except FileNotFoundError:
            pass
    return pids


def server_rss_bytes(base_url: str, peak: bool = False) -> int:
    """Resident memory of the whole server (all its processes), from /proc: now, or the peak
    since `reset_peak_rss` (memory freed right after a request never shows in the current RSS)."""
    field = "VmHWM:" if peak else "VmRSS:"
    total = 0
    for pid in server_pids(base_url):
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith(field):
                        total += int(line.split()[1]) * 1024
        except FileNotFoundError:
            pass
    return total


def reset_peak_rss(base_url: str) -> None:
    for pid in server_pids(base_url):
        try:
            with open(f"/proc/{pid}/clear_refs", "w") as clear_refs:
                clear_refs.write("5")  # the kernel's "reset the peak RSS to the current RSS"
        except FileNotFoundError:
            pass


def app_login(base_url: str, email: str, password: str | None = None) -> str:
    """An access token from the app login (allauth headless), as a mobile app gets one."""
    from tests.factories import PASSWORD

    request = urllib.request.Request(f"{base_url}/_allauth/app/v1/auth/login", method="POST",
                                     data=json.dumps({"email": email, "password": password or PASSWORD}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read())["meta"]["access_token"]

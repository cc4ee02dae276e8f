"""Real server processes for the tests that need them: the site's ASGI server serving config.asgi
(pages, API, WebSockets) and a Celery worker, both pointed at the test database."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
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
def running(command: list[str], env: dict, log_path: Path, port: int | None = None, ready=None):
    log = open(log_path, "wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
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
            process.kill()
            process.wait(timeout=5)
        log.close()


# The server `make run` uses; tests/bench/test_asgi_servers.py is the measurement behind it.
ASGI_SERVER = "granian"
ASGI_SERVERS = ("daphne", "uvicorn", "granian")
_serving: dict[str, subprocess.Popen] = {}


def asgi_server_command(port: int, server: str = ASGI_SERVER) -> list[str]:
    """The one place that says how each ASGI server is started on a port."""
    target = "config.asgi:application"
    if server == "daphne":
        return [str(VENV_BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), target]
    if server == "uvicorn":
        return [str(VENV_BIN / "uvicorn"), "--host", "127.0.0.1", "--port", str(port),
                "--ws", "websockets", "--lifespan", "off", "--no-access-log", target]
    if server == "granian":
        # asginl: ASGI without the lifespan protocol, which Django does not speak.
        return [str(VENV_BIN / "granian"), "--interface", "asgi", "--host", "127.0.0.1",
                "--port", str(port), "--workers", "1", "--no-access-log", target]
    raise ValueError(f"unknown ASGI server {server!r}")


@contextmanager
def asgi_server(tmp_path: Path, server: str = ASGI_SERVER, **env_overrides):
    """Yields the base URL of a process serving the site on a free port (`server_pids` gives its
    process ids)."""
    port = free_port()
    command = asgi_server_command(port, server)
    with running(command, process_env(tmp_path, **env_overrides), tmp_path / f"{server}-{port}.log",
                 port=port) as process:
        base_url = f"http://127.0.0.1:{port}"
        _serving[base_url] = process
        try:
            yield base_url
        finally:
            _serving.pop(base_url, None)


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

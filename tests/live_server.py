"""Real server processes for the tests that need them: daphne serving config.asgi (pages, API,
WebSockets) and a Celery worker, both pointed at the test database."""

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


@contextmanager
def asgi_server(tmp_path: Path, **env_overrides):
    """Yields the base URL of a daphne process serving the site on a free port."""
    port = free_port()
    command = [str(VENV_BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]
    with running(command, process_env(tmp_path, **env_overrides), tmp_path / f"daphne-{port}.log", port=port):
        yield f"http://127.0.0.1:{port}"

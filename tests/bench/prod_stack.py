"""The production-style run (`make prod`: deploy/prod.sh, nginx in front of two granian web
processes, a Celery worker and beat, on PostgreSQL and Redis) started for a benchmark, and a
reference beside it: the same nginx configuration in front of two granian processes serving the
bare ASGI app of tests/bench/bare_asgi.py.

The site runs with tests/bench/bench_settings.py: config.settings plus a middleware that counts
each view's queries and time (off until a benchmark turns it on), and throttle rates high enough
that a load generator on one address is measured rather than refused (the throttles still run:
their cache reads and writes are part of every API call measured)."""

import contextlib
import os
import shutil
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.live_server import ROOT, VENV_BIN, free_port, running, wait_for_port

HIGH_RATE = "1000000/min"


def skip_reason() -> str | None:
    if not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)"
    if not os.path.exists("/usr/sbin/nginx"):
        return "needs nginx (apt-get install nginx-light)"
    if shutil.which("bwrap") is None:
        return "needs bubblewrap for the judge (apt-get install bubblewrap)"
    return None


@dataclass
class Stack:
    nginx: str  # the site through nginx
    web: list[str]  # each web process directly (for the per-process view profiles)
    reference: str  # nginx in front of the bare ASGI app
    reference_ports: list[int]  # its granian processes
    var: Path
    log: Path


def _wait_until_answering(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited early with code {process.returncode}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


@contextmanager
def production_stack(name: str, **extra_env: str):
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    base, own = os.environ["DATABASE_URL"].rsplit("/", 1)
    # Named after the caller's own database, so that engineers sharing one PostgreSQL server do
    # not drop each other's benchmark database.
    database = f"{own.split('?', 1)[0]}_bench_{name}"
    ports = {"PROD_PORT": free_port(), "WEB1_PORT": free_port(), "WEB2_PORT": free_port()}
    # Under the checkout, not pytest's temporary directory: nginx's workers (another user) read
    # the static files from here.
    var = ROOT / "var" / f"bench-{name}-{os.getpid()}"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "DJANGO_SETTINGS"))}
    env.pop("PREPFORGE_TESTING", None)
    env.update({key: str(value) for key, value in ports.items()})
    env.update({
        "DJANGO_SETTINGS_MODULE": "tests.bench.bench_settings",
        "DATABASE_URL": f"{base}/{database}", "PREPFORGE_VAR_DIR": str(var), "CELERY_QUEUE": f"bench-{name}",
        "CACHE_KEY_PREFIX": f"bench-{name}", "PROMETHEUS_MULTIPROC_DIR": str(var / "metrics"),
        "EMAIL_FILE_PATH": str(var / "mail"), "PYTHONUNBUFFERED": "1",
        "THROTTLE_ANON": HIGH_RATE, "THROTTLE_USER": HIGH_RATE, "THROTTLE_WRITES": HIGH_RATE,
        "THROTTLE_UPLOADS": HIGH_RATE, "THROTTLE_RUNS": HIGH_RATE, "THROTTLE_LOGIN": "100000/m/ip",
        "CHAT_MESSAGES_PER_MINUTE": "1000000",
        **extra_env,
    })
    subprocess.run(["redis-cli", "-u", env["REDIS_URL"], "flushdb"], capture_output=True)
    subprocess.run([str(VENV_BIN / "python"), "-c", (
        "import psycopg; c = psycopg.connect(dbname='postgres', host='127.0.0.1', user='postgres', autocommit=True);"
        f"c.execute('DROP DATABASE IF EXISTS {database}')")], capture_output=True)
    log = var / "prod.log"
    ref_ports = [free_port(), free_port()]
    ref_listen = free_port()
    with contextlib.ExitStack() as stack:
        process = stack.enter_context(running(["./deploy/prod.sh"], env, log, cwd=ROOT))
        try:
            for port in (ports["WEB1_PORT"], ports["WEB2_PORT"], ports["PROD_PORT"]):
                wait_for_port(port, process, timeout=900)  # collectstatic compresses every file first
            nginx = f"http://127.0.0.1:{ports['PROD_PORT']}"
            _wait_until_answering(f"{nginx}/health", process, 120)  # granian listens before Django is loaded
            for port in ref_ports:
                stack.enter_context(running(
                    [str(VENV_BIN / "granian"), "--interface", "asginl", "--host", "127.0.0.1", "--port", str(port),
                     "--no-access-log", "tests.bench.bare_asgi:app"], env, var / f"bare-{port}.log", port=port))
            conf = var / "reference-nginx.conf"
            subprocess.run([str(VENV_BIN / "python"), "manage.py", "render_nginx_conf", str(conf),
                            "--listen", f"127.0.0.1:{ref_listen}", "--run-dir", str(var / "reference-nginx"),
                            *[arg for port in ref_ports for arg in ("--upstream", f"127.0.0.1:{port}")]],
                           cwd=ROOT, env=env, check=True, capture_output=True)
            stack.enter_context(running(["/usr/sbin/nginx", "-c", str(conf)], env, var / "reference-nginx.log",
                                        port=ref_listen))
            yield Stack(nginx=nginx, web=[f"http://127.0.0.1:{ports['WEB1_PORT']}", f"http://127.0.0.1:{ports['WEB2_PORT']}"],
                        reference=f"http://127.0.0.1:{ref_listen}", reference_ports=ref_ports, var=var, log=log)
        except Exception:
            print(log.read_text(errors="replace")[-5000:])
            raise
    shutil.rmtree(var, ignore_errors=True)


def login_token(base: str, email: str, password: str = "prepforge-demo") -> str:
    response = httpx.post(f"{base}/_allauth/app/v1/auth/login", json={"email": email, "password": password}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["meta"]["access_token"]


def session_cookie(base: str, email: str, password: str = "prepforge-demo") -> str:
    """A browser's session: allauth's login form, with its CSRF token, as a person signs in."""
    with httpx.Client(base_url=base, timeout=30, follow_redirects=False) as client:
        page = client.get("/accounts/login/")
        csrf = client.cookies["csrftoken"]
        assert page.status_code == 200
        response = client.post("/accounts/login/", data={"login": email, "password": password, "csrfmiddlewaretoken": csrf},
                               headers={"Referer": f"{base}/accounts/login/"})
        assert response.status_code == 302, response.text[:500]
        return client.cookies["sessionid"]

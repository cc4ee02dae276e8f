"""The container recipe (Dockerfile, compose.yaml) agrees with what it packages: the processes of
deploy/Procfile with the same arguments, nginx from deploy/nginx.conf.template with every value
the template asks for (the body limit equal to the site's), environment variables the settings
really read, and the image's promises (multi-stage, Python 3.11 slim, `uv sync --locked`, a user
that is not root, static files collected, granian, a health check on /health). No image is built
here (the registry is not reachable from CI); `docker compose config` checks the file's syntax
where the compose plugin is installed."""

import re
import shlex
import shutil
import subprocess

import pytest
import yaml

from tests.live_server import ROOT

pytestmark = pytest.mark.services

APP_SERVICES = ("web1", "web2", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> str:
    # Continuation lines joined: one instruction per line.
    return (ROOT / "Dockerfile").read_text().replace("\\\n", " ")


def procfile_with_environment() -> dict[str, tuple[dict[str, str], list[str]]]:
    """Each process: the NAME=value words its line starts with, and its command."""
    processes = {}
    for line in (ROOT / "deploy" / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            words = shlex.split(command)
            environment = {}
            while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
                key, value = words.pop(0).split("=", 1)
                environment[key] = value
            processes[name.strip()] = (environment, words)
    return processes


def procfile() -> dict[str, list[str]]:
    return {name: command for name, (_, command) in procfile_with_environment().items()}


def without_places(command: list[str]) -> list[str]:
    """A command without what differs between one machine and a container: the venv's path,
    the host and port it listens on, where beat keeps its schedule."""
    words, skip = [], False
    for word in command:
        if skip:
            skip = False
            continue
        if word in ("--host", "--port"):
            skip = True
            continue
        if word.startswith("--schedule="):
            continue
        words.append(word.removeprefix(".venv/bin/"))
    return words


def settings_environment() -> set[str]:
    """Every environment variable the settings read."""
    names = set()
    for path in [*(ROOT / "config").glob("*.py"), *(ROOT / "core").glob("*.py")]:
        names |= set(re.findall(r"""(?:environ\.get|env_bool|env_list|environ\[|getenv)\(?\s*["']([A-Z][A-Z0-9_]+)["']""",
                                path.read_text()))
    return names


def test_the_compose_file_runs_the_procfile_processes(compose):
    services = compose["services"]
    assert set(services) >= {"web1", "web2", "worker", "beat", "nginx", "postgres", "redis"}
    processes = procfile()
    for name, process in (("web1", "web1"), ("web2", "web2"), ("worker", "worker"), ("beat", "beat")):
        assert without_places(services[name]["command"]) == without_places(processes[process]), name
        environment, _ = procfile_with_environment()[process]
        for key, value in environment.items():  # DB_POOL=0 for Celery: set in compose too
            assert str(services[name]["environment"][key]) == value, (name, key)
    # Each process listens where nginx sends it, and the image's own command is the web process.
    upstreams = services["nginx"]["environment"]["UPSTREAMS"]
    for name in ("web1", "web2"):
        command = services[name]["command"]
        assert command[command.index("--host") + 1] == "0.0.0.0"
        assert f"server {name}:{command[command.index('--port') + 1]};" in upstreams


def test_nginx_gets_every_value_its_template_asks_for(compose, dockerfile, settings):
    template = (ROOT / "deploy" / "nginx.conf.template").read_text()
    asked = set(re.findall(r"\$\{([A-Z_]+)\}", template))
    given = compose["services"]["nginx"]["environment"]
    assert asked == set(given)
    assert int(given["MAX_BODY"]) == settings.MAX_REQUEST_BODY_BYTES
    assert int(given["UPLOAD_BODY"]) == settings.UPLOAD_BODY_BYTES
    assert given["MEDIA_PATHS"] == "|".join(settings.MEDIA_UPLOAD_PATHS)
    # The nginx stage fills exactly those names, and takes the template and the static files.
    nginx_stage = dockerfile[dockerfile.index("AS nginx"):]
    assert set(re.findall(r"\$\{([A-Z_]+)\}", nginx_stage.split("envsubst", 1)[1].split("<", 1)[0])) == asked
    assert "COPY deploy/nginx.conf.template" in nginx_stage and "/app/var/staticfiles /srv/static" in nginx_stage
    assert given["STATIC_ROOT"] == "/srv/static"
    # The only address the site believes for forwarded headers is nginx's.
    address = compose["services"]["nginx"]["networks"]["prepforge"]["ipv4_address"]
    for name in APP_SERVICES:
        assert compose["services"][name]["environment"]["TRUSTED_PROXIES"] == f"{address}/32"


def test_the_containers_set_only_variables_the_settings_read(compose):
    read = settings_environment()
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"} <= read  # the scan works
    for name in (*APP_SERVICES, "migrate"):
        environment = compose["services"][name]["environment"]
        assert set(environment) <= read, (name, set(environment) - read)
        assert environment["DEBUG"] == "0" and environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://redis:")
        assert "@postgres:5432/" in environment["DATABASE_URL"]
    # Web processes and the worker share the uploads (the worker reads the resumes).
    for name in ("web1", "web2", "worker"):
        assert "data:/data" in compose["services"][name]["volumes"]


def test_the_image_is_built_the_way_the_project_is_installed(dockerfile):
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", dockerfile, re.MULTILINE)
    assert len(stages) >= 3 and {"deps", "app", "nginx"} <= {name for _, name in stages}
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim-\w+$", dockerfile, re.MULTILINE)
    assert "uv sync --locked" in dockerfile
    makefile_uv = re.search(r"^UV_VERSION := (\S+)", (ROOT / "Makefile").read_text(), re.MULTILINE).group(1)
    assert f'"uv=={makefile_uv}"' in dockerfile
    app_stage = dockerfile[dockerfile.index("AS app"):dockerfile.index("AS nginx")]
    users = re.findall(r"^USER\s+(\S+)", app_stage, re.MULTILINE)
    assert users and users[-1] not in ("root", "0") and "useradd" in app_stage
    assert "manage.py collectstatic" in app_stage
    assert re.search(r"^HEALTHCHECK .*http://127\.0\.0\.1:8000/health", app_stage, re.MULTILINE)
    command = re.search(r"^CMD (\[.*\])$", app_stage, re.MULTILINE).group(1)
    assert without_places(yaml.safe_load(command)) == without_places(procfile()["web1"])


def _compose_plugin() -> str | None:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return docker
    return None


# Only where Docker's compose plugin is installed (it is not on CI's machine today).
if _compose_plugin():
    def test_compose_config_accepts_the_file():
        result = subprocess.run([_compose_plugin(), "compose", "-f", str(ROOT / "compose.yaml"), "config", "--quiet"],
                                capture_output=True, text=True, timeout=60,
                                env={"PATH": "/usr/bin:/bin:/usr/local/bin", "SECRET_KEY": "x", "POSTGRES_PASSWORD": "x"})
        assert result.returncode == 0, result.stderr

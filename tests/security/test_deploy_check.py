import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="0",
                     SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="prepforge.example.com")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {"DEBUG": "0", "ALLOWED_HOSTS": "prepforge.example.com"}
    result = _manage("check", **env, SECRET_KEY="")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr

"""Keeps the workers of a parallel run (`pytest -n N`, pytest-xdist) out of each other's way.

Loaded with `-p` so that it runs before Django reads its settings. The database needs nothing
here (pytest-django gives each worker its own test database, `<name>_gw<N>`), but Redis does:
the cache is cleared before every test and the Celery broker and channel layer share the URL,
so each worker gets its own Redis database number, and so do the servers and Celery workers
the tests start (they inherit the environment)."""

import os
import re

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
_redis_url = os.environ.get("REDIS_URL", "")
if _worker.startswith("gw") and _redis_url:
    index = int(_worker[2:])
    match = re.fullmatch(r"(redis://[^/]+)(?:/(\d+))?", _redis_url)
    if match and index:
        base = int(match.group(2) or 0)
        # 13 and up are taken by tests that name their own database (the production-stack smoke).
        os.environ["REDIS_URL"] = f"{match.group(1)}/{(base + index) % 13}"

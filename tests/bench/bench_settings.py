"""The site's settings for the benchmarks' production-style run: config.settings as shipped,
with tests/bench/view_profile.py's middleware first in the chain (it counts every query of the
request, the session and user loads of the middleware included)."""

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

MIDDLEWARE = ["tests.bench.view_profile.ViewProfileMiddleware", *MIDDLEWARE]

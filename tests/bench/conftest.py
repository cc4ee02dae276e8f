import pytest

from tests.bench.prod_stack import production_stack


@pytest.fixture(scope="session")
def prod_stack():
    """One production-style run for the benchmarks that need it (starting one takes minutes:
    collectstatic compresses every file). Throttle rates per second, so that a throttle's history
    stays as short as a second of requests (a rate per minute high enough for a load generator
    would have each API call read and write a list of every request of the last minute)."""
    with production_stack("bench", THROTTLE_USER="1000000/s", THROTTLE_ANON="1000000/s") as running:
        yield running

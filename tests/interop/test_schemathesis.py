"""Schemathesis (the real client, pinned in uv.lock) against the schema we publish at /api/schema/,
every operation sent over HTTP to a real ASGI server with an access token from allauth's app
login. All checks, positive and negative data, a bounded and seeded number of examples."""

import json
import urllib.request

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings

from tests.factories import PASSWORD, UserFactory

EXAMPLES_PER_OPERATION = 30
SEED = 20261202  # with derandomize below: the same cases on every run and machine
SCHEMA_PATH = "/api/schema/?format=json"

# The document is read at collection time (one pytest test per operation) from the same view the
# server answers /api/schema/ with; test_served_schema_is_the_one_tested checks they agree.
DOCUMENT = Client().get(SCHEMA_PATH).json()
CONFIG = schemathesis.Config()
CONFIG.update(seed=SEED, max_failures=None)
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)
# DRF refuses NUL in every text field and the schema's description says so; generating it would
# only test that sentence.
schema.config.generation.update(max_examples=EXAMPLES_PER_OPERATION, allow_x00=False)


def _request(method: str, url: str, body=None, token: str | None = None):
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read())


# Every test gets a fresh database (flushed afterwards), so each operation starts from the same state.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def live_site(django_db_setup, tmp_path_factory):
    """Base URL of a real server process over the test database."""
    from tests.live_server import asgi_server

    # Rates high enough that the fuzzer reaches the code behind the limits.
    limits = {f"THROTTLE_{n}": "100000/min" for n in ("ANON", "USER", "WRITES", "UPLOADS", "RUNS")}
    limits["THROTTLE_LOGIN"] = "1000/m/ip"  # one login per operation
    limits["BOT_LONG_POLL_MAX_SECONDS"] = "1"  # getUpdates waits at most this for an update
    limits["BOT_MESSAGES_PER_MINUTE"] = "100000"
    with asgi_server(tmp_path_factory.mktemp("schemathesis"), **limits) as base_url:
        yield base_url


@pytest.fixture
def token(live_site):
    """An access token of a staff user (so that the staff-only operations are reached too)."""
    user = UserFactory(is_staff=True)
    login = _request("POST", f"{live_site}/_allauth/app/v1/auth/login", {"email": user.email, "password": PASSWORD})
    return login["meta"]["access_token"]


@pytest.fixture
def bot_token(live_site):
    """The token of a bot (the bot API takes a bot's token, not a person's)."""
    from chat.bot_services import bot_create

    return bot_create(owner=UserFactory(), username="fuzz_bot")[1]


def test_served_schema_is_the_one_tested(live_site):
    assert _request("GET", live_site + SCHEMA_PATH) == DOCUMENT


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, live_site, token, bot_token):
    headers = {"Authorization": f"Bearer {token}"}
    excluded = []
    if case.operation.path.startswith("/api/v1/bot/"):
        headers = {"Authorization": f"Bot {bot_token}"}
    if case.operation.label == "POST /api/v1/bot/setWebhook/":
        # Whether a webhook URL may be reached depends on DNS and the address policy (public
        # addresses only), which no schema states; offline, every URL is rightly refused with a 400.
        excluded.append(schemathesis.checks.positive_data_acceptance)
    if case.media_type == "multipart/form-data":
        # An upload's type is read from its bytes (a PNG is not a resume): no schema can say which
        # bytes those are, so schema-valid random files are rightly refused with a 400.
        excluded.append(schemathesis.checks.positive_data_acceptance)
    if case.operation.label == "POST /api/v2/piston/execute":
        # Piston's protocol: which language and version run is the runtime list of this machine
        # (GET /api/v2/piston/runtimes), answered 400 {"message"} otherwise, as Piston does.
        excluded.append(schemathesis.checks.positive_data_acceptance)
    if case.operation.label in ("POST /api/v1/questions/", "POST /api/v1/questions/import/"):
        # The question seed format has rules across fields that OpenAPI cannot state (rubric weights
        # summing to 1, a follow-up's talking point within the list, skills of the ontology, TOML
        # text that parses, `question` or `toml`): schema-valid data breaking them is rightly a 400.
        excluded.append(schemathesis.checks.positive_data_acceptance)
    if case.operation.label in ("POST /api/v1/peer/availability/slots/", "POST /api/v1/peer/availability/weekly/",
                                "POST /api/v1/peer/bookings/{booking_id}/reschedule/"):
        # A time offered must be in the future and not overlap the user's own time: rules of the
        # clock and the user's calendar that no schema states, so such data is rightly a 400.
        excluded.append(schemathesis.checks.positive_data_acceptance)
    if case.operation.label == "POST /api/v1/secret/keys/":
        # A public key must be a point on P-256, which a base64 pattern cannot state: a random
        # 65-byte string is rightly refused with a 400.
        excluded.append(schemathesis.checks.positive_data_acceptance)
    body = case.body if isinstance(case.body, dict) else {}
    if case.operation.label == "POST /api/v1/interview/v3/start/" and body.get("challenge") \
            and body.get("type", "mixed") != "technical":
        # A coding challenge goes with a technical interview only: a rule across two fields that
        # OpenAPI 3.0 cannot state, so such a body is rightly a 400 (challenge_not_technical).
        excluded.append(schemathesis.checks.positive_data_acceptance)
    response = case.call(base_url=live_site, headers=headers)
    if _refused_by_daphne_itself(case, response):
        return
    case.validate_response(response, headers=headers, excluded_checks=excluded)


def _refused_by_daphne_itself(case, response) -> bool:
    """Daphne (Twisted) parses multipart bodies itself and answers one with no parts with a bare
    400 before the site sees it (no body, no Content-Type, which Django always sets). That is the
    web server's answer, reported to whoever chooses it; the site's own answers are all checked."""
    return (case.media_type == "multipart/form-data" and response.status_code == 400 and not response.content
            and "Content-Type" not in response.headers)

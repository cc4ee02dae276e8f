"""The webhook POST and its signature alone (no Django), against a real server on loopback."""

import time

import pytest

from chat.webhook_engine.address_policy import parse_networks, resolve_webhook_target
from chat.webhook_engine.http_delivery import post_webhook
from chat.webhook_engine.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature_headers,
    signature_valid,
)

from .webhook_receiver import webhook_receiver

LOOPBACK = parse_networks(["127.0.0.0/8"])


@pytest.fixture
def receiver():
    with webhook_receiver() as running:
        yield running


def _target(receiver, path):
    return resolve_webhook_target(receiver.base_url + path, allowed_networks=LOOPBACK)


def test_a_delivery_arrives_signed_at_the_checked_address(receiver):
    body = b'{"update_id": 1}'
    headers = signature_headers("s3cret", body, time.time())
    outcome = post_webhook(_target(receiver, "/ok"), body, headers, timeout_seconds=5, max_response_bytes=1000)
    assert outcome.succeeded and outcome.status_code == 200 and outcome.response_excerpt == '{"ok": true}'
    got = receiver.requests[0]
    assert got["body"] == body
    assert signature_valid(secret="s3cret", body=got["body"], timestamp_header=got["headers"][TIMESTAMP_HEADER],
                           signature_header=got["headers"][SIGNATURE_HEADER], now=time.time())


def test_a_redirect_is_not_followed(receiver):
    outcome = post_webhook(_target(receiver, "/redirect"), b"{}", {}, timeout_seconds=5, max_response_bytes=1000)
    assert not outcome.succeeded and outcome.status_code == 302 and outcome.error == "redirect_not_followed"
    assert [r["path"] for r in receiver.requests] == ["/redirect"]


def test_an_error_status_fails(receiver):
    outcome = post_webhook(_target(receiver, "/fail"), b"{}", {}, timeout_seconds=5, max_response_bytes=1000)
    assert not outcome.succeeded and outcome.error == "http_500"


def test_a_slow_answer_is_cut_off_at_the_time_limit(receiver):
    started = time.monotonic()
    outcome = post_webhook(_target(receiver, "/slow"), b"{}", {}, timeout_seconds=1, max_response_bytes=10_000)
    assert time.monotonic() - started < 2.5
    assert not outcome.succeeded and outcome.error == "timeout" and outcome.response_bytes < 300


def test_headers_dripped_a_byte_at_a_time_are_cut_off_at_the_time_limit(receiver):
    # Each byte comes well within the per-read timeout; a receiver doing this held a Celery
    # worker for as long as it liked (two such bots stopped every task on the machine).
    outcome = post_webhook(_target(receiver, "/drip-headers"), b"{}", {}, timeout_seconds=1, max_response_bytes=1000)
    assert not outcome.succeeded and outcome.error == "timeout" and outcome.status_code is None


def test_a_silent_server_times_out(receiver):
    started = time.monotonic()
    outcome = post_webhook(_target(receiver, "/silent"), b"{}", {}, timeout_seconds=1, max_response_bytes=10_000)
    assert time.monotonic() - started < 2.5 and outcome.error == "timeout" and outcome.status_code is None


def test_a_huge_answer_is_read_only_up_to_the_bound(receiver):
    started = time.monotonic()
    outcome = post_webhook(_target(receiver, "/huge"), b"{}", {}, timeout_seconds=5, max_response_bytes=100_000)
    assert time.monotonic() - started < 3
    assert outcome.truncated and outcome.response_bytes < 300_000 and len(outcome.response_excerpt) == 500
    assert outcome.succeeded  # the receiver said 200; what it said after the bound is not read


def test_nothing_listening_fails_to_connect(receiver):
    target = resolve_webhook_target("http://127.0.0.1:9/", allowed_networks=LOOPBACK)
    assert post_webhook(target, b"{}", {}, timeout_seconds=2, max_response_bytes=10).error == "connect_failed"


def test_signatures_refuse_a_changed_body_a_wrong_secret_and_a_replay():
    body, now = b'{"a": 1}', 1_800_000_000
    headers = signature_headers("key", body, now)
    ts, sig = headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER]
    assert sig.startswith("v1=") and len(sig) == 67
    assert signature_valid(secret="key", body=body, timestamp_header=ts, signature_header=sig, now=now + 10)
    assert not signature_valid(secret="key", body=b'{"a": 2}', timestamp_header=ts, signature_header=sig, now=now)
    assert not signature_valid(secret="other", body=body, timestamp_header=ts, signature_header=sig, now=now)
    assert not signature_valid(secret="key", body=body, timestamp_header=ts, signature_header=sig, now=now + 301)
    assert not signature_valid(secret="key", body=body, timestamp_header=str(now + 5), signature_header=sig, now=now)
    assert not signature_valid(secret="key", body=body, timestamp_header="x", signature_header=sig, now=now)
    # Several signatures (a receiver rotating its secret): one that matches is enough.
    assert signature_valid(secret="key", body=body, timestamp_header=ts, signature_header=f"v1=00, {sig}", now=now)

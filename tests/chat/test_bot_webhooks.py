"""Outgoing webhooks end to end: a message to a bot becomes a signed POST from the Celery task to
a real loopback receiver (reachable only because the test allows it), with retries, a timeout,
a bound on the answer, no redirects, and a delivery log for the owner. By default the same
receiver is refused, when the webhook is set and again at delivery."""

import json
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from chat import bot_services, services
from chat.bot_models import Bot, WebhookDelivery
from chat.webhook_engine.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_valid

from .webhook_receiver import webhook_receiver


@pytest.fixture
def receiver():
    with webhook_receiver() as running:
        yield running


@pytest.fixture
def allow_loopback(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0.01
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    return settings


@pytest.fixture
def quiz(alice):
    return bot_services.bot_create(owner=alice, username="quiz_bot")


def bot_post(token, method, body=None):
    return Client(HTTP_AUTHORIZATION=f"Bot {token}").post(f"/api/v1/bot/{method}/", body or {},
                                                          content_type="application/json")


def message_to_bot(person, bot, text, capture):
    chat = services.chat_private_open(user=person, other=bot.user)
    with capture(execute=True):
        message = services.message_send(sender=person, chat=chat, body=text)
    return chat, message


def test_by_default_a_loopback_receiver_is_refused(quiz, receiver):
    _, token = quiz
    refused = bot_post(token, "setWebhook", {"url": receiver.base_url + "/ok"})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "webhook_address_loopback"
    assert "loopback" in refused.json()["error"]["message"]


def test_a_delivery_is_signed_logged_and_readable_by_the_owner(alice, bob, quiz, receiver, allow_loopback,
                                                              api_client, django_capture_on_commit_callbacks):
    bot, token = quiz
    info = bot_post(token, "setWebhook", {"url": receiver.base_url + "/ok?bot=quiz"}).json()
    assert info["url"].endswith("/ok?bot=quiz") and len(info["secret"]) == 64
    chat, message = message_to_bot(bob, bot, "/start", django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    assert got["path"] == "/ok?bot=quiz"
    assert got["headers"]["Host"] == receiver.base_url.removeprefix("http://")
    assert signature_valid(secret=info["secret"], body=got["body"], timestamp_header=got["headers"][TIMESTAMP_HEADER],
                           signature_header=got["headers"][SIGNATURE_HEADER], now=time.time())
    update = json.loads(got["body"])
    assert update["update_id"] == 1 and update["message"]["message_id"] == message.id
    assert update["message"]["chat"]["id"] == chat.id and update["message"]["text"] == "/start"
    # While a webhook is set, getUpdates is a conflict (as on Telegram).
    conflict = bot_post(token, "getUpdates")
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "webhook_is_set"
    api_client.force_authenticate(alice)
    log = api_client.get(f"/api/v1/bots/{bot.id}/deliveries/").json()["results"]
    assert [(d["status"], d["attempts"], d["last_status_code"]) for d in log] == [("succeeded", 1, 200)]
    assert log[0]["attempt_log"][0]["response_excerpt"] == '{"ok": true}'
    api_client.force_authenticate(bob)
    assert api_client.get(f"/api/v1/bots/{bot.id}/deliveries/").status_code == 404


def test_a_failing_receiver_is_retried_with_backoff_then_given_up(bob, quiz, receiver, allow_loopback,
                                                                 django_capture_on_commit_callbacks):
    allow_loopback.WEBHOOK_MAX_ATTEMPTS = 3
    bot, token = quiz
    bot_post(token, "setWebhook", {"url": receiver.base_url + "/fail"})
    message_to_bot(bob, bot, "hi", django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(bot=bot)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 3, "http_500")
    assert [e["status_code"] for e in delivery.attempt_log] == [500, 500, 500]
    assert len(receiver.requests) == 3
    assert len({r["headers"]["X-PrepForge-Delivery"] for r in receiver.requests}) == 1


def test_backoff_doubles_between_attempts(bob, quiz, receiver, allow_loopback, django_capture_on_commit_callbacks):
    allow_loopback.WEBHOOK_RETRY_BASE_SECONDS = 30
    bot, token = quiz
    bot_post(token, "setWebhook", {"url": receiver.base_url + "/fail"})
    chat = services.chat_private_open(user=bob, other=bot.user)
    services.message_send(sender=bob, chat=chat, body="hi")  # on-commit not run: the task is not queued
    delivery = WebhookDelivery.objects.get(bot=bot)
    waits = []
    for _ in range(3):
        before = timezone.now()
        delivery = bot_services.webhook_delivery_attempt(delivery_id=delivery.id)
        waits.append((delivery.next_attempt_at - before).total_seconds())
    assert [round(w / 30) for w in waits] == [1, 2, 4]


def test_a_redirect_is_not_followed(bob, quiz, receiver, allow_loopback, django_capture_on_commit_callbacks):
    allow_loopback.WEBHOOK_MAX_ATTEMPTS = 1
    bot, token = quiz
    bot_post(token, "setWebhook", {"url": receiver.base_url + "/redirect"})
    message_to_bot(bob, bot, "hi", django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(bot=bot)
    assert (delivery.status, delivery.last_status_code, delivery.last_error) == ("failed", 302, "redirect_not_followed")
    assert [r["path"] for r in receiver.requests] == ["/redirect"]


def test_a_slow_receiver_is_cut_off(bob, quiz, receiver, allow_loopback, django_capture_on_commit_callbacks):
    allow_loopback.WEBHOOK_MAX_ATTEMPTS = 1
    bot, token = quiz
    bot_post(token, "setWebhook", {"url": receiver.base_url + "/slow"})
    started = time.monotonic()
    message_to_bot(bob, bot, "hi", django_capture_on_commit_callbacks)
    assert time.monotonic() - started < 3
    delivery = WebhookDelivery.objects.get(bot=bot)
    assert (delivery.status, delivery.last_error) == ("failed", "timeout")


def test_a_huge_answer_is_read_only_up_to_the_bound(bob, quiz, receiver, allow_loopback,
                                                    django_capture_on_commit_callbacks):
    allow_loopback.WEBHOOK_MAX_RESPONSE_BYTES = 1000
    allow_loopback.WEBHOOK_TIMEOUT_SECONDS = 5
    bot, token = quiz
    bot_post(token, "setWebhook", {"url": receiver.base_url + "/huge"})
    started = time.monotonic()
    message_to_bot(bob, bot, "hi", django_capture_on_commit_callbacks)
    assert time.monotonic() - started < 3
    entry = WebhookDelivery.objects.get(bot=bot).attempt_log[0]
    assert entry["truncated"] and entry["response_bytes"] < 200_000 and len(entry["response_excerpt"]) <= 500


def test_an_address_refused_at_delivery_is_not_contacted(bob, quiz, receiver, allow_loopback,
                                                         django_capture_on_commit_callbacks):
    """The URL passed when it was set; by the time of the delivery it no longer does (as when a
    name is re-pointed at a private address): the delivery fails at once, nothing is sent."""
    bot, token = quiz
    bot_post(token, "setWebhook", {"url": receiver.base_url + "/ok"})
    allow_loopback.WEBHOOK_ALLOWED_NETWORKS = []
    message_to_bot(bob, bot, "hi", django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(bot=bot)
    assert delivery.status == "failed" and delivery.attempts == 1
    assert delivery.last_error.startswith("address_loopback")
    assert receiver.requests == []


def test_deleting_the_webhook_stops_pending_deliveries_and_reopens_get_updates(bob, quiz, receiver, allow_loopback):
    bot, token = quiz
    bot_post(token, "setWebhook", {"url": receiver.base_url + "/ok"})
    chat = services.chat_private_open(user=bob, other=bot.user)
    services.message_send(sender=bob, chat=chat, body="hi")  # the task waits for a commit that never comes
    assert bot_post(token, "deleteWebhook").json()["url"] == ""
    delivery = WebhookDelivery.objects.get(bot=bot)
    assert (delivery.status, delivery.last_error) == ("failed", "webhook_removed")
    assert bot_services.webhook_delivery_attempt(delivery_id=delivery.id).attempts == 0
    assert [u["update_id"] for u in bot_post(token, "getUpdates").json()] == [1]
    assert receiver.requests == []


def test_the_sweep_queues_deliveries_whose_task_was_lost(bob, quiz, receiver, allow_loopback):
    bot, token = quiz
    bot_post(token, "setWebhook", {"url": receiver.base_url + "/ok"})
    chat = services.chat_private_open(user=bob, other=bot.user)
    services.message_send(sender=bob, chat=chat, body="hi")
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    assert bot_services.webhook_deliveries_recover() == 1
    assert WebhookDelivery.objects.get(bot=bot).status == "succeeded" and len(receiver.requests) == 1
    assert bot_services.webhook_deliveries_recover() == 0


def test_the_delivery_log_and_bot_list_read_in_fixed_queries(alice, bob, quiz, allow_loopback, api_client,
                                                           django_assert_max_num_queries):
    bot, _ = quiz
    api_client.force_authenticate(alice)

    def add(n):
        for i in range(n):
            bot_services.bot_create(owner=alice, username=f"extra{WebhookDelivery.objects.count()}_{i}_bot")
            WebhookDelivery.objects.create(bot=bot, update_id=i, payload={}, url="http://x.example/",
                                           attempt_log=[{"at": timezone.now().isoformat(), "attempt": 1,
                                                         "status_code": 200, "error": "", "duration_ms": 1,
                                                         "response_bytes": 2, "truncated": False,
                                                         "response_excerpt": "ok"}])

    add(2)
    api_client.get("/api/v1/bots/")  # the day's first request also records activity
    with django_assert_max_num_queries(8) as few:
        assert api_client.get(f"/api/v1/bots/{bot.id}/deliveries/").status_code == 200
        assert api_client.get("/api/v1/bots/").status_code == 200
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api_client.get(f"/api/v1/bots/{bot.id}/deliveries/").json()["results"]) == 12
        assert api_client.get("/api/v1/bots/").json()["count"] == 13
    # Paged like the other lists (an owner has at most 20 bots, so a smaller page shows it).
    first = api_client.get("/api/v1/bots/?page_size=5").json()
    assert first["count"] == 13 and len(first["results"]) == 5 and first["next"]
    assert [b["id"] for b in api_client.get("/api/v1/bots/?page=3&page_size=5").json()["results"]] == \
        sorted(b.id for b in Bot.objects.filter(owner=alice))[10:]


def test_updates_delivered_by_the_webhook_are_not_handed_out_again_by_get_updates(
        bob, quiz, receiver, allow_loopback, django_capture_on_commit_callbacks):
    """As on Telegram, a delivery the receiver accepted confirms its update: a bot that goes back
    from its webhook to getUpdates gets only what its webhook did not take, not every message again."""
    bot, token = quiz
    bot_post(token, "setWebhook", {"url": receiver.base_url + "/ok"})
    chat, _ = message_to_bot(bob, bot, "delivered", django_capture_on_commit_callbacks)
    assert WebhookDelivery.objects.get(bot=bot).status == "succeeded"
    services.message_send(sender=bob, chat=chat, body="still pending")  # its task waits for a commit
    bot_post(token, "deleteWebhook")
    updates = bot_post(token, "getUpdates").json()
    assert [u["message"]["text"] for u in updates] == ["still pending"]
    assert len(receiver.requests) == 1


def test_pending_deliveries_follow_the_webhook_to_its_new_url(bob, quiz, receiver, allow_loopback):
    """Moved to a new receiver while the old one was down: what was waiting goes to the new one,
    never again to the address the owner left."""
    bot, token = quiz
    bot_post(token, "setWebhook", {"url": receiver.base_url + "/fail"})
    chat = services.chat_private_open(user=bob, other=bot.user)
    services.message_send(sender=bob, chat=chat, body="hi")  # its task waits for a commit
    delivery = WebhookDelivery.objects.get(bot=bot)
    bot_services.webhook_delivery_attempt(delivery_id=delivery.id)
    bot_post(token, "setWebhook", {"url": receiver.base_url + "/ok"})
    delivery = bot_services.webhook_delivery_attempt(delivery_id=delivery.id)
    assert [r["path"] for r in receiver.requests] == ["/fail", "/ok"]
    assert (delivery.status, delivery.url) == ("succeeded", receiver.base_url + "/ok")

"""The bots page: make a bot (token shown once), rotate, revoke, set a webhook (refused ones say
why), and the delivery log, read in a fixed number of queries."""

import io

import pytest
from django.utils import timezone
from PIL import Image

from chat import bot_services
from chat.bot_models import Bot, WebhookDelivery
from core.models import AuditEvent


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "bot.png"
    return buffer


def test_making_a_bot_shows_its_token_once(alice, alice_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = alice_client.post("/chat/bots/", {"username": "helper_bot", "name": "Helper", "avatar": png_bytes()})
    assert page.status_code == 200
    bot = Bot.objects.get(user__username="helper_bot")
    token = page.context["new_token"]
    assert bot_services.bot_authenticate(token) == bot
    assert token in page.content.decode()
    assert bot.user.profile.avatar
    again = alice_client.get("/chat/bots/").content.decode()
    assert token not in again and "helper_bot" in again and f"…{token[-4:]}" in again
    assert AuditEvent.objects.filter(action="chat.bot_token_created", target_id=str(bot.id)).exists()


def test_bad_names_and_refused_webhooks_say_why(alice, alice_client):
    refused = alice_client.post("/chat/bots/", {"username": "helper"})
    assert refused.status_code == 400 and "ends in" in refused.content.decode()
    bot, _ = bot_services.bot_create(owner=alice, username="hook_bot")
    for url, words in (("http://169.254.169.254/latest/meta-data", "cloud metadata"),
                       ("http://[::1]:8000/", "loopback"), ("http://10.1.2.3/", "private network")):
        page = alice_client.post(f"/chat/bots/{bot.id}/webhook/", {"url": url})
        assert page.status_code == 400 and words in page.content.decode(), url
    bot.refresh_from_db()
    assert bot.webhook_url == ""


def test_rotate_revoke_and_others_bots(alice, bob, client, alice_client):
    bot, first = bot_services.bot_create(owner=alice, username="rot_bot")
    rotated = alice_client.post(f"/chat/bots/{bot.id}/token/rotate/")
    second = rotated.context["new_token"]
    assert second != first and bot_services.bot_authenticate(second) == bot
    assert alice_client.post(f"/chat/bots/{bot.id}/token/revoke/").status_code == 302
    assert bot_services.bot_authenticate(second) is None
    assert "revoked" in alice_client.get("/chat/bots/").content.decode()
    client.force_login(bob)
    assert client.post(f"/chat/bots/{bot.id}/token/rotate/").status_code == 404
    assert client.post(f"/chat/bots/{bot.id}/webhook/", {"url": ""}).status_code == 404


def test_the_page_reads_in_fixed_queries(alice, alice_client, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            bot, _ = bot_services.bot_create(owner=alice, username=f"b{Bot.objects.count()}_bot")
            WebhookDelivery.objects.bulk_create([
                WebhookDelivery(bot=bot, update_id=i, payload={}, url="http://x.example/", status="succeeded",
                                attempts=1, last_status_code=200, next_attempt_at=timezone.now()) for i in range(3)])

    add(1)
    alice_client.get("/chat/bots/")
    with django_assert_max_num_queries(30) as few:
        alice_client.get("/chat/bots/")
    add(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = alice_client.get("/chat/bots/")
    assert page.content.decode().count("HTTP 200") == 18

"""Chat bots: tokens (hashed, shown once, rotated, revoked, audited), the bot API over HTTP with
its token, updates for messages addressed to a bot, getUpdates with an offset and long polling,
and the rate limit of sendMessage."""

import threading
import time

import pytest
from django.test import Client

from chat import bot_services, services
from chat.bot_models import Bot, BotUpdate
from core.models import AuditEvent


@pytest.fixture
def quiz(alice):
    bot, token = bot_services.bot_create(owner=alice, username="quiz_bot", name="Quiz")
    return bot, token


def bot_client(token):
    return Client(HTTP_AUTHORIZATION=f"Bot {token}")


def post_json(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def test_a_bot_gets_a_token_kept_only_as_a_hash(alice, quiz, django_capture_on_commit_callbacks):
    bot, token = quiz
    assert token.startswith(f"{bot.id}:") and len(token) > 40
    assert token not in str(Bot.objects.filter(id=bot.id).values().first())
    assert bot.user.username == "quiz_bot" and not bot.user.has_usable_password()
    assert bot_services.bot_authenticate(token) == bot
    for guess in ("", "x", f"{bot.id}:", f"{bot.id}:{'A' * 43}", f"{bot.id + 1}:{token.split(':')[1]}", token + "x"):
        assert bot_services.bot_authenticate(guess) is None


def test_creating_rotating_and_revoking_tokens_is_audited(alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bot, first = bot_services.bot_create(owner=alice, username="helper_bot")
        second = bot_services.bot_token_rotate(owner=alice, bot=bot)
        bot_services.bot_token_revoke(owner=alice, bot=bot)
    assert bot_services.bot_authenticate(first) is None and bot_services.bot_authenticate(second) is None
    events = list(AuditEvent.objects.filter(target_id=str(bot.id)).order_by("id").values_list("action", "actor_id"))
    assert events == [("chat.bot_token_created", alice.id), ("chat.bot_token_created", alice.id),
                      ("chat.bot_token_revoked", alice.id)]
    assert all(first not in str(e.changes) and second not in str(e.changes) for e in AuditEvent.objects.all())
    with pytest.raises(services.NotFound):
        bot_services.bot_token_rotate(owner=bob, bot=bot)


@pytest.mark.parametrize("username, code", [("quiz", "invalid_bot_username"), ("1_bot", "invalid_bot_username"),
                                            ("a-bot", "invalid_bot_username"), ("alice", "invalid_bot_username")])
def test_bot_usernames_end_in_bot(alice, username, code):
    with pytest.raises(services.ValidationFailed) as caught:
        bot_services.bot_create(owner=alice, username=username)
    assert caught.value.code == code


def test_owner_api_shows_the_token_once_and_only_to_the_owner(alice, bob, api_client):
    api_client.force_authenticate(alice)
    created = api_client.post("/api/v1/bots/", {"username": "Deploy_Bot", "name": "Deployer"}, format="json")
    assert created.status_code == 201, created.content
    token, bot_id = created.json()["token"], created.json()["id"]
    page = api_client.get("/api/v1/bots/").json()
    assert page["count"] == 1 and page["next"] is None
    listed = page["results"]
    assert [b["username"] for b in listed] == ["Deploy_Bot"] and "token" not in listed[0]
    assert listed[0]["token_hint"] == token[-4:] and listed[0]["token_active"]
    assert api_client.post("/api/v1/bots/", {"username": "deploy_bot"}, format="json").status_code == 409
    invalid = api_client.post("/api/v1/bots/", {"username": "nope"}, format="json")
    assert invalid.status_code == 400 and "username" in invalid.json()["error"]["details"]
    rotated = api_client.post(f"/api/v1/bots/{bot_id}/token/")
    assert rotated.status_code == 201 and rotated.json()["token"] != token
    assert bot_client(token).get("/api/v1/bot/getMe/").status_code == 401
    assert bot_client(rotated.json()["token"]).get("/api/v1/bot/getMe/").status_code == 200
    assert api_client.delete(f"/api/v1/bots/{bot_id}/token/").status_code == 204
    revoked = bot_client(rotated.json()["token"]).get("/api/v1/bot/getMe/")
    assert revoked.status_code == 401 and "revoked" in revoked.json()["error"]["message"]
    api_client.force_authenticate(bob)
    assert api_client.get(f"/api/v1/bots/{bot_id}/").status_code == 404
    assert api_client.post(f"/api/v1/bots/{bot_id}/token/").status_code == 404
    assert api_client.get(f"/api/v1/bots/{bot_id}/deliveries/").status_code == 404


def test_the_bot_api_needs_the_bot_token(quiz, alice, api_client):
    _, token = quiz
    assert Client().get("/api/v1/bot/getMe/").status_code == 401
    api_client.force_authenticate(alice)  # a person's session is not a bot
    assert api_client.get("/api/v1/bot/getMe/").status_code in (401, 403)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/bot/getMe/").status_code == 401
    me = bot_client(token).get("/api/v1/bot/getMe/")
    assert me.json() == {"id": quiz[0].user_id, "is_bot": True, "first_name": "Quiz", "username": "quiz_bot"}
    # The bot's token opens nothing but the bot API.
    assert bot_client(token).get("/api/v1/chats/").status_code == 401


def test_private_chat_updates_reach_get_updates_and_the_offset_confirms(alice, quiz):
    bot, token = quiz
    chat = services.chat_private_open(user=alice, other=bot.user)
    services.message_send(sender=alice, chat=chat, body="/start")
    services.message_send(sender=alice, chat=chat, body="hello there")
    client = bot_client(token)
    updates = post_json(client, "/api/v1/bot/getUpdates/").json()
    assert [u["update_id"] for u in updates] == [1, 2]
    first = updates[0]["message"]
    assert first["text"] == "/start" and first["chat"] == {"id": chat.id, "type": "private"}
    assert first["from"]["username"] == "alice" and first["from"]["is_bot"] is False
    assert [u["update_id"] for u in post_json(client, "/api/v1/bot/getUpdates/", {"offset": 2}).json()] == [2]
    assert list(BotUpdate.objects.filter(bot=bot).values_list("update_id", flat=True)) == [2]
    reply = post_json(client, "/api/v1/bot/sendMessage/", {"chat_id": chat.id, "text": "Hi **Alice**",
                                                           "reply_to_message_id": first["message_id"]})
    assert reply.status_code == 201, reply.content
    assert reply.json()["sender"]["username"] == "quiz_bot" and "<strong>Alice</strong>" in reply.json()["html"]
    # The bot's own message is no update for it.
    assert [u["update_id"] for u in post_json(client, "/api/v1/bot/getUpdates/", {"offset": 3}).json()] == []


def test_in_a_group_only_mentions_commands_and_replies_reach_the_bot(alice, bob, group, quiz, api_client):
    bot, token = quiz
    other, _ = bot_services.bot_create(owner=bob, username="other_bot")
    api_client.force_authenticate(alice)  # the group's owner adds the bots through the members API
    for name in ("quiz_bot", "other_bot"):
        assert api_client.post(f"/api/v1/chats/{group.id}/members/", {"username": name}, format="json").status_code == 201
    api_client.force_authenticate(bob)  # a plain member cannot add a bot
    third, _ = bot_services.bot_create(owner=bob, username="third_bot")
    assert api_client.post(f"/api/v1/chats/{group.id}/members/", {"username": "third_bot"}, format="json").status_code == 403
    sent = {}
    for text in ("just chatting", "hey @quiz_bot what's up", "/help", "/score@quiz_bot", "/score@other_bot",
                 "mail quiz_bot@example.com"):
        sent[text] = services.message_send(sender=bob, chat=group, body=text)
    client = bot_client(token)
    bot_message = post_json(client, "/api/v1/bot/sendMessage/", {"chat_id": group.id, "text": "Question 1"}).json()
    services.message_send(sender=alice, chat=group, body="my answer", reply_to_id=bot_message["id"])
    texts = [u["message"]["text"] for u in post_json(client, "/api/v1/bot/getUpdates/").json()]
    assert texts == ["hey @quiz_bot what's up", "/help", "/score@quiz_bot", "my answer"]
    other_texts = [u.payload["message"]["text"] for u in BotUpdate.objects.filter(bot=other)]
    assert other_texts == ["/help", "/score@other_bot"]
    assert not BotUpdate.objects.filter(bot=third).exists()


def test_send_message_refuses_chats_the_bot_is_not_in_and_bad_input(alice, bob, quiz, group):
    bot, token = quiz
    client = bot_client(token)
    not_member = post_json(client, "/api/v1/bot/sendMessage/", {"chat_id": group.id, "text": "hi"})
    assert not_member.status_code == 404 and not_member.json()["error"]["code"] == "not_found"
    assert post_json(client, "/api/v1/bot/sendMessage/", {"chat_id": 10**9, "text": "hi"}).status_code == 404
    for body in ({}, {"chat_id": "x", "text": "hi"}, {"chat_id": group.id}, {"chat_id": group.id, "text": 5}):
        response = post_json(client, "/api/v1/bot/sendMessage/", body)
        assert response.status_code == 400 and "error" in response.json(), body
    services.member_add(actor=alice, chat=group, user=bot.user)
    empty = post_json(client, "/api/v1/bot/sendMessage/", {"chat_id": group.id, "text": "   "})
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "empty_message"
    channel = services.chat_create(owner=alice, kind="channel", title="News", members=[bob])
    services.member_add(actor=alice, chat=channel, user=bot.user)
    assert post_json(client, "/api/v1/bot/sendMessage/", {"chat_id": channel.id, "text": "x"}).status_code == 403
    services.member_set_role(actor=alice, chat=channel, user=bot.user, role="admin")
    assert post_json(client, "/api/v1/bot/sendMessage/", {"chat_id": channel.id, "text": "x"}).status_code == 201


def test_send_message_is_rate_limited_per_bot(alice, quiz, settings):
    settings.BOT_MESSAGES_PER_MINUTE = 3
    bot, token = quiz
    chat = services.chat_private_open(user=alice, other=bot.user)
    client = bot_client(token)
    codes = [post_json(client, "/api/v1/bot/sendMessage/", {"chat_id": chat.id, "text": f"m{i}"}).status_code
             for i in range(4)]
    assert codes == [201, 201, 201, 429]
    limited = post_json(client, "/api/v1/bot/sendMessage/", {"chat_id": chat.id, "text": "again"}).json()["error"]
    assert limited["code"] == "rate_limited" and limited["details"]["per_minute"] == 3


@pytest.mark.django_db(transaction=True)
def test_get_updates_long_polls_until_an_update_arrives(make_user):
    alice = make_user(username="alice")
    bot, token = bot_services.bot_create(owner=alice, username="poll_bot")
    chat = services.chat_private_open(user=alice, other=bot.user)

    def later():
        time.sleep(1.0)
        services.message_send(sender=alice, chat=chat, body="ping")

    sender = threading.Thread(target=later)
    started = time.monotonic()
    sender.start()
    updates = post_json(bot_client(token), "/api/v1/bot/getUpdates/", {"timeout": 10}).json()
    waited = time.monotonic() - started
    sender.join()
    assert [u["message"]["text"] for u in updates] == ["ping"]
    assert 0.9 < waited < 5
    started = time.monotonic()
    assert post_json(bot_client(token), "/api/v1/bot/getUpdates/", {"offset": 2, "timeout": 1}).json() == []
    assert 0.9 < time.monotonic() - started < 3


def test_webhook_set_is_checked_and_get_updates_then_conflicts(alice, quiz):
    _, token = quiz
    client = bot_client(token)
    for url, code in (("http://127.0.0.1:8000/hook", "webhook_address_loopback"),
                      ("http://10.0.0.1/", "webhook_address_private"),
                      ("http://169.254.169.254/latest", "webhook_address_metadata"),
                      ("http://[::1]/", "webhook_address_loopback"),
                      ("http://localhost/", "webhook_address_loopback"),
                      ("ftp://example.com/", "webhook_invalid_scheme")):
        refused = post_json(client, "/api/v1/bot/setWebhook/", {"url": url})
        assert refused.status_code == 400 and refused.json()["error"]["code"] == code, url
    info = client.get("/api/v1/bot/getWebhookInfo/").json()
    assert info["url"] == "" and info["secret"] == ""

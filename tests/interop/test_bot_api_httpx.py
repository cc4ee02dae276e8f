"""The bot API driven by httpx (a client we did not write) over HTTP against a real ASGI server
process, as a bot's program would: getMe, a long-polled getUpdates that returns when a person
writes, sendMessage, the offset confirming updates, and the error envelope for a guessed token,
bad input and a webhook pointed at loopback.

Why not python-telegram-bot: it puts the token in the URL path (`<base_url><token>/<method>`),
where access logs and proxies keep it, and it reads only Telegram's `{"ok", "result"}` /
`{"ok": false, "description"}` envelope; our API takes the token in a header and answers with
the site's own JSON and `{"error": ...}` envelope, so pointing it at our base URL is not clean."""

import threading
import time

import httpx
import pytest

from chat import bot_services, services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def live_site(django_db_setup, tmp_path_factory):
    from tests.live_server import asgi_server

    with asgi_server(tmp_path_factory.mktemp("bot-api")) as base_url:
        yield base_url


def test_a_bot_program_talks_to_people_through_the_api(live_site):
    alice = UserFactory(username="alice")
    bot, token = bot_services.bot_create(owner=alice, username="echo_bot", name="Echo")
    chat = services.chat_private_open(user=alice, other=bot.user)
    with httpx.Client(base_url=f"{live_site}/api/v1/bot/", headers={"Authorization": f"Bot {token}"},
                      timeout=30) as api:
        me = api.get("getMe")
        assert me.status_code == 200 and me.json()["username"] == "echo_bot" and me.json()["is_bot"] is True

        def person_writes_later():
            time.sleep(1.5)
            services.message_send(sender=alice, chat=chat, body="hello @echo_bot")

        writer = threading.Thread(target=person_writes_later)
        started = time.monotonic()
        writer.start()
        updates = api.post("getUpdates", json={"timeout": 15}).json()
        writer.join()
        assert 1.0 < time.monotonic() - started < 10
        assert [u["message"]["text"] for u in updates] == ["hello @echo_bot"]
        incoming = updates[0]["message"]

        sent = api.post("sendMessage", json={"chat_id": incoming["chat"]["id"], "text": f"You said: {incoming['text']}",
                                             "reply_to_message_id": incoming["message_id"]})
        assert sent.status_code == 201 and sent.json()["reply_to"]["id"] == incoming["message_id"]
        assert api.post("getUpdates", json={"offset": updates[-1]["update_id"] + 1}).json() == []

        bad = api.post("sendMessage", json={"chat_id": "one", "text": "x"})
        assert bad.status_code == 400 and bad.json()["error"]["details"]["chat_id"]
        refused = api.post("setWebhook", json={"url": f"{live_site}/hook"})
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "webhook_address_loopback"

    guessed = httpx.get(f"{live_site}/api/v1/bot/getMe", headers={"Authorization": f"Bot {bot.id}:guess"})
    assert guessed.status_code == 401 and guessed.json()["error"]["message"].startswith("This bot token is not valid")

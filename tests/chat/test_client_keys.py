"""A send retried with the same client key posts one message (what the page's offline outbox and
the mobile apps rely on): through the API, from two threads at once, and never across senders."""

import threading
import uuid

import pytest
from django.db import connection
from rest_framework.test import APIClient

from chat import services
from chat.models import ChatEvent, Message

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_retried_send_posts_the_message_once_and_answers_with_it(alice, bob, pair,
                                                                   django_capture_on_commit_callbacks):
    key = str(uuid.uuid4())
    url = f"/api/v1/chats/{pair.id}/messages/"
    with django_capture_on_commit_callbacks(execute=True):
        first = client_for(alice).post(url, {"body": "Written on the train", "client_key": key}, format="json")
        again = client_for(alice).post(url, {"body": "Written on the train", "client_key": key}, format="json")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Message.objects.filter(chat=pair).count() == 1
    # Bob heard it once.
    assert ChatEvent.objects.filter(user=bob, type="message.new").count() == 1
    shown = client_for(bob).get(url).json()["results"]
    assert [m["body"] for m in shown] == ["Written on the train"]


def test_a_key_is_the_senders_own_and_messages_without_keys_are_all_posted(alice, bob, pair):
    key = "same-key-1"
    mine = services.message_send(sender=alice, chat=pair, body="From alice", client_key=key)
    theirs = services.message_send(sender=bob, chat=pair, body="From bob", client_key=key)
    assert mine.id != theirs.id  # another sender's key never returns someone else's message
    services.message_send(sender=alice, chat=pair, body="no key")
    services.message_send(sender=alice, chat=pair, body="no key")
    assert Message.objects.filter(chat=pair).count() == 4


def test_a_bad_key_is_refused_clearly(alice, pair):
    url = f"/api/v1/chats/{pair.id}/messages/"
    for bad in ("", "x" * 65, "has space", "ünïcode"):
        answer = client_for(alice).post(url, {"body": "hi", "client_key": bad}, format="json")
        assert answer.status_code == 400, bad
    assert not Message.objects.exists()


def test_a_retry_is_not_refused_by_slow_mode_or_the_minute_budget(alice, bob, group, settings):
    services.chat_update(actor=alice, chat=group, slow_mode_seconds=60)
    first = services.message_send(sender=bob, chat=group, body="Once", client_key="k-slow")
    assert services.message_send(sender=bob, chat=group, body="Once", client_key="k-slow").id == first.id


@pytest.mark.django_db(transaction=True)
def test_two_sends_with_one_key_at_the_same_moment_make_one_message(alice, bob, pair):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so the two sends cannot overlap")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def send():
        try:
            barrier.wait(timeout=10)
            results.append(services.message_send(sender=alice, chat=pair, body="Both tabs", client_key="race").id)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors and len(set(results)) == 1
    assert Message.objects.filter(chat=pair).count() == 1

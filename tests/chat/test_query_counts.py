"""The history page and the chat list, as people and apps request them (the pages and the API,
middleware and templates included), read in as many queries with many rows as with few: more
chats of every kind, more messages with replies, reactions, edits and receipts. The selectors'
own counts are in test_selectors.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chat import services

pytestmark = pytest.mark.django_db


def queries_of(client, url: str) -> int:
    client.get(url)  # the first request of a day also records activity: not what is measured
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def add_talk(chat, people, rounds: int):
    """Messages from every member, each replying to the one before, reacted to and one edited."""
    previous = None
    for n in range(rounds):
        for person in people:
            message = services.message_send(sender=person, chat=chat, body=f"round {n} from {person.username} #dp",
                                            reply_to_id=previous.id if previous else None)
            services.reaction_toggle(user=people[0], message=message, emoji="👍")
            previous = message
    services.message_edit(user=previous.sender, message=previous, body="edited at the end")


def add_chats(owner, make_user, n: int):
    for i in range(n):
        friend = make_user()
        private = services.chat_private_open(user=owner, other=friend)
        services.message_send(sender=friend, chat=private, body=f"hi {i}")
        group = services.chat_create(owner=friend, kind="group", title=f"Group {i}", members=[owner])
        services.message_send(sender=owner, chat=group, body="hello group")
        services.chat_create(owner=owner, kind="channel", title=f"Channel {i}")


@pytest.mark.parametrize("kind", ["page", "api"])
def test_the_history_reads_in_fixed_queries(client, alice, bob, carol, make_user, kind):
    group = services.chat_create(owner=alice, kind="group", title="Study", members=[bob, carol])
    add_talk(group, [alice, bob], rounds=1)
    client.force_login(alice)
    url = reverse("chat-detail", args=[group.id]) if kind == "page" else f"/api/v1/chats/{group.id}/messages/"
    few = queries_of(client, url)
    add_talk(group, [alice, bob, carol], rounds=8)
    add_chats(alice, make_user, 3)  # the page's sidebar lists them too
    services.chat_mark_read(user=bob, chat=group)
    assert queries_of(client, url) == few


@pytest.mark.parametrize("kind", ["page", "api"])
def test_the_chat_list_reads_in_fixed_queries(client, alice, make_user, kind):
    add_chats(alice, make_user, 1)
    client.force_login(alice)
    url = reverse("chat-home") if kind == "page" else "/api/v1/chats/"
    few = queries_of(client, url)
    add_chats(alice, make_user, 8)
    assert queries_of(client, url) == few
    if kind == "api":
        assert len(client.get(url).json()) == 27  # every chat is listed, not the first page of them

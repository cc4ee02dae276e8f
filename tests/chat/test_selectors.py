import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat import selectors, services
from chat.models import Chat

pytestmark = pytest.mark.django_db


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_chat_list_order_unread_preview_and_other_person(alice, bob, carol):
    with_bob = services.chat_private_open(user=alice, other=bob)
    group = services.chat_create(owner=carol, kind="group", title="Graphs", members=[alice])
    services.message_send(sender=bob, chat=with_bob, body="one")
    services.message_send(sender=bob, chat=with_bob, body="two")
    services.message_send(sender=carol, chat=group, body="latest")
    rows = list(selectors.chat_list_for_user(user=alice))
    assert [r.chat_id for r in rows] == [group.id, with_bob.id]  # last activity first
    by_chat = {r.chat_id: r for r in rows}
    assert by_chat[with_bob.id].unread_count == 2 and by_chat[with_bob.id].other_username == "bob"
    assert by_chat[with_bob.id].chat.last_message.body == "two"
    assert selectors.chat_display_title(by_chat[with_bob.id]) == bob.display_name
    with_bob.refresh_from_db()
    services.chat_mark_read(user=alice, chat=with_bob)
    services.membership_settings_update(user=alice, chat=with_bob, pinned=True)
    rows = list(selectors.chat_list_for_user(user=alice))
    assert rows[0].chat_id == with_bob.id and rows[0].unread_count == 0  # pinned first
    services.membership_settings_update(user=alice, chat=group, archived=True)
    assert [r.chat_id for r in selectors.chat_list_for_user(user=alice)] == [with_bob.id]
    assert [r.chat_id for r in selectors.chat_list_for_user(user=alice, archived=True)] == [group.id]
    assert [r.chat_id for r in selectors.chat_list_for_user(user=alice, query="bo")] == [with_bob.id]


def test_chat_list_query_count_is_flat(alice, make_user):
    from chat.apis import ChatOutput

    def read():
        return ChatOutput(list(selectors.chat_list_for_user(user=alice)), many=True).data

    other = make_user()
    services.message_send(sender=other, chat=services.chat_private_open(user=alice, other=other), body="hi")
    one = count_queries(read)
    for _ in range(6):
        other = make_user()
        chat = services.chat_private_open(user=alice, other=other)
        services.message_send(sender=other, chat=chat, body="hi")
        services.chat_create(owner=other, kind="group", title="g", members=[alice])
    assert count_queries(read) == one == 1


def test_history_query_count_is_flat(pair, alice, bob):
    from chat.apis import MessageOutput

    def read():
        rows = list(selectors.chat_messages_for_user(user=alice, chat=pair)[:50])
        context = {"chat": pair, "states": selectors.read_states(chat=pair), "viewer_id": alice.id}
        return MessageOutput(rows, many=True, context=context).data

    first = services.message_send(sender=alice, chat=pair, body="first")
    one = count_queries(read)
    for n in range(10):
        m = services.message_send(sender=bob, chat=pair, body=f"reply {n}", reply_to_id=first.id)
        services.reaction_toggle(user=alice, message=m, emoji="👍")
        services.reaction_toggle(user=bob, message=m, emoji="🎉")
    assert count_queries(read) == one == 3  # messages, reactions, read states


def test_history_hides_what_the_user_deleted_for_themselves(pair, alice, bob):
    mine = services.message_send(sender=alice, chat=pair, body="keep")
    gone = services.message_send(sender=bob, chat=pair, body="hide")
    services.message_delete(user=alice, message=gone, for_everyone=False)
    assert list(selectors.chat_messages_for_user(user=alice, chat=pair)) == [mine]
    assert len(selectors.chat_messages_for_user(user=bob, chat=pair)) == 2


@pytest.mark.parametrize("words", ["binary search", "BINARY", "bin"])
def test_search_finds_words_in_chats_the_user_is_in(pair, alice, bob, carol, words):
    services.message_send(sender=bob, chat=pair, body="Try a binary search on the answer #tips")
    services.message_send(sender=bob, chat=pair, body="unrelated")
    theirs = services.chat_create(owner=carol, kind="group", title="Not alice's", members=[bob])
    services.message_send(sender=carol, chat=theirs, body="binary search secrets")
    rows, terms = selectors.message_search(user=alice, text=words)
    assert [m.body for m in rows] == ["Try a binary search on the answer #tips"]
    assert rows[0].other_username == "bob"


def test_search_filters_sender_chat_date_and_hashtag(pair, group, alice, bob, carol):
    from datetime import timedelta

    from django.utils import timezone

    services.message_send(sender=bob, chat=pair, body="heap question #heaps")
    services.message_send(sender=carol, chat=group, body="heap answer")
    services.message_send(sender=alice, chat=group, body="deleted heap")
    assert {m.body for m in selectors.message_search(user=alice, text="heap")[0]} == {"heap question #heaps", "heap answer", "deleted heap"}
    assert [m.body for m in selectors.message_search(user=alice, text="heap", sender="carol")[0]] == ["heap answer"]
    assert [m.body for m in selectors.message_search(user=alice, text="heap", chat_id=pair.id)[0]] == ["heap question #heaps"]
    assert [m.body for m in selectors.message_search(user=alice, hashtag="#Heaps")[0]] == ["heap question #heaps"]
    assert selectors.message_search(user=alice, text="heap", date_from=timezone.now() + timedelta(days=1))[0] == []
    deleted = selectors.message_search(user=alice, text="deleted")[0][0]
    services.message_delete(user=alice, message=deleted, for_everyone=True)
    assert selectors.message_search(user=alice, text="deleted")[0] == []


def test_search_after_an_edit_finds_the_new_words_only(pair, alice):
    message = services.message_send(sender=alice, chat=pair, body="old words")
    services.message_edit(user=alice, message=message, body="fresh text")
    assert selectors.message_search(user=alice, text="old")[0] == []
    assert selectors.message_search(user=alice, text="fresh")[0] == [message]


def test_search_query_syntax_is_never_interpreted(pair, alice):
    services.message_send(sender=alice, chat=pair, body="NEAR AND OR quotes")
    for hostile in ['"', "NEAR(", "a OR", "*", "'; DROP TABLE chat_message; --", "x:*"]:
        selectors.message_search(user=alice, text=hostile)  # no error
    assert Chat.objects.exists()


def test_search_query_count_is_flat(pair, group, alice, bob):
    for n in range(3):
        services.message_send(sender=bob, chat=pair, body=f"needle {n}")
    one = count_queries(lambda: selectors.message_search(user=alice, text="needle"))
    for n in range(10):
        services.message_send(sender=bob, chat=group, body=f"needle more {n}")
    assert count_queries(lambda: selectors.message_search(user=alice, text="needle")) == one == 2  # page, titles


def test_public_channels_search(alice, bob):
    services.chat_create(owner=alice, kind="channel", title="Python tips", is_public=True)
    services.chat_create(owner=alice, kind="channel", title="Python staff")
    assert [c.title for c in selectors.public_channels_search(query="python")] == ["Python tips"]

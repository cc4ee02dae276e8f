import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from chat import services
from chat.models import Chat, Message, MessageReport
from core.models import AuditEvent
from core.roles import MODERATOR

pytestmark = pytest.mark.django_db


def test_chat_is_in_the_community_menu(client, alice):
    client.force_login(alice)
    page = client.get(reverse("chat-home")).content.decode()
    assert f'href="{reverse("chat-home")}" aria-current="page">Chat</a>' in page


def test_messenger_page_lists_chats_and_renders_the_conversation(client, pair, alice, bob):
    services.message_send(sender=bob, chat=pair, body="hello **alice**")
    client.force_login(alice)
    response = client.get(reverse("chat-detail", args=[pair.id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert bob.display_name in html and f'data-chat-item="{pair.id}"' in html
    data = json.loads(html.split('<script id="chat-data" type="application/json">')[1].split("</script>")[0])
    assert [m["html"] for m in data["messages"]] == ["<p>hello <strong>alice</strong></p>\n"]
    assert data["last_event_id"] >= 1
    # Reading the page writes nothing: the socket says what was read.
    assert pair.memberships.get(user=alice).last_read_message_id == 0


def test_someone_elses_chat_is_a_404_page(client, pair, carol):
    client.force_login(carol)
    assert client.get(reverse("chat-detail", args=[pair.id])).status_code == 404


def test_message_from_a_profile_opens_the_one_private_chat(client, alice, bob):
    client.force_login(alice)
    assert "Message</button>" in client.get(reverse("profile-public", args=["bob"])).content.decode()
    first = client.post(reverse("chat-with", args=["bob"]))
    second = client.post(reverse("chat-with", args=["bob"]))
    assert first["Location"] == second["Location"] and Chat.objects.filter(kind="private").count() == 1
    assert client.get(reverse("chat-with", args=["bob"])).status_code == 405


def test_people_and_public_channels_are_found_from_the_sidebar(client, alice, bob):
    services.chat_create(owner=bob, kind="channel", title="Bobs news", is_public=True)
    client.force_login(alice)
    html = client.get(reverse("chat-home"), {"q": "bob"}).content.decode()
    assert "Message Bob" in html and "Join Bobs news" in html


def test_create_a_group_from_the_page(client, alice, bob):
    client.force_login(alice)
    response = client.post(reverse("chat-new"), {"kind": "group", "title": "Mock interviews", "members": "bob ghost"})
    chat = Chat.objects.get(title="Mock interviews")
    assert response["Location"] == reverse("chat-detail", args=[chat.id])
    assert set(chat.memberships.values_list("user__username", flat=True)) == {"alice", "bob"}


def test_invite_link_page_joins_on_post_only(client, group, alice, make_user):
    link = services.invite_link_create(actor=alice, chat=group)
    dave = make_user(username="dave")
    client.force_login(dave)
    assert client.get(reverse("chat-invite", args=[link.token])).status_code == 200
    assert not group.memberships.filter(user=dave).exists()
    client.post(reverse("chat-invite", args=[link.token]))
    assert group.memberships.filter(user=dave).exists()
    services.invite_link_revoke(actor=alice, link=link)
    assert client.get(reverse("chat-invite", args=[link.token])).status_code == 404


def test_search_page_highlights_and_links_into_the_chat(client, pair, alice, bob):
    m = services.message_send(sender=bob, chat=pair, body="dynamic <programming> #dp")
    client.force_login(alice)
    html = client.get(reverse("chat-search"), {"q": "dynamic"}).content.decode()
    assert "<mark>dynamic</mark> &lt;programming&gt;" in html
    assert f"/chat/{pair.id}/?around={m.id}#m{m.id}" in html
    assert "1 result" in client.get(reverse("chat-search"), {"hashtag": "dp"}).content.decode()
    assert "date_from" in client.get(reverse("chat-search"), {"q": "x", "date_from": "nope"}).content.decode()


def test_moderator_removes_a_reported_message_from_the_admin(client, group, alice, carol, make_user,
                                                             django_capture_on_commit_callbacks):
    bad = services.message_send(sender=carol, chat=group, body="abuse")
    services.message_report(user=alice, message=bad, reason="abusive")
    moderator = make_user(username="mod")
    moderator.groups.add(Group.objects.get(name=MODERATOR))
    client.force_login(moderator)
    assert client.get(reverse("admin:chat_messagereport_changelist")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:chat_messagereport_changelist"), {
            "action": "remove_messages", "_selected_action": [MessageReport.objects.get().id]})
    assert response.status_code == 302
    bad.refresh_from_db()
    assert bad.is_deleted and MessageReport.objects.get().status == "actioned"
    assert AuditEvent.objects.filter(action="chat.message_removed", actor_id=moderator.id).exists()
    assert client.get(reverse("admin:chat_message_change", args=[bad.id])).status_code == 200
    assert Message.objects.filter(id=bad.id, body="").exists()

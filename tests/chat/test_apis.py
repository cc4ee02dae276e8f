import pytest
from rest_framework.test import APIClient

from chat import services
from chat.models import Message

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_open_private_chat_send_and_read_history(alice, bob):
    a = client_for(alice)
    chat = a.post("/api/v1/chats/private/", {"username": "bob"}, format="json").json()
    assert chat["kind"] == "private" and chat["other_user"]["username"] == "bob" and chat["title"] == bob.display_name
    sent = a.post(f"/api/v1/chats/{chat['id']}/messages/", {"body": "hi *bob*"}, format="json")
    assert sent.status_code == 201, sent.json()
    assert sent.json()["html"] == "<p>hi <em>bob</em></p>\n" and sent.json()["receipt"]["state"] == "sent"
    # The seed's path without the slash answers too.
    page = client_for(bob).get(f"/api/v1/chats/{chat['id']}/messages").json()
    assert [m["body"] for m in page["results"]] == ["hi *bob*"] and page["next"] is None
    listed = client_for(bob).get("/api/v1/chats/").json()
    assert listed[0]["unread_count"] == 1 and listed[0]["last_message"]["body"] == "hi *bob*"
    assert client_for(bob).post(f"/api/v1/chats/{chat['id']}/read/", {}, format="json").json()["up_to"] == sent.json()["id"]
    mine = a.get(f"/api/v1/chats/{chat['id']}/messages/").json()["results"][0]
    assert mine["receipt"] == {"state": "read", "seen_by": 1}


def test_history_is_cursor_paginated(pair, alice, bob, settings):
    settings.CHAT_MESSAGES_PER_MINUTE = 1000
    for n in range(7):
        services.message_send(sender=alice, chat=pair, body=f"m{n}")
    first = client_for(bob).get(f"/api/v1/chats/{pair.id}/messages/?page_size=5").json()
    assert [m["body"] for m in first["results"]] == ["m6", "m5", "m4", "m3", "m2"]
    second = client_for(bob).get(first["next"]).json()
    assert [m["body"] for m in second["results"]] == ["m1", "m0"]
    assert client_for(bob).get(f"/api/v1/chats/{pair.id}/messages/?cursor=forged").status_code == 404


def test_non_members_get_404_everywhere(pair, alice, carol):
    message = services.message_send(sender=alice, chat=pair, body="secret")
    c = client_for(carol)
    for method, url, body in [
        ("get", f"/api/v1/chats/{pair.id}/", None),
        ("get", f"/api/v1/chats/{pair.id}/messages/", None),
        ("post", f"/api/v1/chats/{pair.id}/messages/", {"body": "x"}),
        ("get", f"/api/v1/chats/{pair.id}/members/", None),
        ("patch", f"/api/v1/chats/{pair.id}/settings/", {"muted": True}),
        ("post", f"/api/v1/chats/{pair.id}/read/", {}),
        ("get", f"/api/v1/messages/{message.id}/", None),
        ("patch", f"/api/v1/messages/{message.id}/", {"body": "x"}),
        ("delete", f"/api/v1/messages/{message.id}/?scope=everyone", None),
        ("post", f"/api/v1/messages/{message.id}/reactions/", {"emoji": "👍"}),
        ("get", f"/api/v1/messages/{message.id}/reactions/", None),
        ("get", f"/api/v1/messages/{message.id}/edits/", None),
        ("post", f"/api/v1/messages/{message.id}/report/", {"reason": "x"}),
        ("post", f"/api/v1/messages/{message.id}/forward/", {"chat_id": pair.id}),
    ]:
        response = getattr(c, method)(url, body, format="json")
        assert response.status_code == 404, (method, url, response.json())
        assert response.json()["error"]["code"] == "not_found"
    assert not c.get("/api/v1/messages/search/?q=secret").json()
    assert Message.objects.filter(chat=pair).count() == 1


def test_clear_errors_for_oversized_foreign_edits_and_floods(pair, alice, bob, settings):
    a, b = client_for(alice), client_for(bob)
    big = a.post(f"/api/v1/chats/{pair.id}/messages/", {"body": "x" * 4001}, format="json")
    assert big.status_code == 400 and big.json()["error"]["code"] == "message_too_long"
    mine = a.post(f"/api/v1/chats/{pair.id}/messages/", {"body": "mine"}, format="json").json()
    foreign = b.patch(f"/api/v1/messages/{mine['id']}/", {"body": "edited by bob"}, format="json")
    assert foreign.status_code == 403 and foreign.json()["error"]["code"] == "not_your_message"
    settings.CHAT_MESSAGES_PER_MINUTE = 2
    statuses = [a.post(f"/api/v1/chats/{pair.id}/messages/", {"body": f"f{n}"}, format="json").status_code for n in range(3)]
    assert statuses == [201, 429, 429]  # "mine" used one of the two
    flood = a.post(f"/api/v1/chats/{pair.id}/messages/", {"body": "again"}, format="json").json()
    assert flood["error"]["code"] == "rate_limited" and "retry_after_seconds" in flood["error"]["details"]
    assert a.post(f"/api/v1/chats/{pair.id}/messages/", {"body": 5}, format="json").status_code == 400


def test_edit_history_reactions_and_delete(pair, alice, bob):
    a, b = client_for(alice), client_for(bob)
    m = a.post(f"/api/v1/chats/{pair.id}/messages/", {"body": "v1"}, format="json").json()
    edited = a.patch(f"/api/v1/messages/{m['id']}/", {"body": "v2"}, format="json").json()
    assert edited["edited"] is True and edited["body"] == "v2"
    assert [e["body"] for e in b.get(f"/api/v1/messages/{m['id']}/edits/").json()] == ["v1"]
    assert b.post(f"/api/v1/messages/{m['id']}/reactions/", {"emoji": "🎉"}, format="json").json() == [
        {"emoji": "🎉", "count": 1, "users": ["bob"]}]
    assert b.post(f"/api/v1/messages/{m['id']}/reactions/", {"emoji": "no"}, format="json").status_code == 400
    assert b.delete(f"/api/v1/messages/{m['id']}/?scope=everyone").status_code == 403
    assert b.delete(f"/api/v1/messages/{m['id']}/?scope=nope").status_code == 400
    assert a.delete(f"/api/v1/messages/{m['id']}/?scope=everyone").status_code == 204
    gone = b.get(f"/api/v1/messages/{m['id']}/").json()
    assert gone["deleted"] is True and gone["body"] == "" and gone["reactions"] == []


def test_groups_members_roles_invites_over_the_api(alice, bob, carol):
    a = client_for(alice)
    created = a.post("/api/v1/chats/", {"kind": "group", "title": "Study", "members": ["bob"]}, format="json")
    assert created.status_code == 201 and created.json()["role"] == "owner" and created.json()["member_count"] == 2
    chat_id = created.json()["id"]
    assert a.post("/api/v1/chats/", {"kind": "group", "title": "x", "members": ["ghost"]}, format="json").status_code == 404
    assert client_for(bob).post(f"/api/v1/chats/{chat_id}/members/", {"username": "carol"}, format="json").status_code == 403
    assert a.post(f"/api/v1/chats/{chat_id}/members/", {"username": "carol"}, format="json").status_code == 201
    assert a.patch(f"/api/v1/chats/{chat_id}/members/bob/", {"role": "admin"}, format="json").status_code == 204
    assert a.delete(f"/api/v1/chats/{chat_id}/members/carol/").status_code == 204
    link = a.post(f"/api/v1/chats/{chat_id}/invite-links/", format="json").json()
    joined = client_for(carol).post("/api/v1/chats/join/", {"token": link["token"]}, format="json")
    assert joined.status_code == 200 and joined.json()["id"] == chat_id
    assert a.post(f"/api/v1/chats/{chat_id}/invite-links/{link['id']}/revoke/", format="json").json()["revoked"] is True
    assert client_for(carol).get(f"/api/v1/chats/{chat_id}/invite-links/").status_code == 404
    assert a.post(f"/api/v1/chats/{chat_id}/leave/", format="json").status_code == 409
    assert a.post(f"/api/v1/chats/{chat_id}/transfer/", {"username": "bob"}, format="json").status_code == 204
    assert a.post(f"/api/v1/chats/{chat_id}/leave/", format="json").status_code == 204
    assert a.get(f"/api/v1/chats/{chat_id}/").status_code == 404


def test_channels_public_search_join_and_read_only(alice, bob):
    a, b = client_for(alice), client_for(bob)
    channel = a.post("/api/v1/chats/", {"kind": "channel", "title": "Weekly contest", "is_public": True}, format="json").json()
    assert [c["title"] for c in b.get("/api/v1/chats/public/?q=contest").json()] == ["Weekly contest"]
    assert b.post(f"/api/v1/chats/{channel['id']}/join/", format="json").status_code == 200
    read_only = b.post(f"/api/v1/chats/{channel['id']}/messages/", {"body": "hi"}, format="json")
    assert read_only.status_code == 403 and read_only.json()["error"]["code"] == "channel_read_only"
    hidden = a.post("/api/v1/chats/", {"kind": "channel", "title": "Hidden"}, format="json").json()
    assert b.post(f"/api/v1/chats/{hidden['id']}/join/", format="json").status_code == 404


def test_search_api_highlights_and_links_to_the_message(pair, alice, bob):
    m = services.message_send(sender=bob, chat=pair, body="Use <b>two pointers</b> here")
    hits = client_for(alice).get("/api/v1/messages/search/?q=pointer").json()
    assert hits == [{"id": m.id, "chat_id": pair.id, "chat_title": bob.display_name, "sender": services.user_brief(bob),
                     "highlighted": "Use &lt;b&gt;two <mark>pointers</mark>&lt;/b&gt; here",
                     "created_at": hits[0]["created_at"], "url": f"/chat/{pair.id}/?around={m.id}#m{m.id}"}]
    assert client_for(alice).get("/api/v1/messages/search/?date_from=yesterday").status_code == 400


def test_settings_mute_report_and_moderation_mute(group, alice, bob, carol):
    b = client_for(bob)
    assert b.patch(f"/api/v1/chats/{group.id}/settings/", {"pinned": True, "muted": True}, format="json").json()["pinned"] is True
    m = services.message_send(sender=carol, chat=group, body="spam")
    assert b.post(f"/api/v1/messages/{m.id}/report/", {"reason": "spam"}, format="json").status_code == 201
    assert b.post(f"/api/v1/messages/{m.id}/report/", {"reason": "spam"}, format="json").status_code == 409
    assert b.post(f"/api/v1/chats/{group.id}/members/carol/mute/", {"minutes": 5}, format="json").status_code == 403
    assert client_for(alice).post(f"/api/v1/chats/{group.id}/members/carol/mute/", {"minutes": 5}, format="json").status_code == 204
    assert client_for(carol).post(f"/api/v1/chats/{group.id}/messages/", {"body": "x"}, format="json").json()["error"]["code"] == "silenced"


def test_every_chat_operation_is_in_the_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for expected in ["/api/v1/chats/", "/api/v1/chats/{chat_id}/messages/", "/api/v1/messages/{message_id}/",
                     "/api/v1/messages/search/", "/api/v1/messages/{message_id}/reactions/"]:
        assert expected in paths


def test_ids_beyond_the_database_range_are_404_not_500(alice):
    a = client_for(alice)
    huge = 2**80
    for method, url in [("get", f"/api/v1/chats/{huge}/"), ("post", f"/api/v1/chats/{huge}/leave/"),
                        ("get", f"/api/v1/messages/{huge}/"), ("post", f"/api/v1/chats/{huge}/join/")]:
        assert getattr(a, method)(url, format="json").status_code == 404, url
    assert a.get(f"/api/v1/messages/search/?chat={huge}").status_code == 400
    assert a.get(f"/api/v1/messages/search/?chat={10**12}").json() == []

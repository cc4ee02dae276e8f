from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from chat import selectors, services
from chat.models import ChatEvent, MemberRole, Membership, Message, MessageEdit, MessageReport
from core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def events_of(user, type=None):
    rows = ChatEvent.objects.filter(user=user).order_by("event_id")
    if type:
        rows = rows.filter(type=type)
    return list(rows)


def test_private_chat_is_one_per_pair(alice, bob):
    first = services.chat_private_open(user=alice, other=bob)
    assert services.chat_private_open(user=bob, other=alice) == first
    assert Membership.objects.filter(chat=first).count() == 2
    with pytest.raises(ValidationFailed):
        services.chat_private_open(user=alice, other=alice)


def test_send_reaches_every_member_and_numbers_events_per_user(pair, alice, bob, carol):
    services.message_send(sender=alice, chat=pair, body="hi **bob**")
    services.message_send(sender=bob, chat=pair, body="hello")
    for person in (alice, bob):
        numbers = [e.event_id for e in events_of(person)]
        assert numbers == list(range(1, len(numbers) + 1))
        assert [e.payload["message"]["body"] for e in events_of(person, "message.new")] == ["hi **bob**", "hello"]
    assert events_of(carol) == []  # not a member: hears nothing
    message = Message.objects.get(body="hi **bob**")
    assert "<strong>bob</strong>" in message.body_html


def test_markdown_is_sanitised(pair, alice):
    message = services.message_send(sender=alice, chat=pair, body="<script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script" not in message.body_html and "href=\"javascript" not in message.body_html


def test_oversized_empty_and_flooding_messages_are_refused(pair, alice, settings):
    with pytest.raises(ValidationFailed) as too_long:
        services.message_send(sender=alice, chat=pair, body="x" * (services.MAX_MESSAGE_CHARS + 1))
    assert too_long.value.code == "message_too_long"
    with pytest.raises(ValidationFailed):
        services.message_send(sender=alice, chat=pair, body="   ")
    settings.CHAT_MESSAGES_PER_MINUTE = 3
    for n in range(3):
        services.message_send(sender=alice, chat=pair, body=f"m{n}")
    with pytest.raises(services.RateLimited) as flood:
        services.message_send(sender=alice, chat=pair, body="one too many")
    assert flood.value.status_code == 429


def test_non_members_cannot_post_or_react(pair, alice, carol):
    message = services.message_send(sender=alice, chat=pair, body="private")
    with pytest.raises(NotFound):
        services.message_send(sender=carol, chat=pair, body="let me in")
    with pytest.raises(NotFound):
        services.reaction_toggle(user=carol, message=message, emoji="👍")
    with pytest.raises(NotFound):
        selectors.message_get_for_user(user=carol, message_id=message.id)


def test_mentions_notify_unless_silent_or_muted(group, alice, bob, carol):
    services.message_send(sender=alice, chat=group, body="@bob and @carol look at #Graphs")
    assert Notification.objects.filter(user=bob, type="social").count() == 1
    assert Notification.objects.filter(user=carol).count() == 1
    services.message_send(sender=alice, chat=group, body="quiet @bob", silent=True)
    services.membership_settings_update(user=carol, chat=group, muted=True)
    services.message_send(sender=alice, chat=group, body="@carol again")
    assert Notification.objects.filter(user=bob).count() == 1
    assert Notification.objects.filter(user=carol).count() == 1
    message = Message.objects.get(body__startswith="@bob and")
    assert 'href="/u/bob/"' in message.body_html
    assert 'href="/chat/search/?hashtag=graphs"' in message.body_html
    assert list(message.hashtags.values_list("tag", flat=True)) == ["graphs"]


def test_mention_of_a_non_member_is_not_a_link_nor_a_notification(pair, alice, carol):
    message = services.message_send(sender=alice, chat=pair, body="ask @carol")
    assert "/u/carol/" not in message.body_html
    assert not Notification.objects.filter(user=carol).exists()


def test_reply_quotes_the_original(pair, alice, bob):
    original = services.message_send(sender=alice, chat=pair, body="question?")
    reply = services.message_send(sender=bob, chat=pair, body="answer", reply_to_id=original.id)
    payload = services.message_to_dict(reply)
    assert payload["reply_to"] == {"id": original.id, "deleted": False, "excerpt": "question?",
                                   "sender": services.user_brief(alice)}


def test_edit_keeps_history_and_only_the_sender_edits(pair, alice, bob):
    message = services.message_send(sender=alice, chat=pair, body="frist")
    services.message_edit(user=alice, message=message, body="first")
    message.refresh_from_db()
    assert message.body == "first" and message.edited_at is not None
    assert list(MessageEdit.objects.filter(message=message).values_list("body", flat=True)) == ["frist"]
    with pytest.raises(Forbidden):
        services.message_edit(user=bob, message=message, body="hacked")
    assert events_of(bob, "message.edited")[0].payload["message"]["edited"] is True


def test_delete_for_me_and_for_everyone_within_the_window(pair, alice, bob):
    message = services.message_send(sender=alice, chat=pair, body="oops")
    services.message_delete(user=bob, message=message, for_everyone=False)
    assert list(selectors.chat_messages_for_user(user=bob, chat=pair)) == []
    assert list(selectors.chat_messages_for_user(user=alice, chat=pair)) == [message]
    with pytest.raises(Forbidden):
        services.message_delete(user=bob, message=message, for_everyone=True)
    services.message_delete(user=alice, message=message, for_everyone=True)
    message.refresh_from_db()
    assert message.is_deleted and message.body == ""
    assert events_of(bob, "message.deleted")


def test_delete_for_everyone_after_the_window_is_refused(pair, alice):
    message = services.message_send(sender=alice, chat=pair, body="old")
    Message.objects.filter(id=message.id).update(created_at=timezone.now() - services.DELETE_FOR_EVERYONE_WINDOW - timedelta(minutes=1))
    message.refresh_from_db()
    with pytest.raises(Forbidden) as late:
        services.message_delete(user=alice, message=message, for_everyone=True)
    assert late.value.code == "delete_window_passed"


def test_reactions_toggle_and_count(pair, alice, bob):
    message = services.message_send(sender=alice, chat=pair, body="react")
    services.reaction_toggle(user=bob, message=message, emoji="👍")
    summary = services.reaction_toggle(user=alice, message=message, emoji="👍")
    assert summary == [{"emoji": "👍", "count": 2, "users": ["bob", "alice"]}]
    assert services.reaction_toggle(user=bob, message=message, emoji="👍") == [{"emoji": "👍", "count": 1, "users": ["alice"]}]
    with pytest.raises(ValidationFailed):
        services.reaction_toggle(user=bob, message=message, emoji="lol")


def test_read_receipts_private_and_group(pair, group, alice, bob, carol):
    message = services.message_send(sender=alice, chat=pair, body="ping")
    states = selectors.read_states(chat=pair)
    assert selectors.receipt_for(message, viewer_id=alice.id, chat=pair, states=states)["state"] == "sent"
    services.chat_mark_delivered(user=bob, chat_id=pair.id, up_to_message_id=message.id)
    states = selectors.read_states(chat=pair)
    assert selectors.receipt_for(message, viewer_id=alice.id, chat=pair, states=states)["state"] == "delivered"
    pair.refresh_from_db()
    services.chat_mark_read(user=bob, chat=pair)
    states = selectors.read_states(chat=pair)
    assert selectors.receipt_for(message, viewer_id=alice.id, chat=pair, states=states)["state"] == "read"
    assert selectors.receipt_for(message, viewer_id=bob.id, chat=pair, states=states) is None
    assert events_of(alice, "message.read")[-1].payload["up_to"] == message.id

    in_group = services.message_send(sender=alice, chat=group, body="all")
    group.refresh_from_db()
    services.chat_mark_read(user=bob, chat=group)
    states = selectors.read_states(chat=group)
    assert selectors.receipt_for(in_group, viewer_id=alice.id, chat=group, states=states)["seen_by"] == 1


def test_group_roles_add_remove_leave_transfer(group, alice, bob, carol, make_user, django_capture_on_commit_callbacks):
    dave = make_user(username="dave")
    with pytest.raises(Forbidden):
        services.member_add(actor=bob, chat=group, user=dave)
    services.member_set_role(actor=alice, chat=group, user=bob, role=MemberRole.ADMIN)
    services.member_add(actor=bob, chat=group, user=dave)
    with pytest.raises(Conflict):
        services.member_add(actor=bob, chat=group, user=dave)
    services.member_remove(actor=bob, chat=group, user=dave)
    with pytest.raises(Forbidden):
        services.member_remove(actor=bob, chat=group, user=alice)
    assert "member.left" in [e.type for e in events_of(dave)]  # the removed member hears of it
    with pytest.raises(Conflict):
        services.chat_leave(user=alice, chat=group)
    with django_capture_on_commit_callbacks(execute=True):
        services.chat_transfer_ownership(actor=alice, chat=group, user=carol)
    assert Membership.objects.get(chat=group, user=carol).role == MemberRole.OWNER
    assert AuditEvent.objects.filter(action="chat.ownership_transferred").exists()
    services.chat_leave(user=alice, chat=group)
    assert not Membership.objects.filter(chat=group, user=alice).exists()


def test_channel_only_admins_post_and_public_ones_can_be_joined(alice, bob, carol):
    channel = services.chat_create(owner=alice, kind="channel", title="Announcements", is_public=True)
    services.chat_join(user=bob, chat=channel)
    services.message_send(sender=alice, chat=channel, body="news")
    with pytest.raises(Forbidden) as read_only:
        services.message_send(sender=bob, chat=channel, body="me too")
    assert read_only.value.code == "channel_read_only"
    private_channel = services.chat_create(owner=alice, kind="channel", title="Staff")
    with pytest.raises(NotFound):
        services.chat_join(user=bob, chat=private_channel)
    link = services.invite_link_create(actor=alice, chat=private_channel)
    assert services.chat_join_by_invite(user=bob, token=link.token) == private_channel
    services.invite_link_revoke(actor=alice, link=link)
    with pytest.raises(NotFound):
        services.chat_join_by_invite(user=carol, token=link.token)
    with pytest.raises(ValidationFailed):
        services.chat_create(owner=alice, kind="group", title="x", is_public=True)


def test_forward_names_the_original_sender(pair, group, alice, bob):
    message = services.message_send(sender=bob, chat=pair, body="worth sharing")
    forwarded = services.message_forward(user=alice, message=message, to_chat=group)
    assert forwarded.forwarded_from_label == bob.display_name and forwarded.chat == group


def test_slow_mode_and_moderation(group, alice, bob, carol, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        moderate(group, alice, bob, carol)
    assert {"chat.message_removed", "chat.member_muted", "chat.slow_mode_changed"} <= set(
        AuditEvent.objects.values_list("action", flat=True))


def moderate(group, alice, bob, carol):
    services.chat_update(actor=alice, chat=group, slow_mode_seconds=60)
    services.message_send(sender=bob, chat=group, body="one")
    with pytest.raises(services.RateLimited) as slow:
        services.message_send(sender=bob, chat=group, body="two")
    assert slow.value.code == "slow_mode"
    services.message_send(sender=alice, chat=group, body="admins are not slowed")
    services.message_send(sender=alice, chat=group, body="again")
    bad = services.message_send(sender=carol, chat=group, body="spam")
    report = services.message_report(user=bob, message=bad, reason="spam")
    services.member_silence(actor=alice, chat=group, user=carol, minutes=10)
    with pytest.raises(Forbidden) as silenced:
        services.message_send(sender=carol, chat=group, body="more spam")
    assert silenced.value.code == "silenced"
    services.message_moderate_delete(actor=alice, message=bad)
    report.refresh_from_db()
    assert report.status == "actioned"
    with pytest.raises(NotFound):
        services.message_moderate_delete(actor=bob, message=services.message_send(sender=alice, chat=group, body="x"))
    assert MessageReport.objects.count() == 1


def test_site_moderator_can_remove_a_message_in_any_chat(pair, alice, bob, make_user):
    from django.contrib.auth.models import Group

    moderator = make_user(username="mod")
    moderator.groups.add(Group.objects.get_or_create(name="moderator")[0])
    message = services.message_send(sender=alice, chat=pair, body="bad")
    services.message_moderate_delete(actor=moderator, message=message)
    message.refresh_from_db()
    assert message.is_deleted


def test_links_to_our_pages_become_cards_and_others_do_not(pair, alice, bob):
    message = services.message_send(
        sender=alice, chat=pair,
        body="see http://testserver/u/bob/ and https://evil.example/u/bob/ and /submissions/12/")
    kinds = [(c["kind"], c["url"]) for c in message.data["cards"]]
    assert kinds == [("profile", "/u/bob/"), ("submission", "/submissions/12/")]


def test_typing_and_presence_are_not_stored(pair, alice, bob):
    assert services.typing_signal(user=alice, chat_id=pair.id) is True
    services.presence_heartbeat(user=alice, socket_id="tab-1")
    assert not ChatEvent.objects.filter(type__in=["typing.user", "user.status"]).exists()
    assert selectors.presence_of(user_ids=[alice.id])[alice.id]["status"] == "online"
    services.presence_set_status(user=alice, status="dnd")
    assert selectors.presence_of(user_ids=[alice.id])[alice.id]["status"] == "dnd"
    services.presence_disconnect(user=alice, socket_id="tab-1")
    presence = selectors.presence_of(user_ids=[alice.id])[alice.id]
    assert presence["status"] == "offline" and presence["last_seen_at"]


def test_presence_respects_the_privacy_preference(alice):
    from accounts.services import preferences_update

    services.presence_heartbeat(user=alice, socket_id="tab-1")
    preferences_update(user=alice, data={"show_activity": False})
    assert selectors.presence_of(user_ids=[alice.id])[alice.id] == {"status": "hidden", "last_seen_at": None}

"""Deleting an account: the page says what goes and what stays, and afterwards nothing of the user
is left but what it said stays (anonymised). A real resume from the shared corpus is uploaded so
that its stored file is removed too."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import CASCADE

from accounts.models import User
from accounts.selectors import account_deletion_plan
from accounts.services import account_delete
from analytics.models import Event
from core.exceptions import ValidationFailed
from core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

CORPUS_RESUME = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "resumes" / "altacv_andrea_adelfio.pdf"


def _a_full_account(user, other):
    from chat import services as chat_services
    from community import services as community_services
    from resumes import services as resume_services

    version = resume_services.resume_upload(
        user=user, upload=SimpleUploadedFile("cv.pdf", CORPUS_RESUME.read_bytes(), "application/pdf"))
    post = community_services.post_create(author=user, title="My graph notes", body="BFS, then DFS.")
    community_services.comment_create(author=other, post_id=post.id, body="Thanks")
    room = chat_services.chat_create(owner=other, kind="group", title="Study", members=[user])
    message = chat_services.message_send(sender=user, chat=room, body="hello all")
    return version, message


def _rows_pointing_at(user_id: int) -> dict[str, int]:
    left = {}
    for relation in User._meta.related_objects:
        if relation.many_to_many or relation.related_model._meta.auto_created or relation.on_delete is not CASCADE:
            continue
        n = relation.related_model._base_manager.filter(**{f"{relation.field.name}_id": user_id}).count()
        if n:
            left[relation.related_model._meta.label] = n
    return left


def test_deletion_removes_what_the_plan_says_and_keeps_the_rest_anonymised(user, other_user):
    version, message = _a_full_account(user, other_user)
    stored = version.file.storage, version.file.name
    assert stored[0].exists(stored[1])
    plan = account_deletion_plan(user=user)
    removed = {line.what for line in plan.removed}
    assert {"resumes", "posts"} <= removed
    assert any(line.what.startswith("messages") for line in plan.kept_anonymised)
    user_id = user.id

    with pytest.raises(ValidationFailed):
        account_delete(user=user, password="not it")
    assert User.objects.filter(id=user_id).exists()

    account_delete(user=user, password=PASSWORD)
    assert not User.objects.filter(id=user_id).exists()
    assert _rows_pointing_at(user_id) == {}
    assert not stored[0].exists(stored[1])
    message.refresh_from_db()
    assert message.sender_id is None and message.body == "hello all"  # the others' chat keeps it
    assert not Event.objects.filter(actor_id=user_id).exists()
    assert Event.objects.filter(verb="post.created", actor=None).exclude(anonymous_actor="").count() == 1
    assert Event.objects.filter(verb="account.deleted").count() == 1
    assert AuditEvent.objects.filter(action="account.deleted", target_id=str(user_id)).exists()
    assert User.objects.filter(id=other_user.id).exists()


def test_the_page_lists_both_and_deletes_on_the_password(client, user, other_user):
    _a_full_account(user, other_user)
    client.force_login(user)
    page = client.get("/settings/delete-account/").content.decode()
    assert "Removed" in page and "Kept without your name" in page and "1 resumes" in page
    wrong = client.post("/settings/delete-account/", {"password": "nope"})
    assert wrong.status_code == 400 and "That is not your password" not in wrong.content.decode()
    assert User.objects.filter(id=user.id).exists()
    done = client.post("/settings/delete-account/", {"password": PASSWORD})
    assert done.status_code == 302
    assert not User.objects.filter(id=user.id).exists()
    assert client.get("/settings/delete-account/").status_code == 302  # logged out


def test_the_api_deletes_only_the_callers_own_account(api_client, user, other_user):
    user_id = user.id
    api_client.force_authenticate(user)
    plan = api_client.get("/api/v1/me/account/").json()
    assert set(plan) == {"removed", "kept_anonymised"}
    bad = api_client.delete("/api/v1/me/account/", {"password": 12}, format="json")
    assert bad.status_code == 400 and "error" in bad.json()
    wrong = api_client.delete("/api/v1/me/account/", {"password": "nope"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "wrong_password"
    assert api_client.delete("/api/v1/me/account/", {"password": PASSWORD}, format="json").status_code == 204
    assert not User.objects.filter(id=user.id).exists() and User.objects.filter(id=other_user.id).exists()
    audit = AuditEvent.objects.get(action="account.deleted", target_id=str(user_id))
    assert audit.actor_id is None and audit.actor_label == f"{user.email} (own account)"
    api_client.force_authenticate(None)
    assert api_client.delete("/api/v1/me/account/", {"password": PASSWORD}, format="json").status_code in (401, 403)


def test_the_owners_bots_go_with_the_account_and_the_page_says_so(client, user, other_user):
    from chat import bot_services
    from chat import services as chat_services
    from chat.bot_models import Bot

    bot, _ = bot_services.bot_create(owner=user, username="standup_bot", name="Standup")
    group = chat_services.chat_create(owner=other_user, kind="group", title="Team", members=[user, bot.user])
    said = bot_services.bot_send_message(bot=bot, chat_id=group.id, text="Standup in 5 minutes")
    others_bot, _ = bot_services.bot_create(owner=other_user, username="other_bot")
    bot_account_id = bot.user_id

    plan = account_deletion_plan(user=user)
    assert {(line.what, line.count) for line in plan.removed} >= {("bots", 1), ("accounts of your bots", 1)}
    assert ("messages (sender)", 1) in {(line.what, line.count) for line in plan.kept_anonymised}
    client.force_login(user)
    assert "1 accounts of your bots" in client.get("/settings/delete-account/").content.decode()

    account_delete(user=user, password=PASSWORD)
    assert not User.objects.filter(id=bot_account_id).exists() and not Bot.objects.filter(id=bot.id).exists()
    assert _rows_pointing_at(bot_account_id) == {}
    said.refresh_from_db()
    assert said.sender_id is None and said.body == "Standup in 5 minutes"  # the group keeps what it was told
    assert AuditEvent.objects.filter(action="account.deleted", target_id=str(bot_account_id)).exists()
    assert Bot.objects.filter(id=others_bot.id).exists() and User.objects.filter(id=others_bot.user_id).exists()

"""The audit log: sensitive operations leave an append-only event (actor, action, target, the
fields that changed before and after, address, user agent, request id), written on commit;
admins search it read-only in the admin; users see their own security events; old events go."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from core.audit import audit_purge_expired, audit_record
from core.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

# Events are written on commit: these tests commit, as requests do.
pytestmark = pytest.mark.django_db(transaction=True)

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def events(action: str, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters))


@pytest.fixture
def admin_user(transactional_db):
    user = UserFactory()
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_sign_ins_and_failed_sign_ins_are_recorded_for_their_account(client, user):
    wrong = "Wrong-Horse-Battery-99"
    client.post("/accounts/login/", {"login": user.email, "password": wrong}, HTTP_USER_AGENT=CHROME)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, HTTP_USER_AGENT=CHROME)
    failed, = events("auth.login_failed", subject=user)
    assert failed.actor is None and failed.target_label == user.email and failed.ip == "127.0.0.1"
    assert wrong not in str(failed.changes) + failed.target_label + failed.actor_label
    login, = events("auth.login", subject=user)
    assert login.actor == user and login.user_agent == CHROME and login.request_id

    page = client.get("/settings/security/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Failed sign-in attempt" in text and "Signed in" in text and "Chrome on Linux" in text


def test_the_security_page_reads_in_a_fixed_number_of_queries(client, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    client.get("/settings/security/")  # the day's first visit records the activity; not measured

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/settings/security/").status_code == 200
        return len(captured)

    audit_record(action="auth.login", actor=user, subject=user, target=user)
    few = queries()
    for _ in range(15):
        audit_record(action="auth.login", actor=user, subject=user, target=user)
    assert queries() == few <= 8


def test_password_and_role_changes_are_recorded(client, user):
    client.force_login(user)
    response = client.post("/accounts/password/change/", {
        "oldpassword": PASSWORD, "password1": "A-new-long-passphrase-42", "password2": "A-new-long-passphrase-42"})
    assert response.status_code == 302
    changed, = events("auth.password_changed", subject=user)
    assert changed.actor == user and "A-new-long" not in str(changed.changes)

    user.groups.add(Group.objects.get_or_create(name="moderator")[0])
    role, = events("role.changed", subject=user)
    assert role.changes == {"roles": [[], ["moderator"]]}


def test_admin_edits_and_deletes_keep_before_and_after(client, admin_user, make_user):
    person = make_user()
    group = Group.objects.create(name="reviewers")
    client.force_login(admin_user)
    response = client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "senior-reviewers"})
    assert response.status_code == 302
    edit, = events("admin.changed", target_type="auth.group", target_id=str(group.pk))
    assert edit.actor == admin_user and edit.changes["name"] == ["reviewers", "senior-reviewers"]

    response = client.post(f"/admin/accounts/user/{person.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert events("admin.deleted", target_type="accounts.user", target_id=str(person.pk))
    assert events("account.deleted", target_id=str(person.pk))

    # Admins search the log, and cannot add, change or delete an event.
    found = client.get("/admin/core/auditevent/", {"q": "admin.changed"})
    assert found.status_code == 200 and b"admin.changed" in found.content
    assert client.get("/admin/core/auditevent/add/").status_code == 403
    assert client.post(f"/admin/core/auditevent/{edit.pk}/delete/", {"post": "yes"}).status_code == 403


def test_events_are_append_only_and_written_only_on_commit(user):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            audit_record(action="challenge.rejudged", actor=user, target=user)
            raise RuntimeError("the operation failed")
    assert not AuditEvent.objects.exists()
    audit_record(action="challenge.rejudged", actor=user, target=user)
    event = AuditEvent.objects.get()
    event.action = "something else"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(action="rewritten")
    assert AuditEvent.objects.get().action == "challenge.rejudged"


def test_old_events_are_purged_after_the_retention(user, settings):
    from django.db import connection

    settings.AUDIT_RETENTION_DAYS = 30
    audit_record(action="auth.login", actor=user, subject=user)
    audit_record(action="auth.login", actor=user, subject=user)
    aged = AuditEvent.objects.order_by("id").first()
    with connection.cursor() as cursor:  # created_at is set on insert; age one event by hand
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET created_at = %s WHERE id = %s",
                       [timezone.now() - timedelta(days=31), aged.pk])
    assert audit_purge_expired() == 1
    assert list(AuditEvent.objects.values_list("id", flat=True)) != [aged.pk] and AuditEvent.objects.count() == 1


def test_a_rejudge_and_a_challenge_edit_are_recorded(admin_user):
    from challenges import services
    from tests.challenges.conftest import sum_two_challenge

    challenge = sum_two_challenge()
    services.challenge_rejudge(challenge=challenge)
    assert events("challenge.rejudged", target_id=str(challenge.pk))
    assert events("challenge.created", target_id=str(challenge.pk))

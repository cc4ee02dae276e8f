"""The roles open the Django admin: the admin role every registered model, the moderator role the
moderation models only. The permissions come from migrate (core's post_migrate receiver)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from core.roles import ADMIN, MODERATOR, MODERATOR_MODEL_ACTIONS, role_permissions_sync

pytestmark = pytest.mark.django_db


def registered_models():
    models = [model for model in apps.get_models() if admin.site.is_registered(model)]
    assert len(models) > 20  # every app's admin.py was loaded
    return models


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def client_with_role(client, make_user, role):
    user = make_user()
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


def test_admin_role_lists_and_searches_every_registered_model(client, make_user):
    client = client_with_role(client, make_user, ADMIN)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert b"permission to view or edit anything" not in index.content
    for model in registered_models():
        url = changelist_url(model)
        assert client.get(url).status_code == 200, url
        assert client.get(url, {"q": "ada"}).status_code == 200, url


def test_moderator_role_reaches_the_moderation_models_only(client, make_user):
    client = client_with_role(client, make_user, MODERATOR)
    moderated = {apps.get_model(label) for label in MODERATOR_MODEL_ACTIONS}
    index = client.get("/admin/")
    assert index.status_code == 200
    for model in registered_models():
        url = changelist_url(model)
        expected = 200 if model in moderated else 403
        assert client.get(url).status_code == expected, url
        assert client.get(url, {"q": "grace"}).status_code == expected, url
    # Accounts and roles stay with admins.
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_add")).status_code == 403


def test_people_without_a_role_are_sent_to_the_admin_login(client, user):
    client.force_login(user)
    response = client.get(changelist_url(registered_models()[0]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_sync_is_idempotent_and_restores_a_removed_permission():
    group = Group.objects.get(name=MODERATOR)
    before = set(group.permissions.values_list("codename", flat=True))
    assert {"view_profile", "change_profile", "delete_roommessage"} <= before
    assert "view_user" not in before
    group.permissions.clear()
    counts = role_permissions_sync()
    assert set(group.permissions.values_list("codename", flat=True)) == before
    assert counts == role_permissions_sync()
    assert counts[ADMIN] == 4 * len(registered_models())


def test_demo_admin_enters_the_admin(client):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert client.login(email="ada@example.com", password="prepforge-demo")
    response = client.get("/admin/")
    assert response.status_code == 200
    assert b"permission to view or edit anything" not in response.content
    assert client.get(reverse("admin:accounts_user_changelist"), {"q": "grace"}).status_code == 200


def test_a_moderator_logs_in_through_the_admin_login_page(client, make_user):
    from tests.factories import PASSWORD

    moderator = make_user(email="mod@example.com")
    moderator.groups.add(Group.objects.get(name=MODERATOR))
    response = client.post("/admin/login/?next=/admin/", {"username": "mod@example.com", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_member_without_a_role_cannot_log_in_to_the_admin(client, user):
    from tests.factories import PASSWORD

    response = client.post("/admin/login/?next=/admin/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert b"staff account" in response.content


def test_every_migrate_puts_the_role_permissions_back():
    from django.core.management import call_command

    for role in (ADMIN, MODERATOR):
        Group.objects.get(name=role).permissions.clear()
    call_command("migrate", verbosity=0)
    assert Group.objects.get(name=ADMIN).permissions.count() == 4 * len(registered_models())
    assert Group.objects.get(name=MODERATOR).permissions.filter(codename="change_profile").exists()

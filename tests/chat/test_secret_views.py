"""The secret-chat page (a shell the browser fills in) and the admin: someone else's secret chat
is 404, and neither the page nor the admin shows a ciphertext."""

import os

import pytest
from django.urls import reverse

from chat import secret_services

from .secret_material import b64, publishable

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed(alice, bob):
    a = secret_services.secret_key_publish(user=alice, **publishable())
    b = secret_services.secret_key_publish(user=bob, **publishable())
    chat = secret_services.secret_chat_open(user=alice, peer=bob)
    return secret_services.secret_message_send(sender=alice, chat=chat, sender_key_id=a.id, recipient_key_id=b.id,
                                               iv=b64(os.urandom(12)), ciphertext=b64(os.urandom(60)))


def test_the_page_is_for_the_two_only_and_renders_no_message(client, sealed, bob, carol):
    client.force_login(bob)
    page = client.get(reverse("chat-secret", args=[sealed.chat_id]))
    assert page.status_code == 200 and "Secret chat with" in page.content.decode()
    assert sealed.ciphertext not in page.content.decode()
    assert client.get(reverse("chat-secret-home")).status_code == 200
    client.force_login(carol)
    assert client.get(reverse("chat-secret", args=[sealed.chat_id])).status_code == 404
    client.logout()
    assert client.get(reverse("chat-secret-home")).status_code == 302


def test_the_admin_shows_who_and_when_but_no_ciphertext(client, sealed, make_user):
    root = make_user(username="root")
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    listing = client.get(reverse("admin:chat_secretmessage_changelist"))
    detail = client.get(reverse("admin:chat_secretmessage_change", args=[sealed.id]))
    assert listing.status_code == detail.status_code == 200
    assert sealed.ciphertext not in listing.content.decode() + detail.content.decode()
    assert client.get(reverse("admin:chat_secretkey_changelist")).status_code == 200
    assert client.get(reverse("admin:chat_secretchat_changelist")).status_code == 200

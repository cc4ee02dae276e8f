"""/api/v1/secret/: what mobile apps call. Someone else's secret chat is 404 on every operation;
bad shapes answer the error envelope naming the field; list reads stay at a fixed query count."""

import os

import pytest
from rest_framework.test import APIClient

from chat import secret_services
from chat.secret_models import SecretMessage

from .secret_material import b64, publishable
from .test_apis import client_for

pytestmark = pytest.mark.django_db


def publish(user) -> dict:
    answer = client_for(user).post("/api/v1/secret/keys/", publishable(), format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()


def test_publish_fetch_open_send_and_list(alice, bob):
    a_key, b_key = publish(alice), publish(bob)
    assert a_key["current"] and a_key["wrap_iterations"] == 600_000
    peer = client_for(alice).get("/api/v1/secret/keys/bob/").json()
    assert peer == {"id": b_key["id"], "public_key": b_key["public_key"], "created_at": b_key["created_at"], "username": "bob"}
    assert "wrapped_private_key" not in peer
    chat = client_for(alice).post("/api/v1/secret/chats/", {"username": "bob"}, format="json").json()
    assert chat["peer"]["username"] == "bob" and chat["peer_key"]["id"] == b_key["id"] and not chat["key_changed"]
    sealed = {"sender_key_id": a_key["id"], "recipient_key_id": b_key["id"], "iv": b64(os.urandom(12)),
              "ciphertext": b64(os.urandom(48))}
    sent = client_for(alice).post(f"/api/v1/secret/chats/{chat['id']}/messages/", sealed, format="json")
    assert sent.status_code == 201, sent.json()
    page = client_for(bob).get(f"/api/v1/secret/chats/{chat['id']}/messages").json()
    assert [(m["kind"], m["ciphertext"], m["sender_key"]["id"], m["recipient_key"]["id"]) for m in page["results"]] == [
        ("sealed", sealed["ciphertext"], a_key["id"], b_key["id"])]
    assert [c["peer"]["username"] for c in client_for(bob).get("/api/v1/secret/chats/").json()] == ["alice"]
    # Own keys come with their wrapped private parts; nobody else's do.
    assert client_for(alice).get("/api/v1/secret/keys/").json()[0]["wrapped_private_key"] == a_key["wrapped_private_key"]


def test_rotation_shows_the_warning_until_trusted(alice, bob):
    publish(alice)
    publish(bob)
    chat = client_for(alice).post("/api/v1/secret/chats/", {"username": "bob"}, format="json").json()
    new = publish(bob)
    seen = client_for(alice).get(f"/api/v1/secret/chats/{chat['id']}/").json()
    assert seen["key_changed"] and seen["peer_key"]["id"] == new["id"]
    history = client_for(alice).get(f"/api/v1/secret/chats/{chat['id']}/messages/").json()["results"]
    assert [(m["kind"], m["sender"]["username"], m["ciphertext"]) for m in history] == [("key_changed", "bob", "")]
    trusted = client_for(alice).post(f"/api/v1/secret/chats/{chat['id']}/trust/", {"key_id": new["id"]}, format="json")
    assert trusted.status_code == 200 and not trusted.json()["key_changed"]


def test_bad_input_answers_the_envelope(alice, bob):
    bad = client_for(alice).post("/api/v1/secret/keys/", {**publishable(), "public_key": b64(b"\x04" + bytes(64))}, format="json")
    assert bad.status_code == 400 and "public_key" in bad.json()["error"]["details"]
    weak = client_for(alice).post("/api/v1/secret/keys/", {**publishable(), "wrap_iterations": 1000}, format="json")
    assert weak.status_code == 400 and "wrap_iterations" in weak.json()["error"]["details"]
    typed = client_for(alice).post("/api/v1/secret/keys/", {**publishable(), "wrap_iterations": "600000"}, format="json")
    assert typed.status_code == 400
    assert client_for(alice).get("/api/v1/secret/keys/nobody/").status_code == 404
    assert client_for(alice).get("/api/v1/secret/keys/bob/").status_code == 404  # no key yet
    no_key = client_for(alice).post("/api/v1/secret/chats/", {"username": "bob"}, format="json")
    assert no_key.status_code == 409 and no_key.json()["error"]["code"] == "no_secret_key"
    publish(alice)
    peer_missing = client_for(alice).post("/api/v1/secret/chats/", {"username": "bob"}, format="json")
    assert peer_missing.status_code == 409 and peer_missing.json()["error"]["code"] == "peer_has_no_key"
    publish(bob)
    chat = client_for(alice).post("/api/v1/secret/chats/", {"username": "bob"}, format="json").json()
    stale = client_for(alice).post(f"/api/v1/secret/chats/{chat['id']}/messages/",
                                   {"sender_key_id": 999, "recipient_key_id": 998, "iv": b64(os.urandom(12)),
                                    "ciphertext": b64(os.urandom(40))}, format="json")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_key"
    assert client_for(alice).get("/api/v1/secret/keys/").status_code == 200
    assert APIClient().get("/api/v1/secret/keys/").status_code in (401, 403)


def test_non_members_get_404_on_every_operation(alice, bob, carol):
    publish(alice)
    b_key = publish(bob)
    publish(carol)
    chat = client_for(alice).post("/api/v1/secret/chats/", {"username": "bob"}, format="json").json()
    outsider = client_for(carol)
    base = f"/api/v1/secret/chats/{chat['id']}"
    sealed = {"sender_key_id": 1, "recipient_key_id": b_key["id"], "iv": b64(os.urandom(12)), "ciphertext": b64(os.urandom(40))}
    answers = [outsider.get(f"{base}/"), outsider.get(f"{base}/messages/"),
               outsider.post(f"{base}/messages/", sealed, format="json"),
               outsider.post(f"{base}/trust/", {"key_id": b_key["id"]}, format="json"),
               outsider.get("/api/v1/secret/chats/999999/")]
    assert [a.status_code for a in answers] == [404] * 5
    assert all(a.json()["error"]["code"] == "not_found" for a in answers)
    assert outsider.get("/api/v1/secret/chats/").json() == []
    assert not SecretMessage.objects.exists()


def test_chat_list_and_history_take_a_fixed_number_of_queries(alice, make_user, django_assert_max_num_queries):
    alice_key = publish(alice)
    peers = [make_user(username=f"peer{n}") for n in range(6)]
    for peer in peers:
        key = publish(peer)
        chat = secret_services.secret_chat_open(user=alice, peer=peer)
        secret_services.secret_message_send(sender=alice, chat=chat, sender_key_id=alice_key["id"],
                                            recipient_key_id=key["id"], iv=b64(os.urandom(12)),
                                            ciphertext=b64(os.urandom(40)))
    client = client_for(alice)
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/secret/chats/").json()) == 6
    for peer in peers[:3]:
        publish(peer)  # key-change notices join the history
    with django_assert_max_num_queries(6):
        assert len(client.get(f"/api/v1/secret/chats/{chat.id}/messages/").json()["results"]) == 1
    first = secret_services.secret_chat_open(user=alice, peer=peers[0])
    with django_assert_max_num_queries(6):
        assert len(client.get(f"/api/v1/secret/chats/{first.id}/messages/").json()["results"]) == 2


def test_the_schema_documents_the_operations(client):
    operations = {operation["operationId"]: (path, method)
                  for path, methods in client.get("/api/schema/?format=json").json()["paths"].items()
                  for method, operation in methods.items()}
    assert operations["secret_keys_publish"] == ("/api/v1/secret/keys/", "post")
    assert operations["secret_keys_peer_retrieve"] == ("/api/v1/secret/keys/{username}/", "get")
    assert operations["secret_chats_messages_send"] == ("/api/v1/secret/chats/{chat_id}/messages/", "post")
    assert operations["secret_chats_messages_list"] == ("/api/v1/secret/chats/{chat_id}/messages/", "get")
    assert operations["secret_chats_trust"] == ("/api/v1/secret/chats/{chat_id}/trust/", "post")

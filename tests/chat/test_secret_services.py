"""Secret chats on the server: shapes checked, keys rotated with a notice in every chat, messages
sealed only for current keys, delivered through the event log, and seen by nobody but the two."""

import base64
import os
import random

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from accounts.models import Notification
from chat import secret_selectors, secret_services, services
from chat.bot_models import BotUpdate
from chat.models import ChatEvent, Message
from chat.secret_engine import shapes
from chat.secret_models import SecretKey, SecretMessage, SecretMessageKind
from core.exceptions import Conflict, NotFound, ValidationFailed

from .secret_material import b64, open_sealed, publishable, seal

pytestmark = pytest.mark.django_db


def keyed(user):
    return secret_services.secret_key_publish(user=user, **publishable())


@pytest.fixture
def secret(alice, bob):
    keyed(alice)
    keyed(bob)
    return secret_services.secret_chat_open(user=alice, peer=bob)


def sealed_fields(chat, sender):
    own = secret_selectors.secret_key_current(user_id=sender.id)
    theirs = secret_selectors.secret_key_current(user_id=chat.peer_id(sender.id))
    return {"sender_key_id": own.id, "recipient_key_id": theirs.id, "iv": b64(os.urandom(12)),
            "ciphertext": b64(os.urandom(40))}


def test_a_new_key_retires_the_old_one_and_both_stay_listed(alice):
    first = keyed(alice)
    second = keyed(alice)
    keys = secret_selectors.secret_keys_of(user=alice)
    assert [k.id for k in keys] == [second.id, first.id]
    assert keys[0].retired_at is None and keys[1].retired_at is not None
    assert SecretKey.objects.filter(user=alice, retired_at__isnull=True).count() == 1


def non_canonical(text: str) -> str:
    """The same bytes with a padding bit set: decoders accept it, the canonical check does not."""
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return text[:-2] + last[last.index(text[-2]) | 1] + "="


def fixed_bytes(count: int) -> bytes:
    # Seeded: parametrized ids must be the same in every pytest-xdist worker.
    return random.Random(count).randbytes(count)


def off_curve_point() -> str:
    return b64(b"\x04" + fixed_bytes(64))


@pytest.mark.parametrize(("field", "value"), [
    ("public_key", "not base64!"),
    ("public_key", off_curve_point()),
    ("public_key", b64(b"\x02" + fixed_bytes(32))),  # compressed: 33 bytes
    ("public_key", b64(b"\x04" + b"\x00" * 64)),  # not on the curve
    ("public_key", non_canonical(b64(b"\x04" + fixed_bytes(64)))),
    ("wrapped_private_key", b64(fixed_bytes(8))),
    ("wrapped_private_key", b64(fixed_bytes(600))),
    ("wrap_salt", b64(fixed_bytes(8))),
    ("wrap_iv", b64(fixed_bytes(16))),
    ("wrap_iterations", 100_000),
    ("wrap_iterations", True),
])
def test_badly_shaped_keys_are_refused_naming_the_field(alice, field, value):
    fields = {**publishable(), field: value}
    with pytest.raises(ValidationFailed) as refused:
        secret_services.secret_key_publish(user=alice, **fields)
    assert field in refused.value.details
    assert not SecretKey.objects.exists()


def test_off_curve_points_are_refused_even_when_the_first_byte_is_right():
    with pytest.raises(shapes.ShapeError, match="P-256"):
        # 0x04 || x || y with x, y random: on the curve with probability ~2^-256
        shapes.check_public_key(off_curve_point())


def test_a_chat_needs_keys_on_both_sides(alice, bob):
    with pytest.raises(Conflict) as no_own:
        secret_services.secret_chat_open(user=alice, peer=bob)
    assert no_own.value.code == "no_secret_key"
    keyed(alice)
    with pytest.raises(Conflict) as no_peer:
        secret_services.secret_chat_open(user=alice, peer=bob)
    assert no_peer.value.code == "peer_has_no_key"
    with pytest.raises(ValidationFailed):
        secret_services.secret_chat_open(user=alice, peer=alice)


def test_opening_twice_gives_the_one_chat_trusting_the_keys_of_that_moment(secret, alice, bob):
    assert secret_services.secret_chat_open(user=bob, peer=alice).id == secret.id
    view = secret_selectors.secret_chat_get_for_user(user=alice, chat_id=secret.id)
    assert view.peer == bob and view.peer_key.id == secret_selectors.secret_key_current(user_id=bob.id).id
    assert not view.key_changed


def test_a_message_is_stored_as_it_came_and_goes_to_both_event_logs(secret, alice, bob, carol):
    fields = sealed_fields(secret, alice)
    message = secret_services.secret_message_send(sender=alice, chat=secret, **fields)
    stored = SecretMessage.objects.get(id=message.id)
    assert (stored.iv, stored.ciphertext) == (fields["iv"], fields["ciphertext"])
    events = ChatEvent.objects.filter(type="secret.message")
    assert sorted(e.user_id for e in events) == [alice.id, bob.id]
    assert all(e.payload["secret_message"]["ciphertext"] == fields["ciphertext"] for e in events)
    # Nothing outside the two hears of it: no message row (so no search, card, bot update or
    # webhook), no notification.
    assert not Message.objects.exists() and not BotUpdate.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("iv", b64(fixed_bytes(8))),
    ("ciphertext", b64(fixed_bytes(10))),  # shorter than a GCM tag
    ("ciphertext", b64(fixed_bytes(shapes.CIPHERTEXT_MAX_BYTES + 1))),
    ("ciphertext", "%%%"),
])
def test_badly_shaped_messages_are_refused(secret, alice, field, value):
    with pytest.raises(ValidationFailed) as refused:
        secret_services.secret_message_send(sender=alice, chat=secret, **{**sealed_fields(secret, alice), field: value})
    assert field in refused.value.details
    assert not SecretMessage.objects.exists()


def test_a_new_key_puts_a_notice_in_every_chat_warns_the_peer_and_refuses_stale_seals(secret, alice, bob, carol):
    keyed(carol)
    with_carol = secret_services.secret_chat_open(user=carol, peer=bob)
    stale = sealed_fields(secret, alice)
    new_key = keyed(bob)
    notices = SecretMessage.objects.filter(kind=SecretMessageKind.KEY_CHANGED, sender=bob)
    assert sorted(n.chat_id for n in notices) == sorted([secret.id, with_carol.id])
    assert all(n.sender_key_id == new_key.id and n.ciphertext == "" for n in notices)
    heard = ChatEvent.objects.filter(type="secret.key_changed")
    assert sorted(e.user_id for e in heard) == sorted([alice.id, bob.id, bob.id, carol.id])
    assert secret_selectors.secret_chat_get_for_user(user=alice, chat_id=secret.id).key_changed
    assert not secret_selectors.secret_chat_get_for_user(user=bob, chat_id=secret.id).key_changed

    with pytest.raises(Conflict) as refused:
        secret_services.secret_message_send(sender=alice, chat=secret, **stale)
    assert refused.value.code == "stale_key" and refused.value.details["recipient_key_id"] == new_key.id

    with pytest.raises(Conflict):
        secret_services.secret_chat_trust(user=alice, chat=secret, key_id=stale["recipient_key_id"])
    secret_services.secret_chat_trust(user=alice, chat=secret, key_id=new_key.id)
    assert not secret_selectors.secret_chat_get_for_user(user=alice, chat_id=secret.id).key_changed


def test_the_first_key_announces_nothing(alice, bob):
    keyed(alice)
    assert not SecretMessage.objects.exists() and not ChatEvent.objects.filter(type="secret.key_changed").exists()


def test_others_cannot_see_the_chat(secret, carol):
    with pytest.raises(NotFound):
        secret_selectors.secret_chat_get_for_user(user=carol, chat_id=secret.id)
    for made_up in (0, -1, 2**63, "1"):
        with pytest.raises(NotFound):
            secret_selectors.secret_chat_get_for_user(user=carol, chat_id=made_up)


def test_flooding_is_refused_like_ordinary_messages(secret, alice, settings):
    settings.CHAT_MESSAGES_PER_MINUTE = 2
    for _ in range(2):
        secret_services.secret_message_send(sender=alice, chat=secret, **sealed_fields(secret, alice))
    with pytest.raises(services.RateLimited):
        secret_services.secret_message_send(sender=alice, chat=secret, **sealed_fields(secret, alice))


def test_a_real_seal_round_trips_through_the_server_unchanged(alice, bob):
    alice_private, bob_private = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    a_key = secret_services.secret_key_publish(user=alice, **publishable(alice_private))
    b_key = secret_services.secret_key_publish(user=bob, **publishable(bob_private))
    chat = secret_services.secret_chat_open(user=alice, peer=bob)
    context = {"chat_id": chat.id, "sender_key_id": a_key.id, "recipient_key_id": b_key.id}
    sealed = seal(alice_private, b_key.public_key, "meet at 5 🙂", **context)
    message = secret_services.secret_message_send(sender=alice, chat=chat, sender_key_id=a_key.id,
                                                  recipient_key_id=b_key.id, **sealed)
    got = secret_services.secret_message_to_dict(message)
    assert base64.b64decode(got["ciphertext"]) and b"meet" not in base64.b64decode(got["ciphertext"])
    assert open_sealed(bob_private, got["sender_key"]["public_key"], got["iv"], got["ciphertext"], **context) == "meet at 5 🙂"

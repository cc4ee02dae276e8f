"""The browser's secret-chat cryptography (static/src/chat/secret_crypto.js) run by Node's WebCrypto
against an independent implementation of the same protocol with pyca/cryptography and hashlib
(tests/chat/secret_material.py), which is also the reference a mobile app follows: each side opens
what the other sealed and unwraps what the other wrapped, both compute the same safety number, and
what the browser publishes passes the server's shape checks."""

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from chat.secret_engine import shapes

from .secret_material import (
    ITERATIONS,
    b64,
    open_sealed,
    public_raw,
    publishable,
    safety_number,
    seal,
    unwrap,
)

DRIVER = Path(__file__).resolve().parent / "js" / "secret_crypto_driver.mjs"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node is not installed")


def test_browser_and_python_implementations_interoperate():
    passphrase = "correct horse battery staple"
    python_private = ec.generate_private_key(ec.SECP256R1())
    peer_private = ec.generate_private_key(ec.SECP256R1())
    python_public = b64(public_raw(python_private))
    peer_public = b64(public_raw(peer_private))
    context = {"chat_id": 41, "sender_key_id": 5, "recipient_key_id": 3}
    sealed = seal(peer_private, python_public, "Ünïcødé and emoji 🔐 survive", **context)
    request = {
        "passphrase": passphrase,
        "wrapped_by_python": publishable(python_private, passphrase=passphrase),
        "sealed_by_python": {"peerPublicKey": peer_public, **sealed, "chatId": 41, "senderKeyId": 5, "recipientKeyId": 3},
        "python_public_key": python_public,
        "text": "reply from the browser ✓",
        "people": [{"publicKey": python_public, "userId": 12}, {"publicKey": peer_public, "userId": 3}],
    }
    run = subprocess.run([NODE, str(DRIVER)], input=json.dumps(request), capture_output=True, text=True, timeout=120,
                         check=True)
    out = json.loads(run.stdout)

    assert out["opened"] == "Ünïcødé and emoji 🔐 survive"
    assert out["wrong_passphrase_refused"] and out["moved_to_another_chat_refused"]

    identity = out["identity"]
    assert identity["wrap_iterations"] == ITERATIONS >= shapes.PBKDF2_MIN_ITERATIONS
    shapes.check_wrapped_key(**identity)  # what the browser publishes is what the server accepts
    browser_private = unwrap(identity, passphrase)
    assert b64(public_raw(browser_private)) == identity["public_key"]
    assert open_sealed(python_private, identity["public_key"], **out["sealed"], chat_id=7, sender_key_id=11,
                       recipient_key_id=12) == "reply from the browser ✓"
    assert b"reply" not in base64.b64decode(out["sealed"]["ciphertext"])

    expected = safety_number((python_public, 12), (peer_public, 3))
    assert out["safety"] == [expected, expected]
    assert [len(group) for group in expected.split(" ")] == [5] * 12
    assert expected != safety_number((python_public, 12), (b64(public_raw(ec.generate_private_key(ec.SECP256R1()))), 3))

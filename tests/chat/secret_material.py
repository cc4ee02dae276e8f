"""Secret-chat key material and ciphertext made with pyca/cryptography, following the protocol the
browser runs (static/src/chat/secret_crypto.js): an independent implementation, so that the tests
that compare the two catch a side drifting from the documented scheme."""

import base64
import hashlib
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

PROTOCOL = b"prepforge-secret-chat-v1"
ITERATIONS = 600_000


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def public_raw(private_key: ec.EllipticCurvePrivateKey) -> bytes:
    return private_key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def _passphrase_key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    return PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations).derive(passphrase.encode())


def publishable(private_key: ec.EllipticCurvePrivateKey | None = None, passphrase: str | None = None) -> dict:
    """What a client publishes. Without a passphrase the wrapped blob is random bytes of the real
    size (the server cannot tell, and PBKDF2 at 600,000 rounds costs a test a third of a second)."""
    private_key = private_key or ec.generate_private_key(ec.SECP256R1())
    salt, iv = os.urandom(16), os.urandom(12)
    if passphrase is None:
        wrapped = os.urandom(154)
    else:
        pkcs8 = private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption())
        wrapped = AESGCM(_passphrase_key(passphrase, salt, ITERATIONS)).encrypt(iv, pkcs8, None)
    return {"public_key": b64(public_raw(private_key)), "wrapped_private_key": b64(wrapped),
            "wrap_salt": b64(salt), "wrap_iv": b64(iv), "wrap_iterations": ITERATIONS}


def unwrap(record: dict, passphrase: str) -> ec.EllipticCurvePrivateKey:
    key = _passphrase_key(passphrase, base64.b64decode(record["wrap_salt"]), record["wrap_iterations"])
    pkcs8 = AESGCM(key).decrypt(base64.b64decode(record["wrap_iv"]), base64.b64decode(record["wrapped_private_key"]), None)
    loaded = serialization.load_der_private_key(pkcs8, password=None)
    assert isinstance(loaded, ec.EllipticCurvePrivateKey)
    return loaded


def _message_key(private_key, peer_public_b64: str, sender_key_id: int, recipient_key_id: int) -> AESGCM:
    peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), base64.b64decode(peer_public_b64))
    secret = private_key.exchange(ec.ECDH(), peer)
    low, high = sorted([sender_key_id, recipient_key_id])
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=PROTOCOL, info=f"keys:{low}:{high}".encode()).derive(secret)
    return AESGCM(key)


def _aad(chat_id, sender_key_id, recipient_key_id) -> bytes:
    return PROTOCOL + f"|chat:{chat_id}|from:{sender_key_id}|to:{recipient_key_id}".encode()


def seal(private_key, peer_public_b64, text, *, chat_id, sender_key_id, recipient_key_id) -> dict:
    iv = os.urandom(12)
    sealed = _message_key(private_key, peer_public_b64, sender_key_id, recipient_key_id).encrypt(
        iv, text.encode(), _aad(chat_id, sender_key_id, recipient_key_id))
    return {"iv": b64(iv), "ciphertext": b64(sealed)}


def open_sealed(private_key, peer_public_b64, iv, ciphertext, *, chat_id, sender_key_id, recipient_key_id) -> str:
    return _message_key(private_key, peer_public_b64, sender_key_id, recipient_key_id).decrypt(
        base64.b64decode(iv), base64.b64decode(ciphertext), _aad(chat_id, sender_key_id, recipient_key_id)).decode()


def _fingerprint(public_b64: str, user_id: int) -> str:
    key = base64.b64decode(public_b64)
    digest = b"\x00\x00" + key + f"prepforge-user:{user_id}".encode()
    for _ in range(5200):
        digest = hashlib.sha512(digest + key).digest()
    return "".join(f"{int.from_bytes(digest[i:i + 5], 'big') % 100_000:05d}" for i in range(0, 30, 5))


def safety_number(a: tuple[str, int], b: tuple[str, int]) -> str:
    """Signal's displayable fingerprint over (public key, user id) pairs: twelve groups of five."""
    digits = "".join(sorted([_fingerprint(*a), _fingerprint(*b)]))
    return " ".join(digits[i:i + 5] for i in range(0, 60, 5))

"""Shape checks for what a secret-chat client uploads: base64 fields of known sizes, a public key
that is really a point on P-256, PBKDF2 parameters no weaker than OWASP's, and ciphertext sizes.

The protocol (see static/src/chat/secret_crypto.js, which the browser runs):
- identity key: ECDH P-256; the public key is the raw uncompressed point (65 bytes, 0x04 || X || Y);
- the private key (PKCS#8) is wrapped with AES-GCM under a key derived from the passphrase by
  PBKDF2-HMAC-SHA256 (a 16..64-byte salt, 600,000 iterations or more), with a 12-byte IV;
- a message is AES-GCM (12-byte IV, 16-byte tag) under HKDF-SHA256 of the ECDH secret."""

import base64
import binascii
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec

PUBLIC_KEY_BYTES = 65
IV_BYTES = 12
GCM_TAG_BYTES = 16
SALT_MIN_BYTES, SALT_MAX_BYTES = 16, 64
# OWASP's 2023 figure for PBKDF2-HMAC-SHA256; the ceiling keeps a hostile client from making the
# other devices of its own account spin for minutes.
PBKDF2_MIN_ITERATIONS, PBKDF2_MAX_ITERATIONS = 600_000, 10_000_000
# A P-256 PKCS#8 export is 138 bytes (67 without the public key) plus the tag; room for encoders.
WRAPPED_KEY_MIN_BYTES, WRAPPED_KEY_MAX_BYTES = 64, 512
# 4,000 characters of text at 4 bytes each plus the tag, rounded up to a multiple of 3 so that
# every base64 string of the longest length the schema allows decodes to at most this.
CIPHERTEXT_MAX_BYTES = 16_032
# Canonical standard base64: whole quads, then padding whose unused bits are zero.
CANONICAL_BASE64 = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=|[A-Za-z0-9+/][AQgw]==)?$"


def base64_length(byte_count: int) -> int:
    return (byte_count + 2) // 3 * 4


class ShapeError(ValueError):
    """What is wrong with one field, for the error envelope's details."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def decode_base64(field: str, value: object, *, min_bytes: int, max_bytes: int) -> bytes:
    """Standard base64 (with padding), nothing else, decoded to between min and max bytes."""
    if not isinstance(value, str):
        raise ShapeError(field, "Expected a base64 string.")
    # Each 4 characters hold 3 bytes: refuse a huge string before decoding it.
    if len(value) > base64_length(max_bytes):
        raise ShapeError(field, f"At most {max_bytes} bytes.")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ShapeError(field, "Not valid base64.") from None
    if base64.b64encode(raw).decode() != value:
        raise ShapeError(field, "Not canonical base64.")
    if not min_bytes <= len(raw) <= max_bytes:
        raise ShapeError(field, f"Expected {min_bytes}..{max_bytes} bytes, got {len(raw)}."
                         if min_bytes != max_bytes else f"Expected {min_bytes} bytes, got {len(raw)}.")
    return raw


def check_public_key(value: object, field: str = "public_key") -> bytes:
    """A raw uncompressed P-256 point that lies on the curve (not the point at infinity, not a
    point of a weaker curve an invalid-curve attack would use)."""
    raw = decode_base64(field, value, min_bytes=PUBLIC_KEY_BYTES, max_bytes=PUBLIC_KEY_BYTES)
    if raw[0] != 0x04:
        raise ShapeError(field, "Expected an uncompressed point (first byte 0x04).")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise ShapeError(field, "Not a point on P-256.") from None
    return raw


@dataclass(frozen=True)
class WrappedKey:
    public_key: str
    wrapped_private_key: str
    wrap_salt: str
    wrap_iv: str
    wrap_iterations: int


def check_wrapped_key(*, public_key: object, wrapped_private_key: object, wrap_salt: object,
                      wrap_iv: object, wrap_iterations: object) -> WrappedKey:
    """Every field of a published identity key, or the first ShapeError."""
    check_public_key(public_key)
    decode_base64("wrapped_private_key", wrapped_private_key,
                  min_bytes=WRAPPED_KEY_MIN_BYTES, max_bytes=WRAPPED_KEY_MAX_BYTES)
    decode_base64("wrap_salt", wrap_salt, min_bytes=SALT_MIN_BYTES, max_bytes=SALT_MAX_BYTES)
    decode_base64("wrap_iv", wrap_iv, min_bytes=IV_BYTES, max_bytes=IV_BYTES)
    if (not isinstance(wrap_iterations, int) or isinstance(wrap_iterations, bool)
            or not PBKDF2_MIN_ITERATIONS <= wrap_iterations <= PBKDF2_MAX_ITERATIONS):
        raise ShapeError("wrap_iterations",
                         f"PBKDF2 needs {PBKDF2_MIN_ITERATIONS:,}..{PBKDF2_MAX_ITERATIONS:,} iterations.")
    return WrappedKey(public_key=str(public_key), wrapped_private_key=str(wrapped_private_key),
                      wrap_salt=str(wrap_salt), wrap_iv=str(wrap_iv), wrap_iterations=wrap_iterations)


def check_sealed_message(*, iv: object, ciphertext: object) -> None:
    """A message's IV and ciphertext (which carries the GCM tag, so it is never shorter)."""
    decode_base64("iv", iv, min_bytes=IV_BYTES, max_bytes=IV_BYTES)
    decode_base64("ciphertext", ciphertext, min_bytes=GCM_TAG_BYTES, max_bytes=CIPHERTEXT_MAX_BYTES)

// Secret chats' cryptography, all of it in the browser (WebCrypto; Node 20 runs this file too).
// The server only ever receives what these functions return for it: public keys, private keys
// wrapped under a passphrase, and ciphertext.
//
// Identity key: ECDH P-256. Public key: the raw uncompressed point (65 bytes), in base64.
// Wrapping: PBKDF2-HMAC-SHA256(passphrase, 16-byte salt, 600,000 iterations, as OWASP advises)
//   gives an AES-GCM-256 key that wraps the PKCS#8 private key (12-byte IV).
// Message key: ECDH(own private, peer public) -> HKDF-SHA256 (salt "prepforge-secret-chat-v1",
//   info "keys:<smaller key id>:<larger key id>") -> AES-GCM-256. Each message has a fresh
//   12-byte IV; the additional data binds it to its chat and both key ids, so the server cannot
//   move a ciphertext to another chat or pass it off as sealed by another key.
// Safety number: as Signal's. Per person, SHA-512 iterated 5,200 times over version || public
//   key || stable id ("prepforge-user:<id>"), then 30 bytes as six 5-digit groups; the two halves
//   in ascending order, so both people see the same 60 digits.

export const PBKDF2_ITERATIONS = 600_000;
const PROTOCOL = "prepforge-secret-chat-v1";
const FINGERPRINT_ITERATIONS = 5200;
const subtle = globalThis.crypto.subtle;
const utf8 = new TextEncoder();

export function toBase64(bytes) {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = "";
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function randomBytes(length) {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

async function passphraseKey(passphrase, salt, iterations, usages) {
  const material = await subtle.importKey("raw", utf8.encode(passphrase), "PBKDF2", false, ["deriveKey"]);
  return subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, material,
    { name: "AES-GCM", length: 256 }, false, usages);
}

/** A new identity key, and what to publish for it (POST /api/v1/secret/keys/). */
export async function createIdentity(passphrase, iterations = PBKDF2_ITERATIONS) {
  const pair = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const wrapping = await passphraseKey(passphrase, salt, iterations, ["wrapKey"]);
  const wrapped = await subtle.wrapKey("pkcs8", pair.privateKey, wrapping, { name: "AES-GCM", iv });
  const publicRaw = await subtle.exportKey("raw", pair.publicKey);
  return {
    privateKey: pair.privateKey,
    publishable: {
      public_key: toBase64(publicRaw), wrapped_private_key: toBase64(wrapped),
      wrap_salt: toBase64(salt), wrap_iv: toBase64(iv), wrap_iterations: iterations,
    },
  };
}

/** The private key of a published record, opened with the passphrase (not extractable again).
 * Rejects when the passphrase is not the one it was wrapped with (GCM's tag does not match). */
export async function unwrapIdentity(record, passphrase) {
  const wrapping = await passphraseKey(passphrase, fromBase64(record.wrap_salt), record.wrap_iterations, ["unwrapKey"]);
  return subtle.unwrapKey("pkcs8", fromBase64(record.wrapped_private_key), wrapping,
    { name: "AES-GCM", iv: fromBase64(record.wrap_iv) }, { name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
}

async function messageKey(privateKey, peerPublicKey, senderKeyId, recipientKeyId) {
  const peer = await subtle.importKey("raw", fromBase64(peerPublicKey), { name: "ECDH", namedCurve: "P-256" }, false, []);
  const secret = await subtle.deriveBits({ name: "ECDH", public: peer }, privateKey, 256);
  const hkdf = await subtle.importKey("raw", secret, "HKDF", false, ["deriveKey"]);
  const [low, high] = [senderKeyId, recipientKeyId].sort((a, b) => a - b);
  return subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: utf8.encode(PROTOCOL), info: utf8.encode(`keys:${low}:${high}`) },
    hkdf, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

function additionalData({ chatId, senderKeyId, recipientKeyId }) {
  return utf8.encode(`${PROTOCOL}|chat:${chatId}|from:${senderKeyId}|to:${recipientKeyId}`);
}

/** Seal `text` for the peer: {iv, ciphertext} in base64, as the send API takes them. */
export async function sealMessage({ privateKey, peerPublicKey, text, chatId, senderKeyId, recipientKeyId }) {
  const key = await messageKey(privateKey, peerPublicKey, senderKeyId, recipientKeyId);
  const iv = randomBytes(12);
  const sealed = await subtle.encrypt({ name: "AES-GCM", iv, additionalData: additionalData({ chatId, senderKeyId, recipientKeyId }) },
    key, utf8.encode(text));
  return { iv: toBase64(iv), ciphertext: toBase64(sealed) };
}

/** The text of a sealed message. `privateKey` is the reader's key of the two named and
 * `peerPublicKey` the other one. Rejects when anything was changed on the way. */
export async function openMessage({ privateKey, peerPublicKey, iv, ciphertext, chatId, senderKeyId, recipientKeyId }) {
  const key = await messageKey(privateKey, peerPublicKey, senderKeyId, recipientKeyId);
  const plain = await subtle.decrypt({ name: "AES-GCM", iv: fromBase64(iv), additionalData: additionalData({ chatId, senderKeyId, recipientKeyId }) },
    key, fromBase64(ciphertext));
  return new TextDecoder("utf-8", { fatal: true }).decode(plain);
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) { out.set(part, at); at += part.length; }
  return out;
}

async function fingerprintDigits(publicKey, userId) {
  const key = fromBase64(publicKey);
  let hash = concat(new Uint8Array([0, 0]), key, utf8.encode(`prepforge-user:${userId}`));
  for (let i = 0; i < FINGERPRINT_ITERATIONS; i += 1) {
    hash = new Uint8Array(await subtle.digest("SHA-512", concat(hash, key)));
  }
  let digits = "";
  for (let chunk = 0; chunk < 6; chunk += 1) {
    let value = 0;
    for (let b = 0; b < 5; b += 1) value = value * 256 + hash[chunk * 5 + b]; // 40 bits: exact in a double
    digits += String(value % 100000).padStart(5, "0");
  }
  return digits;
}

/** 60 digits in twelve groups of five; the same whoever of the two computes it. */
export async function safetyNumber(a, b) {
  const halves = [await fingerprintDigits(a.publicKey, a.userId), await fingerprintDigits(b.publicKey, b.userId)].sort();
  return halves.join("").match(/\d{5}/g).join(" ");
}

// The secret-chat page: unlocks the user's keys with their passphrase, decrypts the history,
// seals what they send, shows the safety number and warns when the other person's key changed.
// Live events come over the messenger's socket (/ws/chat/), resumed from the last number seen.
// Nothing decrypted ever leaves this page: the passphrase and the private keys live in memory.
import { csrfToken } from "../shared/csrf.js";
import { escapeHtml } from "../shared/html_escape.js";
import { reconnectingSocket } from "../shared/reconnecting_socket.js";
import { createIdentity, openMessage, safetyNumber, sealMessage, unwrapIdentity } from "./secret_crypto.js";

const data = JSON.parse(document.getElementById("secret-data").textContent);
const me = data.user_id;
const chatId = data.chat_id;
const $ = (selector) => document.querySelector(selector);
const status = $("[data-secret-status]");
const unlocked = new Map(); // own key id -> private CryptoKey
let ownKeys = [];
let chat = null; // GET /api/v1/secret/chats/<id>/
let lastEventId = data.last_event_id;
const shown = new Set();

class ApiError extends Error {
  constructor(message, code, details) { super(message); this.code = code; this.details = details; }
}

async function api(url, body) {
  const response = await fetch(url, {
    method: body === undefined ? "GET" : "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    const error = answer?.error || {};
    const field = Object.values(error.details || {}).flat().find((m) => typeof m === "string");
    throw new ApiError(field || error.message || `Request failed (${response.status})`, error.code, error.details);
  }
  return answer;
}

const currentKey = () => ownKeys.find((k) => k.current);

function passphrasesOf(form, minimum = 10) {
  const [first, second] = form.querySelectorAll("input[type=password]");
  if (first.value.length < minimum) throw new Error(`Use at least ${minimum} characters.`);
  if (first.value !== second.value) throw new Error("The two passphrases differ.");
  return first.value;
}

async function publish(passphrase) {
  status.textContent = "Making your key…";
  const { privateKey, publishable } = await createIdentity(passphrase);
  const record = await api("/api/v1/secret/keys/", publishable);
  for (const key of ownKeys) key.current = false;
  ownKeys.unshift(record);
  unlocked.set(record.id, privateKey);
  status.textContent = "";
}

async function unlock(passphrase) {
  status.textContent = "Unlocking…";
  const current = currentKey();
  try {
    unlocked.set(current.id, await unwrapIdentity(current, passphrase));
  } catch {
    status.textContent = "";
    throw new Error("That passphrase does not open your current key.");
  }
  // Older keys open too when they were made with the same passphrase (history sealed for them).
  await Promise.allSettled(ownKeys.filter((k) => !k.current).map(async (k) => unlocked.set(k.id, await unwrapIdentity(k, passphrase))));
  status.textContent = "";
}

function onSubmit(selector, errorSelector, action) {
  const form = $(selector);
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = $(errorSelector);
    error.textContent = "";
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await action(form);
    } catch (failure) {
      error.textContent = failure.message;
    } finally {
      button.disabled = false;
    }
  });
}

// --- the conversation ---------------------------------------------------------------------------

function time(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

async function plaintextOf(m) {
  const own = m.sender?.id === me ? m.sender_key : m.recipient_key;
  const other = m.sender?.id === me ? m.recipient_key : m.sender_key;
  const privateKey = own && unlocked.get(own.id);
  if (!privateKey || !other) return null;
  try {
    return await openMessage({ privateKey, peerPublicKey: other.public_key, iv: m.iv, ciphertext: m.ciphertext,
      chatId: m.chat_id, senderKeyId: m.sender_key.id, recipientKeyId: m.recipient_key.id });
  } catch {
    return undefined;
  }
}

async function renderMessage(m) {
  const li = document.createElement("li");
  li.dataset.secretMessageId = m.id;
  if (m.kind === "key_changed") {
    li.className = "message system key-change";
    li.dataset.keyChange = "";
    li.textContent = m.sender?.id === me ? `You made a new key · ${time(m.created_at)}`
      : `⚠ ${m.sender?.name || "They"} made a new key: compare the safety number again · ${time(m.created_at)}`;
    return li;
  }
  const own = m.sender?.id === me;
  li.className = `message${own ? " own" : ""}`;
  const text = await plaintextOf(m);
  const body = text === null ? `<em class="muted">🔒 Sealed for a key this passphrase does not open.</em>`
    : text === undefined ? `<em class="error">This message was changed on the way and cannot be opened.</em>`
      : escapeHtml(text).replaceAll("\n", "<br>");
  li.innerHTML = `<div class="bubble"><div class="small muted">${own ? "You" : escapeHtml(m.sender?.name || "Deleted account")}
    · ${time(m.created_at)}</div><div data-secret-text>${body}</div></div>`;
  return li;
}

async function addMessages(list) {
  const history = $("[data-secret-history]");
  const fresh = list.filter((m) => !shown.has(m.id)).sort((a, b) => a.id - b.id);
  for (const m of fresh) shown.add(m.id);
  const items = await Promise.all(fresh.map(renderMessage));
  for (const li of items) {
    const later = [...history.children].find((other) => Number(other.dataset.secretMessageId) > Number(li.dataset.secretMessageId));
    history.insertBefore(li, later || null);
  }
  if (items.length) history.parentElement.scrollTop = history.parentElement.scrollHeight;
}

async function showChat() {
  chat = await api(`/api/v1/secret/chats/${chatId}/`);
  $("[data-key-warning]").hidden = !chat.key_changed;
  const number = $("[data-safety-number]");
  number.textContent = "Computing…";
  number.textContent = await safetyNumber({ publicKey: currentKey().public_key, userId: me },
    { publicKey: chat.peer_key.public_key, userId: chat.peer.id });
}

async function loadHistory() {
  const page = await api(`/api/v1/secret/chats/${chatId}/messages/?page_size=100`);
  await addMessages(page.results);
}

async function send(text) {
  const sealFor = async () => sealMessage({ privateKey: unlocked.get(currentKey().id), peerPublicKey: chat.peer_key.public_key,
    text, chatId, senderKeyId: currentKey().id, recipientKeyId: chat.peer_key.id });
  const post = async () => api(`/api/v1/secret/chats/${chatId}/messages/`,
    { sender_key_id: currentKey().id, recipient_key_id: chat.peer_key.id, ...(await sealFor()) });
  try {
    return await post();
  } catch (failure) {
    if (failure.code !== "stale_key") throw failure;
    await showChat(); // their key changed since this page loaded: seal for the new one
    return post();
  }
}

function wireConversation() {
  const form = $("[data-secret-composer]");
  const box = $("#secret-body");
  onSubmit("[data-secret-composer]", "[data-secret-error]", async () => {
    const text = box.value.trim();
    if (!text) return;
    const message = await send(text);
    box.value = "";
    await addMessages([message]);
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  $("[data-trust-key]").addEventListener("click", async () => {
    chat = await api(`/api/v1/secret/chats/${chatId}/trust/`, { key_id: chat.peer_key.id });
    $("[data-key-warning]").hidden = !chat.key_changed;
  });
}

// --- the list of secret chats -------------------------------------------------------------------

async function showList() {
  const chats = await api("/api/v1/secret/chats/");
  const list = $("[data-secret-list]");
  list.innerHTML = chats.length ? chats.map((c) => `<li><a href="/chat/secret/${c.id}/">🔒 ${escapeHtml(c.peer.name)}</a>
    <span class="muted small">@${escapeHtml(c.peer.username)}</span>${c.key_changed ? ` <span class="error small">key changed</span>` : ""}</li>`).join("")
    : `<li class="muted">None yet.</li>`;
}

function wireList() {
  const input = $("#start-username");
  if (data.start_with) input.value = data.start_with;
  onSubmit("[data-start-form]", "[data-start-error]", async () => {
    const opened = await api("/api/v1/secret/chats/", { username: input.value.trim().replace(/^@/, "") });
    window.location.assign(`/chat/secret/${opened.id}/`);
  });
}

// --- live events --------------------------------------------------------------------------------

async function onEvent(event) {
  if (typeof event.id === "number") lastEventId = Math.max(lastEventId, event.id);
  if (event.type === "chat.ready" || event.type === "chat.resync") {
    lastEventId = event.last_id;
    if (event.type === "chat.resync") await refresh();
    return;
  }
  if (event.type !== "secret.message" && event.type !== "secret.key_changed") return;
  const m = event.secret_message;
  if (!chatId) { await showList(); return; }
  if (m.chat_id !== chatId) return;
  if (event.type === "secret.key_changed") await showChat();
  await addMessages([m]);
}

async function refresh() {
  if (chatId) { await showChat(); await loadHistory(); } else { await showList(); }
}

let queue = Promise.resolve(); // events are handled one after another, in their order
function startLive() {
  reconnectingSocket({ path: () => `/ws/chat/?last_id=${lastEventId}`,
    onEvent: (event) => { queue = queue.then(() => onEvent(event)).catch((error) => console.error(error)); } });
}

async function enter() {
  $("[data-secret-setup]").hidden = true;
  $("[data-secret-unlock]").hidden = true;
  $("[data-secret-main]").hidden = false;
  await refresh();
  startLive();
  document.body.dataset.secretReady = "true";
}

async function start() {
  ownKeys = await api("/api/v1/secret/keys/");
  if (chatId) wireConversation(); else wireList();
  onSubmit("[data-rotate-form]", "[data-rotate-error]", async (form) => {
    await publish(passphrasesOf(form));
    form.reset();
    $("[data-rotate]").open = false;
    status.textContent = "Your new key is published.";
    if (chatId) await showChat();
  });
  if (!currentKey()) {
    $("[data-secret-setup]").hidden = false;
    onSubmit("[data-setup-form]", "[data-setup-error]", async (form) => { await publish(passphrasesOf(form)); await enter(); });
  } else {
    $("[data-secret-unlock]").hidden = false;
    onSubmit("[data-unlock-form]", "[data-unlock-error]", async (form) => {
      await unlock(form.querySelector("input[type=password]").value);
      await enter();
    });
  }
}

start().catch((error) => { status.textContent = `Secret chats could not start: ${error.message}`; });

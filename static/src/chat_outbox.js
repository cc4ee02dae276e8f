// Messages written while offline wait here, in this browser's IndexedDB, until the connection
// returns. Each carries the client key it was first tried with: the server posts a key once
// (chat.services.message_send), so a send whose answer was lost, or two tabs flushing at the same
// moment, still make one message. Only what this user wrote is kept here, never what others did.
import { apiRequest } from "./shared/csrf.js";

const DB_NAME = "prepforge-chat";
const OUTBOX = "outbox";
const CHATS = "chats";
// Tabs that flush at once take turns (Web Locks); the server's key check covers the rest.
const FLUSH_LOCK = "prepforge-chat-outbox";

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(OUTBOX)) db.createObjectStore(OUTBOX, { keyPath: "client_key" });
      if (!db.objectStoreNames.contains(CHATS)) db.createObjectStore(CHATS, { keyPath: "id" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(name, mode, work) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(name, mode);
      const result = work(tx.objectStore(name));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export function newClientKey() {
  return crypto.randomUUID();
}

/** Keep a message to send later; returns the stored entry. */
export async function outboxAdd({ chatId, body, silent = false, replyTo = null, clientKey = newClientKey() }) {
  const entry = { client_key: clientKey, chat_id: chatId, body, silent, reply_to: replyTo, queued_at: Date.now(), failure: "" };
  await withStore(OUTBOX, "readwrite", (store) => store.put(entry));
  return entry;
}

/** Entries waiting (or refused), oldest first; only one chat's when `chatId` is given. */
export async function outboxEntries(chatId = null) {
  const all = await withStore(OUTBOX, "readonly", (store) => store.getAll());
  return all.filter((e) => chatId === null || e.chat_id === chatId).sort((a, b) => a.queued_at - b.queued_at);
}

export async function outboxRemove(clientKey) {
  await withStore(OUTBOX, "readwrite", (store) => store.delete(clientKey));
}

/** The chat's name as this user last saw it, so the offline page can say where a message goes. */
export async function rememberChat(id, title) {
  await withStore(CHATS, "readwrite", (store) => store.put({ id, title }));
}

export async function rememberedChat(id) {
  return withStore(CHATS, "readonly", (store) => store.get(id));
}

/** The message as the chat API wants it, with its key. */
export function sendMessage(entry) {
  const payload = { body: entry.body, silent: Boolean(entry.silent), client_key: entry.client_key };
  if (entry.reply_to) payload.reply_to = entry.reply_to;
  return apiRequest(`/api/v1/chats/${entry.chat_id}/messages/`, { method: "POST", body: JSON.stringify(payload) });
}

/** fetch() rejects with a TypeError when the request never got an answer (offline). */
export function isNetworkFailure(error) {
  return error instanceof TypeError;
}

async function flushOnce() {
  for (const entry of await outboxEntries()) {
    if (entry.failure) continue; // refused by the server: shown to the user, not retried
    try {
      const message = await sendMessage(entry);
      await outboxRemove(entry.client_key);
      window.dispatchEvent(new CustomEvent("outbox:sent", { detail: { clientKey: entry.client_key, message } }));
    } catch (error) {
      if (isNetworkFailure(error)) return; // still offline: the rest waits, in order
      const status = error.status || 0;
      if (status === 429 || status >= 500) return; // try again on the next flush
      entry.failure = error.message;
      await withStore(OUTBOX, "readwrite", (store) => store.put(entry));
      window.dispatchEvent(new CustomEvent("outbox:refused", { detail: { clientKey: entry.client_key, reason: error.message } }));
    }
  }
}

let flushing = null;

/** Send what waits, oldest first, stopping at the first answer that never comes. */
export function flushOutbox() {
  if (!("indexedDB" in window) || !navigator.onLine) return Promise.resolve();
  if (!flushing) {
    const run = navigator.locks ? navigator.locks.request(FLUSH_LOCK, flushOnce) : flushOnce();
    flushing = Promise.resolve(run).catch(() => {}).finally(() => { flushing = null; });
  }
  return flushing;
}

// The offline page (templates/pwa/offline.html), which the service worker shows in place of a page
// it cannot reach. On a chat's address it lets the user write to that chat: the message waits in
// the outbox (chat_outbox.js) and goes when the connection returns, from the real page, which
// this one turns back into as soon as the browser is online.
import { outboxAdd, outboxEntries, rememberedChat } from "./chat_outbox.js";

const chatMatch = window.location.pathname.match(/^\/chat\/(\d+)\/$/);
const chatId = chatMatch ? Number(chatMatch[1]) : null;
const composer = document.querySelector("[data-offline-composer]");
const outbox = document.querySelector("[data-offline-outbox]");
const list = document.querySelector("[data-offline-list]");

async function chatName(id) {
  const known = await rememberedChat(id).catch(() => null);
  return known?.title || `chat ${id}`;
}

async function showOutbox() {
  const entries = await outboxEntries();
  outbox.hidden = entries.length === 0;
  list.replaceChildren();
  for (const entry of entries) {
    const item = document.createElement("li");
    item.dataset.clientKey = entry.client_key;
    const where = document.createElement("span");
    where.className = "small muted";
    where.textContent = `To ${await chatName(entry.chat_id)}${entry.failure ? ` · not sent: ${entry.failure}` : " · waiting"}`;
    const text = document.createElement("p");
    text.textContent = entry.body;
    item.append(text, where);
    list.append(item);
  }
}

if (chatId !== null) {
  composer.hidden = false;
  chatName(chatId).then((name) => { document.querySelector("[data-offline-chat]").textContent = name; });
  composer.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = composer.querySelector("[data-offline-body]");
    const text = body.value.trim();
    if (!text) return;
    await outboxAdd({ chatId, body: text });
    body.value = "";
    await showOutbox();
  });
}

// Back online: the real page loads, and it sends what waits (static/src/main.js). "online" only
// says a network is there, not that the site answers (nor does it fire when only the site was
// down), so the page asks the site's liveness check first, and keeps asking every few seconds.
const RETRY_SECONDS = 5;
let checking = false;

async function reloadWhenReachable() {
  if (checking) return;
  checking = true;
  try {
    const answer = await fetch("/health", { cache: "no-store", credentials: "omit" });
    if (answer.ok) {
      window.location.reload();
      return;
    }
  } catch {
    // still unreachable
  } finally {
    checking = false;
  }
}

window.addEventListener("online", reloadWhenReachable);
setInterval(() => { if (navigator.onLine) reloadWhenReachable(); }, RETRY_SECONDS * 1000);
showOutbox();

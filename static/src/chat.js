// The messenger's conversation pane: renders the history, sends through the JSON API, and keeps
// up live over /ws/chat/. The socket resumes from the last event number it saw, so a dropped
// connection loses nothing; the server sends each event once, and ids here make a repeat (our own
// message arriving both as the POST answer and as an event) harmless.
import { apiRequest } from "./shared/csrf.js";
import { escapeHtml } from "./shared/html_escape.js";
import { reconnectingSocket } from "./shared/reconnecting_socket.js";
import { attachmentHtml, attachmentPreview, mountAttachmentComposer, wireAudioPlayers } from "./chat_attachments.js";
import { mountChatCall } from "./chat_call.js";
import { isNetworkFailure, newClientKey, outboxAdd, outboxEntries, rememberChat, sendMessage } from "./chat_outbox.js";
import { askNotificationPermission, notificationsSupported, notifyInBackground } from "./pwa.js";

const data = JSON.parse(document.getElementById("chat-data").textContent);
const chatId = data.chat_id;
const me = data.user_id;
const list = document.querySelector("[data-message-list]");
const history = document.querySelector("[data-history]");
const typingLine = document.querySelector("[data-typing]");
const REACTIONS = ["👍", "❤️", "😂", "🎉", "🤔"];
const messages = new Map();
const reads = new Map(Object.entries(data.reads).map(([k, v]) => [Number(k), v]));
const delivered = new Map(Object.entries(data.delivered).map(([k, v]) => [Number(k), v]));
let lastEventId = data.last_event_id;
let replyTo = null;
let editing = null;
let oldestId = null;
const typers = new Map();

function time(iso) {
  const d = new Date(iso);
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function receipt(m) {
  if (m.sender?.id !== me || data.kind === "channel" || m.kind === "system" || m.deleted) return "";
  const others = [...reads.entries()].filter(([uid]) => uid !== me);
  const seen = others.filter(([, up]) => up >= m.id).length;
  if (data.kind === "private") {
    const got = [...delivered.entries()].some(([uid, up]) => uid !== me && up >= m.id);
    if (seen) return `<span class="receipt read" data-receipt="read" title="Read" aria-label="Read">✓✓</span>`;
    if (got) return `<span class="receipt" data-receipt="delivered" title="Delivered" aria-label="Delivered">✓✓</span>`;
    return `<span class="receipt" data-receipt="sent" title="Sent" aria-label="Sent">✓</span>`;
  }
  return seen ? `<span class="receipt read" data-receipt="seen">seen by ${seen}</span>` : `<span class="receipt" data-receipt="sent">✓</span>`;
}

function reactionsHtml(m) {
  const mine = (r) => r.users.includes(data.username);
  const chips = m.reactions.map((r) => `<button type="button" class="reaction${mine(r) ? " mine" : ""}" data-react="${escapeHtml(r.emoji)}"
      aria-pressed="${mine(r)}" title="${escapeHtml(r.users.join(", "))}">${escapeHtml(r.emoji)} <span data-count>${r.count}</span></button>`);
  return chips.join("");
}

function cardsHtml(m) {
  return (m.cards || []).map((c) => `<a class="link-card" href="${escapeHtml(c.url)}"><span class="small muted">${escapeHtml(c.kind)}</span>
      <strong>${escapeHtml(c.title)}</strong><span class="small muted">${escapeHtml(c.subtitle)}</span></a>`).join("");
}

function render(m) {
  const li = document.createElement("li");
  li.id = `m${m.id}`;
  li.dataset.messageId = m.id;
  const own = m.sender?.id === me;
  li.className = `message${own ? " own" : ""}${m.kind === "system" ? " system" : ""}${m.deleted ? " deleted" : ""}`;
  if (m.kind === "system") {
    li.innerHTML = `<div class="system-text">${m.html}</div>`;
    return li;
  }
  if (m.kind === "call") {
    // A call's record: who called, and missed / declined / its duration.
    const icon = m.call?.media === "video" ? "🎥" : "📞";
    li.classList.add("call-record");
    li.dataset.callOutcome = m.call?.outcome || "";
    li.innerHTML = `<div class="system-text" data-call-record>${icon} ${escapeHtml(m.body)}
      <span class="small muted">· ${escapeHtml(m.sender?.name || "")} · <time datetime="${escapeHtml(m.created_at)}">${time(m.created_at)}</time></span></div>`;
    return li;
  }
  const reply = m.reply_to ? `<a class="reply-quote" href="#m${m.reply_to.id}">${m.reply_to.deleted ? "Deleted message"
      : `<strong>${escapeHtml(m.reply_to.sender?.name || "")}</strong> ${escapeHtml(m.reply_to.excerpt)}`}</a>` : "";
  const forwarded = m.forwarded_from ? `<div class="small muted">Forwarded from ${escapeHtml(m.forwarded_from)}</div>` : "";
  const body = m.deleted ? `<p class="muted"><em>Message deleted</em></p>` : `<div class="message-body" data-body>${m.html}</div>`;
  const edited = m.edited && !m.deleted ? ` · <button type="button" class="link-button small" data-history-of="${m.id}">edited</button>` : "";
  const actions = m.deleted ? "" : `<div class="message-actions" role="group" aria-label="Message actions">
      ${REACTIONS.map((e) => `<button type="button" class="icon small" data-react="${e}" aria-label="React ${e}">${e}</button>`).join("")}
      <button type="button" class="link-button small" data-reply>Reply</button>
      ${own && m.kind === "text" ? `<button type="button" class="link-button small" data-edit>Edit</button>` : ""}
      <button type="button" class="link-button small" data-delete="me">Delete for me</button>
      ${own || data.is_admin ? `<button type="button" class="link-button small" data-delete="everyone">Delete for everyone</button>` : ""}
      ${own ? "" : `<button type="button" class="link-button small" data-report>Report</button>`}
    </div>`;
  li.innerHTML = `<div class="bubble">
      ${own || data.kind === "private" ? "" : `<div class="sender small"><a href="/u/${escapeHtml(m.sender?.username || "")}/">${escapeHtml(m.sender?.name || "")}</a></div>`}
      ${forwarded}${reply}${m.deleted ? "" : attachmentHtml(m)}${body}${m.deleted ? "" : cardsHtml(m)}
      <div class="meta small muted"><time datetime="${escapeHtml(m.created_at)}">${time(m.created_at)}</time>${m.silent ? " · silent" : ""}${edited} ${receipt(m)}</div>
      <div class="reactions" data-reactions>${m.deleted ? "" : reactionsHtml(m)}</div>
    </div>${actions}`;
  return li;
}

function upsert(m, { prepend = false } = {}) {
  if (m.chat_id !== chatId) return;
  messages.set(m.id, m);
  const fresh = render(m);
  const existing = document.getElementById(`m${m.id}`);
  if (existing) {
    existing.replaceWith(fresh);
    return;
  }
  if (prepend) {
    list.prepend(fresh);
    return;
  }
  // Keep id order even if an answer and an event cross.
  const after = [...list.children].find((li) => Number(li.dataset.messageId) > m.id);
  const atBottom = history.scrollHeight - history.scrollTop - history.clientHeight < 80;
  list.insertBefore(fresh, after || null);
  if (atBottom || m.sender?.id === me) history.scrollTop = history.scrollHeight;
}

function refreshReceipts() {
  for (const m of messages.values()) {
    if (m.sender?.id !== me) continue;
    const li = document.getElementById(`m${m.id}`);
    const old = li?.querySelector(".receipt");
    if (!old) continue;
    const holder = document.createElement("span");
    holder.innerHTML = receipt(m);
    old.replaceWith(holder.firstElementChild);
  }
}

function markRead() {
  if (document.visibilityState !== "visible" || !messages.size) return;
  const newest = Math.max(...messages.keys());
  if ((reads.get(me) || 0) >= newest) return;
  reads.set(me, newest);
  socket.send({ type: "read", chat_id: chatId, up_to: newest });
}

function showTyping() {
  const now = Date.now();
  const names = [...typers.entries()].filter(([, until]) => until > now).map(([name]) => name);
  typingLine.textContent = names.length ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} typing…` : "";
}

function setUnread(id, count, preview) {
  const item = document.querySelector(`[data-chat-item="${id}"]`);
  if (!item) return;
  const badge = item.querySelector("[data-unread]");
  if (count !== null) {
    badge.textContent = String(count);
    badge.hidden = count === 0;
    badge.setAttribute("aria-label", `${count} unread`);
  }
  if (preview !== undefined) item.querySelector("[data-preview]").textContent = preview;
  item.parentElement.prepend(item);
}

function onEvent(event) {
  if (typeof event.id === "number") lastEventId = Math.max(lastEventId, event.id);
  if (call && (event.type.startsWith("call.") ? call.onEvent(event) : event.type === "error" && call.onError(event))) return;
  switch (event.type) {
    case "chat.ready":
      lastEventId = Math.max(lastEventId, event.last_id);
      markRead();
      break;
    case "chat.resync":
      window.location.reload();
      break;
    case "message.new": {
      const m = event.message;
      const preview = `${m.sender ? `${m.sender.name}: ` : ""}${attachmentPreview(m).slice(0, 60)}`;
      notifyOfMessage(m);
      if (m.chat_id === chatId) {
        upsert(m);
        if (m.sender) typers.delete(m.sender.name);
        showTyping();
        setUnread(chatId, 0, preview);
        markRead();
      } else {
        const item = document.querySelector(`[data-chat-item="${m.chat_id}"] [data-unread]`);
        const count = m.sender?.id === me ? null : Number(item?.textContent || 0) + 1;
        setUnread(m.chat_id, count, preview);
      }
      break;
    }
    case "message.edited":
    case "message.attachment": // the media job is done: the card shows the thumbnail or the player
      upsert(event.message);
      break;
    case "message.deleted":
    case "message.hidden": {
      const m = messages.get(event.message_id);
      if (!m || event.chat_id !== chatId) break;
      if (event.type === "message.hidden") {
        document.getElementById(`m${m.id}`)?.remove();
        messages.delete(m.id);
      } else {
        upsert({ ...m, deleted: true, body: "", html: "", reactions: [], cards: [], attachment: null });
      }
      break;
    }
    case "reaction.updated": {
      const m = messages.get(event.message_id);
      if (m && event.chat_id === chatId) upsert({ ...m, reactions: event.reactions });
      break;
    }
    case "message.read":
      if (event.chat_id !== chatId) break;
      reads.set(event.user.id, Math.max(reads.get(event.user.id) || 0, event.up_to));
      delivered.set(event.user.id, Math.max(delivered.get(event.user.id) || 0, event.up_to));
      refreshReceipts();
      break;
    case "message.delivered":
      if (event.chat_id !== chatId) break;
      delivered.set(event.user.id, Math.max(delivered.get(event.user.id) || 0, event.up_to));
      refreshReceipts();
      break;
    case "typing.user":
      if (event.chat_id !== chatId) break;
      typers.set(event.user.name, Date.now() + 4000);
      showTyping();
      setTimeout(showTyping, 4100);
      break;
    case "user.status": {
      const el = document.querySelector(`[data-presence][data-user-id="${event.user.id}"]`);
      if (!el) break;
      el.textContent = event.status === "offline" ? "last seen just now" : event.status === "dnd" ? "Do not disturb"
        : event.status.charAt(0).toUpperCase() + event.status.slice(1);
      break;
    }
    default:
      break;
  }
}

let call = null;
// --- browser notifications while this tab is in the background ---
function notifyOfMessage(m) {
  if (!m.sender || m.sender.id === me || m.silent || m.kind === "system") return;
  const muted = m.chat_id === chatId ? data.muted : document.querySelector(`[data-chat-item="${m.chat_id}"]`)?.hasAttribute("data-muted");
  if (muted) return;
  const where = m.chat_id === chatId ? data.title : document.querySelector(`[data-chat-item="${m.chat_id}"] .chat-item-title`)?.textContent?.trim();
  notifyInBackground({
    title: where && where !== m.sender.name ? `${m.sender.name} in ${where}` : m.sender.name,
    body: attachmentPreview(m).slice(0, 200),
    url: `/chat/${m.chat_id}/#m${m.id}`,
    tag: `chat-message-${m.id}`,
  });
}

const notifyButton = document.querySelector("[data-notifications]");
function showNotificationChoice() {
  if (!notifyButton) return;
  const state = notificationsSupported() ? Notification.permission : "unsupported";
  notifyButton.hidden = state !== "default";
  const note = document.querySelector("[data-notifications-note]");
  if (note) {
    note.textContent = state === "denied" ? "Notifications are blocked in this browser's settings." : "";
    note.hidden = state !== "denied";
  }
}
notifyButton?.addEventListener("click", async () => {
  await askNotificationPermission();
  showNotificationChoice();
});
showNotificationChoice();

const socket = reconnectingSocket({
  path: () => `/ws/chat/?last_id=${lastEventId}`,
  onEvent,
  onClose: () => call?.onSocketClosed(),
});
const callPanel = document.querySelector("[data-chat-call]");
if (callPanel) {
  const names = new Map(Object.entries(data.member_names || {}).map(([k, v]) => [Number(k), v]));
  call = mountChatCall({ root: callPanel, send: (message) => socket.send(message), chatId,
                         nameOf: (userId) => names.get(userId) || "Someone" });
}

wireAudioPlayers(list);
for (const m of data.messages) upsert(m);
oldestId = data.messages.length ? data.messages[0].id : null;
const target = window.location.hash && document.querySelector(window.location.hash);
if (target) {
  target.classList.add("highlight");
  target.scrollIntoView({ block: "center" });
} else {
  history.scrollTop = history.scrollHeight;
}
document.addEventListener("visibilitychange", markRead);

// --- older history ---
const older = document.querySelector("[data-load-older]");
let nextCursor = undefined;
older.hidden = data.messages.length < 50;
older.addEventListener("click", async () => {
  older.disabled = true;
  try {
    const url = nextCursor || `/api/v1/chats/${chatId}/messages/?page_size=50`;
    const page = await apiRequest(url);
    nextCursor = page.next;
    const before = history.scrollHeight;
    for (const m of page.results) if (oldestId === null || m.id < oldestId) upsert(m, { prepend: true });
    oldestId = Math.min(oldestId ?? Infinity, ...page.results.map((m) => m.id));
    history.scrollTop += history.scrollHeight - before;
    older.hidden = !page.next;
  } finally {
    older.disabled = false;
  }
});

// --- composer ---
const composer = document.querySelector("[data-composer]");
if (composer) {
  const body = composer.querySelector("[data-composer-body]");
  const error = composer.querySelector("[data-composer-error]");
  const replyBar = composer.querySelector("[data-reply-bar]");
  const editBar = composer.querySelector("[data-edit-bar]");
  let lastTyping = 0;

  const resetModes = () => {
    replyTo = null;
    editing = null;
    replyBar.hidden = true;
    editBar.hidden = true;
  };
  composer.querySelector("[data-reply-cancel]").addEventListener("click", resetModes);
  composer.querySelector("[data-edit-cancel]").addEventListener("click", () => { resetModes(); body.value = ""; });

  composer.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = body.value.trim();
    if (!text) return;
    error.textContent = "";
    try {
      if (editing) {
        upsert(await apiRequest(`/api/v1/messages/${editing}/`, { method: "PATCH", body: JSON.stringify({ body: text }) }));
      } else {
        // One key per message, kept through retries: the server posts it once however often it
        // arrives (a lost answer, the outbox sending again).
        const entry = { client_key: newClientKey(), chat_id: chatId, body: text, silent: composer.querySelector("[data-silent]").checked, reply_to: replyTo };
        try {
          if (!navigator.onLine) throw new TypeError("offline");
          upsert(await sendMessage(entry));
        } catch (failure) {
          if (!isNetworkFailure(failure)) throw failure;
          showPending(await outboxAdd({ chatId, body: entry.body, silent: entry.silent, replyTo: entry.reply_to, clientKey: entry.client_key }));
        }
      }
      body.value = "";
      resetModes();
    } catch (failure) {
      error.textContent = failure.message;
    }
  });
  mountAttachmentComposer(composer, { chatId, sent: upsert, replyTo: () => replyTo,
    silent: () => composer.querySelector("[data-silent]").checked, resetModes });
  body.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  body.addEventListener("input", () => {
    const now = Date.now();
    if (now - lastTyping > 2500) {
      lastTyping = now;
      socket.send({ type: "typing", chat_id: chatId });
    }
  });

  list.addEventListener("click", (event) => {
    const li = event.target.closest("[data-message-id]");
    if (!li) return;
    const m = messages.get(Number(li.dataset.messageId));
    if (event.target.closest("[data-reply]")) {
      replyTo = m.id;
      composer.querySelector("[data-reply-text]").textContent = `Replying to ${m.sender?.name || ""}: ${m.body.slice(0, 80)}`;
      replyBar.hidden = false;
      body.focus();
    } else if (event.target.closest("[data-edit]")) {
      editing = m.id;
      body.value = m.body;
      editBar.hidden = false;
      body.focus();
    }
  });
}

// --- message actions anyone can take ---
const dialog = document.querySelector("[data-dialog]");
function showDialog(title, html) {
  dialog.querySelector("[data-dialog-title]").textContent = title;
  dialog.querySelector("[data-dialog-body]").innerHTML = html;
  dialog.showModal();
}

list.addEventListener("click", async (event) => {
  const li = event.target.closest("[data-message-id]");
  if (!li) return;
  const id = Number(li.dataset.messageId);
  try {
    const react = event.target.closest("[data-react]");
    if (react) {
      const reactions = await apiRequest(`/api/v1/messages/${id}/reactions/`, { method: "POST", body: JSON.stringify({ emoji: react.dataset.react }) });
      const m = messages.get(id);
      if (m) upsert({ ...m, reactions });
      return;
    }
    const del = event.target.closest("[data-delete]");
    if (del) {
      if (!window.confirm(del.dataset.delete === "everyone" ? "Delete this message for everyone?" : "Delete this message for you?")) return;
      // 204: the socket's message.deleted / message.hidden updates this tab and the others.
      await apiRequest(`/api/v1/messages/${id}/?scope=${del.dataset.delete}`, { method: "DELETE" });
      return;
    }
    const hist = event.target.closest("[data-history-of]");
    if (hist) {
      const edits = await apiRequest(`/api/v1/messages/${id}/edits/`);
      showDialog("Earlier versions", `<ol class="edit-history">${edits.map((e) => `<li><p>${escapeHtml(e.body)}</p>
        <span class="small muted">until ${escapeHtml(new Date(e.replaced_at).toLocaleString())}</span></li>`).join("")}</ol>`);
      return;
    }
    if (event.target.closest("[data-report]")) {
      const reason = window.prompt("What is wrong with this message?");
      if (!reason) return;
      await apiRequest(`/api/v1/messages/${id}/report/`, { method: "POST", body: JSON.stringify({ reason }) });
      showDialog("Reported", "<p>Thank you. The moderators will look at it.</p>");
    }
  } catch (failure) {
    showDialog("That did not work", `<p>${escapeHtml(failure.message)}</p>`);
  }
});

// --- pin, mute, archive ---
document.querySelectorAll("[data-setting]").forEach((button) => {
  button.addEventListener("click", async () => {
    const on = button.getAttribute("aria-pressed") !== "true";
    await apiRequest(`/api/v1/chats/${chatId}/settings/`, { method: "PATCH", body: JSON.stringify({ [button.dataset.setting]: on }) });
    button.setAttribute("aria-pressed", String(on));
  });
});

// --- messages written offline (chat_outbox.js; main.js sends them when the connection returns) ---
function showPending(entry) {
  let li = list.querySelector(`[data-client-key="${CSS.escape(entry.client_key)}"]`);
  if (!li) {
    li = document.createElement("li");
    li.className = "message own pending";
    li.dataset.clientKey = entry.client_key;
    list.append(li);
  }
  const state = entry.failure ? `Not sent: ${escapeHtml(entry.failure)}` : "Waiting for the connection…";
  li.innerHTML = `<div class="bubble"><p class="pending-body"></p><div class="small muted" data-pending-state>${state}</div></div>`;
  li.querySelector(".pending-body").textContent = entry.body;
  history.scrollTop = history.scrollHeight;
}
window.addEventListener("outbox:sent", (event) => {
  list.querySelector(`[data-client-key="${CSS.escape(event.detail.clientKey)}"]`)?.remove();
  if (event.detail.message.chat_id === chatId) upsert(event.detail.message);
});
window.addEventListener("outbox:refused", async () => {
  for (const entry of await outboxEntries(chatId)) showPending(entry);
});
outboxEntries(chatId).then((entries) => entries.forEach(showPending)).catch(() => {});
rememberChat(chatId, data.title).catch(() => {});

window.prepforgeChat = { get lastEventId() { return lastEventId; }, socket, call };

// Live notifications over /ws/notifications/. Reconnects with backoff and asks the server to
// replay everything after the last id it saw, so nothing is lost across a dropped connection.
import { escapeHtml } from "./shared/html_escape.js";
import { reconnectingSocket } from "./shared/reconnecting_socket.js";

const seen = new Set();
let lastId = 0;

function setUnread(count) {
  document.querySelectorAll("[data-unread-count]").forEach((badge) => {
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = count === 0;
  });
  document.body.dataset.unread = String(count);
}

// Same markup as templates/accounts/partials/notification_item.html.
function renderItem(n) {
  const li = document.createElement("li");
  li.className = "notification unread";
  li.dataset.notificationId = n.id;
  const label = n.type.charAt(0).toUpperCase() + n.type.slice(1);
  const title = n.url && n.url.startsWith("/")
    ? `<a href="${escapeHtml(n.url)}"><strong>${escapeHtml(n.title)}</strong></a>`
    : `<strong>${escapeHtml(n.title)}</strong>`;
  li.innerHTML = `<span class="notification-type type-${escapeHtml(n.type)}">${escapeHtml(label)}</span>
    <div class="notification-text">${title}
    ${n.body ? `<p>${escapeHtml(n.body)}</p>` : ""}
    <small class="muted"><time datetime="${escapeHtml(n.created_at)}">now</time></small></div>`;
  return li;
}

function toast(n) {
  const region = document.getElementById("toasts");
  if (!region) return;
  const item = document.createElement("div");
  item.className = "toast";
  item.setAttribute("role", "status");
  item.textContent = n.title;
  region.appendChild(item);
  setTimeout(() => item.remove(), 6000);
}

function onEvent(event) {
  switch (event.type) {
    case "notification.created": {
      const n = event.notification;
      if (seen.has(n.id)) break;
      seen.add(n.id);
      lastId = Math.max(lastId, n.id);
      document.querySelectorAll("[data-notification-list]").forEach((list) => {
        list.querySelector("[data-empty]")?.remove();
        list.prepend(renderItem(n));
      });
      if (!event.replayed) toast(n);
      if (typeof event.unread_count === "number") setUnread(event.unread_count);
      break;
    }
    case "notification.unread_count":
    case "notification.read":
    case "notification.deleted":
      setUnread(event.unread_count);
      break;
    default:
      // Other apps' events on the user's socket (peer booking status, ...) go to their modules.
      document.dispatchEvent(new CustomEvent("prepforge:realtime", { detail: event }));
      break;
  }
}

export function connectNotifications() {
  lastId = Math.max(lastId, Number(document.body.dataset.lastNotificationId || 0));
  return reconnectingSocket({
    path: () => `/ws/notifications/?last_id=${lastId}`,
    onEvent,
    onOpen: () => { document.body.dataset.live = "connected"; },
    onClose: () => { document.body.dataset.live = "disconnected"; },
    firstDelay: 1000,
  });
}

// Live notifications over /ws/notifications/. Reconnects with backoff and asks the server to
// replay everything after the last id it saw, so nothing is lost across a dropped connection.

const seen = new Set();
let lastId = 0;
let attempt = 0;

function setUnread(count) {
  document.querySelectorAll("[data-unread-count]").forEach((badge) => {
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = count === 0;
    badge.setAttribute("aria-label", `${count} unread notifications`);
  });
  document.body.dataset.unread = String(count);
}

function escapeHtml(text) {
  const div = document.createElement("div");
  div.textContent = text;
  return div.innerHTML;
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
      break;
  }
}

export function connectNotifications() {
  const initial = Number(document.body.dataset.lastNotificationId || 0);
  lastId = Math.max(lastId, initial);
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${window.location.host}/ws/notifications/?last_id=${lastId}`);
  socket.addEventListener("open", () => {
    attempt = 0;
    document.body.dataset.live = "connected";
  });
  socket.addEventListener("message", (message) => {
    try {
      onEvent(JSON.parse(message.data));
    } catch (error) {
      console.warn("Bad notification event", error);
    }
  });
  socket.addEventListener("close", (event) => {
    document.body.dataset.live = "disconnected";
    if (event.code === 4401 || event.code === 4403) return; // signed out: do not retry
    attempt += 1;
    const delay = Math.min(30000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
    setTimeout(connectNotifications, delay);
  });
}

// The site as an installable app: the service worker (served at /sw.js, scope "/") keeps the app
// shell for offline use, and browser notifications for new chat messages while the tab is in the
// background. Permission is asked only when the user presses the button for it, never on load.
import { flushOutbox } from "./chat_outbox.js";

export function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // Without it the site works as before, only not offline.
  });
}

/** Messages written offline go once the connection is back, from whichever page is open. */
export function sendWaitingMessages() {
  if (!("indexedDB" in window)) return;
  flushOutbox();
  window.addEventListener("online", () => flushOutbox());
}

export function notificationsSupported() {
  return "Notification" in window && "serviceWorker" in navigator;
}

/** Asked from a click: the browser shows its own prompt. Returns "granted", "denied" or "default". */
export async function askNotificationPermission() {
  if (!notificationsSupported()) return "denied";
  return Notification.requestPermission();
}

/** A notification for a message, only when the tab is hidden and the user allowed them. Shown
 * through the service worker, so that a click opens the chat (its notificationclick). */
export async function notifyInBackground({ title, body, url, tag }) {
  if (!notificationsSupported() || document.visibilityState !== "hidden" || Notification.permission !== "granted") {
    return false;
  }
  const registration = await navigator.serviceWorker.ready;
  await registration.showNotification(title, { body, tag, data: { url } });
  return true;
}

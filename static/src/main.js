// PrepForge front-end entry: htmx for partial updates, theme, and live notifications.
import htmx from "htmx.org";
import { csrfToken } from "./shared/csrf.js";
import { connectNotifications } from "./notifications.js";
import { followPeerBookingStatus } from "./peer_status.js";
import { registerServiceWorker, sendWaitingMessages } from "./pwa.js";

window.htmx = htmx;

// htmx requests carry the CSRF token from the cookie-less meta tag.
document.addEventListener("htmx:configRequest", (event) => {
  const token = csrfToken();
  if (token) event.detail.headers["X-CSRFToken"] = token;
});

function applyTheme() {
  const root = document.documentElement;
  const chosen = root.dataset.themePreference || "system";
  const dark = chosen === "dark" ||
    (chosen === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  root.dataset.theme = dark ? "dark" : "light";
}
applyTheme();
window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", applyTheme);

// Forms with data-confirm ask before they submit (deleting things).
document.addEventListener("submit", (event) => {
  const form = event.target.closest?.("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

document.addEventListener("DOMContentLoaded", () => {
  registerServiceWorker();
  if (document.body.dataset.authenticated === "true") {
    connectNotifications();
    sendWaitingMessages();
  }
  followPeerBookingStatus();
  // One navigation menu open at a time; a click elsewhere or Escape closes it.
  const groups = [...document.querySelectorAll("[data-nav-group]")];
  for (const group of groups) {
    group.addEventListener("toggle", () => {
      if (group.open) for (const other of groups) if (other !== group) other.open = false;
    });
  }
  document.addEventListener("click", (event) => {
    for (const group of groups) if (group.open && !group.contains(event.target)) group.open = false;
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = groups.find((group) => group.open);
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
  const toggle = document.querySelector("[data-nav-toggle]");
  if (toggle) {
    toggle.addEventListener("click", () => {
      const nav = document.getElementById(toggle.getAttribute("aria-controls"));
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
});

// Secret chats: their page loads its cryptography itself, and no other page loads it.
document.addEventListener("DOMContentLoaded", () => {
  if (document.querySelector("[data-secret-chat]")) import("./chat/secret_page.js");
});

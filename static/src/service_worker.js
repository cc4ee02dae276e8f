// PrepForge's service worker, served at /sw.js (scope: the whole site) by core.pwa_views, which
// puts the shell's list before this script as self.PREPFORGE_SHELL = {version, offline, files}.
// It keeps only the app shell: the offline page (no user data in it), its script, the stylesheet
// and the icons. Pages, the API and the sockets always go to the network and are never cached: a
// page or an API answer holds private data, and other people's messages.
/* global clients */
const shell = self.PREPFORGE_SHELL;
const CACHE = `prepforge-shell-${shell.version}`;
const NEVER = ["/api/", "/ws/", "/admin/", "/accounts/", "/_allauth/"];

// Requests this worker never answers skip it altogether (the static routing API, where the browser
// has it): a fetch event for them only adds a hop, and Chromium loses a keepalive request, such as
// the challenge editor's draft saved on pagehide, that an unloading page sent through its worker.
const NETWORK_ONLY_ROUTES = [
  ...NEVER.map((prefix) => ({ condition: { urlPattern: { pathname: `${prefix}*` } }, source: "network" })),
  ...["POST", "PUT", "PATCH", "DELETE"].map((method) => ({ condition: { requestMethod: method }, source: "network" })),
];

self.addEventListener("install", (event) => {
  if (event.addRoutes) event.waitUntil(event.addRoutes(NETWORK_ONLY_ROUTES).catch(() => {}));
  event.waitUntil(
    caches.open(CACHE)
      // credentials "omit": the shell is the same for everyone, so nobody's session shapes it.
      .then((cache) => cache.addAll([shell.offline, ...shell.files].map((url) => new Request(url, { credentials: "omit" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("prepforge-shell-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || NEVER.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.mode === "navigate") {
    // The page from the network; offline, the shell's offline page in its place (it reads the
    // address to know which chat it stands for).
    event.respondWith(fetch(request).catch(() => caches.match(shell.offline, { cacheName: CACHE })));
    return;
  }
  if (shell.files.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
  }
});

// A notification shown for a new message opens (or focuses) its chat.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || "/chat/", self.location.origin).href;
  event.waitUntil(
    clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => w.url === target);
      return open ? open.focus() : clients.openWindow(target);
    }),
  );
});

// Django's CSRF token, from the meta tag in templates/base.html: every session write sends it.
export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

/** fetch() for our JSON API with the session: CSRF header, JSON in and out. Throws an Error
 * with the server's message (the `{"error": {...}}` envelope) when the answer is not ok. */
export async function apiRequest(url, options = {}) {
  const response = await fetch(url, {
    credentials: "same-origin",
    ...options,
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), ...(options.headers || {}) },
  });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const message = body?.error?.message || body?.detail || `Request failed (${response.status})`;
    const failure = new Error(message);
    failure.status = response.status; // a refusal (4xx) differs from a server that may answer later
    failure.code = body?.error?.code || "";
    throw failure;
  }
  return body;
}

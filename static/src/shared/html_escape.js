// Text made safe for HTML, in element content and in quoted attribute values alike (quotes are
// escaped too: `href="${escapeHtml(url)}"` cannot be broken out of).
const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

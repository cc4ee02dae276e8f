// The summary of a live coding room: replays the shared document edit by edit. Each step is a
// stored Yjs update; position N shows the text after the first N updates. Checkpoints (the
// document after its first `position` updates) let a seek start near its target, not at 0.
import * as Y from "yjs";
import { escapeHtml } from "./shared/html_escape.js";

const $ = (selector) => document.querySelector(selector);

function formatSeconds(total) {
  const seconds = Math.max(0, Math.round(total));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h) return `${h} h ${String(m).padStart(2, "0")} min`;
  if (m) return `${m} min ${String(s).padStart(2, "0")} s`;
  return `${s} s`;
}

for (const time of document.querySelectorAll("time[data-seconds]")) {
  const seconds = Number(time.dataset.seconds);
  if (Number.isFinite(seconds)) time.textContent = formatSeconds(seconds);
}

function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const replay = JSON.parse(document.getElementById("replay-data")?.textContent || "[]");
const checkpoints = JSON.parse(document.getElementById("replay-checkpoints")?.textContent || "[]")
  .sort((a, b) => a.position - b.position);
const slider = $("[data-replay-slider]");

if (slider && replay.length) {
  const updates = replay.map((step) => decodeBase64(step.update));
  const code = $("[data-replay-code]");
  const stepLine = $("[data-replay-step]");
  const playButton = $("[data-replay-play]");
  let doc = null;
  let text = null;
  let applied = 0;
  let shownText = "";
  let playing = null;

  // Start again from the last checkpoint at or before `position` (or from the empty document).
  function reset(position) {
    doc?.destroy();
    doc = new Y.Doc();
    text = doc.getText("code");
    applied = 0;
    const start = checkpoints.filter((c) => c.position <= position).pop();
    if (start) {
      try {
        Y.applyUpdate(doc, decodeBase64(start.update));
        applied = start.position;
      } catch (error) {
        console.warn("replay: checkpoint could not be applied", error);
        reset(-1);
      }
    }
  }

  // The text after the first `position` updates (going back starts again from a checkpoint).
  function textAt(position) {
    const nearest = checkpoints.filter((c) => c.position <= position).pop();
    if (doc === null || position < applied || (nearest && nearest.position > applied)) reset(position);
    while (applied < position) {
      try {
        Y.applyUpdate(doc, updates[applied]);
      } catch (error) {
        console.warn(`replay: update ${applied + 1} could not be applied`, error);
      }
      applied += 1;
    }
    return text.toString();
  }

  // Marks what changed since the text shown before, so that each step is easy to follow.
  function render(next, previous) {
    let start = 0;
    while (start < next.length && start < previous.length && next[start] === previous[start]) start += 1;
    let end = 0;
    while (end < next.length - start && end < previous.length - start
           && next[next.length - 1 - end] === previous[previous.length - 1 - end]) end += 1;
    const inserted = next.slice(start, next.length - end);
    if (!inserted) return escapeHtml(next);
    return `${escapeHtml(next.slice(0, start))}<mark>${escapeHtml(inserted)}</mark>${escapeHtml(next.slice(next.length - end))}`;
  }

  function show(position) {
    const next = textAt(position);
    code.innerHTML = render(next, shownText) || '<span class="muted">(empty)</span>';
    shownText = next;
    code.dataset.position = String(position);
    if (position === 0) {
      stepLine.textContent = `Before the first edit · 0 of ${updates.length}`;
    } else {
      const step = replay[position - 1];
      const when = new Date(step.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
      stepLine.innerHTML = `Edit ${position} of ${updates.length} · <time datetime="${escapeHtml(step.at)}">${escapeHtml(when)}</time> · ${escapeHtml(step.by || "someone")}`;
    }
  }

  function stop() {
    clearInterval(playing);
    playing = null;
    playButton.textContent = "▶ Play";
  }

  function play() {
    if (Number(slider.value) >= updates.length) {
      slider.value = "0";
      show(0);
    }
    playButton.textContent = "⏸ Pause";
    // The whole replay takes about 10 seconds, one step every 40 to 400 ms.
    const delay = Math.min(400, Math.max(40, Math.round(10_000 / updates.length)));
    playing = setInterval(() => {
      const next = Number(slider.value) + 1;
      slider.value = String(next);
      show(next);
      if (next >= updates.length) stop();
    }, delay);
  }

  slider.addEventListener("input", () => {
    if (playing) stop();
    show(Number(slider.value));
  });
  playButton.addEventListener("click", () => (playing ? stop() : play()));
  show(Number(slider.value));
  shownText = textAt(Number(slider.value));
  code.textContent = shownText;
}

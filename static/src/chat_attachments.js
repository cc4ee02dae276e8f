// Attachments in the conversation pane: the card a message shows (a processing state until the
// media job is done, then a thumbnail, a player with its duration and waveform, or a file to
// download), and the composer's two ways to attach: a file picker and a voice note recorded
// with MediaRecorder. Files go to POST /api/v1/files; the server reads their kind from the bytes.
import { csrfToken } from "./shared/csrf.js";
import { escapeHtml } from "./shared/html_escape.js";

const NOUN = { image: "photo", video: "video", audio: "audio", voice: "voice note", file: "file" };

export function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

export function durationText(seconds) {
  if (seconds == null) return "";
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** The chat list's preview of a message: its caption, or what it carries. */
export function attachmentPreview(m) {
  const a = m.attachment;
  if (!a || m.body) return m.body || "";
  if (a.kind === "voice") return `🎤 Voice note ${durationText(a.duration_seconds)}`.trim();
  if (a.kind === "file") return `📄 ${a.name}`;
  return { image: "📷 Photo", video: "🎬 Video", audio: "🎵 Audio" }[a.kind] || "Attachment";
}

function waveformSvg(peaks) {
  if (!peaks.length) return "";
  const width = peaks.length * 4;
  const bars = peaks.map((p, i) => {
    const h = Math.max(2, Math.round(Math.min(1, p * 2.5) * 28));
    return `<rect x="${i * 4}" y="${(32 - h) / 2}" width="3" height="${h}" rx="1"></rect>`;
  }).join("");
  return `<svg class="waveform" data-waveform viewBox="0 0 ${width} 32" width="${width}" height="32" aria-hidden="true" focusable="false">${bars}</svg>`;
}

/** The card of a message's attachment ("" when it has none). */
export function attachmentHtml(m) {
  const a = m.attachment;
  if (!a) return "";
  const name = escapeHtml(a.name || NOUN[a.kind]);
  if (a.status === "failed") {
    return `<div class="attachment failed" data-attachment="${a.id}" data-attachment-status="failed" role="status">
      Could not process this ${NOUN[a.kind]}: ${escapeHtml(a.failure_reason || "unknown error")}</div>`;
  }
  if (a.status !== "ready") {
    return `<div class="attachment processing" data-attachment="${a.id}" data-attachment-status="${escapeHtml(a.status)}" role="status">
      <span class="spinner" aria-hidden="true"></span> Processing ${NOUN[a.kind]}… <span class="small muted">${name} · ${sizeText(a.size_bytes)}</span></div>`;
  }
  const urls = a.urls;
  if (a.kind === "image") {
    const ratio = a.width && a.height ? ` style="aspect-ratio: ${a.width} / ${a.height}"` : "";
    return `<a class="attachment image" data-attachment="${a.id}" data-attachment-status="ready" href="${escapeHtml(urls.view)}" target="_blank" rel="noopener">
      <img src="${escapeHtml(a.animated ? urls.view : urls.thumbnail)}" alt="${a.animated ? "Animation" : "Photo"} ${name}" loading="lazy" data-attachment-thumbnail${ratio}></a>`;
  }
  if (a.kind === "video") {
    return `<div class="attachment video" data-attachment="${a.id}" data-attachment-status="ready">
      <video controls preload="metadata" playsinline src="${escapeHtml(urls.view)}"${urls.thumbnail ? ` poster="${escapeHtml(urls.thumbnail)}"` : ""}
        aria-label="Video ${name}"></video>
      <div class="small muted">${name} · ${durationText(a.duration_seconds)} · ${sizeText(a.size_bytes)}</div></div>`;
  }
  if (a.kind === "audio" || a.kind === "voice") {
    const label = a.kind === "voice" ? "Voice note" : name;
    return `<div class="attachment audio" data-attachment="${a.id}" data-attachment-status="ready">
      <div class="audio-head">${waveformSvg(a.waveform || [])}<span class="small" data-duration>${durationText(a.duration_seconds)}</span></div>
      <audio controls preload="metadata" src="${escapeHtml(urls.view)}" aria-label="${escapeHtml(label)}" data-attachment-audio></audio></div>`;
  }
  return `<a class="attachment file" data-attachment="${a.id}" data-attachment-status="ready" href="${escapeHtml(urls.download)}" download>
    <span class="file-icon" aria-hidden="true">📄</span><span><strong>${name}</strong>
    <span class="small muted">${escapeHtml(a.label || "File")} · ${sizeText(a.size_bytes)}</span></span></a>`;
}

/** Played bars of a waveform follow the audio. */
export function wireAudioPlayers(root) {
  root.addEventListener("timeupdate", (event) => {
    const audio = event.target;
    if (!(audio instanceof HTMLAudioElement)) return;
    const bars = audio.closest(".attachment")?.querySelectorAll("[data-waveform] rect") || [];
    const played = audio.duration ? audio.currentTime / audio.duration : 0;
    bars.forEach((bar, i) => bar.classList.toggle("played", i / bars.length < played));
  }, true);
}

function microphoneProblem(error) {
  if (error?.name === "NotAllowedError" || error?.name === "SecurityError") return "Microphone permission was refused.";
  if (error?.name === "NotFoundError" || error?.name === "OverconstrainedError") return "No microphone was found.";
  if (error?.name === "NotReadableError") return "The microphone is in use by another program.";
  return `The microphone could not be opened (${error?.message || error}).`;
}

/** Adds the attach and record buttons to the composer. `sent(message)` shows what the server answered. */
export function mountAttachmentComposer(composer, { chatId, sent, replyTo, silent, resetModes }) {
  const actions = composer.querySelector(".composer-actions");
  const error = composer.querySelector("[data-composer-error]");
  const body = composer.querySelector("[data-composer-body]");
  const tools = document.createElement("div");
  tools.className = "row attach-tools";
  tools.innerHTML = `<input id="attach-file" type="file" class="visually-hidden" data-attach-input>
    <label class="secondary button-like" for="attach-file" title="Attach a photo, video, audio or file">📎 Attach</label>
    <button type="button" class="secondary" data-record-voice aria-pressed="false">🎤 Voice note</button>
    <span class="small muted" data-upload-status role="status"></span>`;
  actions.prepend(tools);
  const input = tools.querySelector("[data-attach-input]");
  const recordButton = tools.querySelector("[data-record-voice]");
  const status = tools.querySelector("[data-upload-status]");

  async function upload(file, { voice = false } = {}) {
    error.textContent = "";
    status.textContent = `Sending ${file.name || NOUN[voice ? "voice" : "file"]} (${sizeText(file.size)})…`;
    const form = new FormData();
    form.append("chat", String(chatId));
    form.append("file", file, file.name || "voice.webm");
    if (voice) form.append("voice", "true");
    else if (body.value.trim()) form.append("caption", body.value.trim());
    if (replyTo()) form.append("reply_to", String(replyTo()));
    if (silent()) form.append("silent", "true");
    try {
      const response = await fetch("/api/v1/files", { method: "POST", body: form, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() } });
      const answer = await response.json().catch(() => null);
      if (!response.ok) {
        error.textContent = answer?.error?.message || `The file was refused (${response.status}).`;
        return;
      }
      if (!voice) body.value = "";
      resetModes();
      sent(answer);
    } catch (failure) {
      error.textContent = `The upload failed (${failure.message}).`;
    } finally {
      status.textContent = "";
    }
  }

  input.addEventListener("change", () => {
    const file = input.files[0];
    input.value = "";
    if (file) upload(file);
  });

  let recorder = null;
  let started = 0;
  let ticking = null;
  if (!navigator.mediaDevices?.getUserMedia || !window.MediaRecorder) {
    recordButton.disabled = true;
    recordButton.title = "This browser cannot record audio here.";
  }
  recordButton.addEventListener("click", async () => {
    if (recorder?.state === "recording") {
      recorder.stop();
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (failure) {
      error.textContent = microphoneProblem(failure);
      return;
    }
    const type = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"]
      .find((t) => window.MediaRecorder.isTypeSupported?.(t)) || "";
    const chunks = [];
    recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
    recorder.addEventListener("dataavailable", (event) => { if (event.data.size) chunks.push(event.data); });
    recorder.addEventListener("stop", () => {
      stream.getTracks().forEach((track) => track.stop());
      clearInterval(ticking);
      recordButton.textContent = "🎤 Voice note";
      recordButton.setAttribute("aria-pressed", "false");
      const mime = recorder.mimeType || type || "audio/webm";
      const blob = new Blob(chunks, { type: mime });
      if (!blob.size) { error.textContent = "Nothing was recorded."; return; }
      const extension = mime.includes("ogg") ? "ogg" : mime.includes("mp4") ? "m4a" : "webm";
      upload(new File([blob], `voice-note.${extension}`, { type: mime }), { voice: true });
    });
    recorder.start(500);
    started = Date.now();
    recordButton.setAttribute("aria-pressed", "true");
    const tick = () => { recordButton.textContent = `■ Stop ${durationText((Date.now() - started) / 1000)}`; };
    tick();
    ticking = setInterval(tick, 250);
  });
}

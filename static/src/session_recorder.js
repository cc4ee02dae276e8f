// A recording of the whole interview, opt-in: the live page offers "camera and microphone" or
// "microphone only"; while it records, a red indicator with the elapsed time and a Stop button
// stay in view. The recording is kept in the browser in one-second chunks and uploaded once, when
// it stops (the user's Stop, the time limit, ending the interview or its last answer), through the
// media API (purpose "interview_session"), then kept with the interview; the report plays it
// once the media job has read it. The report's half follows that job live on /ws/media/<id>/.
import { csrfToken } from "./shared/csrf.js";
import { escapeHtml } from "./shared/html_escape.js";
import { reconnectingSocket } from "./shared/reconnecting_socket.js";

const VIDEO_TYPES = ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp9,opus", "video/webm", "video/mp4"];
const AUDIO_TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];
// Small enough for a 20-minute interview to stay well under the upload limit (about 2 MB a minute).
const BITRATES = { videoBitsPerSecond: 250_000, audioBitsPerSecond: 32_000 };

function supportedType(types) {
  return types.find((t) => window.MediaRecorder.isTypeSupported?.(t)) || "";
}

function deviceMessage(error, withCamera) {
  const what = withCamera ? "camera or microphone" : "microphone";
  if (error?.name === "NotAllowedError" || error?.name === "SecurityError") {
    return `Permission for the ${what} was refused, so nothing is recorded. The interview goes on as usual.`;
  }
  if (error?.name === "NotFoundError" || error?.name === "OverconstrainedError") {
    return `No ${what} was found. ${withCamera ? "Try microphone only, or go on without recording." : "The interview goes on without recording."}`;
  }
  return `The ${what} could not be opened (${error?.message || error}). The interview goes on without recording.`;
}

const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;

async function postJson(url, body) {
  const response = await fetch(url, { method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() }, body: JSON.stringify(body) });
  return { response, body: await response.json().catch(() => null) };
}

/** Mount the recorder in `panel`. Returns `finish()`: a promise that stops a running recording and
 * resolves once it is uploaded and kept (or has failed, with the reason shown), so the page can
 * wait for it before it leaves for the report. */
export function mountSessionRecorder(panel) {
  const maxSeconds = Number(panel.dataset.maxSeconds) || 1200;
  const body = panel.querySelector("[data-session-recorder-body]");
  let recorder = null;
  let stream = null;
  let ticking = null;
  let saving = null; // the promise of the upload once recording stopped

  const setBody = (html) => { body.innerHTML = html; };
  const idle = (message = "", kind = "") => {
    panel.dataset.state = "idle";
    setBody(`<p class="small muted">Nothing is recorded unless you start it. The recording is kept with this
        interview, plays on its report (and on a link you share), and is deleted with the interview.</p>
      <div class="row"><button type="button" class="secondary" data-record-session="video">● Record camera and microphone</button>
        <button type="button" class="secondary" data-record-session="audio">● Record microphone only</button></div>
      <p class="small" role="status" data-session-recorder-status data-kind="${kind}">${escapeHtml(message)}</p>`);
    body.querySelectorAll("[data-record-session]").forEach((button) => {
      button.addEventListener("click", () => start(button.dataset.recordSession === "video"));
    });
  };
  const done = (message, kind = "") => {
    panel.dataset.state = kind === "error" ? "failed" : "saved";
    setBody(`<p class="small" role="${kind === "error" ? "alert" : "status"}" data-session-recorder-status
      data-kind="${kind}">${escapeHtml(message)}</p>`);
  };

  if (panel.hasAttribute("data-saved")) {
    done("This interview's recording is saved: it plays on the report.");
    return { finish: () => Promise.resolve() };
  }
  if (!navigator.mediaDevices?.getUserMedia || !window.MediaRecorder) {
    done("This browser cannot record here. The interview works as usual without a recording.", "error");
    return { finish: () => Promise.resolve() };
  }

  function stopTracks() {
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
  }

  async function upload(blob, withCamera) {
    panel.dataset.state = "uploading";
    setBody(`<p class="small" role="status" data-session-recorder-status>Uploading the recording
      (${Math.round(blob.size / 1024)} KB)…</p>`);
    const form = new FormData();
    const extension = blob.type.includes("mp4") ? (withCamera ? "mp4" : "m4a") : blob.type.includes("ogg") ? "ogg" : "webm";
    form.append("file", blob, `interview.${extension}`);
    form.append("purpose", "interview_session");
    form.append("transcribe", "false"); // each spoken answer has its own transcript already
    try {
      const response = await fetch("/api/v1/media/upload", { method: "POST", body: form, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() } });
      const uploaded = await response.json().catch(() => null);
      if (!response.ok) {
        done(`The recording was refused: ${uploaded?.error?.message || response.status}.`, "error");
        return;
      }
      const kept = await postJson(panel.dataset.recordingUrl, { media: uploaded.id });
      if (!kept.response.ok) {
        done(`The recording could not be kept: ${kept.body?.error?.message || kept.response.status}.`, "error");
        return;
      }
      done("Recording saved: it plays on the report once it is processed.");
    } catch (error) {
      done(`The recording could not be uploaded (${error.message}).`, "error");
    }
  }

  async function start(withCamera) {
    body.querySelectorAll("button").forEach((button) => { button.disabled = true; });
    try {
      stream = await navigator.mediaDevices.getUserMedia(withCamera
        ? { audio: true, video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 15 } } }
        : { audio: true });
    } catch (error) {
      idle(deviceMessage(error, withCamera), "error");
      return;
    }
    const type = supportedType(withCamera ? VIDEO_TYPES : AUDIO_TYPES);
    const chunks = [];
    recorder = new MediaRecorder(stream, { ...(type ? { mimeType: type } : {}), ...BITRATES });
    recorder.addEventListener("dataavailable", (event) => { if (event.data.size) chunks.push(event.data); });
    let stopped;
    saving = new Promise((resolve) => { stopped = resolve; });
    recorder.addEventListener("stop", async () => {
      stopTracks();
      clearInterval(ticking);
      const blob = new Blob(chunks, { type: recorder.mimeType || type || (withCamera ? "video/webm" : "audio/webm") });
      if (!blob.size) done("Nothing was recorded.", "error");
      else await upload(blob, withCamera);
      stopped();
    });
    recorder.start(1000);
    const started = Date.now();
    panel.dataset.state = "recording";
    setBody(`<div class="row recording-indicator">
        <span class="recording-dot" aria-hidden="true"></span>
        <strong role="status" data-session-recorder-status>Recording ${withCamera ? "camera and microphone" : "microphone"}</strong>
        <span class="small" data-session-recorder-time aria-live="off">0:00</span>
        ${withCamera ? '<video class="recording-preview" muted playsinline autoplay aria-label="Your camera" data-session-recorder-preview></video>' : ""}
        <span class="spacer"></span>
        <button type="button" data-stop-session-recording>■ Stop recording</button></div>
      <p class="small muted">It stops by itself after ${clock(maxSeconds)}, and when the interview ends.</p>`);
    const preview = body.querySelector("[data-session-recorder-preview]");
    if (preview) preview.srcObject = stream;
    body.querySelector("[data-stop-session-recording]").addEventListener("click", stop);
    const timer = body.querySelector("[data-session-recorder-time]");
    ticking = setInterval(() => {
      const seconds = Math.round((Date.now() - started) / 1000);
      timer.textContent = clock(seconds);
      if (seconds >= maxSeconds) stop();
    }, 250);
  }

  function stop() {
    if (recorder && recorder.state !== "inactive") recorder.stop();
  }

  window.addEventListener("beforeunload", (event) => {
    if (recorder?.state === "recording" || panel.dataset.state === "uploading") event.preventDefault();
  });
  idle();
  return {
    finish() {
      stop();
      return saving || Promise.resolve();
    },
  };
}

/** The report's half: a recording still being processed shows the job's progress, then its
 * player (or the reason it failed) without a reload. */
export function followSessionRecording(section) {
  const status = section.dataset.status;
  if (status === "ready" || status === "failed" || !section.hasAttribute("data-follow")) return;
  const id = section.dataset.mediaId;
  const line = section.querySelector("[data-session-recording-status]");
  const bar = section.querySelector("[data-session-recording-progress]");
  let watching = null;
  const show = async (event) => {
    if (event.status === "failed") {
      watching?.stop();
      section.dataset.status = "failed";
      line.setAttribute("role", "alert");
      line.className = "errorlist";
      line.textContent = `The recording could not be processed: ${event.failure_reason || event.failure_code}`;
      bar?.remove();
    } else if (event.status === "ready") {
      watching?.stop();
      const response = await fetch(`/api/v1/media/${id}`, { credentials: "same-origin" });
      const asset = await response.json();
      const player = document.createElement(asset.kind === "video" ? "video" : "audio");
      player.controls = true;
      player.preload = "metadata";
      player.src = asset.urls.web;
      if (asset.kind === "video" && asset.urls.poster) player.poster = asset.urls.poster;
      player.dataset.sessionRecordingPlayer = "";
      player.setAttribute("aria-label", "Recording of the whole interview");
      const meta = document.createElement("p");
      meta.className = "small muted";
      meta.dataset.sessionRecordingMeta = "";
      meta.textContent = [asset.kind === "video" ? "Camera and microphone" : "Microphone only",
        asset.duration_seconds ? `${asset.duration_seconds.toFixed(1)} s` : "",
        `${Math.round(asset.size_bytes / 1024)} KB`].filter(Boolean).join(" · ");
      line.replaceWith(player, meta);
      bar?.remove();
      section.dataset.status = "ready";
    } else {
      line.textContent = `The recording is being processed (${event.stage || event.status}, ${event.progress || 0}%).`;
      if (bar) bar.value = event.progress || 0;
    }
  };
  watching = reconnectingSocket({
    path: () => `/ws/media/${id}/`,
    onEvent: (event) => { if (event.type === "media.state" || event.type === "media.status") show(event); },
  });
}

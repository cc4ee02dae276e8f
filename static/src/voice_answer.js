// Spoken answers on the live interview page: Record / Stop with MediaRecorder, upload to the
// media API, follow the media job live on /ws/media/<id>/, and when the transcript is ready
// hand the recording's id to the interview (the server answers with its transcript). Without a
// microphone (refused, none, or no MediaRecorder) the slot says so and typing still works.
import { csrfToken } from "./shared/csrf.js";
import { escapeHtml } from "./shared/html_escape.js";
import { reconnectingSocket } from "./shared/reconnecting_socket.js";

const STAGES = { queued: "Waiting for the media job", starting: "Starting", probing: "Reading the recording", decoding: "Decoding the audio", poster: "Making a poster frame",
  "web copy": "Making a playable copy",
  transcribing: "Transcribing", saving: "Saving", ready: "Ready" };

function microphoneMessage(error) {
  if (error?.name === "NotAllowedError" || error?.name === "SecurityError") {
    return "Microphone permission was refused, so nothing can be recorded. You can still type your answer.";
  }
  if (error?.name === "NotFoundError" || error?.name === "OverconstrainedError") {
    return "No microphone was found on this device. You can still type your answer.";
  }
  if (error?.name === "NotReadableError") {
    return "The microphone is in use by another program. You can still type your answer.";
  }
  return `The microphone could not be opened (${error?.message || error}). You can still type your answer.`;
}

function preferredType() {
  const types = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];
  return types.find((t) => window.MediaRecorder.isTypeSupported?.(t)) || "";
}

/** Mount the recorder in `slot`. `answer(mediaId, turn)` submits the spoken answer to question
 * `turn` (`currentTurn()` when recording started); it returns false when the socket is down.
 * `onBusy(state)` hears "recording", "processing" (uploading, then the media job) and null (idle:
 * done, failed or refused), so the page can hold its typed "Send answer" meanwhile: a typed answer
 * sent then would take the question and the recording's answer would be refused. */
export function mountRecorder(slot, { answer, currentTurn, onBusy = () => {}, maxSeconds = 600 }) {
  slot.hidden = false;
  slot.innerHTML = `<div class="row voice-controls">
      <button type="button" class="secondary" data-record aria-pressed="false">● Record answer</button>
      <span class="small muted" data-record-time aria-live="off"></span></div>
    <div class="voice-status small" role="status" data-voice-status></div>
    <progress max="100" value="0" data-voice-progress hidden aria-label="Processing the recording"></progress>`;
  const button = slot.querySelector("[data-record]");
  const timer = slot.querySelector("[data-record-time]");
  const statusLine = slot.querySelector("[data-voice-status]");
  const bar = slot.querySelector("[data-voice-progress]");
  let recorder = null;
  let stream = null;
  let started = 0;
  let ticking = null;
  let watching = null;
  let unavailable = false; // no microphone, or permission refused: the page stays typed-only
  let recordedFor = null; // the question the recording answers (not whichever is open when it is ready)

  const say = (text, kind = "") => {
    statusLine.textContent = text;
    statusLine.dataset.kind = kind;
  };
  let busy = null;
  const setBusy = (state) => {
    if (state === busy) return;
    busy = state;
    onBusy(state);
  };

  if (!navigator.mediaDevices?.getUserMedia || !window.MediaRecorder) {
    button.disabled = true;
    say("This browser cannot record audio here. You can still type your answer.", "error");
    return { reset() {}, error() {}, release() {} };
  }

  function stopTracks() {
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
  }

  function follow(asset) {
    bar.hidden = false;
    const show = (event) => {
      bar.value = event.progress || 0;
      if (event.status === "failed") {
        watching?.stop();
        bar.hidden = true;
        button.disabled = false;
        setBusy(null);
        say(`The recording could not be processed: ${event.failure_reason || event.failure_code}. ` +
            "Record again or type your answer.", "error");
      } else if (event.status === "ready") {
        watching?.stop();
        bar.value = 100;
        say("Transcribed: evaluating your spoken answer…");
        if (!answer(asset.id, recordedFor)) {
          button.disabled = false;
          setBusy(null);
          say("Not connected to the interview: wait a moment and record again.", "error");
        }
      } else {
        say(`${STAGES[event.stage] || event.stage || "Processing"}… ${event.progress || 0}%`);
      }
    };
    if (asset.status === "ready" || asset.status === "failed") { show(asset); return; }
    show(asset);
    watching = reconnectingSocket({
      path: () => `/ws/media/${asset.id}/`,
      onEvent: (event) => { if (event.type === "media.state" || event.type === "media.status") show(event); },
    });
  }

  async function upload(blob) {
    say(`Uploading ${Math.round(blob.size / 1024)} KB…`);
    const form = new FormData();
    const extension = blob.type.includes("ogg") ? "ogg" : blob.type.includes("mp4") ? "m4a" : "webm";
    form.append("file", blob, `answer.${extension}`);
    form.append("purpose", "interview_answer");
    let body = null;
    let response;
    try {
      response = await fetch("/api/v1/media/upload", { method: "POST", body: form, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() } });
      body = await response.json().catch(() => null);
    } catch (error) {
      button.disabled = false;
      setBusy(null);
      say(`The upload failed (${error.message}). Record again or type your answer.`, "error");
      return;
    }
    if (!response.ok) {
      button.disabled = false;
      setBusy(null);
      say(`The recording was refused: ${body?.error?.message || response.status}. You can type your answer.`, "error");
      return;
    }
    follow(body);
  }

  async function startRecording() {
    say("");
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      unavailable = true;
      button.disabled = true;
      say(microphoneMessage(error), "error");
      return;
    }
    recordedFor = currentTurn();
    const chunks = [];
    const type = preferredType();
    recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
    recorder.addEventListener("dataavailable", (event) => { if (event.data.size) chunks.push(event.data); });
    recorder.addEventListener("stop", () => {
      stopTracks();
      clearInterval(ticking);
      timer.textContent = "";
      const blob = new Blob(chunks, { type: recorder.mimeType || type || "audio/webm" });
      if (!blob.size) {
        button.disabled = false;
        setBusy(null);
        say("Nothing was recorded. Try again or type your answer.", "error");
        return;
      }
      upload(blob);
    });
    recorder.start(1000);
    setBusy("recording");
    started = Date.now();
    button.textContent = "■ Stop recording";
    button.setAttribute("aria-pressed", "true");
    say("Recording… speak your answer, then press Stop.");
    ticking = setInterval(() => {
      const seconds = Math.round((Date.now() - started) / 1000);
      timer.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
      if (seconds >= maxSeconds) stopRecording();
    }, 250);
  }

  function stopRecording() {
    if (!recorder || recorder.state === "inactive") return;
    button.textContent = "● Record answer";
    button.setAttribute("aria-pressed", "false");
    button.disabled = true;
    setBusy("processing");
    recorder.stop();
  }

  button.addEventListener("click", () => {
    if (recorder && recorder.state === "recording") stopRecording();
    else startRecording();
  });

  return {
    /** A new question: ready to record again. */
    reset() {
      watching?.stop();
      bar.hidden = true;
      if (unavailable || recorder?.state === "recording") return;
      button.disabled = false;
      setBusy(null);
      say("");
    },
    error(message) {
      if (!unavailable) button.disabled = false;
      if (recorder?.state !== "recording") setBusy(null);
      say(message, "error");
    },
    /** The server refused an answer (a stale tab, say): recording is possible again. */
    release() {
      if (!unavailable && recorder?.state !== "recording") {
        button.disabled = false;
        setBusy(null);
      }
    },
  };
}

/** The report's recordings: the transcript follows playback, the word being said is marked, and
 * a click on a word plays from there. */
export function mountPlayback(root) {
  const player = root.querySelector("[data-recording-player]");
  const words = [...root.querySelectorAll("[data-start]")].map((el) => ({
    el, start: Number(el.dataset.start), end: Number(el.dataset.end) }));
  if (!player || !words.length) return;
  let current = null;
  const mark = () => {
    const t = player.currentTime;
    const word = words.find((w) => t >= w.start && t < w.end + 0.05) || null;
    if (word === current) return;
    current?.el.classList.remove("word-current");
    current?.el.removeAttribute("aria-current");
    current = word;
    if (word) { word.el.classList.add("word-current"); word.el.setAttribute("aria-current", "true"); }
  };
  player.addEventListener("timeupdate", mark);
  player.addEventListener("seeked", mark);
  let frame = null;
  const loop = () => { mark(); frame = player.paused ? null : requestAnimationFrame(loop); };
  player.addEventListener("play", () => { if (!frame) frame = requestAnimationFrame(loop); });
  words.forEach((w) => w.el.addEventListener("click", () => { player.currentTime = w.start; player.play(); }));
}

export function speakingLine(speaking) {
  if (!speaking) return "";
  if (speaking.status !== "transcribed") {
    return `<p class="speaking small" data-speaking>Spoken answer: ${escapeHtml(speaking.explanation || speaking.status)}</p>`;
  }
  const pauses = (speaking.long_pauses || []).length;
  const fillers = Object.entries(speaking.fillers || {}).map(([w, n]) => `${w} ×${n}`).join(", ");
  return `<p class="speaking small" data-speaking><strong>Spoken:</strong>
    <span data-wpm>${escapeHtml(String(Math.round(speaking.words_per_minute ?? 0)))} words per minute</span> ·
    ${speaking.filler_count} filler word${speaking.filler_count === 1 ? "" : "s"}${fillers ? ` (${escapeHtml(fillers)})` : ""} ·
    ${pauses} long pause${pauses === 1 ? "" : "s"}${pauses ? ` (longest ${speaking.longest_pause_seconds} s)` : ""}</p>`;
}

// A live coding room: one shared Yjs document edited in CodeMirror 6 by everyone in the room
// (/ws/rooms/<id>/doc, the y-websocket protocol: sync + awareness for remote cursors), and a JSON
// socket for the rest (/ws/rooms/<id>/events/): people and presence, chat, runs, input, language,
// lock, timer, private notes and the end of the interview, the audio/video call (room_call.js),
// the interviewer's private question panel (room_panel.js) and the role swap of peer interviews.
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import { removeAwarenessStates } from "y-protocols/awareness";
import { EditorView, basicSetup } from "codemirror";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import { keymap, placeholder } from "@codemirror/view";
import { setLanguageMode } from "./shared/code_languages.js";
import { escapeHtml } from "./shared/html_escape.js";
import { reconnectingSocket, socketUrl } from "./shared/reconnecting_socket.js";
import { runVerdictLabel } from "./shared/verdicts.js";
import { createCall } from "./room_call.js";
import { createPanel } from "./room_panel.js";
import { editorAccessibility } from "./shared/editor_accessibility.js";

const data = JSON.parse(document.getElementById("room-data").textContent);
const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
const ROLE_TEXT = { interviewer: "Interviewer", candidate: "Candidate", observer: "Observer" };
const me = { ...data.me };
// The role can change while the page is open (a peer interview swaps halfway): always ask.
const isInterviewer = () => me.role === "interviewer";

const state = {
  language: data.language,
  locked: false,
  challenge: data.challenge,
  timer: { running: false, elapsed_seconds: 0, started_at: null },
  participants: new Map(),
  ended: false,
};

function languageName(id) {
  return data.languages.find((l) => l.id === id)?.name || id;
}

let statusTimer = null;
function setStatus(text, { kind = "info", sticky = false } = {}) {
  const line = $("[data-status]");
  line.textContent = text;
  line.dataset.kind = kind;
  clearTimeout(statusTimer);
  if (text && !sticky) statusTimer = setTimeout(() => { line.textContent = ""; }, 8000);
}

// --- the shared document and the editor ----------------------------------------------------------
const ydoc = new Y.Doc();
const ytext = ydoc.getText("code");
const provider = new WebsocketProvider(socketUrl("/ws/rooms"), `${data.id}/doc`, ydoc, {
  maxBackoffTime: 5000,
  // 4400-4499 are final by default; being rate limited (4429) is not: come back after a pause.
  shouldReconnect: (event) => !(event.code >= 4400 && event.code < 4500) || event.code === 4429,
});
const awareness = provider.awareness;
awareness.setLocalStateField("user", { name: me.name, color: me.color, colorLight: `${me.color}33` });
const undoManager = new Y.UndoManager(ytext); // only this person's edits: undo never eats the others'

const languageCompartment = new Compartment();
const editableCompartment = new Compartment();
const dark = document.documentElement.dataset.theme === "dark";

function canEditNow() {
  return me.canEdit && (!state.locked || isInterviewer());
}

function editableExtensions() {
  const editable = canEditNow();
  return [EditorState.readOnly.of(!editable), EditorView.editable.of(editable)];
}


const view = new EditorView({
  parent: $("[data-editor]"),
  state: EditorState.create({
    doc: ytext.toString(),
    extensions: [
      Prec.high(keymap.of(yUndoManagerKeymap)),
      basicSetup,
      editorAccessibility("Shared code editor", { dark }),
      languageCompartment.of([]),
      editableCompartment.of(editableExtensions()),
      placeholder(me.canEdit ? "Write code here: everyone in the room sees it as you type." : "The code appears here as the others type."),
      yCollab(ytext, awareness, { undoManager }),
      EditorView.theme({
        "&": { height: "100%" },
        ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace" },
        // Room for the name flag of a remote cursor on the first line.
        ".cm-content": { paddingTop: "1.1em" },
        // Names are always shown, not only on hover: you want to know who is typing where.
        ".cm-ySelectionInfo": { opacity: 1, fontFamily: "system-ui, sans-serif", borderRadius: "3px 3px 3px 0", padding: "0 4px" },
      }),
    ],
  }),
});
setLanguageMode(view, languageCompartment, state.language);
window.prepforgeEditor = view; // for the browser tests, as on the challenge page
// Close codes of the document socket ("local" when we closed it), for diagnosis and the tests.
const docCloses = [];
window.prepforgeRoom = { view, ydoc, ytext, provider, awareness, undoManager, docCloses };
provider.on("connection-close", (event) => docCloses.push(event ? event.code : "local"));

function applyEditable() {
  view.dispatch({ effects: editableCompartment.reconfigure(editableExtensions()) });
  const editorBox = $("[data-editor]");
  editorBox.classList.toggle("read-only", !canEditNow());
  const badge = $("[data-lock-badge]");
  badge.hidden = !state.locked;
  badge.textContent = state.locked
    ? (isInterviewer() ? "🔒 Editor locked for the others" : "🔒 The interviewer locked the editor")
    : "";
  const note = $("[data-readonly-note]");
  if (note) {
    note.hidden = canEditNow();
    note.textContent = !me.canEdit ? "You are observing: read only." : "Read only while the editor is locked.";
  }
  const lockButton = $("[data-lock-toggle]");
  if (lockButton) {
    lockButton.textContent = state.locked ? "🔓 Unlock editor" : "🔒 Lock editor";
    lockButton.setAttribute("aria-pressed", String(state.locked));
  }
}

function applyLanguage(language, { by = null } = {}) {
  const changed = language !== state.language;
  state.language = language;
  setLanguageMode(view, languageCompartment, language);
  const select = $("[data-language-select]");
  if (select) select.value = language;
  document.body.dataset.roomLanguage = language;
  if (changed && by) setStatus(`${by} switched the language to ${languageName(language)}.`);
  renderChallenge();
}

// The connection state of the document, in the header.
// Until both sockets have been live once, the page is still connecting, not reconnecting.
let wasLive = false;
function renderConnection() {
  const docState = provider.wsconnected ? (provider.synced ? "live" : "syncing") : "offline";
  const eventsState = events?.open ? "live" : "offline";
  const box = $("[data-connection]");
  const live = docState === "live" && eventsState === "live";
  wasLive ||= live;
  box.dataset.state = live ? "live" : "offline";
  box.textContent = live ? "● Live" : state.ended ? "Ended" : wasLive ? "● Reconnecting…" : "● Connecting…";
  box.title = `Document: ${docState}; room events: ${eventsState}`;
  document.body.dataset.docSynced = String(provider.synced);
}
provider.on("status", renderConnection);
provider.on("sync", renderConnection);
provider.on("closed", ({ code }) => {
  if (code === 4410) {
    goToSummary(`/rooms/${data.id}/summary/`);
  } else if (code === 4409) {
    // An edit reached the server after the editor was locked: it was refused. Start again from
    // the server's document so that the refused change is not sent again later.
    location.reload();
  } else if (code === 4413) {
    setStatus("The code is too large for this room; the last change was not saved. Reload the page.", { kind: "error", sticky: true });
  } else if (code === 4401 || code === 4403) {
    setStatus("You no longer have a seat in this room.", { kind: "error", sticky: true });
  } else {
    setStatus(`The editor connection closed (${code}). Reload the page.`, { kind: "error", sticky: true });
  }
});
// Leaving: take our cursor away at once instead of letting it linger until it times out.
window.addEventListener("pagehide", () => removeAwarenessStates(awareness, [ydoc.clientID], "window unload"));

// --- the events socket ---------------------------------------------------------------------------
let events = null;
let lastMessageId = 0;
const seenMessages = new Set();

function connectEvents() {
  events = reconnectingSocket({
    // Resumes the chat after the last message this page has.
    path: () => `/ws/rooms/${data.id}/events/?last_id=${lastMessageId}`,
    onEvent,
    onOpen: () => {
      renderConnection();
      call?.onSocketOpen();
    },
    onClose: (close) => {
      call?.onSocketClosed();
      renderConnection();
      if (close.code === 4401 || close.code === 4403) {
        setStatus("You no longer have a seat in this room.", { kind: "error", sticky: true });
      }
    },
    shouldRetry: () => !state.ended,
    firstDelay: 400,
    maxDelay: 10_000,
  });
}

// For the browser tests: drop the events connection as a network failure would.
window.prepforgeRoom.dropEvents = () => events?.drop();

function send(message) {
  if (events?.send(message)) return true;
  setStatus("Not connected to the room; reconnecting… Try again in a moment.", { kind: "error" });
  return false;
}

function onEvent(event) {
  if (call?.onEvent(event) || panel?.onEvent(event)) return;
  switch (event.type) {
    case "room.state":
      onState(event);
      break;
    case "participant.joined":
    case "participant.presence":
      upsertParticipant(event.participant);
      break;
    case "chat.message":
      addMessage(event.message);
      break;
    case "run.started":
      showRunning(event.by);
      break;
    case "run.finished":
      showRun(event.run);
      break;
    case "room.language":
      applyLanguage(event.language, { by: event.by });
      break;
    case "room.lock":
      state.locked = event.locked;
      applyEditable();
      break;
    case "room.stdin":
      receiveStdin(event.stdin);
      break;
    case "room.timer":
      state.timer = event.timer;
      renderTimer();
      break;
    case "room.challenge":
      if (event.challenge?.slug !== state.challenge?.slug && event.by) {
        setStatus(event.challenge ? `${event.by} attached "${event.challenge.title}".` : `${event.by} detached the challenge.`);
      }
      state.challenge = event.challenge;
      renderChallenge();
      break;
    case "challenge.attached":
      // Ours: the others heard room.challenge; the starter goes into the shared code from here.
      state.challenge = event.challenge;
      renderChallenge();
      attachPending = false;
      if (event.challenge) loadStarter(event.challenge, { onAttach: true });
      break;
    case "notes.saved":
      notesSaved();
      break;
    case "room.ended":
      goToSummary(event.summary_url);
      break;
    case "room.roles":
      onRoles(event);
      break;
    case "error":
      onError(event);
      break;
    default:
      break;
  }
  renderConnection();
}

function onState(event) {
  const room = event.room;
  if (room.status !== "open") {
    goToSummary(`/rooms/${data.id}/summary/`);
    return;
  }
  Object.assign(me, { role: event.me.role, color: event.me.color, name: event.me.name });
  state.locked = room.locked;
  state.timer = room.timer;
  state.challenge = room.challenge;
  state.participants = new Map(event.participants.map((p) => [p.id, p]));
  applyLanguage(room.language);
  applyEditable();
  renderParticipants();
  renderTimer();
  receiveStdin(room.stdin);
  event.messages.forEach(addMessage);
  if (event.runs.length && !$("[data-run-output]").dataset.runId) showRun(event.runs[0]);
  if ("notes" in event) loadNotes(event.notes);
  if (event.panel) panel?.open(event.panel);
  else panel?.close();
  applyRole();
  document.body.dataset.roomReady = "true";
}

function onError(event) {
  if (call?.onError(event)) return; // shown in the call card
  setStatus(event.message || "Something went wrong.", { kind: "error" });
  if (runPending) {
    runPending = false;
    $("[data-run]").disabled = !runAllowed;
    const output = $("[data-run-output]");
    if (output.dataset.running === "true") {
      output.dataset.running = "false";
      output.innerHTML = `<p class="muted small">Not run: ${escapeHtml(event.message)}</p>`;
    }
  }
  if (event.code === "room_closed") goToSummary(`/rooms/${data.id}/summary/`);
  if (attachPending) {
    attachPending = false;
    renderChallenge(); // the select shows the attached challenge again
  }
  if (languageRequested) {
    languageRequested = false;
    $("[data-language-select]").value = state.language;
  }
}

// --- roles: a peer interview swaps them halfway -------------------------------------------------------
function applyRole() {
  const pill = $("[data-my-role]");
  pill.className = `role-pill role-${me.role}`;
  pill.textContent = `You: ${ROLE_TEXT[me.role] || me.role}`;
  document.body.dataset.roomRole = me.role;
  const controls = $("[data-interviewer-controls]");
  if (controls) controls.hidden = !isInterviewer();
  // Invites, the challenge and the owner's notes came with the page for its interviewer: not shown
  // once someone else interviews.
  for (const section of $$("[data-interviewer-only]")) section.hidden = !isInterviewer();
  applyEditable();
}

function onRoles(event) {
  for (const participant of event.participants) upsertParticipant(participant);
  const mine = event.participants.find((p) => p.id === me.id);
  if (!mine) return;
  me.role = mine.role;
  applyRole();
  if (isInterviewer()) showInterviewerSections(`/rooms/${data.id}/interviewer-sections/`);
  else hideInterviewerSections();
  const who = event.automatic ? "Half time" : event.by;
  setStatus(isInterviewer()
    ? `${who}: roles swapped, you are the interviewer now. Pick the next question in your panel.`
    : `${event.automatic ? "Half time: roles" : "Roles"} swapped: you are the candidate now.`, { sticky: true });
}

function goToSummary(url) {
  if (state.ended) return;
  state.ended = true;
  call?.hangUp();
  setStatus("The interview has ended. Opening the summary…", { sticky: true });
  provider.disconnect();
  events?.stop();
  location.href = url;
}

// --- people --------------------------------------------------------------------------------------
function upsertParticipant(participant) {
  state.participants.set(participant.id, { ...state.participants.get(participant.id), ...participant });
  renderParticipants();
}

function renderParticipants() {
  const list = $("[data-participants]");
  list.innerHTML = "";
  for (const p of state.participants.values()) {
    const item = document.createElement("li");
    item.className = `participant${p.online ? " online" : ""}`;
    item.dataset.participantId = p.id;
    item.dataset.online = String(p.online);
    item.innerHTML = `<span class="swatch" style="background:${escapeHtml(p.color)}" aria-hidden="true"></span>
      <span class="who"><strong>${escapeHtml(p.name)}</strong>${p.id === me.id ? ' <span class="muted">(you)</span>' : ""}
      <span class="role-pill role-${escapeHtml(p.role)}">${escapeHtml(ROLE_TEXT[p.role] || p.role)}</span></span>
      <span class="presence" title="${p.online ? "Online" : "Offline"}"><span class="dot" aria-hidden="true"></span>${p.online ? "online" : "offline"}</span>`;
    list.appendChild(item);
  }
  const online = Array.from(state.participants.values()).filter((p) => p.online).length;
  $("[data-people-count]").textContent = `${online} of ${state.participants.size} online`;
}

// --- chat ----------------------------------------------------------------------------------------
function addMessage(message) {
  if (seenMessages.has(message.id)) return;
  seenMessages.add(message.id);
  lastMessageId = Math.max(lastMessageId, message.id);
  const list = $("[data-chat-list]");
  $("[data-chat-empty]")?.remove();
  const item = document.createElement("li");
  item.className = "chat-message";
  item.dataset.messageId = message.id;
  const time = new Date(message.created_at);
  item.innerHTML = `<div class="chat-meta"><strong style="color:${escapeHtml(message.color)}">${escapeHtml(message.author)}</strong>
    <time class="muted small" datetime="${escapeHtml(message.created_at)}">${time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}</time></div>
    <div class="chat-text">${escapeHtml(message.text)}</div>`;
  // Keep the list in id order even when a replayed message arrives after a newer live one.
  const after = Array.from(list.children).find((li) => Number(li.dataset.messageId) > message.id);
  list.insertBefore(item, after || null);
  const box = $("[data-chat-scroll]");
  box.scrollTop = box.scrollHeight;
}

$("[data-chat-form]").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("[data-chat-input]");
  const text = input.value.trim();
  if (!text) return;
  if (send({ type: "chat.send", text })) input.value = "";
});

// --- runs and input ------------------------------------------------------------------------------
let runPending = false;
let runWatchdog = null;
const runAllowed = me.canEdit && !$("[data-run]").disabled; // the page disables Run without a judge

function showRunning(by) {
  const output = $("[data-run-output]");
  output.dataset.running = "true";
  output.innerHTML = `<p class="running" data-run-running><span class="spinner" aria-hidden="true"></span> Running…${by ? ` <span class="muted small">(started by ${escapeHtml(by)})</span>` : ""}</p>`;
}

function showRun(run) {
  runPending = false;
  clearTimeout(runWatchdog);
  $("[data-run]").disabled = !runAllowed;
  const output = $("[data-run-output]");
  output.dataset.running = "false";
  output.dataset.runId = run.id;
  const verdict = runVerdictLabel(run.verdict);
  const ok = run.verdict === "OK";
  const time = run.wall_time != null ? `${Math.round(run.wall_time * 1000)} ms` : "";
  const exit = run.exit_code != null ? `exit code ${run.exit_code}` : "";
  const when = new Date(run.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  output.innerHTML = `<div class="row small run-head"><strong class="verdict ${ok ? "verdict-AC" : `verdict-${escapeHtml(run.verdict)}`}" data-run-verdict>${escapeHtml(verdict)}</strong>
      <span class="muted">${[languageName(run.language), time, exit].filter(Boolean).map(escapeHtml).join(" · ")}</span>
      <span class="muted">by ${escapeHtml(run.by || "someone")} at ${escapeHtml(when)}</span></div>
    ${run.compile_output ? `<div class="small muted">Compiler</div><pre class="console error">${escapeHtml(run.compile_output)}</pre>` : ""}
    <div class="small muted">Output</div><pre class="console" data-run-stdout>${run.stdout ? escapeHtml(run.stdout) : '<span class="muted">(nothing)</span>'}</pre>
    ${run.stderr ? `<div class="small muted">Errors</div><pre class="console error" data-run-stderr>${escapeHtml(run.stderr)}</pre>` : ""}`;
}

$("[data-run]").addEventListener("click", () => {
  if (!runAllowed || runPending) return;
  flushStdin(); // the run uses the room's input: send ours first (same socket, so it arrives first)
  if (!send({ type: "run", source: ytext.toString() })) return;
  runPending = true;
  $("[data-run]").disabled = true;
  showRunning(null);
  clearTimeout(runWatchdog);
  runWatchdog = setTimeout(() => {
    if (!runPending) return;
    runPending = false;
    $("[data-run]").disabled = false;
    setStatus("No result from the run yet; try again.", { kind: "error" });
  }, 60_000);
});

const stdinBox = $("[data-stdin]");
let stdinTimer = null;
let stdinTypedAt = 0;
stdinBox.readOnly = !me.canEdit;

function flushStdin() {
  if (!stdinTimer) return;
  clearTimeout(stdinTimer);
  stdinTimer = null;
  send({ type: "stdin.set", stdin: stdinBox.value });
}

stdinBox.addEventListener("input", () => {
  stdinTypedAt = Date.now();
  clearTimeout(stdinTimer);
  stdinTimer = setTimeout(() => {
    stdinTimer = null;
    send({ type: "stdin.set", stdin: stdinBox.value });
  }, 600);
});

function receiveStdin(text) {
  // Our own edit echoed back while we keep typing must not undo what we typed since.
  if (stdinTimer || Date.now() - stdinTypedAt < 1500) return;
  if (stdinBox.value !== text) stdinBox.value = text;
}

// --- language ------------------------------------------------------------------------------------
let languageRequested = false;
const languageSelect = $("[data-language-select]");
for (const lang of data.languages) {
  const option = document.createElement("option");
  option.value = lang.id;
  option.textContent = lang.name;
  languageSelect.appendChild(option);
}
languageSelect.value = state.language;
languageSelect.disabled = !me.canEdit;
languageSelect.addEventListener("change", () => {
  const next = languageSelect.value;
  if (next === state.language) return;
  if (send({ type: "language.set", language: next })) {
    languageRequested = true;
    setTimeout(() => { languageRequested = false; }, 5000);
  } else {
    languageSelect.value = state.language;
  }
});
// Our own change arrives as room.language too; only then does the mode change (same for all).

// --- timer -----------------------------------------------------------------------------------------
let tick = null;
function timerSeconds() {
  const t = state.timer;
  let seconds = t.elapsed_seconds || 0;
  if (t.running && t.started_at) seconds += Math.max(0, (Date.now() - Date.parse(t.started_at)) / 1000);
  return Math.floor(seconds);
}

function renderTimer() {
  const seconds = timerSeconds();
  const mm = String(Math.floor(seconds / 60)).padStart(2, "0");
  const ss = String(seconds % 60).padStart(2, "0");
  const box = $("[data-timer]");
  box.textContent = `${mm}:${ss}`;
  box.closest(".room-timer").dataset.running = String(state.timer.running);
  const toggle = $("[data-timer-toggle]");
  if (toggle) toggle.textContent = state.timer.running ? "⏸ Stop timer" : "▶ Start timer";
  if (state.timer.running && !tick) tick = setInterval(renderTimer, 1000);
  if (!state.timer.running && tick) {
    clearInterval(tick);
    tick = null;
  }
}

// --- challenge -------------------------------------------------------------------------------------
function renderExamples(examples) {
  return examples.map((ex, index) => `<h3>Example ${index + 1}</h3>
    <div class="example"><div><div class="small muted">Input</div><pre>${escapeHtml(ex.input)}</pre></div>
    <div><div class="small muted">Output</div><pre>${escapeHtml(ex.output)}</pre></div></div>
    ${ex.explanation ? `<p class="muted">${escapeHtml(ex.explanation)}</p>` : ""}`).join("");
}

let shownStatement = null;
function renderChallenge() {
  const challenge = state.challenge;
  const link = $("[data-challenge-link]");
  link.hidden = !challenge;
  const panel = $("[data-challenge-panel]");
  panel.hidden = !challenge;
  if (challenge) {
    const pageUrl = `/challenges/${encodeURIComponent(challenge.slug)}/`;
    const anchor = link.querySelector("a");
    anchor.href = pageUrl;
    anchor.textContent = challenge.title;
    if (shownStatement !== challenge.slug) {
      shownStatement = challenge.slug;
      $("[data-challenge-title]").textContent = challenge.title;
      $("[data-challenge-difficulty]").textContent = challenge.difficulty || "";
      $("[data-challenge-page]").href = pageUrl;
      // statement_html and constraints_html are sanitised on the server (core.markdown).
      $("[data-challenge-statement]").innerHTML = `<div class="markdown">${challenge.statement_html || ""}</div>
        ${challenge.constraints_html ? `<h3>Constraints</h3><div class="markdown">${challenge.constraints_html}</div>` : ""}
        ${renderExamples(challenge.examples || [])}`;
      $("[data-challenge-details]").open = true;
    }
  } else {
    shownStatement = null;
  }
  const loadButton = $("[data-load-starter]");
  if (loadButton) {
    loadButton.hidden = !challenge;
    const starter = challenge?.starter?.[state.language];
    loadButton.disabled = starter == null;
    loadButton.title = starter == null
      ? `This challenge has no ${languageName(state.language)} starter code.`
      : `Replace the code with the ${languageName(state.language)} starter of ${challenge.title}.`;
  }
  const attach = $("[data-attach-select]");
  if (attach && document.activeElement !== attach && !attachPending) attach.value = challenge?.slug || "";
}

function whenSynced() {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve) => {
    const onSync = (synced) => {
      if (!synced) return;
      provider.off("sync", onSync);
      resolve();
    };
    provider.on("sync", onSync);
  });
}

// The starter of the room's language into the shared code: at once when the code is empty (or
// already is that starter), otherwise only when the person confirms, so nobody's code is
// overwritten unasked. One transaction: everyone sees one change, and one undo brings it back.
async function loadStarter(challenge, { onAttach = false } = {}) {
  const language = languageName(state.language);
  const starter = challenge.starter?.[state.language];
  if (starter == null) {
    if (onAttach) setStatus(`"${challenge.title}" has no ${language} starter code: the code stays as it is.`);
    return;
  }
  if (!provider.synced) setStatus("Loading the room's code first…");
  await whenSynced(); // inserting into a document that has not arrived yet would add to it
  if (state.challenge?.slug !== challenge.slug) return; // another one was attached meanwhile
  const current = ytext.toString();
  if (current === starter) {
    setStatus(`The ${language} starter of "${challenge.title}" is in the editor.`);
    return;
  }
  if (current.trim() && !confirm(`The room already has code. Replace it with the ${language} starter of "${challenge.title}" for everyone? (Ctrl+Z brings it back.)`)) {
    setStatus(`The code stays as it is; "Load starter code" puts the starter in later.`);
    return;
  }
  ydoc.transact(() => {
    ytext.delete(0, ytext.length);
    ytext.insert(0, starter);
  });
  setStatus(`Loaded the ${language} starter of "${challenge.title}".`);
}

$("[data-load-starter]")?.addEventListener("click", () => {
  if (state.challenge) loadStarter(state.challenge);
});

// Attaching over the room's socket: the page stays, and the starter is loaded from here. Without
// a connection the form posts, and the reloaded page loads it (data.justAttached).
let attachPending = false;
function bindAttachForm(root) {
  $("[data-attach-form]", root)?.addEventListener("submit", (event) => {
    const slug = $("[data-attach-select]", root).value;
    if (!events?.open) return;
    event.preventDefault();
    if (send({ type: "challenge.attach", slug })) {
      attachPending = true;
      setTimeout(() => { attachPending = false; }, 10_000);
    }
  });
}
if (data.justAttached && state.challenge) {
  history.replaceState(null, "", location.pathname);
  loadStarter(state.challenge, { onAttach: true });
}

// --- interviewer controls ----------------------------------------------------------------------------
// Bound for whoever has them on the page: a role swap shows them to the new interviewer (the
// server checks the role of every command anyway).
$("[data-timer-toggle]")?.addEventListener("click", () => send({ type: "timer.set", running: !state.timer.running }));
$("[data-lock-toggle]")?.addEventListener("click", () => send({ type: "lock.set", locked: !state.locked }));
$("[data-end]")?.addEventListener("click", () => {
  if (confirm("End the interview for everyone? The room closes and everyone sees the summary.")) send({ type: "end" });
});
$("[data-swap-roles]")?.addEventListener("click", () => {
  const other = Array.from(state.participants.values()).find((p) => p.role === "candidate");
  const name = other ? other.name : "the candidate";
  if (confirm(`Swap roles with ${name}? You become the candidate, and ${name} interviews you with a question of their own.`)) {
    send({ type: "roles.swap" });
  }
});
// The invite, challenge and notes sections: on the page for its interviewer, and fetched when a
// role swap makes this viewer the interviewer (removed again when it makes them the candidate).
function bindInterviewerSections(root) {
  bindAttachForm(root);
  $("[data-revoke-form]", root)?.addEventListener("submit", (event) => {
    if (!confirm("Revoke the invite links? Anyone who has not joined yet needs a new link.")) event.preventDefault();
  });
  for (const button of $$("[data-copy]", root)) {
    button.addEventListener("click", async () => {
      const input = document.getElementById(button.dataset.copy);
      let copied = false;
      try {
        await navigator.clipboard.writeText(input.value);
        copied = true;
      } catch {
        input.select();
        copied = document.execCommand("copy");
      }
      const label = button.textContent;
      button.textContent = copied ? "Copied!" : "Select and copy";
      if (!copied) input.select();
      setTimeout(() => { button.textContent = label; }, 1500);
    });
  }
  bindNotes(root);
}

async function showInterviewerSections(url) {
  const holder = $("[data-interviewer-sections]");
  if (!holder) return;
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
  if (!response.ok || !isInterviewer()) return; // swapped back meanwhile
  holder.innerHTML = await response.text();
  bindInterviewerSections(holder);
  renderChallenge();
}

function hideInterviewerSections() {
  const holder = $("[data-interviewer-sections]");
  if (!holder) return;
  clearTimeout(notesTimer);
  notesTimer = null;
  notesDirty = false;
  notesBox = null;
  holder.replaceChildren(); // the notes are about the new interviewer: not left in the page
}

// Private notes: saved as you type (debounced), never shown to the others.
let notesBox = null;
let notesTimer = null;
let notesDirty = false;
let notesLoaded = false;

function loadNotes(text) {
  if (!notesBox || notesDirty) return;
  if (!notesLoaded || notesBox.value !== text) notesBox.value = text || "";
  notesLoaded = true;
}

function saveNotes() {
  notesTimer = null;
  if (!notesBox) return;
  if (send({ type: "notes.save", text: notesBox.value })) {
    $("[data-notes-state]").textContent = "saving…";
  } else {
    notesTimer = setTimeout(saveNotes, 2000);
  }
}

function notesSaved() {
  if (notesTimer) return; // more typing since: that save is still to come
  notesDirty = false;
  $("[data-notes-state]").textContent = "saved";
}

function bindNotes(root) {
  notesBox = $("[data-notes]", root);
  notesLoaded = Boolean(notesBox?.value); // fetched sections come with the notes in them
  notesBox?.addEventListener("input", () => {
    notesDirty = true;
    $("[data-notes-state]").textContent = "editing…";
    clearTimeout(notesTimer);
    notesTimer = setTimeout(saveNotes, 800);
  });
}
window.addEventListener("pagehide", () => {
  if (notesTimer) {
    clearTimeout(notesTimer);
    saveNotes();
  }
  flushStdin();
});

// --- the call and the private panel --------------------------------------------------------------------
const callRoot = $("[data-call]");
const call = callRoot ? createCall({
  send, iceServers: data.iceServers || [], root: callRoot,
  nameOf: (id) => state.participants.get(id)?.name || "Someone",
}) : null;
const panelRoot = $("[data-question-panel]");
const panel = panelRoot ? createPanel({ root: panelRoot, send }) : null;
window.prepforgeRoom.call = call;

const sectionsHolder = $("[data-interviewer-sections]");
if (sectionsHolder) bindInterviewerSections(sectionsHolder);
applyEditable();
renderChallenge();
renderConnection();
connectEvents();

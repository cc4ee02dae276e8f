// The challenge page: CodeMirror 6 editor with per-language drafts, Run on custom input,
// Submit with live per-test verdicts over /ws/submissions/<id>/, hints, and the interview mode's
// timer and distractions.
import { EditorView, basicSetup } from "codemirror";
import { Compartment, EditorState } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { setLanguageMode } from "./shared/code_languages.js";
import { apiRequest as api } from "./shared/csrf.js";
import { escapeHtml } from "./shared/html_escape.js";
import { reconnectingSocket } from "./shared/reconnecting_socket.js";
import { memoryLabel, runVerdictLabel, verdictLabel } from "./shared/verdicts.js";
import { editorAccessibility } from "./shared/editor_accessibility.js";

const data = JSON.parse(document.getElementById("challenge-data").textContent);
const $ = (selector) => document.querySelector(selector);
const STORAGE_KEY = `prepforge:lang:${data.slug}`;

const languageSelect = $("[data-language-select]");
const languageCompartment = new Compartment();
const drafts = { ...data.drafts };
let language = null;
let saveTimer = null;
let loadingDoc = false; // true while the page itself replaces the document (no draft save then)
let distractionsMet = 0;
let interviewTimer = null; // the interview clock; it stops once the solution is accepted

function setStatus(text) {
  $("[data-status]").textContent = text;
}

// --- editor --------------------------------------------------------------------------------------
const dark = document.documentElement.dataset.theme === "dark";
const view = new EditorView({
  parent: $("[data-editor]"),
  state: EditorState.create({
    doc: "",
    extensions: [
      basicSetup,
      editorAccessibility("Code editor", { dark }),
      languageCompartment.of([]),
      keymap.of([{ key: "Mod-Enter", run: () => { submit(); return true; } }]),
      EditorView.updateListener.of((update) => { if (update.docChanged && !loadingDoc) scheduleDraftSave(); }),
      // On a phone, long lines wrap rather than hide past the edge.
      ...(window.matchMedia("(max-width: 640px)").matches ? [EditorView.lineWrapping] : []),
      EditorView.theme({ "&": { height: "100%" }, ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace" } }),
    ],
  }),
});
window.prepforgeEditor = view; // lets the browser tests type into the editor

function code() {
  return view.state.doc.toString();
}

function setCode(text, { save = true } = {}) {
  // Loading a draft or a starter is not an edit: only the user's changes (and Reset) save a draft.
  loadingDoc = !save;
  try {
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  } finally {
    loadingDoc = false;
  }
}

function switchLanguage(next, { keepCurrent = true } = {}) {
  if (language && keepCurrent) {
    drafts[language] = code();
    flushDraftSave(); // the previous language's pending draft must not be lost
  }
  language = next;
  localStorage.setItem(STORAGE_KEY, next);
  setLanguageMode(view, languageCompartment, next);
  const draft = drafts[next];
  const starter = data.starter[next] ?? "";
  setCode(draft ?? starter, { save: false });
  $("[data-draft-state]").textContent = draft != null && draft !== starter ? "draft restored" : "";
}

for (const lang of data.languages) {
  const option = document.createElement("option");
  option.value = lang.id;
  option.textContent = `${lang.name} ${lang.version}`;
  languageSelect.appendChild(option);
}
const remembered = localStorage.getItem(STORAGE_KEY);
const initial = data.languages.find((l) => l.id === remembered)?.id
  || data.languages.find((l) => l.id in data.drafts)?.id
  || data.languages.find((l) => l.id === "python")?.id
  || data.languages[0]?.id;
if (initial) {
  languageSelect.value = initial;
  switchLanguage(initial, { keepCurrent: false });
}
languageSelect.addEventListener("change", () => switchLanguage(languageSelect.value));
$("[data-reset-code]")?.addEventListener("click", () => {
  if (confirm("Replace your code with the starter code?")) setCode(data.starter[language] ?? "");
});

function scheduleDraftSave() {
  if (!data.authenticated) return;
  drafts[language] = code();
  clearTimeout(saveTimer);
  $("[data-draft-state]").textContent = "editing…";
  saveTimer = setTimeout(() => {
    saveTimer = null;
    saveDraft(language, code());
  }, 800);
}

async function saveDraft(lang, text, { keepalive = false } = {}) {
  try {
    await api(data.urls.draft, { method: "PUT", keepalive, body: JSON.stringify({ language: lang, code: text }) });
    if (lang === language) $("[data-draft-state]").textContent = "draft saved";
  } catch (error) {
    if (lang === language) $("[data-draft-state]").textContent = `draft not saved: ${error.message}`;
  }
}

// Save a pending draft now (language switch, leaving or reloading the page).
function flushDraftSave({ keepalive = false } = {}) {
  if (!saveTimer) return;
  clearTimeout(saveTimer);
  saveTimer = null;
  saveDraft(language, code(), { keepalive });
}
window.addEventListener("pagehide", () => flushDraftSave({ keepalive: true }));

// --- run -------------------------------------------------------------------------------------------
function showOutput(html) {
  const box = $("[data-output]");
  box.hidden = false;
  box.innerHTML = html;
}

function clearRunOutput() {
  const box = $("[data-output]");
  box.hidden = true;
  box.innerHTML = "";
}

async function run() {
  setStatus("Running…");
  try {
    const result = await api(data.urls.run, {
      method: "POST",
      body: JSON.stringify({ challenge: data.slug, language, source: code(), stdin: $("[data-stdin]").value }),
    });
    const verdict = runVerdictLabel(result.verdict);
    showOutput(`<div class="row small"><strong>${escapeHtml(verdict)}</strong>
      <span class="muted">${(result.wall_time * 1000).toFixed(0)} ms · ${memoryLabel(result.memory)}${result.exit_code ? ` · exit code ${result.exit_code}` : ""}</span></div>
      ${result.compile_output ? `<div class="small muted">Compiler</div><pre class="console">${escapeHtml(result.compile_output)}</pre>` : ""}
      <div class="small muted">Output</div><pre class="console" data-run-stdout>${escapeHtml(result.stdout) || "<span class='muted'>(nothing)</span>"}</pre>
      ${result.stderr ? `<div class="small muted">Errors</div><pre class="console error">${escapeHtml(result.stderr)}</pre>` : ""}`);
    setStatus("");
  } catch (error) {
    setStatus(error.message);
  }
}

// --- submit and live verdicts ---------------------------------------------------------------------
function resultRow(result) {
  const time = `${(result.wall_time * 1000).toFixed(0)} ms`;
  const memory = memoryLabel(result.memory);
  return `<li class="test-row verdict-row-${result.verdict}" data-test-index="${result.index}">
    <span>Test ${result.index + 1}${result.hidden ? ' <span class="muted">(hidden)</span>' : ""}</span>
    <span class="verdict verdict-${result.verdict}" title="${escapeHtml(verdictLabel(result.verdict))}">${result.verdict}</span>
    <span class="muted small">${time} · ${memory}</span></li>`;
}

function renderState(submission) {
  const results = submission.results || [];
  const done = results.length;
  const total = submission.total || done;
  // Once judged, the score reads as the server states it everywhere ("7/10 tests · 70 points");
  // while judging, the count is of tests run so far.
  let html = submission.verdict
    ? `<div class="row"><strong data-verdict>${escapeHtml(verdictLabel(submission.verdict))}</strong>
      <span class="muted score-line" data-score>${escapeHtml(submission.score_label || "")}</span></div>`
    : `<div class="row"><strong data-verdict>Judging…</strong><span class="muted score-line">${done}/${total} tests run</span></div>
      <div class="progress" role="progressbar" aria-label="Tests run" aria-valuemin="0" aria-valuemax="${total}" aria-valuenow="${done}"><span style="width:${total ? (100 * done) / total : 0}%"></span></div>`;
  // The judge stops at a test that runs past the time limit (the ones after it would too).
  const stoppedEarly = submission.verdict === "TLE" && submission.not_run > 0;
  if (stoppedEarly) {
    const plural = submission.not_run === 1 ? "" : "s";
    html += `<p class="notice warning" data-not-run>Test ${done} ran past the time limit, so judging stopped there:
      ${submission.not_run} more test${plural} not run, scoring nothing. Look for a faster approach (or an input your code waits on).</p>`;
  }
  html += `<ol class="tests">${results.map(resultRow).join("")}</ol>`;
  if (submission.verdict === "CE") {
    html += `<div class="small muted">Compiler output</div><pre class="console error">${escapeHtml(submission.compile_output)}</pre>`;
  }
  const failing = results.find((r) => r.verdict !== "AC" && !r.hidden);
  if (failing) {
    html += `<div class="failing"><h3>First failing sample: test ${failing.index + 1}</h3>
      <div class="example"><div><div class="small muted">Input</div><pre>${escapeHtml(failing.input)}</pre></div>
      <div><div class="small muted">Expected</div><pre>${escapeHtml(failing.expected_output)}</pre></div>
      <div><div class="small muted">Your output</div><pre>${escapeHtml(failing.stdout)}</pre></div></div>
      ${failing.stderr ? `<pre class="console error">${escapeHtml(failing.stderr)}</pre>` : ""}</div>`;
  } else if (results.some((r) => r.verdict !== "AC") && !stoppedEarly) {
    html += `<p class="muted">Every sample passes; a hidden test fails. Think about edge cases and limits.</p>`;
  }
  $("[data-results]").innerHTML = html;
}

function watch(submissionId) {
  let state = null;
  const socket = reconnectingSocket({
    path: () => `/ws/submissions/${submissionId}/`,
    // On reconnect, submission.state brings everything so far.
    shouldRetry: () => !state?.verdict,
    firstDelay: 1000,
    maxDelay: 10_000,
    onEvent: (event) => {
      if (event.type === "submission.state" || event.type === "submission.judged") {
        state = event.submission;
      } else if (event.type === "submission.test" && state) {
        state.results = [...(state.results || []).filter((r) => r.index !== event.result.index), event.result];
        state.results.sort((a, b) => a.index - b.index);
        state.total = event.total;
      } else {
        return;
      }
      renderState(state);
      if (state.verdict) {
        socket.stop();
        setStatus("");
        document.body.dataset.lastVerdict = state.verdict;
        if (state.verdict === "AC" && interviewTimer) {
          clearInterval(interviewTimer);
          interviewTimer = null;
        }
        if (state.verdict === "AC") showSolutionAfterSolving();
        showBest(state);
        refreshHistory();
      }
    },
  });
}

// The header's "Your best" follows the verdicts (in the same unit as the panel).
function showBest(submission) {
  const target = $("[data-best-points]");
  if (!target || submission.status !== "done") return;
  data.bestPoints = Math.max(data.bestPoints ?? 0, submission.points);
  target.textContent = `${data.bestPoints} point${data.bestPoints === 1 ? "" : "s"}`;
}

async function refreshHistory() {
  const target = $("[data-history]");
  if (!target) return;
  const response = await fetch(data.urls.history, { credentials: "same-origin" });
  if (response.ok) target.innerHTML = await response.text();
}

function secondsSpent() {
  if (!data.startedAt) return undefined;
  return Math.max(0, Math.round((Date.now() - Date.parse(data.startedAt)) / 1000));
}

async function submit() {
  if (!data.authenticated) {
    location.href = data.urls.login;
    return;
  }
  setStatus("Submitting…");
  // A new submission replaces what is below the editor: the last Run's output and the last verdict.
  clearRunOutput();
  $("[data-results]").innerHTML = "";
  try {
    const submission = await api(data.urls.submit, {
      method: "POST",
      body: JSON.stringify({
        challenge: data.slug, language, source: code(), mode: data.mode,
        time_spent_seconds: secondsSpent(), distractions_met: distractionsMet,
      }),
    });
    renderState(submission);
    setStatus("Judging…");
    watch(submission.id);
  } catch (error) {
    setStatus(error.message);
  }
}

$("[data-run]")?.addEventListener("click", run);
$("[data-submit]")?.addEventListener("click", submit);

// --- problem, hints and solution tabs ------------------------------------------------------------
const tabs = [...document.querySelectorAll("[role=tab][data-tab]")];

function openTab(name, { focus = false } = {}) {
  const tab = tabs.find((t) => t.dataset.tab === name);
  if (!tab) return;
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
  }
  if (focus) tab.focus();
}

for (const tab of tabs) {
  tab.addEventListener("click", () => openTab(tab.dataset.tab));
  tab.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    event.preventDefault();
    const next = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length];
    openTab(next.dataset.tab, { focus: true });
  });
}
for (const link of document.querySelectorAll("[data-open-tab]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    openTab(link.dataset.openTab, { focus: true });
  });
}
// A link to #hints or #solution (the log-in page sends people back to one) opens that tab.
if (location.hash) openTab(location.hash.slice(1));

// --- hints, one at a time ---------------------------------------------------------------------------
$("[data-reveal-hint]")?.addEventListener("click", async (event) => {
  const button = event.currentTarget;
  const total = Number(button.dataset.hintTotal);
  try {
    const result = await api(data.urls.hint, { method: "POST" });
    const item = document.createElement("li");
    item.textContent = result.hint;
    $("[data-hints]").appendChild(item);
    $("[data-hint-count]").textContent = `${result.revealed}/${total}`;
    if (result.revealed >= total) {
      button.hidden = true;
      $("[data-hints-done]").hidden = false;
    } else {
      button.textContent = `Show hint ${result.revealed + 1} of ${total}`;
    }
  } catch (error) {
    button.hidden = true;
    setStatus(error.message);
  }
});

// --- the solution: shown once solved, or when asked for -------------------------------------------
async function fetchSolution() {
  const result = await api(data.urls.solution, { method: "POST" });
  const solution = $("[data-solution]");
  solution.innerHTML = result.solution_html; // rendered and sanitised by the server
  solution.hidden = false;
  $("[data-solution-gate]")?.remove();
}

$("[data-reveal-solution]")?.addEventListener("click", async (event) => {
  const button = event.currentTarget;
  button.disabled = true;
  try {
    await fetchSolution();
  } catch (error) {
    button.disabled = false;
    setStatus(error.message);
  }
});

// Accepted: the solution is the user's to read now, without a reload; the verdict points to it.
async function showSolutionAfterSolving() {
  if (!tabs.some((t) => t.dataset.tab === "solution")) return;
  try {
    if ($("[data-solution-gate]")) await fetchSolution();
  } catch (error) {
    return; // the verdict stands; the solution shows after a reload
  }
  const note = document.createElement("p");
  note.className = "small";
  note.innerHTML = `Solved. <a href="#solution" data-open-tab="solution">Read the solution explained</a> to compare approaches.`;
  note.querySelector("a").addEventListener("click", (event) => {
    event.preventDefault();
    openTab("solution", { focus: true });
    $("[data-panel=solution]").scrollIntoView({ block: "start" });
  });
  $("[data-results]").appendChild(note);
}

// --- the clocks -------------------------------------------------------------------------------------
// Opening the page writes nothing; this POST starts the challenge's clock (and, in interview
// mode, the interview's) the first time only, so a reload never restarts the interview.
async function startClock({ restart = false } = {}) {
  if (!data.authenticated) return;
  if (data.startedAt && !restart) return;
  try {
    const started = await api(data.urls.start, { method: "POST", body: JSON.stringify({ mode: data.mode, restart }) });
    data.startedAt = data.mode === "interview" ? started.interview_started_at : started.started_at;
  } catch (error) {
    setStatus(error.message);
  }
}

// --- interview mode: timer and distractions ------------------------------------------------------
if (data.mode === "interview") {
  const timer = $("[data-timer]");
  const pageOpened = Date.now(); // signed out, the interview lasts as long as the page
  const tick = () => {
    const started = data.startedAt ? Date.parse(data.startedAt) : pageOpened;
    const seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
    const mm = String(Math.floor(seconds / 60)).padStart(2, "0");
    const ss = String(seconds % 60).padStart(2, "0");
    timer.textContent = `${mm}:${ss}`;
  };
  startClock().then(tick);
  interviewTimer = setInterval(tick, 1000);
  $("[data-restart-interview]")?.addEventListener("click", async () => {
    await startClock({ restart: true });
    tick();
  });
  const distractions = data.scenario?.distractions || [];
  const area = $("[data-distraction-area]");
  // One distraction every 90 s to 3 min, as an interviewer or a colleague would.
  const schedule = (index) => {
    if (index >= distractions.length) return;
    const delay = (90 + Math.random() * 90) * 1000 * (window.PREPFORGE_DISTRACTION_SPEEDUP || 1);
    setTimeout(() => {
      const box = document.createElement("div");
      box.className = "distraction";
      box.setAttribute("role", "alert");
      box.innerHTML = `<span>${escapeHtml(distractions[index])}</span> <button type="button" class="secondary">Dismiss</button>`;
      box.querySelector("button").addEventListener("click", () => {
        distractionsMet += 1;
        box.remove();
      });
      area.appendChild(box);
      schedule(index + 1);
    }, delay);
  };
  schedule(0);
}
if (data.mode !== "interview") startClock();

// The live interview page: one question at a time over /ws/interviews/<id>/, the evaluation of
// each answer shown as soon as it arrives, then the next question. Spoken answers (recorded and
// transcribed elsewhere) come in through window.prepforgeInterview.submitSpoken.
import { escapeHtml } from "./shared/html_escape.js";
import { reconnectingSocket } from "./shared/reconnecting_socket.js";
import { followSessionRecording, mountSessionRecorder } from "./session_recorder.js";
import { mountPlayback, mountRecorder, speakingLine } from "./voice_answer.js";

const DIMENSION_LABELS = { relevance: "Relevance", depth: "Depth", structure: "Structure", clarity: "Clarity",
  concision: "Concision" };
const CLOSE_MESSAGES = { 4401: "You are signed out.", 4403: "This interview is not yours.",
  4413: "That answer was too large to send.", 4429: "Too many messages: wait a moment.", 4400: "Bad message." };

export function renderEvaluation(evaluation) {
  const checks = (evaluation.checks || []).map((c) => `<li>${escapeHtml(c.message)}</li>`).join("");
  const rows = evaluation.dimensions.map((d) => {
    const score = d.score === null
      ? `<span class="score-none">Not enough evidence</span>`
      : `<meter min="0" max="100" value="${d.score}" aria-label="${escapeHtml(DIMENSION_LABELS[d.dimension])} ${d.score} of 100"></meter> <strong>${d.score}</strong>`;
    const evidence = (d.evidence || []).map((e) => `<li>${escapeHtml(e)}</li>`).join("");
    const rubric = (d.rubric || []).filter((r) => r.level !== "not_enough_evidence")
      .map((r) => `<li><em>${escapeHtml(r.criterion)}</em> — ${escapeHtml(r.level)}: ${escapeHtml(r.description)}</li>`).join("");
    return `<tr data-dimension="${escapeHtml(d.dimension)}"><th scope="row">${escapeHtml(DIMENSION_LABELS[d.dimension] || d.dimension)}</th>
      <td>${score}<div class="small muted">${escapeHtml(d.reason)}</div>
      ${evidence ? `<ul class="evidence small">${evidence}</ul>` : ""}${rubric ? `<ul class="rubric-used small">${rubric}</ul>` : ""}</td></tr>`;
  }).join("");
  const covered = evaluation.talking_points.covered.map((p) => `<li>✔ ${escapeHtml(p.text)}</li>`).join("");
  const missed = evaluation.talking_points.missed.map((p) => `<li>✘ ${escapeHtml(p.text)}</li>`).join("");
  const terms = evaluation.job_terms || { used: [], missing: [] };
  const overall = evaluation.overall === null ? "Not enough evidence" : `${evaluation.overall} / 100 (${evaluation.verdict})`;
  return `<p class="overall" data-overall><strong>Overall: ${escapeHtml(overall)}</strong>
      <span class="small muted">· ${Math.round(evaluation.evidence_share * 100)}% of the score rests on evidence · ${evaluation.word_count} words</span></p>
    ${checks ? `<ul class="checks" data-checks>${checks}</ul>` : ""}
    ${speakingLine(evaluation.speaking)}
    <p>${escapeHtml(evaluation.summary)}</p>
    <table class="dimensions"><tbody>${rows}</tbody></table>
    <div class="grid two"><div><h3 class="small">Talking points covered</h3><ul class="points">${covered || "<li class='muted'>None</li>"}</ul></div>
    <div><h3 class="small">Missed</h3><ul class="points">${missed || "<li class='muted'>None</li>"}</ul></div></div>
    ${terms.used.length || terms.missing.length ? `<p class="small">Job terms used: ${escapeHtml(terms.used.join(", ") || "none")}</p>` : ""}
    ${evaluation.most_used_words?.length ? `<p class="small muted">Most used words: ${escapeHtml(evaluation.most_used_words.join(", "))}</p>` : ""}`;
}

function start(root) {
  const sessionId = root.dataset.sessionId;
  const max = Number(root.dataset.answerMax);
  const form = root.querySelector("[data-answer-form]");
  const textarea = root.querySelector("[data-answer-text]");
  const submit = root.querySelector("[data-answer-submit]");
  const error = root.querySelector("[data-answer-error]");
  const status = root.querySelector("[data-connection]");
  const feedback = root.querySelector("[data-feedback]");
  const wait = root.querySelector("[data-answer-wait]");
  let currentTurn = null;
  let total = 0;
  let voice = null;
  const sessionRecorder = mountSessionRecorder(root.querySelector("[data-session-recorder]"));
  let voiceBusy = null; // "recording" | "processing" | null: while set, a typed answer cannot be sent
  const SEND_LABEL = submit.textContent;
  const WAIT_MESSAGES = {
    recording: ["Recording…", "Stop the recording first: Send answer is off while you record."],
    processing: ["Processing your recording…", "Your recording is being processed and will answer this question: Send answer comes back when it is done or if it fails."],
  };

  function holdForVoice(state) {
    voiceBusy = state;
    const [label, why] = WAIT_MESSAGES[state] || [SEND_LABEL, ""];
    submit.textContent = label;
    submit.disabled = Boolean(state) || currentTurn === null;
    submit.setAttribute("aria-busy", state === "processing" ? "true" : "false");
    wait.textContent = why;
    wait.hidden = !state;
  }

  function showQuestion(turn) {
    currentTurn = turn ? turn.index : null;
    const questionStream = root.querySelector("[data-question-stream]");
    questionStream.hidden = true;
    questionStream.textContent = "";
    streamed.question = "";
    const section = root.querySelector("[data-current]");
    section.hidden = !turn;
    if (!turn) return;
    root.querySelector("[data-current-prompt]").textContent = turn.prompt;
    root.querySelector("[data-current-reason]").textContent = turn.reason;
    root.querySelector("[data-current-meta]").textContent =
      `${turn.kind === "follow_up" ? "Follow-up" : "Question"} · ${turn.category.replace("_", " ")} · ${turn.difficulty}`;
    const hints = root.querySelector("[data-hints]");
    hints.hidden = !turn.hints.length;
    hints.open = false;
    root.querySelector("[data-hint-list]").innerHTML = turn.hints.map((h) => `<li>${escapeHtml(h)}</li>`).join("");
    root.querySelector("[data-progress]").textContent = `Question ${turn.index + 1} of ${total}`;
    textarea.value = "";
    updateCount();
    submit.disabled = Boolean(voiceBusy);
    voice?.reset();
  }

  function addToTranscript(turn) {
    const list = root.querySelector("[data-transcript]");
    const item = document.createElement("li");
    item.className = "turn answered";
    const said = turn.answer || (turn.answer_source === "spoken" ? "(no words were heard in the recording)" : "");
    item.innerHTML = `<p class="turn-prompt"><strong>${escapeHtml(turn.prompt)}</strong>${turn.answer_source === "spoken" ? ' <span class="pill small">spoken</span>' : ""}</p><p class="turn-answer">${escapeHtml(said)}</p>`;
    list.appendChild(item);
  }

  // The model's answer as it is written (interview.stream): a preview the validated result replaces.
  const streamed = { evaluation: "", question: "" };
  function showStream(event) {
    if (event.done) {
      if (!event.used) {
        const note = event.task === "evaluation"
          ? "The model's evaluation could not be used: the built-in evaluator's follows."
          : "The model's wording could not be used: the bank's question follows.";
        streamTarget(event.task).textContent = note;
      }
      return;
    }
    streamed[event.task] = event.preview || streamed[event.task];
    const target = streamTarget(event.task);
    target.textContent = event.task === "evaluation"
      ? `The model is evaluating your answer…${streamed.evaluation ? ` ${streamed.evaluation}` : ""}`
      : `Next question: ${streamed.question}`;
  }
  function streamTarget(task) {
    if (task === "evaluation") {
      feedback.hidden = false;
      let line = feedback.querySelector("[data-stream-preview]");
      if (!line) {
        feedback.querySelector("[data-feedback-body]").innerHTML =
          '<p class="stream-preview" data-stream-preview aria-live="off"></p>';
        line = feedback.querySelector("[data-stream-preview]");
      }
      return line;
    }
    const line = root.querySelector("[data-question-stream]");
    line.hidden = false;
    return line;
  }

  function showFeedback(turn) {
    streamed.evaluation = "";
    feedback.hidden = false;
    feedback.querySelector("[data-feedback-body]").innerHTML = renderEvaluation(turn.evaluation);
  }

  function onEvent(event) {
    switch (event.type) {
      case "interview.state": {
        total = event.session.length;
        const list = root.querySelector("[data-transcript]");
        list.innerHTML = "";
        const answered = event.session.turns.filter((t) => t.answered_at);
        answered.forEach(addToTranscript);
        if (answered.length) showFeedback(answered[answered.length - 1]);
        if (event.session.status === "finished") {
          sessionRecorder.finish().then(() => { window.location.href = root.dataset.reportUrl; });
          return;
        }
        showQuestion(event.session.turns.find((t) => !t.answered_at) || null);
        break;
      }
      case "interview.stream":
        showStream(event);
        break;
      case "interview.evaluation":
        status.textContent = "Live";
        addToTranscript(event.turn);
        showFeedback(event.turn);
        break;
      case "interview.question":
        showQuestion(event.turn);
        textarea.focus();
        break;
      case "interview.finished":
        status.textContent = "Finished: opening the report…";
        sessionRecorder.finish().then(() => { window.location.href = event.report_url; });
        break;
      case "error":
        error.textContent = event.message;
        submit.disabled = Boolean(voiceBusy);
        if (String(event.code || "").startsWith("media_")) voice?.error(event.message);
        else voice?.release();
        break;
      default:
        break;
    }
  }

  const socket = reconnectingSocket({
    path: () => `/ws/interviews/${sessionId}/`,
    onEvent,
    onOpen: () => { status.textContent = "Live"; },
    onClose: (close, retrying) => {
      status.textContent = CLOSE_MESSAGES[close.code] || (retrying ? "Reconnecting…" : "Disconnected");
    },
  });

  function send(text, extra = {}) {
    error.textContent = "";
    if (voiceBusy) { error.textContent = WAIT_MESSAGES[voiceBusy][1]; return false; }
    if (!text.trim()) { error.textContent = "Type your answer first."; return false; }
    if (text.length > max) { error.textContent = `An answer is at most ${max} characters.`; return false; }
    if (!socket.send({ type: "answer", turn: currentTurn, text, ...extra })) {
      error.textContent = "Not connected: wait a moment and send again.";
      return false;
    }
    submit.disabled = true;
    status.textContent = "Evaluating…";
    return true;
  }

  function updateCount() {
    const words = textarea.value.trim() ? textarea.value.trim().split(/\s+/).length : 0;
    root.querySelector("[data-word-count]").textContent = `${words} word${words === 1 ? "" : "s"}`;
  }

  textarea.addEventListener("input", updateCount);
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); form.requestSubmit(); }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (send(textarea.value)) status.textContent = "Evaluating…";
  });
  // Spoken answers: the recording's id goes to the server, which answers with its transcript.
  voice = mountRecorder(root.querySelector("[data-voice-slot]"), {
    currentTurn: () => currentTurn,
    onBusy: holdForVoice,
    answer: (mediaId, turn) => {
      error.textContent = "";
      if (!socket.send({ type: "answer", turn, media: mediaId, source: "spoken" })) return false;
      submit.disabled = true;
      status.textContent = "Evaluating…";
      return true;
    },
  });
  // Ending the interview first stops and saves its recording (the report plays it).
  const endForm = root.querySelector("[data-end-form]");
  endForm?.addEventListener("submit", (event) => {
    if (endForm.dataset.recordingSaved) return;
    event.preventDefault();
    endForm.querySelectorAll("button").forEach((button) => { button.disabled = true; });
    sessionRecorder.finish().then(() => {
      endForm.dataset.recordingSaved = "1";
      endForm.submit();
    });
  });
  window.prepforgeInterview = {
    submitSpoken: ({ text, seconds }) => send(String(text || ""), { source: "spoken", seconds: Number(seconds) || null }),
  };
}

document.addEventListener("DOMContentLoaded", () => {
  const root = document.querySelector("[data-interview]");
  if (root) start(root);
  document.querySelectorAll("[data-recording]").forEach(mountPlayback);
  document.querySelectorAll("[data-session-recording]").forEach(followSessionRecording);
});

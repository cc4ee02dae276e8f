// The interviewer's private panel: pick this turn's question from the interviews question bank
// (by category, difficulty, words) and see its rubric, talking points, hints and follow-ups. The
// server sends all of it only to the current interviewer's connections (panel.state,
// panel.questions, panel.question); when the role moves away (panel.closed) the panel is emptied,
// not just hidden, so nothing of it stays in the page.
import { escapeHtml } from "./shared/html_escape.js";

export function createPanel({ root, send }) {
  const $ = (selector) => root.querySelector(selector);
  let filled = false;

  function shell(panel) {
    const options = (items) => items.map((item) => `<option value="${escapeHtml(item.id)}">${escapeHtml(item.name)}</option>`).join("");
    return `<div class="row side-head"><h2 id="panel-title">Your question <span class="small muted">(turn ${panel.turn})</span></h2>
        <span class="small muted">Only you see this</span></div>
      <div data-panel-question></div>
      <details class="panel-picker" data-panel-picker ${panel.question ? "" : "open"}>
        <summary>${panel.question ? "Pick another question" : "Pick a question from the bank"}</summary>
        <form class="panel-search" data-panel-search>
          <label for="panel-category" class="small">Category</label>
          <select id="panel-category" name="category"><option value="">Any</option>${options(panel.categories)}</select>
          <label for="panel-difficulty" class="small">Difficulty</label>
          <select id="panel-difficulty" name="difficulty"><option value="">Any</option>${options(panel.difficulties)}</select>
          <label for="panel-words" class="small">Words</label>
          <input id="panel-words" name="search" type="search" maxlength="100" placeholder="e.g. cache">
          <button type="submit" class="secondary">Search</button>
        </form>
        <ul class="panel-results" data-panel-results></ul>
      </details>`;
  }

  function renderQuestion(question) {
    const box = $("[data-panel-question]");
    if (!question) {
      box.innerHTML = '<p class="muted small" data-panel-none>No question picked for this turn yet.</p>';
      return;
    }
    const list = (items, attribute) => (items.length
      ? `<ul ${attribute}>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join("")}</ul>`
      : '<p class="muted small">None.</p>');
    // One block per criterion: the side column is too narrow for a four-column table.
    const rubric = question.rubric.map((r) => `<li class="rubric-criterion"><div><strong>${escapeHtml(r.criterion)}</strong>
      <span class="small muted">weight ${escapeHtml(String(r.weight))}</span></div>
      <dl><dt>Weak</dt><dd>${escapeHtml(r.weak)}</dd><dt>Fair</dt><dd>${escapeHtml(r.fair)}</dd><dt>Strong</dt><dd>${escapeHtml(r.strong)}</dd></dl></li>`).join("");
    box.innerHTML = `<p class="panel-prompt" data-panel-prompt data-slug="${escapeHtml(question.slug)}">${escapeHtml(question.prompt)}</p>
      <p class="small muted">${escapeHtml(question.category_label)} · ${escapeHtml(question.difficulty)}</p>
      <h3>Rubric</h3>
      <ol class="panel-rubric" data-panel-rubric>${rubric}</ol>
      <h3>Talking points</h3>${list(question.talking_points, "data-panel-points")}
      <details><summary>Hints (give them one at a time)</summary>${list(question.hints, "data-panel-hints")}</details>
      <details><summary>Follow-ups</summary>${list(question.follow_ups, "data-panel-follow-ups")}</details>`;
  }

  function renderResults(questions) {
    const results = $("[data-panel-results]");
    if (!results) return;
    results.innerHTML = questions.length ? questions.map((q) => `<li>
        <button type="button" class="link" data-pick="${escapeHtml(q.slug)}">${escapeHtml(q.prompt)}</button>
        <span class="small muted">${escapeHtml(q.category_label)} · ${escapeHtml(q.difficulty)}</span></li>`).join("")
      : '<li class="muted small">No questions match.</li>';
  }

  function open(panel) {
    root.innerHTML = shell(panel);
    root.hidden = false;
    filled = true;
    renderQuestion(panel.question);
    $("[data-panel-search]").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      send({ type: "panel.search", category: form.get("category"), difficulty: form.get("difficulty"), search: form.get("search") });
    });
    $("[data-panel-results]").addEventListener("click", (event) => {
      const button = event.target.closest("[data-pick]");
      if (button) send({ type: "panel.pick", slug: button.dataset.pick });
    });
    if (!panel.question) send({ type: "panel.search" });
  }

  function close() {
    root.innerHTML = "";
    root.hidden = true;
    filled = false;
  }

  function onEvent(event) {
    switch (event.type) {
      case "panel.state":
        open(event.panel);
        return true;
      case "panel.closed":
        close();
        return true;
      case "panel.questions":
        if (filled) renderResults(event.questions);
        return true;
      case "panel.question":
        if (filled) {
          renderQuestion(event.question);
          const picker = $("[data-panel-picker]");
          picker.open = false;
          picker.querySelector("summary").textContent = "Pick another question";
        }
        return true;
      default:
        return false;
    }
  }

  return { open, close, onEvent };
}

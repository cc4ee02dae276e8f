// The resume builder: a structured editor for every section of the resume (add, remove, reorder
// entries and bullets), a live preview in the two download templates, and Save, which stores a
// new version through PUT /api/v1/resumes/<id>/ and shows its number and general score.

import { csrfToken } from "./shared/csrf.js";
import { escapeHtml } from "./shared/html_escape.js";

const data = JSON.parse(document.getElementById("builder-data").textContent);
const $ = (selector, root = document) => root.querySelector(selector);

const CONTACT_FIELDS = [
  ["name", "Full name", "text", "Jordan Rivera"],
  ["email", "E-mail", "email", "you@example.com"],
  ["phone", "Phone", "tel", "+1 415 555 0134"],
  ["location", "Location", "text", "City, Country"],
  ["github", "GitHub", "text", "github.com/you"],
  ["linkedin", "LinkedIn", "text", "linkedin.com/in/you"],
  ["website", "Website", "text", "you.dev"],
];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
// How many entries a list takes and how long a field may be: resumes/content.py's, rendered
// into the page, so that the builder and the server cannot disagree.
const LIMITS = data.limits.entries;
const CHARACTERS = data.limits.characters;
const BLANK = {
  experience: () => ({ title: "", company: "", start: "", end: "", current: false, bullets: [""] }),
  education: () => ({ institution: "", degree: "", details: "", year: null }),
  projects: () => ({ name: "", description: "" }),
};
const SINGULAR = { experience: "role", education: "education entry", projects: "project", certifications: "certification",
                   skills: "skill", bullets: "bullet" };

const editor = $("[data-editor]");
const preview = $("[data-preview]");
const saveButton = $("[data-save]");
const noteInput = $("[data-note]");
const statusBox = $("[data-save-status]");
const errorBox = $("[data-save-errors]");
const dirtyMark = $("[data-dirty]");

let state = normalise(data.content);
let version = data.version;
let score = data.score;
let template = "classic";
let dirty = false;
let saving = false;

// --- the model -------------------------------------------------------------------------------

function normalise(content) {
  const c = content && typeof content === "object" ? content : {};
  const contact = {};
  for (const [key] of CONTACT_FIELDS) contact[key] = (c.contact && c.contact[key]) || "";
  const list = (value) => (Array.isArray(value) ? value : []);
  return {
    contact,
    summary: c.summary || "",
    experience: list(c.experience).map((e) => ({
      title: e.title || "", company: e.company || "", start: e.start || "", end: e.end || "",
      current: Boolean(e.current), bullets: list(e.bullets).map(String),
    })),
    education: list(c.education).map((e) => ({ institution: e.institution || "", degree: e.degree || "",
                                                details: e.details || "", year: e.year ?? null })),
    skills: list(c.skills).map(String),
    projects: list(c.projects).map((p) => ({ name: p.name || "", description: p.description || "" })),
    certifications: list(c.certifications).map(String),
  };
}

function payload() {
  const content = JSON.parse(JSON.stringify(state));
  content.education = content.education.map((e) => {
    const year = String(e.year ?? "").trim();
    return { ...e, year: /^\d{4}$/.test(year) ? Number(year) : null };
  });
  content.experience = content.experience.map((e) => ({ ...e, end: e.current ? "" : e.end,
                                                         bullets: e.bullets.filter((b) => b.trim()) }));
  content.skills = content.skills.filter((s) => s.trim());
  content.certifications = content.certifications.filter((s) => s.trim());
  return content;
}

function parts(path) {
  return path.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function getAt(path) {
  return parts(path).reduce((value, key) => (value == null ? undefined : value[key]), state);
}

function setAt(path, value) {
  const keys = parts(path);
  const last = keys.pop();
  const target = keys.reduce((obj, key) => obj[key], state);
  target[last] = value;
}

function markDirty() {
  dirty = true;
  dirtyMark.hidden = false;
}

// --- helpers to build the editor -------------------------------------------------------------

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function field(path, label, { type = "text", placeholder = "", multiline = false, rows = 3, help = "" } = {}) {
  const id = nextId("f");
  const value = getAt(path) ?? "";
  const control = multiline
    ? el("textarea", { id, rows: String(rows), "data-path": path, placeholder })
    : el("input", { id, type, "data-path": path, placeholder });
  control.value = value;
  if (type === "month") control.setAttribute("pattern", "\\d{4}-\\d{2}");
  return el("div", { class: "field" }, el("label", { for: id, text: label }), control,
            help ? el("span", { class: "help", text: help }) : null);
}

function iconButton(action, label, symbol, dataset = {}, disabled = false) {
  const attrs = { type: "button", class: `icon-button ${action === "remove" ? "remove" : ""}`, "data-action": action,
                  "aria-label": label, title: label, disabled };
  for (const [key, value] of Object.entries(dataset)) attrs[`data-${key}`] = String(value);
  return el("button", attrs, symbol);
}

function moveControls(list, index, length, what) {
  return el("div", { class: "move-controls" },
    iconButton("up", `Move ${what} up`, "↑", { list, index }, index === 0),
    iconButton("down", `Move ${what} down`, "↓", { list, index }, index === length - 1),
    iconButton("remove", `Remove ${what}`, "✕", { list, index }));
}

function section(key, title, hint, ...body) {
  return el("fieldset", { class: "builder-section", "data-section": key },
            el("legend", { text: title }), hint ? el("p", { class: "help section-hint", text: hint }) : null, ...body);
}

function addButton(list, label, disabled = false) {
  return el("button", { type: "button", class: "secondary add-button", "data-action": "add", "data-list": list, disabled },
            `+ ${label}`);
}

// The server keeps this many characters of a field and cuts the rest: say so while typing.
function maxLengthFor(path) {
  const [list, , key, index] = path.split(".");
  if (list === "contact") return CHARACTERS.contact;
  if (list === "summary") return CHARACTERS.summary;
  if (list === "skills") return CHARACTERS.skill;
  if (list === "certifications") return CHARACTERS.certification;
  if (key === "bullets" && index !== undefined) return CHARACTERS.bullet;
  return CHARACTERS.field;
}

function limitLengths() {
  for (const control of editor.querySelectorAll("input[data-path]:not([type=checkbox]), textarea[data-path]")) {
    control.maxLength = maxLengthFor(control.dataset.path);
  }
}

function entryTitle(section, entry) {
  if (section === "experience") return [entry.title, entry.company].filter(Boolean).join(" at ") || "New role";
  if (section === "education") {
    return [entry.degree, entry.institution].filter(Boolean).join(", ") || entry.details || "New education entry";
  }
  return entry.name || "New project";
}

// --- the editor ------------------------------------------------------------------------------

function renderEditor(focusPath = null) {
  uid = 0;
  const contact = el("div", { class: "field-grid" },
    ...CONTACT_FIELDS.map(([key, label, type, placeholder]) => field(`contact.${key}`, label, { type, placeholder })));

  const experience = state.experience.map((entry, i) => {
    const name = `role ${i + 1}`;
    const bullets = entry.bullets.map((_, b) => {
      const id = nextId("bullet");
      const input = el("textarea", { id, rows: "2", "data-path": `experience.${i}.bullets.${b}`,
                                     placeholder: "Did what, how, with what result (a number if you can)" });
      input.value = entry.bullets[b];
      return el("li", { class: "bullet-row" },
        el("label", { class: "visually-hidden", for: id, text: `Bullet ${b + 1} of ${name}` }), input,
        moveControls(`experience.${i}.bullets`, b, entry.bullets.length, `bullet ${b + 1} of ${name}`));
    });
    const current = el("input", { type: "checkbox", id: nextId("current"), "data-path": `experience.${i}.current` });
    current.checked = entry.current;
    const end = field(`experience.${i}.end`, "End", { type: "month", placeholder: "YYYY-MM" });
    $("input", end).disabled = entry.current;
    return el("div", { class: "entry", "data-entry": `experience.${i}` },
      el("div", { class: "entry-head" },
        el("strong", { text: entryTitle("experience", entry) }),
        moveControls("experience", i, state.experience.length, name)),
      el("div", { class: "field-grid" },
        field(`experience.${i}.title`, "Job title", { placeholder: "Software Engineer" }),
        field(`experience.${i}.company`, "Company", { placeholder: "Acme" }),
        field(`experience.${i}.start`, "Start", { type: "month", placeholder: "YYYY-MM" }),
        end),
      el("div", { class: "checkbox-row" }, current, el("label", { for: current.id, text: "I work here now" })),
      el("div", { class: "bullets" },
        el("div", { class: "bullets-label", text: "Bullets" }),
        el("ul", { class: "bullet-list" }, bullets),
        addButton(`experience.${i}.bullets`, "Add a bullet", entry.bullets.length >= LIMITS.bullets)));
  });

  const education = state.education.map((entry, i) => el("div", { class: "entry", "data-entry": `education.${i}` },
    el("div", { class: "entry-head" }, el("strong", { text: entryTitle("education", entry) }),
       moveControls("education", i, state.education.length, `education entry ${i + 1}`)),
    el("div", { class: "field-grid" },
      field(`education.${i}.institution`, "School", { placeholder: "University of Texas" }),
      field(`education.${i}.degree`, "Degree", { placeholder: "B.Sc. Computer Science" }),
      field(`education.${i}.year`, "Year", { type: "number", placeholder: "2017" })),
    field(`education.${i}.details`, "As it should read", { placeholder: "B.Sc. Computer Science, University of Texas, 2017",
                                                          help: "The full line shown on the resume; leave empty to use degree, school and year." })));

  const skills = state.skills.map((skill, i) => {
    const id = nextId("skill");
    const input = el("input", { id, type: "text", "data-path": `skills.${i}` });
    input.value = skill;
    return el("li", { class: "skill-row" }, el("label", { class: "visually-hidden", for: id, text: `Skill ${i + 1}` }),
              input, moveControls("skills", i, state.skills.length, skill || `skill ${i + 1}`));
  });
  const newSkillId = nextId("new-skill");

  const projects = state.projects.map((entry, i) => el("div", { class: "entry", "data-entry": `projects.${i}` },
    el("div", { class: "entry-head" }, el("strong", { text: entryTitle("projects", entry) }),
       moveControls("projects", i, state.projects.length, `project ${i + 1}`)),
    field(`projects.${i}.name`, "Name", { placeholder: "Open-source rate limiter" }),
    field(`projects.${i}.description`, "Description", { multiline: true, rows: 2,
                                                       placeholder: "What it does, the stack, who uses it" })));

  const certifications = state.certifications.map((cert, i) => {
    const id = nextId("cert");
    const input = el("input", { id, type: "text", "data-path": `certifications.${i}`,
                                placeholder: "AWS Certified Developer, 2023" });
    input.value = cert;
    return el("li", { class: "skill-row wide" }, el("label", { class: "visually-hidden", for: id, text: `Certification ${i + 1}` }),
              input, moveControls("certifications", i, state.certifications.length, `certification ${i + 1}`));
  });

  editor.replaceChildren(
    section("contact", "Contact", "At the top, as plain text: an ATS often skips headers, footers and icons.", contact),
    section("summary", "Summary", "Two or three lines: the role you do, your years, your strongest stack.",
            field("summary", "Summary", { multiline: true, rows: 4, placeholder: "Backend engineer with 6 years…" })),
    section("experience", "Experience", "Most recent first. Start bullets with a verb and end them with a result.",
            experience, addButton("experience", "Add a role", state.experience.length >= LIMITS.experience)),
    section("education", "Education", "", education,
            addButton("education", "Add education", state.education.length >= LIMITS.education)),
    section("skills", "Skills", "Use each technology's common name (PostgreSQL, Kubernetes) so that an ATS recognises it.",
            el("ul", { class: "skill-list" }, skills),
            el("div", { class: "add-skill" },
               el("label", { for: newSkillId, text: "Add skills" }),
               el("div", { class: "row" },
                  el("input", { id: newSkillId, type: "text", "data-new-skill": true,
                                placeholder: "e.g. GraphQL, Kafka (Enter adds; commas for several)" }),
                  el("button", { type: "button", class: "secondary", "data-action": "add-skill",
                                 disabled: state.skills.length >= LIMITS.skills }, "Add")))),
    section("projects", "Projects", "", projects,
            addButton("projects", "Add a project", state.projects.length >= LIMITS.projects)),
    section("certifications", "Certifications", "", el("ul", { class: "skill-list single" }, certifications),
            addButton("certifications", "Add a certification", state.certifications.length >= LIMITS.certifications)),
  );
  limitLengths();
  autosizeAll();
  if (focusPath) {
    const target = editor.querySelector(`[data-path="${focusPath}"]`) ||
      editor.querySelector(`[data-action][data-list="${focusPath}"]`);
    if (target) target.focus();
  }
}

// Textareas grow with their text, so that a long bullet is never cut off.
function autosize(textarea) {
  textarea.style.height = "auto";
  textarea.style.height = `${textarea.scrollHeight + 2}px`;
}

function autosizeAll() {
  for (const textarea of editor.querySelectorAll("textarea")) autosize(textarea);
}

// --- the preview -----------------------------------------------------------------------------

function month(value) {
  const match = /^(\d{4})-(\d{2})$/.exec(value || "");
  return match ? `${MONTHS[Number(match[2]) - 1] || ""} ${match[1]}` : "";
}

function period(entry) {
  const end = entry.current ? "Present" : month(entry.end);
  const start = month(entry.start);
  return start ? `${start} – ${end}`.replace(/ – $/, "") : end;
}

function renderPreview() {
  const c = state;
  const modern = template === "modern";
  const heading = (text) => `<h3>${escapeHtml(modern ? text : text.toUpperCase())}</h3>`;
  const details = [c.contact.email, c.contact.phone, c.contact.location].filter(Boolean).map(escapeHtml).join(" · ");
  const links = [c.contact.github, c.contact.linkedin, c.contact.website].filter(Boolean).map(escapeHtml).join(" · ");
  const html = [`<header><h2 class="pv-name">${escapeHtml(c.contact.name || "Your name")}</h2>`,
                details ? `<p class="pv-contact">${details}</p>` : "", links ? `<p class="pv-contact">${links}</p>` : "",
                "</header>"];
  if (c.summary.trim()) html.push(`<section>${heading("Summary")}<p>${escapeHtml(c.summary)}</p></section>`);
  const roles = c.experience.filter((e) => e.title || e.company || e.bullets.some((b) => b.trim()));
  if (roles.length) {
    html.push(`<section>${heading("Experience")}`);
    for (const e of roles) {
      const head = modern
        ? `<strong>${escapeHtml(e.title)}</strong>${e.company ? ` <span class="pv-company">${escapeHtml(e.company)}</span>` : ""}`
        : `<strong>${escapeHtml([e.title, e.company].filter(Boolean).join(", "))}</strong>`;
      const bullets = e.bullets.filter((b) => b.trim()).map((b) => `<li>${escapeHtml(b)}</li>`).join("");
      html.push(`<div class="pv-role"><div class="pv-role-head"><span>${head}</span><span class="pv-dates">${escapeHtml(period(e))}</span></div>`,
                bullets ? `<ul>${bullets}</ul>` : "", "</div>");
    }
    html.push("</section>");
  }
  const education = c.education.map((e) => e.details || [e.degree, e.institution, e.year].filter(Boolean).join(", "))
    .filter(Boolean);
  if (education.length) html.push(`<section>${heading("Education")}${education.map((e) => `<p>${escapeHtml(e)}</p>`).join("")}</section>`);
  const skills = c.skills.filter((s) => s.trim());
  if (skills.length) {
    html.push(`<section>${heading("Skills")}`, modern
      ? `<p class="pv-chips">${skills.map((s) => `<span>${escapeHtml(s)}</span>`).join("")}</p>`
      : `<p>${skills.map(escapeHtml).join(", ")}</p>`, "</section>");
  }
  const projects = c.projects.filter((p) => p.name || p.description);
  if (projects.length) {
    html.push(`<section>${heading("Projects")}`);
    for (const p of projects) {
      html.push(`<p><strong>${escapeHtml(p.name)}</strong>${p.description ? `${p.name ? ": " : ""}${escapeHtml(p.description)}` : ""}</p>`);
    }
    html.push("</section>");
  }
  const certifications = c.certifications.filter((s) => s.trim());
  if (certifications.length) {
    html.push(`<section>${heading("Certifications")}<ul>${certifications.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ul></section>`);
  }
  preview.className = `resume-preview template-${template}`;
  preview.innerHTML = html.join("");
}

// --- editing ---------------------------------------------------------------------------------

function onInput(event) {
  const target = event.target;
  const path = target.dataset?.path;
  if (!path) return;
  if (target.type === "checkbox") {
    setAt(path, target.checked);
    if (path.endsWith(".current")) {
      const end = editor.querySelector(`[data-path="${path.replace(/current$/, "end")}"]`);
      if (end) end.disabled = target.checked;
    }
  } else {
    setAt(path, target.value);
    if (target.tagName === "TEXTAREA") autosize(target);
  }
  const entry = /^(experience|education|projects)\.(\d+)\./.exec(path);
  if (entry) {
    const head = editor.querySelector(`[data-entry="${entry[1]}.${entry[2]}"] .entry-head strong`);
    const item = state[entry[1]][Number(entry[2])];
    if (head) head.textContent = entryTitle(entry[1], item);
  }
  markDirty();
  renderPreview();
}

function addSkills() {
  const input = editor.querySelector("[data-new-skill]");
  const names = input.value.split(",").map((s) => s.trim()).filter(Boolean);
  if (!names.length) {
    input.focus();
    return;
  }
  const known = new Set(state.skills.map((s) => s.toLowerCase()));
  for (const name of names) {
    if (!known.has(name.toLowerCase()) && state.skills.length < LIMITS.skills) {
      state.skills.push(name);
      known.add(name.toLowerCase());
    }
  }
  markDirty();
  renderEditor();
  renderPreview();
  editor.querySelector("[data-new-skill]").focus();
}

function onClick(event) {
  const button = event.target.closest("button[data-action]");
  if (!button || !editor.contains(button)) return;
  const action = button.dataset.action;
  if (action === "add-skill") {
    addSkills();
    return;
  }
  const listPath = button.dataset.list;
  const list = getAt(listPath);
  if (!Array.isArray(list)) return;
  const index = Number(button.dataset.index);
  let focus = null;
  if (action === "add") {
    const key = listPath.split(".").pop();
    list.push(BLANK[key] ? BLANK[key]() : "");
    focus = BLANK[key] ? `${listPath}.${list.length - 1}.${Object.keys(BLANK[key]())[0]}` : `${listPath}.${list.length - 1}`;
  } else if (action === "remove") {
    list.splice(index, 1);
    focus = list.length ? null : listPath;
  } else if (action === "up" && index > 0) {
    [list[index - 1], list[index]] = [list[index], list[index - 1]];
  } else if (action === "down" && index < list.length - 1) {
    [list[index + 1], list[index]] = [list[index], list[index + 1]];
  } else {
    return;
  }
  markDirty();
  renderEditor(focus);
  if (!focus && (action === "up" || action === "down")) {
    // Keep the keyboard on the moved item's button.
    const moved = action === "up" ? index - 1 : index + 1;
    const again = editor.querySelector(`button[data-action="${action}"][data-list="${listPath}"][data-index="${moved}"]`);
    (again && !again.disabled ? again : editor.querySelector(`button[data-action="remove"][data-list="${listPath}"][data-index="${moved}"]`))?.focus();
  }
  renderPreview();
}

function onKeydown(event) {
  if (event.target.matches?.("[data-new-skill]") && event.key === "Enter") {
    event.preventDefault();
    addSkills();
  }
}

// --- saving ----------------------------------------------------------------------------------

function showErrors(message, details) {
  errorBox.replaceChildren(el("strong", { text: message }));
  const items = [];
  if (details && typeof details === "object") {
    for (const [key, value] of Object.entries(details)) {
      const text = Array.isArray(value) ? value.join(" ") : typeof value === "object" ? JSON.stringify(value) : String(value);
      items.push(el("li", {}, key === "non_field_errors" ? text : `${key}: ${text}`));
    }
  }
  if (items.length) errorBox.append(el("ul", {}, items));
  errorBox.hidden = false;
}

function setStatus(...parts) {
  statusBox.replaceChildren(...parts);
}

async function save() {
  if (saving) return;
  saving = true;
  saveButton.disabled = true;
  errorBox.hidden = true;
  setStatus(el("span", { class: "running" }, el("span", { class: "spinner", "aria-hidden": "true" }), "Saving…"));
  let response;
  let body = null;
  try {
    response = await fetch(data.saveUrl, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ content: payload(), note: noteInput.value.trim() }),
    });
    try {
      body = await response.json();
    } catch {
      body = null;
    }
  } catch {
    response = null;
  }
  saving = false;
  saveButton.disabled = false;
  if (!response) {
    setStatus();
    showErrors("Could not reach the server. Check your connection and save again; nothing was lost on this page.");
    return;
  }
  if (!response.ok) {
    setStatus();
    showErrors(body?.error?.message || body?.detail || `Saving failed (${response.status}).`, body?.error?.details);
    return;
  }
  const unchanged = body.number === version;
  const previous = score;
  version = body.number;
  score = body.general_score;
  state = normalise(body.content);
  dirty = false;
  dirtyMark.hidden = true;
  noteInput.value = "";
  renderEditor();
  renderPreview();
  const delta = previous != null && score != null && !unchanged ? score - previous : 0;
  $("[data-version-info]").textContent = `Version ${version}${score != null ? ` · general score ${score}` : ""}`;
  const link = el("a", { href: editor.dataset.detailUrl }, "Check it against a job");
  if (unchanged) {
    setStatus(el("span", { "data-saved-version": String(version) }, `No changes since version ${version}. `), link);
  } else {
    setStatus(
      el("span", { class: "saved", "data-saved-version": String(version) }, `Saved as version ${version}.`), " ",
      el("span", { "data-saved-score": String(score ?? "") },
         score != null ? `General score ${score}${delta ? ` (${delta > 0 ? "+" : ""}${delta})` : ""}.` : ""), " ",
      link);
  }
}

// --- wiring ----------------------------------------------------------------------------------

editor.addEventListener("input", onInput);
editor.addEventListener("change", onInput);
editor.addEventListener("click", onClick);
editor.addEventListener("keydown", onKeydown);
saveButton.addEventListener("click", save);
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
    event.preventDefault();
    save();
  }
});
for (const radio of document.querySelectorAll("[data-template-choice]")) {
  radio.addEventListener("change", () => {
    if (radio.checked) {
      template = radio.value;
      renderPreview();
    }
  });
}
window.addEventListener("beforeunload", (event) => {
  if (dirty) {
    event.preventDefault();
    event.returnValue = "";
  }
});

renderEditor();
renderPreview();
window.addEventListener("resize", autosizeAll);
document.body.dataset.builderReady = "true";

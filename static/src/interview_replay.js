// The coding interview's replay on its report page: a slider (and a play button) over the
// timeline's frames; each frame names the last transcript line and the last run, and the code comes
// as keyframes and splices (shared/timeline_frames.js rebuilds it: a jump replays at most one
// keyframe's worth of splices, playing forward one a frame).
import { timelineCode } from "./shared/timeline_frames.js";

const root = document.querySelector("[data-interview-replay]");
const data = document.getElementById("interview-timeline");

const VERDICTS = { OK: "Finished", CE: "Compile error", RE: "Runtime error", TLE: "Time limit", MLE: "Memory limit" };

function clock(seconds) {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function mount(timeline) {
  const slider = root.querySelector("[data-replay-slider]");
  const code = root.querySelector("[data-replay-code]");
  const line = root.querySelector("[data-replay-line]");
  const run = root.querySelector("[data-replay-run]");
  const kind = root.querySelector("[data-replay-kind]");
  const time = root.querySelector("[data-replay-clock]");
  const play = root.querySelector("[data-replay-play]");
  const frames = timeline.frames;
  const codeAt = timelineCode(frames);
  const kinds = { code: "· edited", run: "· ran", question: "· asked", answer: "· answered" };
  let timer = null;

  function show(index) {
    const frame = frames[index];
    if (!frame) {
      code.textContent = "";
      time.textContent = "No events";
      return;
    }
    code.textContent = codeAt(index);
    kind.textContent = kinds[frame.kind] || "";
    time.textContent = `${clock(frame.t)} / ${clock(timeline.duration)}`;
    slider.setAttribute("aria-valuetext", `${clock(frame.t)}, ${frame.kind}`);
    root.dataset.frame = String(index);
    const said = frame.line === null ? null : timeline.lines[frame.line];
    line.textContent = "";
    if (said) {
      const who = document.createElement("strong");
      who.textContent = said.speaker === "interviewer" ? "Interviewer: " : "You: ";
      line.append(who, document.createTextNode(said.text));
    } else {
      line.textContent = "Nothing said yet.";
    }
    const last = frame.run === null ? null : timeline.runs[frame.run];
    run.textContent = "";
    if (last) {
      const head = document.createElement("p");
      head.dataset.replayVerdict = last.verdict;
      head.textContent = `${VERDICTS[last.verdict] || last.verdict} at ${clock(last.t)}`;
      const out = document.createElement("pre");
      out.textContent = last.stdout || last.stderr || "(no output)";
      run.append(head, out);
    } else {
      run.textContent = "No run yet.";
    }
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    play.textContent = "▶ Play";
  }

  slider.addEventListener("input", () => {
    stop();
    show(Number(slider.value));
  });
  play.addEventListener("click", () => {
    if (timer) return stop();
    if (Number(slider.value) >= frames.length - 1) slider.value = "0";
    play.textContent = "⏸ Pause";
    show(Number(slider.value));
    timer = setInterval(() => {
      const next = Number(slider.value) + 1;
      if (next >= frames.length) return stop();
      slider.value = String(next);
      show(next);
    }, 700);
  });
  show(Number(slider.value));
  root.dataset.replayReady = "true";
}

if (root && data) mount(JSON.parse(data.textContent));

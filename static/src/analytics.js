// Charts of the analytics pages (uPlot), loaded only there. Colours come from the theme's CSS
// variables and the charts are redrawn when the theme changes, so both themes stay readable.
// Every chart has its numbers in a table beside it; the canvas is decoration for sighted users.
import uPlot from "uplot";

const data = JSON.parse(document.getElementById("analytics-data")?.textContent || "{}");
const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const DAY = (iso) => Date.parse(iso + "T00:00:00Z") / 1000;

function bars(u, seriesIdx) {
  return uPlot.paths.bars({ size: [0.7, 40] })(u, seriesIdx, 0, u.data[0].length - 1);
}

function axes() {
  const stroke = css("--muted"), grid = { stroke: css("--border"), width: 1 };
  return [{ stroke, grid, ticks: grid }, { stroke, grid, ticks: grid }];
}

const charts = {
  activity: () => ({
    x: data.days.map(DAY), series: [
      { label: "Submissions", values: data.submissions, colour: "--accent", bars: true },
      { label: "Solved", values: data.solved, colour: "--success", bars: true },
    ],
  }),
  xp: () => {
    let total = 0;
    return { x: data.days.map(DAY), series: [{ label: "XP in range", values: data.xp.map((v) => (total += v)), colour: "--accent" }] };
  },
  time: () => ({ x: data.days.map(DAY), series: [{ label: "Minutes", values: data.time_minutes, colour: "--warning", bars: true }] }),
  "time-distribution": () => ({
    x: data.buckets.map((_, i) => i), labels: data.buckets,
    series: [{ label: "Solves", values: data.bucket_counts, colour: "--accent", bars: true }],
  }),
  platform: () => ({
    x: data.days.map(DAY), series: [
      { label: "Active members", values: data.active, colour: "--success" },
      { label: "Submissions", values: data.submissions, colour: "--accent" },
    ],
  }),
  "interview-dimensions": () => {
    const colours = ["--accent", "--success", "--warning", "--danger", "--muted"];
    const dims = data.interview_dimensions || {};
    return {
      x: data.interview_at || [], y: [0, 100],
      series: Object.keys(dims).map((name, i) => ({
        label: name[0].toUpperCase() + name.slice(1), values: dims[name], colour: colours[i % colours.length],
        dash: i >= 3 ? [6, 3] : undefined,
      })),
    };
  },
  "platform-events": () => ({
    x: (data.events_days || []).map(DAY), series: [
      { label: "Interviews", values: data.events_interview_completed, colour: "--warning" },
      { label: "Posts", values: data.events_post_created, colour: "--success" },
      { label: "Comments", values: data.events_comment_created, colour: "--accent" },
      { label: "Chat messages", values: data.events_message_sent, colour: "--danger" },
    ],
  }),
  readiness: () => ({
    x: data.days.map(DAY), series: [
      { label: "Readiness", values: data.values, colour: "--accent" },
      { label: "Bar", values: data.days.map(() => data.bar), colour: "--danger", dash: [6, 4] },
    ], y: [0, 100],
  }),
};

const drawn = [];

function draw(el) {
  const make = charts[el.dataset.chart];
  if (!make || !data) return;
  const spec = make();
  if (!spec.x.length) {
    el.textContent = "No data in this range yet.";
    return;
  }
  const width = Math.max(260, el.clientWidth || 320);
  const opts = {
    width, height: 200, legend: { show: true, live: false },
    scales: { x: { time: !spec.labels, range: spec.x.length === 1 ? (u, min, max) => [min - 3 * 86400, max + 3 * 86400] : undefined }, y: spec.y ? { range: spec.y } : { range: (u, min, max) => [0, Math.max(1, max)] } },
    axes: axes(),
    series: [{ label: spec.labels ? "Duration" : "Day" }, ...spec.series.map((s) => ({
      label: s.label, stroke: css(s.colour), width: 2, dash: s.dash,
      fill: s.bars ? css(s.colour) : undefined, paths: s.bars ? bars : undefined, points: { show: !s.bars && spec.x.length < 40 },
    }))],
  };
  if (spec.labels) opts.axes[0].values = (u, ticks) => ticks.map((t) => spec.labels[t] ?? "");
  el.replaceChildren();
  drawn.push(new uPlot(opts, [spec.x, ...spec.series.map((s) => s.values)], el));
  el.dataset.drawn = "true";
}

function drawAll() {
  while (drawn.length) drawn.pop().destroy();
  document.querySelectorAll("[data-chart]").forEach(draw);
}

drawAll();
new MutationObserver(drawAll).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
let resizeTimer;
window.addEventListener("resize", () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(drawAll, 200); });

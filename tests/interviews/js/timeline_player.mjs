// Reads {"timelines": [{"frames", "order"}]} on stdin and prints, for each timeline, the code the
// page's player (static/src/shared/timeline_frames.js) shows at each index of `order` (a slider
// moved in that order): what tests/interviews/test_timeline_deltas.py compares with the full text.
import { readFileSync } from "node:fs";
import { timelineCode } from "../../../static/src/shared/timeline_frames.js";

const input = JSON.parse(readFileSync(0, "utf8"));
const shown = input.timelines.map(({ frames, order }) => {
  const codeAt = timelineCode(frames);
  return order.map((index) => codeAt(index));
});
process.stdout.write(JSON.stringify(shown));

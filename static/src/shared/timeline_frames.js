// The coding-interview timeline's code, rebuilt from its delta frames (interviews/engine/timeline.py):
// a code frame has `code` (a keyframe: the whole text) or `edit` ([start, removed, inserted], one
// splice of the previous code frame's text, offsets in UTF-16 code units as JavaScript strings
// count them); other frames keep the code as it was. No DOM here, so node runs it in the tests.

/** `codeAt(index)` gives the code at frame `index`: from the keyframe before it, or from the last
 * frame asked for when that is on the way (playing forward costs one splice a frame). */
export function timelineCode(frames) {
  let cachedIndex = -1;
  let cachedText = "";

  function apply(text, frame) {
    if (frame.code !== undefined) return frame.code;
    if (frame.edit) {
      const [start, removed, inserted] = frame.edit;
      return text.slice(0, start) + inserted + text.slice(start + removed);
    }
    return text;
  }

  return function codeAt(index) {
    if (index < 0 || index >= frames.length) return "";
    let from = index;
    while (from > 0 && frames[from].code === undefined) from -= 1;
    let text = "";
    let at = from;
    if (cachedIndex >= from && cachedIndex <= index) {
      text = cachedText;
      at = cachedIndex + 1;
    } else {
      text = frames[from].code ?? apply("", frames[from]);
      at = from + 1;
    }
    for (; at <= index; at += 1) text = apply(text, frames[at]);
    cachedIndex = index;
    cachedText = text;
    return text;
  };
}

"""The coding interview's replay: one timeline that merges three event streams by time — the
room's code (rebuilt from its stored Yjs updates), the code runs with their verdicts, and the
interview's questions and answers. Every frame names the last run and the last transcript line
of its moment; the code travels as deltas: a code frame holds either the whole text (a keyframe:
the first, then every KEYFRAME_EVERY-th code frame) or one splice of the previous code frame's
text (`edit`: [start, removed, inserted], offsets in UTF-16 code units as JavaScript strings count
them). A player reaches any frame from the keyframe before it with at most KEYFRAME_EVERY - 1
splices (`frame_texts` is the reference decoder; static/src/shared/timeline_frames.js the page's).
Whole texts in every frame made 5,000 keystrokes about 1.6 MB; as deltas they are a few dozen KB.

Pure Python (pycrdt, no Django), so it is tested alone."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pycrdt import Doc, Text

TEXT_NAME = "code"  # collaboration.documents.TEXT_NAME: the Y.Text every room's editors bind to
CODE_GAP_SECONDS = 1.0  # keystrokes closer than this make one frame: a replay step is a pause, not a key
MAX_FRAMES = 600  # a long session is thinned to this many code frames (runs and the transcript stay)
RUN_OUTPUT_CHARS = 2000
KEYFRAME_EVERY = 50  # a slider jump replays at most 49 splices; a keyframe costs one whole text

# At the same instant: the code first, then the run made of it, then the words about it.
_ORDER = {"code": 0, "run": 1, "question": 2, "answer": 3}


@dataclass(frozen=True)
class CodeUpdate:
    at: datetime
    data: bytes


@dataclass(frozen=True)
class Run:
    at: datetime
    verdict: str
    stdout: str = ""
    stderr: str = ""
    exit_code: int | None = None
    wall_time: float | None = None


@dataclass(frozen=True)
class Turn:
    index: int
    prompt: str
    asked_at: datetime
    answer: str = ""
    answered_at: datetime | None = None
    overall: int | None = None


def _code_states(updates: list[CodeUpdate]) -> list[tuple[datetime, str]]:
    """The document's text after each update that changed it, in storage order (the order the
    server accepted them)."""
    doc: Doc[Any] = Doc()
    text = doc.get(TEXT_NAME, type=Text)
    states: list[tuple[datetime, str]] = []
    for update in updates:
        try:
            doc.apply_update(update.data)
        except Exception:  # a damaged update: skip it, as the room itself would refuse it
            continue
        value = str(text)
        if not states or states[-1][1] != value:
            states.append((update.at, value))
    return states


def _coalesce(events: list[tuple]) -> list[tuple]:
    """Keystrokes make one frame per CODE_GAP_SECONDS: a frame shows the code as of its last
    keystroke (never text typed after its moment), and a new frame starts once the gap has passed
    since the frame's first keystroke (steady typing still shows as steps) or when anything else
    happened in between (the code as it was when a question came or a run started stays a frame).
    Then a long session is thinned to MAX_FRAMES code frames, always keeping the last."""
    merged: list[tuple] = []
    group_start = None
    for event in events:
        if event[3] == "code" and merged and merged[-1][3] == "code" and group_start is not None \
                and (event[0] - group_start).total_seconds() < CODE_GAP_SECONDS:
            merged[-1] = event
            continue
        if event[3] == "code":
            group_start = event[0]
        merged.append(event)
    codes = [i for i, e in enumerate(merged) if e[3] == "code"]
    if len(codes) <= MAX_FRAMES:
        return merged
    step = len(codes) / MAX_FRAMES
    keep = {codes[int(i * step)] for i in range(MAX_FRAMES - 1)} | {codes[-1]}
    return [e for i, e in enumerate(merged) if e[3] != "code" or i in keep]


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def code_edit(before: str, after: str) -> list:
    """The one splice that turns `before` into `after`: [start, removed, inserted] around their
    common prefix and suffix, offsets in UTF-16 code units (cut at code points, so never inside a
    surrogate pair)."""
    limit = min(len(before), len(after))
    prefix = 0
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and before[len(before) - 1 - suffix] == after[len(after) - 1 - suffix]:
        suffix += 1
    removed = before[prefix:len(before) - suffix]
    return [_utf16_length(before[:prefix]), _utf16_length(removed), after[prefix:len(after) - suffix]]


def apply_code_edit(text: str, edit: list) -> str:
    start, removed, inserted = edit
    units = text.encode("utf-16-le")
    return (units[:2 * start] + inserted.encode("utf-16-le") + units[2 * (start + removed):]).decode("utf-16-le")


def frame_texts(frames: list[dict]) -> list[str]:
    """The code at every frame, rebuilt from keyframes and edits (what the player shows)."""
    texts: list[str] = []
    code = ""
    for frame in frames:
        if "code" in frame:
            code = frame["code"]
        elif "edit" in frame:
            code = apply_code_edit(code, frame["edit"])
        texts.append(code)
    return texts


def build_timeline(*, start: datetime, updates: list[CodeUpdate], runs: list[Run], turns: list[Turn],
                   end: datetime | None = None, full_text: bool = False) -> dict:
    """`{"duration", "frames", "runs", "lines", "keyframe_every"}`. `runs` and `lines` (the
    transcript: each question and each answer) are listed once; every frame names the kind of
    event it is and its moment in seconds from `start`, and the indexes of the last run and the
    last line (None before the first). A code frame carries `code` (a keyframe) or `edit` (a splice
    of the previous code frame's text); other frames keep the code as it was. With `full_text`
    every frame carries its whole `code` instead (the reference the deltas are tested against)."""
    events: list[tuple[datetime, int, int, str, Any]] = []
    for seq, (at, state) in enumerate(_code_states(updates)):
        events.append((at, _ORDER["code"], seq, "code", state))
    run_rows = []
    for seq, run in enumerate(sorted(runs, key=lambda r: r.at)):
        run_rows.append({"t": _seconds(start, run.at), "verdict": run.verdict, "stdout": run.stdout[:RUN_OUTPUT_CHARS],
                         "stderr": run.stderr[:RUN_OUTPUT_CHARS], "exit_code": run.exit_code,
                         "wall_time": run.wall_time})
        events.append((run.at, _ORDER["run"], seq, "run", seq))
    lines = []
    for turn in sorted(turns, key=lambda t: t.index):
        lines.append({"t": _seconds(start, turn.asked_at), "speaker": "interviewer", "kind": "question",
                      "turn": turn.index, "text": turn.prompt})
        events.append((turn.asked_at, _ORDER["question"], len(lines) - 1, "question", len(lines) - 1))
        if turn.answered_at is not None:
            lines.append({"t": _seconds(start, turn.answered_at), "speaker": "candidate", "kind": "answer",
                          "turn": turn.index, "text": turn.answer, "overall": turn.overall})
            events.append((turn.answered_at, _ORDER["answer"], len(lines) - 1, "answer", len(lines) - 1))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    events = _coalesce(events)

    frames: list[dict[str, Any]] = []
    code: str = ""
    code_frames = 0
    last_run: int | None = None
    last_line: int | None = None
    for at, _, _, kind, value in events:
        frame: dict[str, Any] = {"t": _seconds(start, at), "kind": kind}
        if kind == "code":
            if full_text or code_frames % KEYFRAME_EVERY == 0:
                frame["code"] = value
            else:
                frame["edit"] = code_edit(code, value)
            code = value
            code_frames += 1
        elif kind == "run":
            last_run = value
        else:
            last_line = value
        if full_text and kind != "code":
            frame["code"] = code
        frame["run"], frame["line"] = last_run, last_line
        frames.append(frame)
    last: float = frames[-1]["t"] if frames else 0.0
    duration = max(last, _seconds(start, end)) if end is not None else last
    return {"duration": duration, "frames": frames, "runs": run_rows, "lines": lines,
            "keyframe_every": KEYFRAME_EVERY}


def _seconds(start: datetime, at: datetime) -> float:
    # Events before the start (a clock a hair apart across processes) are put at the start.
    return round(max(0.0, (at - start).total_seconds()), 3)

"""The coding interview's replay: one timeline that merges three event streams by time — the
room's code (rebuilt from its stored Yjs updates), the code runs with their verdicts, and the
interview's questions and answers. Every frame carries the whole state at its moment (the code,
the last run, the last transcript line), so a slider can jump to any frame without replaying.

Pure Python (pycrdt, no Django), so it is tested alone."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pycrdt import Doc, Text

TEXT_NAME = "code"  # collaboration.documents.TEXT_NAME: the Y.Text every room's editors bind to
CODE_GAP_SECONDS = 1.0  # keystrokes closer than this make one frame: a replay step is a pause, not a key
MAX_FRAMES = 600  # a long session is thinned to this many code frames (runs and the transcript stay)
RUN_OUTPUT_CHARS = 2000

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


def build_timeline(*, start: datetime, updates: list[CodeUpdate], runs: list[Run], turns: list[Turn],
                   end: datetime | None = None) -> dict:
    """`{"duration", "frames", "runs", "lines"}`. `runs` and `lines` (the transcript: each question
    and each answer) are listed once; every frame names the kind of event it is and its moment in
    seconds from `start`, with the code then, and the indexes of the last run and the last line
    (None before the first)."""
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
    last_run: int | None = None
    last_line: int | None = None
    for at, _, _, kind, value in events:
        if kind == "code":
            code = value
        elif kind == "run":
            last_run = value
        else:
            last_line = value
        frames.append({"t": _seconds(start, at), "kind": kind, "code": code, "run": last_run, "line": last_line})
    last: float = frames[-1]["t"] if frames else 0.0
    duration = max(last, _seconds(start, end)) if end is not None else last
    return {"duration": duration, "frames": frames, "runs": run_rows, "lines": lines}


def _seconds(start: datetime, at: datetime) -> float:
    # Events before the start (a clock a hair apart across processes) are put at the start.
    return round(max(0.0, (at - start).total_seconds()), 3)

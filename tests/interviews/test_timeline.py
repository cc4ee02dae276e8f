"""The coding interview's timeline engine alone (no Django): code rebuilt from Yjs updates,
merged with runs and the transcript by time; each frame holds the whole state of its moment."""

from datetime import UTC, datetime, timedelta

from pycrdt import Doc, Text

from interviews.engine.timeline import (
    CODE_GAP_SECONDS,
    KEYFRAME_EVERY,
    MAX_FRAMES,
    CodeUpdate,
    Run,
    Turn,
    build_timeline,
    frame_texts,
)

START = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


class Editor:
    """A Yjs client typing into the room's text; each edit is one incremental update."""

    def __init__(self):
        self.doc = Doc()
        self.text = self.doc.get("code", type=Text)

    def edit(self, when: float, change) -> CodeUpdate:
        before = self.doc.get_state()
        change(self.text)
        return CodeUpdate(at=at(when), data=self.doc.get_update(before))


def test_three_streams_merge_by_time_with_the_state_of_each_moment():
    editor = Editor()
    updates = [
        editor.edit(0.1, lambda t: t.insert(0, "# starter\n")),
        editor.edit(20, lambda t: t.insert(len(t), "print(1)\n")),
        editor.edit(50, lambda t: t.__delitem__(slice(0, 10))),  # the starter comment goes
    ]
    runs = [Run(at=at(30), verdict="OK", stdout="1\n", exit_code=0, wall_time=0.02)]
    turns = [Turn(index=0, prompt="Explain your approach.", asked_at=at(0.2), answer="I print one.",
                  answered_at=at(40), overall=70),
             Turn(index=1, prompt="What is its complexity?", asked_at=at(40.5))]
    timeline = build_timeline(start=START, updates=updates, runs=runs, turns=turns, end=at(60))

    assert [(f["t"], f["kind"]) for f in timeline["frames"]] == [
        (0.1, "code"), (0.2, "question"), (20.0, "code"), (30.0, "run"), (40.0, "answer"), (40.5, "question"),
        (50.0, "code")]
    frames = timeline["frames"]
    texts = frame_texts(frames)
    assert frames[0] == {"t": 0.1, "kind": "code", "code": "# starter\n", "run": None, "line": None}
    assert frames[2] == {"t": 20.0, "kind": "code", "edit": [10, 0, "print(1)\n"], "run": None, "line": 0}
    assert "code" not in frames[3] and "edit" not in frames[3]  # a run keeps the code as it was
    assert texts[3] == "# starter\nprint(1)\n" and frames[3]["run"] == 0 and frames[3]["line"] == 0
    assert timeline["lines"][frames[4]["line"]] == {"t": 40.0, "speaker": "candidate", "kind": "answer", "turn": 0,
                                                   "text": "I print one.", "overall": 70}
    assert frames[-1]["edit"] == [0, 10, ""] and texts[-1] == "print(1)\n"
    assert frames[-1]["run"] == 0 and frames[-1]["line"] == 2
    assert timeline["runs"] == [{"t": 30.0, "verdict": "OK", "stdout": "1\n", "stderr": "", "exit_code": 0,
                                 "wall_time": 0.02}]
    assert timeline["duration"] == 60.0


def test_keystrokes_close_together_make_one_frame_and_a_run_at_the_same_instant_follows_the_code():
    editor = Editor()
    updates = [editor.edit(5 + i * CODE_GAP_SECONDS / 10, lambda t, c=c: t.insert(len(t), c))
               for i, c in enumerate("abc")]
    runs = [Run(at=updates[-1].at, verdict="RE", stderr="boom")]
    timeline = build_timeline(start=START, updates=updates, runs=runs, turns=[])
    assert [f["kind"] for f in timeline["frames"]] == ["code", "run"]
    assert frame_texts(timeline["frames"]) == ["abc", "abc"]
    assert [f["t"] for f in timeline["frames"]] == [5.2, 5.2] and timeline["duration"] == 5.2
    steady = Editor()  # a key every 0.4 s for 4 s: frames a second apart, not one frame
    typed = [steady.edit(i * 0.4, lambda t: t.insert(len(t), "k")) for i in range(11)]
    frames = build_timeline(start=START, updates=typed, runs=[], turns=[])["frames"]
    assert frame_texts(frames) == ["kkk", "kkkkkk", "kkkkkkkkk", "kkkkkkkkkkk"]


def test_a_long_session_is_thinned_but_keeps_its_final_code_and_every_run_and_line():
    editor = Editor()
    updates = [editor.edit(i * 2, lambda t, i=i: t.insert(len(t), f"{i}\n")) for i in range(MAX_FRAMES * 2)]
    turns = [Turn(index=0, prompt="Go.", asked_at=at(1))]
    timeline = build_timeline(start=START, updates=updates, runs=[Run(at=at(3), verdict="OK")], turns=turns)
    codes = [f for f in timeline["frames"] if f["kind"] == "code"]
    assert len(codes) == MAX_FRAMES and frame_texts(timeline["frames"])[-1].endswith(f"{MAX_FRAMES * 2 - 1}\n")
    assert sum("code" in f for f in codes) == -(-MAX_FRAMES // KEYFRAME_EVERY)
    assert [f["kind"] for f in timeline["frames"]].count("run") == 1
    assert [f["kind"] for f in timeline["frames"]].count("question") == 1


def test_damaged_updates_and_clock_skew_do_not_break_it():
    editor = Editor()
    good = editor.edit(2, lambda t: t.insert(0, "x = 1\n"))
    timeline = build_timeline(start=START, updates=[CodeUpdate(at=at(1), data=b"\xff\x00junk"), good],
                              runs=[Run(at=at(-0.5), verdict="OK")], turns=[])
    assert [(f["t"], f["kind"]) for f in timeline["frames"]] == [(0.0, "run"), (2.0, "code")]
    assert frame_texts(timeline["frames"]) == ["", "x = 1\n"]


def test_nothing_happened():
    assert build_timeline(start=START, updates=[], runs=[], turns=[]) == {
        "duration": 0.0, "frames": [], "runs": [], "lines": [], "keyframe_every": KEYFRAME_EVERY}

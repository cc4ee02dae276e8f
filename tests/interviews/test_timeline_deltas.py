"""The replay's code as deltas (interviews/engine/timeline.py, no Django): keyframes and splices
rebuild exactly the text every frame had (a property test over random editing sessions, with
astral characters so UTF-16 offsets matter), in Python and in the page's own player run by Node
in any slider order; and 5,000 keystrokes stay under the documented size."""

import json
import random
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pycrdt import Doc, Text

from interviews.engine.timeline import (
    KEYFRAME_EVERY,
    CodeUpdate,
    Run,
    Turn,
    apply_code_edit,
    build_timeline,
    code_edit,
    frame_texts,
)

START = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
PLAYER = Path(__file__).resolve().parent / "js" / "timeline_player.mjs"
NODE = shutil.which("node")
# README (Coding interviews): 5,000 keystrokes replay in under this many bytes of JSON.
KEYSTROKES_BUDGET_BYTES = 100_000
ALPHABET = "ab x=\n\t(){}é中😀𝔘"  # astral characters are two UTF-16 code units: offsets must count them so


def session(edits, gaps):
    """Yjs updates of one editor making `edits` ((position fraction, delete count, inserted text)),
    each `gap` seconds after the last."""
    doc = Doc()
    text = doc.get("code", type=Text)
    updates, clock = [], 0.0
    for (where, remove, insert), gap in zip(edits, gaps, strict=False):
        before = doc.get_state()
        current = str(text)
        position = min(len(current), int(where * (len(current) + 1)))
        remove = min(remove, len(current) - position)
        # pycrdt's Text counts UTF-8 bytes; the edits here are made in characters
        start = len(current[:position].encode())
        end = len(current[:position + remove].encode())
        with doc.transaction():
            if remove:
                del text[start:end]
            if insert:
                text.insert(start, insert)
        clock += gap
        updates.append(CodeUpdate(at=START + timedelta(seconds=clock), data=doc.get_update(before)))
    return updates, clock


def both(updates, clock):
    runs = [Run(at=START + timedelta(seconds=clock / 2), verdict="OK")]
    turns = [Turn(index=0, prompt="Go on.", asked_at=START + timedelta(seconds=clock / 3))]
    delta = build_timeline(start=START, updates=updates, runs=runs, turns=turns)
    full = build_timeline(start=START, updates=updates, runs=runs, turns=turns, full_text=True)
    return delta, full


edit_strategy = st.tuples(st.floats(0, 1), st.integers(0, 6), st.text(ALPHABET, max_size=8))


@settings(max_examples=150, deadline=None)
@given(edits=st.lists(edit_strategy, min_size=1, max_size=160),
       gaps=st.lists(st.sampled_from([0.05, 0.3, 1.2, 4.0]), min_size=160, max_size=160))
def test_every_frame_rebuilds_to_the_full_text(edits, gaps):
    updates, clock = session(edits, gaps)
    delta, full = both(updates, clock)
    assert frame_texts(delta["frames"]) == [f["code"] for f in full["frames"]]
    assert [{k: v for k, v in f.items() if k not in ("code", "edit")} for f in delta["frames"]] == \
        [{k: v for k, v in f.items() if k != "code"} for f in full["frames"]]
    codes = [f for f in delta["frames"] if f["kind"] == "code"]
    assert all(("code" in f) == (i % KEYFRAME_EVERY == 0) for i, f in enumerate(codes))


@given(before=st.text(ALPHABET, max_size=40), after=st.text(ALPHABET, max_size=40))
def test_one_splice_turns_any_text_into_any_other(before, after):
    edit = code_edit(before, after)
    assert apply_code_edit(before, edit) == after
    start, removed, inserted = edit
    assert removed + len(inserted.encode("utf-16-le")) // 2 <= len((before + after).encode("utf-16-le")) // 2


def test_offsets_count_utf16_units_as_javascript_does():
    assert code_edit("😀a", "😀ba") == [2, 0, "b"]  # the emoji is two units in a JS string
    assert code_edit("a𝔘b", "ab") == [1, 2, ""]


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed: the page's player runs in Node")
def test_the_pages_player_shows_the_full_text_in_any_slider_order():
    rng = random.Random(20261202)
    cases, expected = [], []
    for _ in range(25):
        edits = [(rng.random(), rng.randint(0, 5), "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 6))))
                 for _ in range(rng.randint(1, 300))]
        gaps = [rng.choice([0.05, 0.3, 1.2, 4.0]) for _ in edits]
        delta, full = both(*session(edits, gaps))
        n = len(delta["frames"])
        # forward (Play), backward, and random jumps (the slider dragged about)
        order = list(range(n)) + list(reversed(range(n))) + [rng.randrange(n) for _ in range(n)]
        cases.append({"frames": delta["frames"], "order": order})
        expected.append([full["frames"][i]["code"] for i in order])
    run = subprocess.run([NODE, str(PLAYER)], input=json.dumps({"timelines": cases}), capture_output=True,
                         text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == expected


def test_five_thousand_keystrokes_stay_under_the_documented_size():
    """A 5,000-character program typed a key at a time, a key every 0.3 s (25 minutes), with
    backspaces now and then: the timeline as the page embeds it (JSON) stays under the budget,
    where whole texts in every frame take more than a megabyte."""
    rng = random.Random(5000)
    doc = Doc()
    text = doc.get("code", type=Text)
    updates = []
    line = "    total = total + values[index] * weight  # accumulate\n"
    for key in range(5000):
        before = doc.get_state()
        length = len(str(text))
        if key % 17 == 16 and length:
            del text[length - 1:length]
        else:
            text.insert(length, line[key % len(line)])
        updates.append(CodeUpdate(at=START + timedelta(seconds=0.3 * key + rng.random() * 0.05),
                                  data=doc.get_update(before)))
    delta, full = both(updates, 1500.0)
    assert frame_texts(delta["frames"]) == [f["code"] for f in full["frames"]]
    delta_bytes = len(json.dumps(delta).encode())
    full_bytes = len(json.dumps(full).encode())
    print(f"5,000 keystrokes: {len(delta['frames'])} frames, {delta_bytes} bytes as deltas, "
          f"{full_bytes} bytes with the whole text in every frame ({full_bytes / delta_bytes:.0f}x)")
    assert full_bytes > 1_000_000  # what this replaces
    assert delta_bytes < KEYSTROKES_BUDGET_BYTES

"""Keeping review comments on their lines across versions of a file, and applying a suggested
change. No Django in here.

A comment sits on lines start..end (1-based) of one version. When a new version arrives, difflib
tells which old lines survived unchanged and where they went; a comment whose lines all survived
moves with them (and stays current), one whose lines were edited or removed is outdated and is
pinned to where the change landed, so that it is still shown near the code it talked about."""

from dataclasses import dataclass
from difflib import SequenceMatcher


def split_lines(text: str) -> list[str]:
    return text.splitlines()


def line_map(old: str, new: str) -> dict[int, int]:
    """{old line: new line} for every line (1-based) kept unchanged from `old` to `new`."""
    matcher = SequenceMatcher(a=split_lines(old), b=split_lines(new), autojunk=False)
    mapping: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            mapping[block.a + offset + 1] = block.b + offset + 1
    return mapping


@dataclass(frozen=True)
class MovedRange:
    start: int
    end: int
    outdated: bool


def move_range(old: str, new: str, start: int, end: int) -> MovedRange:
    """Where lines start..end of `old` are in `new`. Unchanged and contiguous: the same lines at
    their new place. Otherwise outdated, at the new line where the first old line ended up (or the
    nearest kept line before it)."""
    mapping = line_map(old, new)
    targets = [mapping[line] for line in range(start, end + 1) if line in mapping]
    if len(targets) == end - start + 1 and targets == list(range(targets[0], targets[0] + len(targets))):
        return MovedRange(targets[0], targets[-1], False)
    before = [mapping[line] for line in range(start, 0, -1) if line in mapping]
    anchor = before[0] + 1 if before else 1
    anchor = min(anchor, max(1, len(split_lines(new))))
    return MovedRange(anchor, anchor, True)


class SuggestionDoesNotApply(ValueError):
    pass


def apply_suggestion(text: str, start: int, end: int, replacement: str) -> str:
    """`text` with lines start..end replaced by `replacement` (which may be several lines, or
    empty to delete them). Keeps the file's final newline as it was."""
    lines = split_lines(text)
    if not (1 <= start <= end <= len(lines)):
        raise SuggestionDoesNotApply(f"Lines {start}-{end} are not in this version ({len(lines)} lines).")
    new_lines = lines[: start - 1] + split_lines(replacement) + lines[end:]
    result = "\n".join(new_lines)
    return result + "\n" if text.endswith("\n") and new_lines else result


def unified_diff(old: str, new: str, old_label: str, new_label: str) -> str:
    from difflib import unified_diff as _diff

    return "\n".join(_diff(split_lines(old), split_lines(new), old_label, new_label, lineterm=""))

"""The Django-free engine that keeps review comments on their lines and applies suggestions."""

import pytest

from challenges.line_mapping import SuggestionDoesNotApply, apply_suggestion, line_map, move_range

OLD = "def f(a, b):\n    total = a + b\n    return total\n\nprint(f(1, 2))\n"


def test_lines_move_down_when_lines_are_inserted_above():
    new = "import sys\n\n" + OLD
    assert line_map(OLD, new)[2] == 4
    moved = move_range(OLD, new, 2, 3)
    assert (moved.start, moved.end, moved.outdated) == (4, 5, False)


def test_lines_move_up_when_lines_above_are_removed():
    new = OLD.replace("def f(a, b):\n", "")
    moved = move_range(OLD, new, 3, 3)
    assert (moved.start, moved.end, moved.outdated) == (2, 2, False)


def test_an_edited_line_makes_its_comment_outdated_near_the_change():
    new = OLD.replace("total = a + b", "total = sum((a, b))")
    moved = move_range(OLD, new, 2, 2)
    assert moved.outdated and moved.start == 2


def test_a_deleted_range_is_outdated_and_pinned_after_the_last_kept_line():
    new = "def f(a, b):\n\nprint(f(1, 2))\n"
    moved = move_range(OLD, new, 2, 3)
    assert moved.outdated and moved.start == 2


def test_apply_suggestion_replaces_the_lines_and_keeps_the_final_newline():
    result = apply_suggestion(OLD, 2, 3, "    return a + b")
    assert result == "def f(a, b):\n    return a + b\n\nprint(f(1, 2))\n"
    assert apply_suggestion("a\nb", 2, 2, "c\nd") == "a\nc\nd"
    assert apply_suggestion(OLD, 4, 4, "") == OLD.replace("\n\nprint", "\nprint")


@pytest.mark.parametrize("start,end", [(0, 1), (3, 2), (6, 6)])
def test_apply_suggestion_refuses_lines_that_are_not_there(start, end):
    with pytest.raises(SuggestionDoesNotApply):
        apply_suggestion(OLD, start, end, "x")

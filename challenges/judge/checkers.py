"""Output checkers: does the program's output answer the test?"""

import math
from collections.abc import Callable

Checker = Callable[[str, str], bool]


def exact(expected: str, actual: str) -> bool:
    return expected == actual


def lines(expected: str, actual: str) -> bool:
    """Same lines, ignoring trailing whitespace on each line and trailing blank lines."""

    def norm(text: str) -> list[str]:
        rows = [row.rstrip() for row in text.replace("\r\n", "\n").split("\n")]
        while rows and rows[-1] == "":
            rows.pop()
        return rows

    return norm(expected) == norm(actual)


def tokens(expected: str, actual: str) -> bool:
    """Same whitespace-separated tokens."""
    return expected.split() == actual.split()


def make_float(tolerance: float = 1e-6) -> Checker:
    """Tokens equal, numbers within an absolute or relative tolerance."""

    def check(expected: str, actual: str) -> bool:
        want, got = expected.split(), actual.split()
        if len(want) != len(got):
            return False
        for w, g in zip(want, got, strict=True):
            try:
                wf, gf = float(w), float(g)
            except ValueError:
                if w != g:
                    return False
                continue
            if math.isnan(wf) or math.isnan(gf):
                if not (math.isnan(wf) and math.isnan(gf)):
                    return False
                continue
            if not math.isclose(wf, gf, rel_tol=tolerance, abs_tol=tolerance):
                return False
        return True

    return check


CHECKERS = {"exact": exact, "lines": lines, "tokens": tokens, "float": make_float()}


def get_checker(name: str, tolerance: float | None = None) -> Checker:
    if name == "float":
        return make_float(tolerance if tolerance is not None else 1e-6)
    try:
        return CHECKERS[name]
    except KeyError:
        raise ValueError(f"unknown checker {name!r}") from None

"""Mistake patterns mined from a user's judged challenge submissions: the same kind of failure
recurring on one topic (a challenge's category), read from the per-test verdicts.

Which tests are edge cases is not labelled in the challenges, so it is read from the inputs: a
test whose input is among the smallest third of its challenge's tests (an empty list, one
element) is an edge case, and a wrong answer or a crash there while a larger test passed means
the main case works and the edges do not. A time limit on a test larger than every test that
passed means the solution's complexity is too high for the largest inputs (the challenge's
expected complexity, when its explanation names one, is quoted). Pure Python, no Django."""

import re
from collections import defaultdict
from dataclasses import dataclass

MINIMUM = 2  # seen at least this often: a pattern, not an accident
EVIDENCE_SHOWN = 5
_COMPLEXITY = re.compile(r"O\(([^()]*(?:\([^()]*\))?[^()]*)\)")


@dataclass(frozen=True)
class TestOutcome:
    index: int
    verdict: str

    __test__ = False  # not a pytest class


@dataclass(frozen=True)
class JudgedSubmission:
    id: int
    challenge_slug: str
    challenge_title: str
    topic: str
    language: str
    verdict: str
    at: str  # ISO time
    results: tuple[TestOutcome, ...] = ()
    test_sizes: tuple[int, ...] = ()  # the challenge's test inputs, in bytes, in judging order
    solution_explanation: str = ""


def expected_complexity(explanation: str) -> str | None:
    """The first `O(...)` in terms of n that a challenge's explanation names, e.g. "O(n log n)"."""
    for match in _COMPLEXITY.finditer(explanation or ""):
        inside = match.group(1).strip()
        if "n" in inside:
            return f"O({inside})"
    return None


def _edge_threshold(sizes: tuple[int, ...]) -> int | None:
    if len(sizes) < 3:
        return None  # too few tests to tell an edge from the main case
    ordered = sorted(sizes)
    return ordered[max(0, len(ordered) // 3 - 1)]


def _size(submission: JudgedSubmission, index: int) -> int | None:
    return submission.test_sizes[index] if 0 <= index < len(submission.test_sizes) else None


def _classify(submission: JudgedSubmission) -> list[tuple[str, str, str]]:
    """(pattern code, topic, what the evidence is) for each pattern this submission shows."""
    found = []
    passed = [r for r in submission.results if r.verdict == "AC"]
    largest_passed = max((_size(submission, r.index) or 0 for r in passed), default=None)
    threshold = _edge_threshold(submission.test_sizes)
    if submission.verdict in ("WA", "RE") and threshold is not None and largest_passed is not None:
        for result in submission.results:
            size = _size(submission, result.index)
            if result.verdict in ("WA", "RE") and size is not None and size <= threshold < largest_passed:
                found.append(("edge_case_failures", submission.topic,
                              f"test {result.index + 1} ({size} bytes of input, among the smallest) got "
                              f"{result.verdict} while a test of {largest_passed} bytes passed"))
                break
    if submission.verdict == "TLE":
        slow = next((r for r in submission.results if r.verdict == "TLE"), None)
        size = _size(submission, slow.index) if slow else None
        if slow is not None and largest_passed is not None and size is not None and size > largest_passed:
            complexity = expected_complexity(submission.solution_explanation)
            found.append(("time_limit_large_inputs", submission.topic,
                          f"test {slow.index + 1} ({size} bytes of input) ran out of time after tests up to "
                          f"{largest_passed} bytes passed" + (f"; {complexity} is expected" if complexity else "")))
        elif slow is not None and not passed:
            found.append(("time_limit_from_the_start", submission.topic,
                          f"test {slow.index + 1}, the first run, ran out of time: nothing passed"))
    if submission.verdict == "CE":
        found.append(("compile_errors", submission.language, "the code did not compile"))
    if submission.verdict == "MLE":
        found.append(("memory_limit", submission.topic, "a test ran out of memory"))
    return found


PATTERNS = {
    "edge_case_failures": ("Wrong answers or crashes on edge cases in {topic}",
                           "Before submitting, run the smallest inputs by hand: empty, one element, all equal, "
                           "the limits (0, negative, maximum). Write them as your own test cases."),
    "time_limit_large_inputs": ("Time limits on the largest inputs in {topic}",
                                "The solution is right but its complexity is too high: work out its big-O from the "
                                "constraints (n up to 10^5 needs O(n log n) or better) and look for a sort, a hash "
                                "map or two pointers instead of a nested loop."),
    "time_limit_from_the_start": ("Time limits on the very first test in {topic}",
                                  "A program that times out on the smallest test is usually stuck: an endless loop, "
                                  "or reading more input than there is. Run it on the example first."),
    "compile_errors": ("Code that does not compile ({topic})",
                       "Run the code once before submitting; the compiler's first error line names the place."),
    "memory_limit": ("Memory limits in {topic}",
                     "Keep only what the next step needs: stream the input, reuse buffers, avoid copying lists."),
}


def submission_mistake_patterns(submissions: list[JudgedSubmission], minimum: int = MINIMUM) -> list[dict]:
    """Patterns seen in at least `minimum` submissions, most frequent first: code, pattern, topic,
    occurrences, how many challenges, a recommendation and the evidence (newest first: which
    submission, which challenge, which test and what it showed)."""
    groups: dict[tuple[str, str], list[tuple[JudgedSubmission, str]]] = defaultdict(list)
    for submission in submissions:
        for code, topic, detail in _classify(submission):
            groups[(code, topic)].append((submission, detail))
    patterns = []
    for (code, topic), hits in groups.items():
        if len(hits) < minimum:
            continue
        label, advice = PATTERNS[code]
        hits.sort(key=lambda hit: hit[0].at, reverse=True)
        patterns.append({
            "code": code, "source": "challenges", "topic": topic, "pattern": label.format(topic=topic or "challenges"),
            "occurrences": len(hits), "challenges": len({s.challenge_slug for s, _ in hits}),
            "recommendation": advice,
            "evidence": [{"submission": s.id, "challenge": s.challenge_slug, "title": s.challenge_title,
                          "verdict": s.verdict, "at": s.at, "detail": detail} for s, detail in hits[:EVIDENCE_SHOWN]],
        })
    return sorted(patterns, key=lambda p: (-p["occurrences"], p["code"], p["topic"]))

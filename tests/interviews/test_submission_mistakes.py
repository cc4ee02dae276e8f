"""Mistake patterns mined from challenge submissions: the engine alone on per-test verdicts, then
the seeded Merge Intervals challenge judged for real (bubblewrap sandbox) with two solutions that
break on its edge case (no intervals at all), read through the challenges app's selector and
shown with the evidence on the interviews page, the report and the progress API."""

import pytest

from interviews.engine.submission_mistakes import (
    JudgedSubmission,
    TestOutcome,
    expected_complexity,
    submission_mistake_patterns,
)

SIZES = (2, 8, 30, 60, 90, 50_000)  # the challenge's test inputs in bytes: the first two are its edge cases


def judged(id, verdict, verdicts, topic="sorting", slug="merge-intervals", sizes=SIZES, explanation=""):
    return JudgedSubmission(id=id, challenge_slug=slug, challenge_title=slug.title(), topic=topic, language="python",
                            verdict=verdict, at=f"2026-12-0{id}T10:00:00+00:00",
                            results=tuple(TestOutcome(i, v) for i, v in enumerate(verdicts)), test_sizes=sizes,
                            solution_explanation=explanation)


def test_wrong_answers_on_edge_cases_recur_per_topic_with_the_evidence():
    patterns = submission_mistake_patterns([
        judged(1, "WA", ["WA", "AC", "AC", "AC", "AC", "AC"]),
        judged(2, "RE", ["AC", "RE", "AC", "AC", "AC", "AC"], slug="meeting-rooms"),
        judged(3, "WA", ["AC", "AC", "AC", "AC", "WA", "AC"]),  # a main case wrong: not an edge case
        judged(4, "WA", ["WA", "AC", "AC", "AC", "AC", "AC"], topic="strings"),  # another topic, once
    ])
    assert [(p["code"], p["topic"], p["occurrences"], p["challenges"]) for p in patterns] == [
        ("edge_case_failures", "sorting", 2, 2)]
    (pattern,) = patterns
    assert pattern["source"] == "challenges" and "edge cases in sorting" in pattern["pattern"]
    assert "smallest inputs" in pattern["recommendation"]
    assert [e["submission"] for e in pattern["evidence"]] == [2, 1]  # newest first
    assert pattern["evidence"][1]["detail"] == \
        "test 1 (2 bytes of input, among the smallest) got WA while a test of 50000 bytes passed"


def test_time_limits_on_the_largest_inputs_name_the_expected_complexity():
    explanation = "Sort, then sweep. `O(n log n)` time for the sort, `O(n)` memory."
    slow = ["AC", "AC", "AC", "AC", "AC", "TLE"]
    patterns = submission_mistake_patterns([judged(1, "TLE", slow, explanation=explanation),
                                            judged(2, "TLE", slow, explanation=explanation),
                                            judged(3, "TLE", ["TLE"]), judged(4, "TLE", ["TLE"])])
    by_code = {p["code"]: p for p in patterns}
    assert by_code["time_limit_large_inputs"]["occurrences"] == 2
    assert by_code["time_limit_large_inputs"]["evidence"][0]["detail"].endswith("O(n log n) is expected")
    assert by_code["time_limit_from_the_start"]["occurrences"] == 2  # stuck, not slow
    assert expected_complexity("Checking every pair is O(1) each, O(n^2) overall") == "O(n^2)"
    assert expected_complexity("no big-O here") is None


def test_one_off_failures_and_too_few_tests_are_not_patterns():
    assert submission_mistake_patterns([judged(1, "WA", ["WA", "AC", "AC", "AC", "AC", "AC"])]) == []
    # two tests: no telling an edge from the main case
    assert submission_mistake_patterns([judged(i, "WA", ["WA", "AC"], sizes=(2, 90)) for i in (1, 2)]) == []
    # compile errors recur per language
    (ce,) = submission_mistake_patterns([judged(i, "CE", []) for i in (1, 2, 3)])
    assert ce["code"] == "compile_errors" and ce["topic"] == "python" and ce["occurrences"] == 3


CRASHES_ON_NO_INTERVALS = """import sys
data = sys.stdin.read().split()
n = int(data[0])
spans = sorted((int(data[1 + 2 * i]), int(data[2 + 2 * i])) for i in range(n))
merged = [list(spans[0])]
for left, right in spans[1:]:
    if left <= merged[-1][1]:
        merged[-1][1] = max(merged[-1][1], right)
    else:
        merged.append([left, right])
print(len(merged))
print("\\n".join(f"{a} {b}" for a, b in merged))
"""
SILENT_ON_NO_INTERVALS = CRASHES_ON_NO_INTERVALS.replace("merged = [list(spans[0])]",
                                                         "if not spans:\n    sys.exit(0)\nmerged = [list(spans[0])]")


@pytest.fixture
def merge_intervals(db):
    from challenges.catalog import SEED_DIR, challenge_import, read_seed_file
    from challenges.judge_gateway import get_judge

    if get_judge() is None:
        pytest.skip("no judge here: bubblewrap (apt-get install bubblewrap) or a PISTON_URL is needed")
    challenge, _ = challenge_import(read_seed_file(SEED_DIR / "a06-merge-intervals.toml"))
    return challenge


def test_real_judged_submissions_show_on_the_pages_and_the_api(merge_intervals, user, auth_client,
                                                               django_assert_max_num_queries):
    from django.test import Client

    from challenges import services as challenge_services
    from interviews import selectors

    for source in (CRASHES_ON_NO_INTERVALS, SILENT_ON_NO_INTERVALS):
        submission = challenge_services.submission_create(user=user, challenge=merge_intervals, language="python",
                                                          source=source)
        judged_submission = challenge_services.submission_judge(submission_id=submission.id)
        assert judged_submission.verdict in ("RE", "WA"), (judged_submission.verdict, judged_submission.results)
        # the only failure is the test without intervals ("0"), the seed's third
        assert [r["index"] for r in judged_submission.results if r["verdict"] != "AC"] == [2]
        assert judged_submission.passed == len(judged_submission.results) - 1
    mistakes = selectors.challenge_mistakes(user=user)
    assert [(m["code"], m["topic"], m["occurrences"]) for m in mistakes] == [
        ("edge_case_failures", merge_intervals.category, 2)]
    assert {e["verdict"] for e in mistakes[0]["evidence"]} == {"RE", "WA"}
    assert mistakes[0]["evidence"][0]["detail"].startswith("test 3 (2 bytes of input, among the smallest)")

    progress = auth_client.get("/api/v1/interview/v3/progress").json()
    assert any(m["source"] == "challenges" and m["code"] == "edge_case_failures" for m in progress["mistakes"])
    client = Client()
    client.force_login(user)
    page = client.get("/interviews/").content.decode()
    assert 'data-mistake="edge_case_failures"' in page and "Merge Intervals, submission #" in page
    assert f'href="/submissions/{mistakes[0]["evidence"][0]["submission"]}/"' in page

    # The read does not grow with the submissions: two queries for them, whatever their number.
    with django_assert_max_num_queries(2) as first:
        selectors.challenge_mistakes(user=user)
    for _ in range(3):
        extra = challenge_services.submission_create(user=user, challenge=merge_intervals, language="python",
                                                     source=SILENT_ON_NO_INTERVALS)
        challenge_services.submission_judge(submission_id=extra.id)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert selectors.challenge_mistakes(user=user)[0]["occurrences"] == 5


def test_someone_elses_submissions_are_not_mine(merge_intervals, user, other_user):
    from challenges import services as challenge_services
    from interviews import selectors

    for _ in range(2):
        submission = challenge_services.submission_create(user=other_user, challenge=merge_intervals,
                                                          language="python", source=CRASHES_ON_NO_INTERVALS)
        challenge_services.submission_judge(submission_id=submission.id)
    assert selectors.challenge_mistakes(user=other_user) and selectors.challenge_mistakes(user=user) == []

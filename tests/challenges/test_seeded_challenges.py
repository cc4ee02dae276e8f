"""Every seeded challenge is right: its reference solutions pass every test (hand-written and
generated) through the real judge, its starter code compiles, bug-fix starters really fail, the
generated stress tests are made the same way every time and still stop naive solutions, and the
catalogue covers every type and difficulty."""

import random
from collections import Counter

import pytest

from challenges.catalog import challenge_spec_build, generated_input, read_seed_file, seed_files
from challenges.judge import Judge, Limits, TestCase, Verdict, find_runtime, get_checker

FILES = seed_files()
STARTER_LANGUAGES = ("python", "javascript", "cpp")


@pytest.fixture(scope="module")
def judge():
    return Judge()


@pytest.fixture(scope="module")
def specs(judge):
    """Each seed file as the loader builds it: generated inputs, outputs from the python reference."""
    return {path.stem: challenge_spec_build(read_seed_file(path), judge=judge) for path in FILES}


def test_the_catalogue_is_complete(specs):
    data = list(specs.values())
    assert len(data) >= 30
    assert {d["type"] for d in data} == {"dsa", "bug-fix", "feature"}
    assert {d["difficulty"] for d in data} == {"easy", "medium", "hard"}
    assert len({d["slug"] for d in data}) == len(data)
    for d in data:
        visible = [t for t in d["tests"] if not t.get("hidden", True)]
        hidden = [t for t in d["tests"] if t.get("hidden", True)]
        assert len(visible) >= 1 and len(hidden) >= 3, d["slug"]
        assert set(STARTER_LANGUAGES) <= set(d["starter"]), d["slug"]
        assert "python" in d["reference"], d["slug"]
    assert Counter(d["difficulty"] for d in data).most_common()[-1][1] >= 3


def _limits(data) -> Limits:
    cpu = data.get("time_limit_ms", 2000) / 1000
    return Limits(cpu_time=cpu, wall_time=max(2.0, cpu * 2 + 1), memory=data.get("memory_limit_mb", 256) << 20)


def _tests(data) -> list[TestCase]:
    return [TestCase(t.get("input", ""), t["output"], int(t.get("weight", 1))) for t in data["tests"]]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_reference_solutions_pass_every_test(judge, specs, path):
    """The python reference made the generated outputs; every other reference must agree with it,
    and every reference must pass the hand-written tests within the limits."""
    data = specs[path.stem]
    checker = get_checker(data.get("checker", "tokens"), data.get("float_tolerance"))
    for language, source in data["reference"].items():
        runtime = find_runtime(language)
        if runtime is None:
            continue
        result = judge.judge(runtime, source, _tests(data), _limits(data), checker)
        failures = [(t.index, t.verdict, t.stderr[:200]) for t in result.tests if t.verdict != Verdict.AC]
        assert result.verdict == Verdict.AC, f"{language}: {result.compile and result.compile.output} {failures}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_starter_code_builds_and_runs(judge, specs, path):
    data = specs[path.stem]
    first = data["tests"][0]
    for language in STARTER_LANGUAGES:
        runtime = find_runtime(language)
        if runtime is None:
            continue
        result = judge.judge(runtime, data["starter"][language], [TestCase(first["input"], first["output"])],
                             _limits(data))
        assert result.verdict != Verdict.CE, f"{language} starter: {result.compile.output}"
        assert result.tests[0].verdict in (Verdict.AC, Verdict.WA, Verdict.RE), (language, result.tests[0])
    if data["type"] == "bug-fix":
        # The bug is real: the starter fails at least one test.
        checker = get_checker(data.get("checker", "tokens"), data.get("float_tolerance"))
        result = judge.judge(find_runtime("python"), data["starter"]["python"], _tests(data), _limits(data), checker)
        assert result.verdict != Verdict.AC


GENERATED = [(path, index, test) for path in FILES for index, test in enumerate(read_seed_file(path)["tests"])
             if "generator" in test]


@pytest.mark.parametrize("path,index,test", GENERATED, ids=[f"{p.stem}-{i}" for p, i, _ in GENERATED])
def test_generators_are_deterministic(path, index, test):
    """Same generator, seed and args: the same input, whatever the global random state."""
    slug = read_seed_file(path)["slug"]
    random.seed(1)
    first = generated_input(slug, test)
    random.seed(2)
    random.random()
    assert generated_input(slug, test) == first
    assert first.endswith("\n") and len(first) > 100


def test_every_generated_test_is_large(specs):
    """The point of a generator: stress-sized tests, at least the 3.7 KB of the smallest pasted one
    (input and output together: one challenge's stress test is a short input with a long output)."""
    sizes = {}
    for path, index, _ in GENERATED:
        test = specs[path.stem]["tests"][index]  # read_seed_file's indexes: examples included
        sizes[f"{path.stem}-{index}"] = len(test["input"]) + len(test["output"])
    assert len(sizes) >= 40
    assert min(sizes.values()) >= 3700, sizes


# Correct but quadratic solutions: they pass the small tests and must time out on the stress tests.
NAIVE = {
    "a05-max-subarray-sum": '''
import sys
data = sys.stdin.read().split()
n = int(data[0]); a = list(map(int, data[1:1 + n]))
best = None
for l in range(n):
    s = 0
    for r in range(l, n):
        s += a[r]
        if best is None or s > best[0]:
            best = (s, l + 1, r + 1)
print(*best)
''',
    "b09-longest-increasing-subsequence": '''
import sys
data = sys.stdin.read().split()
n = int(data[0]); a = list(map(int, data[1:1 + n]))
dp = [1] * n
for i in range(n):
    for j in range(i):
        if a[j] < a[i] and dp[j] + 1 > dp[i]:
            dp[i] = dp[j] + 1
print(max(dp))
''',
    "b10-sliding-window-maximum": '''
import sys
data = sys.stdin.read().split()
n, k = int(data[0]), int(data[1]); a = list(map(int, data[2:2 + n]))
out = []
for i in range(n - k + 1):
    m = a[i]
    for j in range(i + 1, i + k):
        if a[j] > m:
            m = a[j]
    out.append(m)
print(*out)
''',
}


@pytest.mark.parametrize("stem", sorted(NAIVE))
def test_generated_stress_tests_reject_quadratic_solutions(judge, specs, stem):
    data = specs[stem]
    raw = read_seed_file(next(p for p in FILES if p.stem == stem))
    generated = {i for i, t in enumerate(raw["tests"]) if "generator" in t}
    result = judge.judge(find_runtime("python"), NAIVE[stem], _tests(data), _limits(data),
                         get_checker(data.get("checker", "tokens")))
    small = [t.verdict for t in result.tests if t.index not in generated]
    stress = [t.verdict for t in result.tests if t.index in generated]
    assert set(small) == {Verdict.AC}, small  # the naive solution is right...
    assert Verdict.TLE in stress, stress  # ...and too slow for a generated stress test

"""Every seeded challenge is right: its reference solutions pass every test through the real
judge, its starter code compiles, and the catalogue covers every type and difficulty."""

from collections import Counter

import pytest

from challenges.catalog import read_seed_file, seed_files
from challenges.judge import Judge, Limits, TestCase, Verdict, find_runtime, get_checker

FILES = seed_files()
STARTER_LANGUAGES = ("python", "javascript", "cpp")


@pytest.fixture(scope="module")
def judge():
    return Judge()


def test_the_catalogue_is_complete():
    data = [read_seed_file(path) for path in FILES]
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


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_reference_solutions_pass_every_test(judge, path):
    data = read_seed_file(path)
    tests = [TestCase(t.get("input", ""), t.get("output", ""), int(t.get("weight", 1))) for t in data["tests"]]
    checker = get_checker(data.get("checker", "tokens"), data.get("float_tolerance"))
    for language, source in data["reference"].items():
        runtime = find_runtime(language)
        if runtime is None:
            continue
        result = judge.judge(runtime, source, tests, _limits(data), checker)
        failures = [(t.index, t.verdict, t.stderr[:200]) for t in result.tests if t.verdict != Verdict.AC]
        assert result.verdict == Verdict.AC, f"{language}: {result.compile and result.compile.output} {failures}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_starter_code_builds_and_runs(judge, path):
    data = read_seed_file(path)
    first = data["tests"][0]
    for language in STARTER_LANGUAGES:
        runtime = find_runtime(language)
        if runtime is None:
            continue
        result = judge.judge(runtime, data["starter"][language], [TestCase(first.get("input", ""), first.get("output", ""))],
                             _limits(data))
        assert result.verdict != Verdict.CE, f"{language} starter: {result.compile.output}"
        assert result.tests[0].verdict in (Verdict.AC, Verdict.WA, Verdict.RE), (language, result.tests[0])
    if data["type"] == "bug-fix":
        # The bug is real: the starter fails at least one test.
        tests = [TestCase(t.get("input", ""), t.get("output", "")) for t in data["tests"]]
        checker = get_checker(data.get("checker", "tokens"), data.get("float_tolerance"))
        result = judge.judge(find_runtime("python"), data["starter"]["python"], tests, _limits(data), checker)
        assert result.verdict != Verdict.AC

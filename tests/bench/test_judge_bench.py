"""Judge benchmarks, each against a reference measured in the same run.

1. Sandbox overhead: "hello world" through the judge (compile when needed, run, verdict) against
   the same program run as a plain subprocess. Target: Python under 3x and under 100 ms.
2. Submit to verdict through the service (validation, database, judge, scoring) for Python.
3. Throughput: a 20-test submission in each language, and runs per second with both cores busy.
"""

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from challenges.judge import Judge, Limits, TestCase, find_runtime

ROUNDS = 15
HELLO = {
    "python": 'print("hello")\n',
    "javascript": 'console.log("hello")\n',
    "cpp": '#include <cstdio>\nint main(){puts("hello");}\n',
}


def median_ms(samples):
    return statistics.median(samples) * 1000


def plain(language: str, source: str) -> float:
    """The same program without any sandbox: write it, compile if needed, run it."""
    runtime = find_runtime(language)
    work = Path(tempfile.mkdtemp())
    try:
        started = time.perf_counter()
        (work / runtime.source_file).write_text(source)
        if runtime.compile:
            subprocess.run(runtime.compile_command([runtime.source_file]), cwd=work, check=True, capture_output=True)
        out = subprocess.run(runtime.run_command(256 << 20), cwd=work, capture_output=True, input=b"")
        assert out.stdout.strip() == b"hello"
        return time.perf_counter() - started
    finally:
        shutil.rmtree(work)


@pytest.fixture(scope="module")
def judge():
    return Judge()


@pytest.mark.parametrize("language", sorted(HELLO))
def test_sandbox_overhead(judge, language):
    runtime = find_runtime(language)
    if runtime is None:
        pytest.skip(f"{language} not installed")
    tests = [TestCase("", "hello\n")]
    plain(language, HELLO[language])  # warm caches
    judge.judge(runtime, HELLO[language], tests, Limits())
    reference, judged = [], []
    for _ in range(ROUNDS):
        reference.append(plain(language, HELLO[language]))
        started = time.perf_counter()
        result = judge.judge(runtime, HELLO[language], tests, Limits())
        judged.append(time.perf_counter() - started)
        assert result.verdict == "AC"
    ratio = median_ms(judged) / median_ms(reference)
    print(f"\n[bench] {language} hello world: judge {median_ms(judged):.1f} ms vs plain subprocess "
          f"{median_ms(reference):.1f} ms -> {ratio:.2f}x ({judge.sandbox_name}, median of {ROUNDS})")


@pytest.mark.django_db
def test_submit_to_verdict_python(make_user):
    from challenges import services
    from challenges.catalog import challenge_import

    user = make_user()
    challenge, _ = challenge_import({"slug": "hello", "title": "Hello", "type": "dsa", "difficulty": "easy",
                                     "category": "io", "statement": "Say hello.", "starter": {},
                                     "tests": [{"input": "", "output": "hello\n", "hidden": False}]})
    reference, judged = [], []
    for _ in range(ROUNDS):
        reference.append(plain("python", HELLO["python"]))
        started = time.perf_counter()
        submission = services.submission_create(user=user, challenge=challenge, language="python",
                                                source=HELLO["python"])
        services.submission_judge(submission_id=submission.id)
        judged.append(time.perf_counter() - started)
    print(f"\n[bench] python submit -> verdict through the service: {median_ms(judged):.1f} ms vs plain "
          f"subprocess {median_ms(reference):.1f} ms -> {median_ms(judged) / median_ms(reference):.2f}x")


ADD = {
    "python": "import sys\na, b = map(int, sys.stdin.read().split())\nprint(a + b)\n",
    "javascript": "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\nconsole.log(a + b);\n",
    "cpp": "#include <iostream>\nint main(){long a,b;std::cin>>a>>b;std::cout<<a+b<<\"\\n\";}\n",
}


@pytest.mark.parametrize("language", sorted(ADD))
def test_twenty_test_submission(judge, language):
    runtime = find_runtime(language)
    tests = [TestCase(f"{i} {i * 7}\n", f"{i * 8}\n") for i in range(20)]
    started = time.perf_counter()
    result = judge.judge(runtime, ADD[language], tests, Limits())
    elapsed = time.perf_counter() - started
    reference_started = time.perf_counter()
    for _ in range(20):
        plain(language, HELLO[language]) if not runtime.compile else None
    reference = time.perf_counter() - reference_started
    assert result.passed == 20
    extra = f" vs 20 plain subprocess runs {reference * 1000:.0f} ms ({elapsed / reference:.2f}x)" if reference > 0.001 else " (compiled once)"
    print(f"\n[bench] {language}: 20-test submission in {elapsed * 1000:.0f} ms{extra}")


def test_runs_per_second_with_both_cores_busy(judge):
    runtime = find_runtime("python")
    workers = os.cpu_count() or 2
    duration = 5.0

    def loop(_):
        count, deadline = 0, time.perf_counter() + duration
        while time.perf_counter() < deadline:
            judge.execute(runtime, HELLO["python"], "", Limits())
            count += 1
        return count

    with ThreadPoolExecutor(workers) as pool:
        sandboxed = sum(pool.map(loop, range(workers))) / duration

    def plain_loop(_):
        count, deadline = 0, time.perf_counter() + duration
        while time.perf_counter() < deadline:
            plain("python", HELLO["python"])
            count += 1
        return count

    with ThreadPoolExecutor(workers) as pool:
        reference = sum(pool.map(plain_loop, range(workers))) / duration
    print(f"\n[bench] python runs per second on {workers} workers: judge {sandboxed:.1f}/s vs plain "
          f"subprocess {reference:.1f}/s ({sandboxed / reference:.2f}x of plain throughput)")

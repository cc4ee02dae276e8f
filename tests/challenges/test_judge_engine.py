"""The judge alone (no Django): verdicts, checkers, languages."""

import pytest

from challenges.judge import (
    Judge,
    Limits,
    TestCase,
    Verdict,
    detect_runtimes,
    find_runtime,
    get_checker,
)
from challenges.judge.checkers import exact, lines, tokens
from challenges.judge.limits import MAXIMUM, clamp

ADD = {
    "python": "a, b = map(int, input().split())\nprint(a + b)\n",
    "javascript": "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\nconsole.log(a + b);\n",
    "c": "#include <stdio.h>\nint main(){long a,b;scanf(\"%ld %ld\",&a,&b);printf(\"%ld\\n\",a+b);return 0;}\n",
    "cpp": "#include <iostream>\nint main(){long a,b;std::cin>>a>>b;std::cout<<a+b<<\"\\n\";}\n",
    "java": "import java.util.*;\npublic class Main{public static void main(String[] x){Scanner s=new Scanner(System.in);System.out.println(s.nextLong()+s.nextLong());}}\n",
}
TESTS = [TestCase("1 2\n", "3\n"), TestCase("40 2\n", "42\n", weight=2), TestCase("-5 5\n", "0\n")]


@pytest.fixture(scope="module")
def judge():
    return Judge()


@pytest.mark.parametrize("language", sorted(ADD))
def test_every_installed_language_is_accepted(judge, language):
    runtime = find_runtime(language)
    if runtime is None:
        pytest.skip(f"{language} is not installed here")
    result = judge.judge(runtime, ADD[language], TESTS, Limits())
    assert result.verdict == Verdict.AC, (result.compile, result.tests)
    assert (result.score, result.max_score, result.passed) == (4, 4, 3)
    assert all(t.wall_time > 0 and t.memory > 0 for t in result.tests)


def test_python_and_cpp_are_always_there():
    assert {"python", "cpp"} <= set(detect_runtimes())


def test_aliases_find_runtimes():
    assert find_runtime("py").language == "python"
    assert find_runtime("C++").language == "cpp"
    assert find_runtime("cobol") is None


def test_wrong_answer_and_weights(judge):
    source = "a, b = map(int, input().split())\nprint(a + b if a != 40 else 0)\n"
    result = judge.judge(find_runtime("python"), source, TESTS, Limits())
    assert [t.verdict for t in result.tests] == [Verdict.AC, Verdict.WA, Verdict.AC]
    assert result.verdict == Verdict.WA and (result.score, result.max_score) == (2, 4)


def test_compile_error_is_reported_once_and_trimmed(judge):
    result = judge.judge(find_runtime("cpp"), "int main() { this is not c++; }\n" * 2000, TESTS, Limits())
    assert result.verdict == Verdict.CE and result.tests == []
    assert "error" in result.compile.output and len(result.compile.output) < 9000


def test_runtime_error_reports_exit_code_and_signal(judge):
    python = judge.judge(find_runtime("python"), "raise SystemExit(3)", TESTS[:1], Limits()).tests[0]
    assert python.verdict == Verdict.RE and python.exit_code == 3
    crash = judge.judge(find_runtime("cpp"), "int main(){int*p=nullptr;return *p;}", TESTS[:1], Limits()).tests[0]
    assert crash.verdict == Verdict.RE and crash.signal == 11


def test_cpu_time_limit(judge):
    result = judge.judge(find_runtime("python"), "while True: pass", TESTS[:1], Limits(cpu_time=0.5, wall_time=3))
    assert result.tests[0].verdict == Verdict.TLE


def test_progress_callback_hears_every_test_in_order(judge):
    heard = []
    judge.judge(find_runtime("python"), ADD["python"], TESTS, Limits(), on_result=heard.append)
    assert [r.index for r in heard] == [0, 1, 2]


def test_custom_run_returns_output(judge):
    compiled, run = judge.execute(find_runtime("python"), "import sys\nprint(sys.stdin.read().upper())", "hey", Limits())
    assert compiled is None and run.stdout == b"HEY\n" and run.exit_code == 0


def test_checkers():
    assert exact("1\n", "1\n") and not exact("1\n", "1")
    assert lines("a\nb\n", "a  \nb") and not lines("a b", "a  b")
    assert tokens("1 2\n3", "1\n2 3 ") and not tokens("1 2", "12")
    close = get_checker("float", 1e-3)
    assert close("0.3333", "0.33333333") and not close("0.3", "0.31") and not close("1 2", "1")
    with pytest.raises(ValueError):
        get_checker("regex")


def test_limits_are_clamped_to_the_maximum():
    assert clamp(Limits(cpu_time=999, memory=10**12)).cpu_time == MAXIMUM.cpu_time


def test_without_the_compiled_helper_limits_still_hold(monkeypatch):
    from challenges.judge import sandbox

    monkeypatch.setattr(sandbox, "helper_binary", lambda: None)
    judge = Judge()
    python = find_runtime("python")
    assert judge.judge(python, ADD["python"], TESTS, Limits()).verdict == Verdict.AC
    assert judge.judge(python, "while True: pass", TESTS[:1], Limits(cpu_time=0.5, wall_time=3)).tests[0].verdict == Verdict.TLE

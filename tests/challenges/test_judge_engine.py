"""The judge alone (no Django): verdicts, checkers, languages."""

import signal

import pytest

from challenges.judge import (
    BadFile,
    BwrapSandbox,
    Judge,
    Limits,
    RlimitSandbox,
    SourceFile,
    Status,
    TestCase,
    Verdict,
    bwrap_path,
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


SLEEPS_PAST_THE_LIMIT = "import time\ntime.sleep(30)\nprint(input())\n"
ECHO_TESTS = [TestCase(f"{n}\n", f"{n}\n") for n in range(10)]
SHORT = Limits(cpu_time=0.5, wall_time=1.0)


def test_a_timeout_on_the_first_of_ten_tests_ends_the_judging(judge):
    heard = []
    result = judge.judge(find_runtime("python"), SLEEPS_PAST_THE_LIMIT, ECHO_TESTS, SHORT, on_result=heard.append)
    assert result.verdict == Verdict.TLE
    assert [t.index for t in result.tests] == [0] and [r.index for r in heard] == [0]
    assert (result.passed, result.not_run, result.score, result.max_score) == (0, 9, 0, 10)


def test_a_timeout_after_passing_tests_keeps_what_passed(judge):
    source = "import time\nn = int(input())\nif n == 2:\n    time.sleep(30)\nprint(n)\n"
    result = judge.judge(find_runtime("python"), source, ECHO_TESTS, SHORT)
    assert [t.verdict for t in result.tests] == [Verdict.AC, Verdict.AC, Verdict.TLE]
    assert (result.verdict, result.passed, result.not_run, result.score, result.percent) == (Verdict.TLE, 2, 7, 2, 20.0)


def test_wrong_answers_do_not_stop_the_judging_and_nothing_can_be_asked_to_stop_it(judge):
    wrong_on_even = "n = int(input())\nprint(n if n % 2 else -1)\n"
    result = judge.judge(find_runtime("python"), wrong_on_even, ECHO_TESTS, Limits())
    assert len(result.tests) == 10 and result.not_run == 0 and result.passed == 5
    every_one = judge.judge(find_runtime("python"), SLEEPS_PAST_THE_LIMIT, ECHO_TESTS[:2], SHORT, stop_after=())
    assert [t.verdict for t in every_one.tests] == [Verdict.TLE, Verdict.TLE] and every_one.not_run == 0


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


# --- what a run reports -------------------------------------------------------------------------

SANDBOXES = {
    "bubblewrap": lambda uid: BwrapSandbox(run_as_uid=uid),
    "rlimits": lambda uid: RlimitSandbox(run_as_uid=uid),
}


@pytest.fixture(params=sorted(SANDBOXES))
def any_judge(request):
    if request.param == "bubblewrap" and not bwrap_path():
        pytest.skip("bubblewrap (bwrap) is not installed")
    return Judge(sandbox_factory=SANDBOXES[request.param])


@pytest.mark.parametrize(("language", "source"), [
    ("python", "raise SystemExit(203)"),
    ("c", "int main(void){return 203;}"),
])
def test_an_exit_code_above_128_stays_an_exit_code(any_judge, language, source):
    runtime = find_runtime(language)
    if runtime is None:
        pytest.skip(f"{language} is not installed here")
    compiled, run = any_judge.execute(runtime, source, "", Limits())
    assert (run.exit_code, run.signal, run.status) == (203, None, Status.RUNTIME_ERROR)
    assert run.message == "exit code 203"


def test_a_real_signal_is_still_a_signal(any_judge):
    compiled, run = any_judge.execute(find_runtime("python"), "import os, signal\nos.kill(os.getpid(), signal.SIGTERM)",
                                      "", Limits())
    assert (run.exit_code, run.signal, run.status) == (None, signal.SIGTERM, Status.SIGNALED)


def test_a_run_killed_at_the_wall_clock_reports_its_own_memory_not_the_judges(any_judge):
    # The judge process itself is big here (300 MB touched); a child of it inherits that peak.
    ballast = b"x" * (300 * 1024 * 1024)
    source = "x = b'y' * (40 * 1024 * 1024)\nimport time\nprint('waiting', flush=True)\ntime.sleep(30)"
    try:
        compiled, run = any_judge.execute(find_runtime("python"), source, "", Limits(cpu_time=1, wall_time=1.5))
    finally:
        del ballast
    assert run.status == Status.TIMED_OUT and run.stdout == b"waiting\n"
    # Stopped by its reaper, which reports the program's own peak: its 40 MB and the interpreter.
    assert 40 * 1024 * 1024 <= run.memory < 100 * 1024 * 1024, run.memory
    assert run.signal == signal.SIGKILL and run.exit_code is None


def test_without_the_reaper_a_wall_clock_kill_leaves_memory_unknown(monkeypatch):
    from challenges.judge import sandbox

    monkeypatch.setattr(sandbox, "helper_binary", lambda: None)
    ballast = b"x" * (300 * 1024 * 1024)
    try:
        compiled, run = Judge().execute(find_runtime("python"), "import time\ntime.sleep(30)", "",
                                        Limits(cpu_time=1, wall_time=1))
    finally:
        del ballast
    assert run.status == Status.TIMED_OUT and run.memory is None


def test_output_keeps_stdout_and_stderr_in_the_order_written(any_judge):
    source = ("import sys, time\n"
              "for i in range(3):\n"
              "    print(f'out{i}', flush=True)\n    time.sleep(0.2)\n"
              "    print(f'err{i}', file=sys.stderr, flush=True)\n    time.sleep(0.2)\n")
    compiled, run = any_judge.execute(find_runtime("python"), source, "", Limits(wall_time=10))
    assert run.stdout == b"out0\nout1\nout2\n" and run.stderr == b"err0\nerr1\nerr2\n"
    assert run.output == b"out0\nerr0\nout1\nerr1\nout2\nerr2\n"


def test_compiler_messages_come_in_the_order_written(judge):
    result = judge.judge(find_runtime("c"), "#warning first\nint main(void){return 0;}\n#error second\n",
                         TESTS[:1], Limits())
    output = result.compile.output
    assert result.verdict == Verdict.CE and output.index("first") < output.index("second")


# --- programs of several files ------------------------------------------------------------------


def test_files_beside_the_entry_point_are_importable_and_readable(judge):
    files = [SourceFile("helper.py", b"def twice(x):\n    return 2 * x\n"),
             SourceFile("data/numbers.bin", bytes([1, 2, 250]))]
    source = "import helper\nprint(helper.twice(21), list(open('data/numbers.bin', 'rb').read()))"
    compiled, run = judge.execute(find_runtime("python"), source, "", Limits(), entry_name="app.py", files=files)
    assert run.stdout == b"42 [1, 2, 250]\n", run.stderr


@pytest.mark.parametrize(("language", "entry", "files"), [
    ("c", "main.c", [("util.h", "int twice(int);\n"), ("util.c", "int twice(int x){return 2*x;}\n")]),
    ("cpp", "main.cpp", [("util.h", "int twice(int);\n"), ("util.cpp", "int twice(int x){return 2*x;}\n")]),
])
def test_compiled_programs_of_several_files_are_built_together(judge, language, entry, files):
    runtime = find_runtime(language)
    if runtime is None:
        pytest.skip(f"{language} is not installed here")
    include = "#include <stdio.h>\n" if language == "c" else "#include <cstdio>\n"
    source = include + '#include "util.h"\nint main(void){printf("%d\\n", twice(21));return 0;}\n'
    compiled, run = judge.execute(runtime, source, "", Limits(), entry_name=entry,
                                  files=[SourceFile(n, c.encode()) for n, c in files])
    assert compiled.ok, compiled.output
    assert run.stdout == b"42\n"


def test_java_runs_the_entry_points_class(judge):
    runtime = find_runtime("java")
    if runtime is None:
        pytest.skip("java is not installed here")
    files = [SourceFile("Helper.java", b"public class Helper { static int twice(int x) { return 2 * x; } }\n")]
    source = "public class Solution { public static void main(String[] a) { System.out.println(Helper.twice(21)); } }\n"
    compiled, run = judge.execute(runtime, source, "", Limits(), entry_name="Solution.java", files=files)
    assert compiled.ok, compiled.output
    assert run.stdout == b"42\n"


@pytest.mark.parametrize("name", ["../escape.py", "/etc/passwd", "a/../../b", "", "a//b", "a\\b"])
def test_file_names_cannot_leave_the_work_directory(judge, name):
    with pytest.raises(BadFile):
        judge.execute(find_runtime("python"), "print(1)", "", Limits(), files=[SourceFile(name, b"x")])


def test_two_files_of_one_name_are_refused(judge):
    with pytest.raises(BadFile):
        judge.execute(find_runtime("python"), "print(1)", "", Limits(), files=[SourceFile("main.py", b"x")])


# --- versions as Piston selects them ------------------------------------------------------------


def test_version_selectors_follow_semver_ranges():
    python = find_runtime("python")
    major, minor, patch = python.semver.split(".")
    for selector in ("*", f"{major}.x", major, f"{major}.{minor}", python.version, f"^{major}.0.0",
                     f">={major}.0.0 <{int(major) + 1}", f"~{major}.{minor}.0", f"1.0.0 || {major}.x"):
        assert find_runtime("python", selector) == python, selector
    for selector in (f"{int(major) + 1}.x", f"{major}.{int(minor) + 1}.x", "2.7", f"<{major}", "banana"):
        assert find_runtime("python", selector) is None, selector


@pytest.mark.parametrize("name", [None, "main.java", "Solution.java", "code.txt"])
def test_java_entry_point_is_named_after_its_public_class(judge, name):
    # javac insists on it; whatever the caller called the file, the program compiles and runs.
    runtime = find_runtime("java")
    if runtime is None:
        pytest.skip("java is not installed here")
    source = "public final class Main { public static void main(String[] a) { System.out.println(7); } }\n"
    compiled, run = judge.execute(runtime, source, "", Limits(), entry_name=name)
    assert compiled.ok, compiled.output
    assert run.stdout == b"7\n"

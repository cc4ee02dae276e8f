"""Compile once, run every test, give each a verdict."""

import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from .checkers import Checker, tokens
from .limits import COMPILE, Limits
from .runtimes import Runtime
from .sandbox import BwrapSandbox, ExecutionResult, RlimitSandbox, Sandbox, Status, bwrap_path
from .slots import BASE_UID, SlotPool
from .workdir import SourceFile, write_program

SHOWN_OUTPUT = 8 * 1024  # what a verdict keeps of stdout/stderr/compiler output


class Verdict(StrEnum):
    AC = "AC"  # accepted
    WA = "WA"  # wrong answer
    TLE = "TLE"  # time limit exceeded
    MLE = "MLE"  # memory limit exceeded
    OLE = "OLE"  # output limit exceeded
    RE = "RE"  # runtime error
    CE = "CE"  # compilation error
    IE = "IE"  # internal error (ours, not the program's)


@dataclass(frozen=True)
class TestCase:
    input: str
    expected_output: str
    weight: int = 1

    __test__ = False  # not a pytest class


@dataclass
class TestResult:
    index: int
    verdict: Verdict
    cpu_time: float = 0.0
    wall_time: float = 0.0
    memory: int | None = None  # None: not measured (a run killed at the wall clock)
    stdout: str = ""
    stderr: str = ""
    message: str = ""
    exit_code: int | None = None
    signal: int | None = None
    weight: int = 1


@dataclass
class CompileResult:
    ok: bool
    output: str = ""
    cpu_time: float = 0.0
    wall_time: float = 0.0
    execution: ExecutionResult | None = None


# After a test with one of these verdicts the remaining tests are not run (LeetCode stops at the
# first failure, DMOJ at the first failure of a batch). Only a timeout stops here: it is the one
# failure that costs the full time limit per test, and the tests after it, usually larger, would
# time out too - ten of them are most of a minute of waiting for a verdict already known. A wrong
# answer or a crash costs milliseconds, so the rest still run and the score shows how close it is.
STOP_AFTER: frozenset[Verdict] = frozenset({Verdict.TLE})


@dataclass
class JudgeResult:
    verdict: Verdict
    compile: CompileResult | None
    tests: list[TestResult] = field(default_factory=list)
    score: int = 0
    max_score: int = 0
    not_run: int = 0  # tests skipped after a test whose verdict stops the run (STOP_AFTER), or after CE

    @property
    def passed(self) -> int:
        return sum(1 for t in self.tests if t.verdict == Verdict.AC)

    @property
    def percent(self) -> float:
        return round(100 * self.score / self.max_score, 2) if self.max_score else 0.0

    @classmethod
    def of(cls, compiled: CompileResult | None, results: list[TestResult], tests: list[TestCase]) -> "JudgeResult":
        """Scored by weight over every test (a test not run scores nothing); the verdict is the
        first test's that is not AC (CE without tests)."""
        max_score = sum(t.weight for t in tests)
        if compiled is not None and not compiled.ok:
            return cls(Verdict.CE, compiled, [], 0, max_score, not_run=len(tests))
        score = sum(r.weight for r in results if r.verdict == Verdict.AC)
        first_failure = next((r.verdict for r in results if r.verdict != Verdict.AC), Verdict.AC)
        return cls(first_failure, compiled, results, score, max_score, not_run=len(tests) - len(results))


def run_tests(tests: Sequence[TestCase], run_one: Callable[[int, TestCase], TestResult],
              on_result: Callable[[TestResult], None] | None = None,
              stop_after: Collection[Verdict] = STOP_AFTER) -> list[TestResult]:
    """Run the tests in order, telling `on_result` each verdict, up to and including the first
    whose verdict is in `stop_after`."""
    results: list[TestResult] = []
    for index, test in enumerate(tests):
        results.append(run_one(index, test))
        if on_result:
            on_result(results[-1])
        if results[-1].verdict in stop_after:
            break
    return results


def _text(data: bytes, limit: int = SHOWN_OUTPUT) -> str:
    text = data[:limit].decode("utf-8", errors="replace")
    return text + ("\n… (trimmed)" if len(data) > limit else "")


def verdict_for(result: ExecutionResult, runtime: Runtime, limits: Limits) -> Verdict:
    if result.status == Status.TIMED_OUT:
        return Verdict.TLE
    if result.status == Status.MEMORY_LIMIT:
        return Verdict.MLE
    if result.status in (Status.OUTPUT_LIMIT, Status.ERROR_LIMIT):
        return Verdict.OLE
    if result.status == Status.INTERNAL:
        return Verdict.IE
    if result.status in (Status.RUNTIME_ERROR, Status.SIGNALED):
        stderr = result.stderr.decode("utf-8", errors="replace")
        if any(marker in stderr for marker in runtime.memory_error_markers):
            return Verdict.MLE
        if result.signal in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT) and \
                (result.memory or 0) >= 0.9 * limits.memory:
            return Verdict.MLE
        return Verdict.RE
    return Verdict.AC  # ran cleanly; the checker decides between AC and WA


class Judge:
    """The one place that runs user code. Thread- and process-safe: runs take a slot."""

    def __init__(self, sandbox_factory: Callable[[int | None], Sandbox] | None = None,
                 slots: SlotPool | None = None):
        if sandbox_factory is None:
            sandbox_factory = (lambda uid: BwrapSandbox(run_as_uid=uid)) if bwrap_path() else \
                (lambda uid: RlimitSandbox(run_as_uid=uid))
        self.sandbox_factory = sandbox_factory
        self.slots = slots or SlotPool(os.cpu_count() or 2)

    @property
    def isolated(self) -> bool:
        return self.sandbox_factory(None).isolated

    @property
    def sandbox_name(self) -> str:
        return self.sandbox_factory(None).name

    @contextmanager
    def _box(self, entry: SourceFile, others: list[SourceFile], uid: int | None) -> Iterator[Path]:
        root = Path(tempfile.mkdtemp(prefix="pf-judge-"))
        box = root / "box"
        box.mkdir()
        try:
            write_program(box, entry, others)
            os.chmod(root, 0o711)
            os.chmod(box, 0o755)
            if uid is not None and os.geteuid() == 0:
                # The compiler writes its output as the run's own uid.
                os.chown(box, uid, uid)
            yield box
        finally:
            shutil.rmtree(root, ignore_errors=True)

    def _compile(self, sandbox: Sandbox, runtime: Runtime, box: Path, sources: list[str]) -> CompileResult | None:
        if not runtime.compiled:
            return None
        result = sandbox.execute(runtime.compile_command(sources), box, stdin_path=None, limits=COMPILE,
                                 address_space_extra=runtime.address_space_extra,
                                 threads_extra=runtime.threads_extra, writable_box=True)
        output = _text(result.output)
        ok = result.status == Status.OK
        if result.status == Status.TIMED_OUT:
            output = (output + "\nCompilation took too long.").strip()
        return CompileResult(ok=ok, output=output, cpu_time=result.cpu_time,
                             wall_time=result.wall_time, execution=result)

    def _run(self, sandbox: Sandbox, runtime: Runtime, box: Path, stdin: str, limits: Limits,
             args: list[str] | None = None, entry: str | None = None) -> ExecutionResult:
        with tempfile.NamedTemporaryFile(prefix="pf-stdin-", delete=True) as handle:
            handle.write(stdin.encode("utf-8", errors="surrogatepass"))  # bad input is the program's to read
            handle.flush()
            return sandbox.execute(
                runtime.run_command(limits.memory, entry) + list(args or []), box,
                stdin_path=Path(handle.name), limits=limits,
                address_space_extra=runtime.address_space_extra, threads_extra=runtime.threads_extra,
            )

    @contextmanager
    def _prepared(self, runtime: Runtime, source: str, entry_name: str | None = None,
                  files: Sequence[SourceFile] = ()):
        """A slot, a box with the program, and the compilation: (sandbox, box, entry point, compile result)."""
        entry = SourceFile(runtime.entry_name(entry_name, source), source.encode("utf-8", errors="surrogatepass"))
        sources = [entry.name] + [f.name for f in files if runtime.is_source(f.name)]
        with self.slots.acquire() as slot:
            uid = BASE_UID + slot
            sandbox = self.sandbox_factory(uid)
            with self._box(entry, list(files), uid) as box:
                yield sandbox, box, entry.name, self._compile(sandbox, runtime, box, sources)

    def execute(self, runtime: Runtime, source: str, stdin: str, limits: Limits,
                args: list[str] | None = None, *, entry_name: str | None = None,
                files: Sequence[SourceFile] = ()) -> tuple[CompileResult | None, ExecutionResult | None]:
        """Compile and run once on the given input (custom runs and the Piston API). `source` is
        the entry point (named `entry_name`, or the runtime's usual name); `files` are written
        beside it, and those in the runtime's language are compiled with it. Raises `BadFile`
        for a file the work directory cannot hold."""
        with self._prepared(runtime, source, entry_name, files) as (sandbox, box, entry, compiled):
            if compiled is not None and not compiled.ok:
                return compiled, None
            return compiled, self._run(sandbox, runtime, box, stdin, limits, args, entry)

    def judge(self, runtime: Runtime, source: str, tests: list[TestCase], limits: Limits,
              checker: Checker = tokens,
              on_result: Callable[[TestResult], None] | None = None,
              stop_after: Collection[Verdict] = STOP_AFTER) -> JudgeResult:
        """Compile once and run the tests, stopping after the first whose verdict is in
        `stop_after` (a timeout, by default; pass () to run them all). `on_result` hears each
        verdict as it is decided."""
        with self._prepared(runtime, source) as (sandbox, box, entry, compiled):
            if compiled is not None and not compiled.ok:
                return JudgeResult.of(compiled, [], tests)

            def run_one(index: int, test: TestCase) -> TestResult:
                execution = self._run(sandbox, runtime, box, test.input, limits, entry=entry)
                return grade(execution, runtime, limits, checker, test, index)

            results = run_tests(tests, run_one, on_result, stop_after)
        return JudgeResult.of(compiled, results, tests)


def grade(execution: ExecutionResult, runtime: Runtime, limits: Limits, checker: Checker, test: TestCase,
          index: int) -> TestResult:
    """One test's verdict from one run."""
    verdict = verdict_for(execution, runtime, limits)
    stdout = execution.stdout.decode("utf-8", errors="replace")
    if verdict == Verdict.AC and not checker(test.expected_output, stdout):
        verdict = Verdict.WA
    return TestResult(
        index=index, verdict=verdict, cpu_time=round(execution.cpu_time, 4),
        wall_time=round(execution.wall_time, 4), memory=execution.memory,
        stdout=_text(execution.stdout), stderr=_text(execution.stderr),
        message=execution.message, exit_code=execution.exit_code, signal=execution.signal,
        weight=test.weight,
    )

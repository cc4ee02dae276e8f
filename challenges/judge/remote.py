"""A judge backend that runs code on a remote Piston-compatible executor (`PISTON_URL`).

Each test is one `POST /execute`; the checker runs here. Used when the site itself should not
run code (no bubblewrap on the web or worker machines)."""

import base64
import json
import signal as signals
import urllib.error
import urllib.request
from collections.abc import Collection, Sequence
from functools import cached_property

from .checkers import Checker, tokens
from .grader import (
    STOP_AFTER,
    CompileResult,
    JudgeResult,
    TestCase,
    TestResult,
    Verdict,
    grade,
    run_tests,
)
from .limits import Limits
from .runtimes import Runtime
from .sandbox import ExecutionResult, Status
from .workdir import SourceFile


class RemoteError(Exception):
    pass


class _CompileFailed(Exception):
    """Piston compiles on every execution: the first failed compilation ends the judging."""


def _signal_number(name) -> int | None:
    if not name:
        return None
    try:
        return int(getattr(signals, name)) if isinstance(name, str) else int(name)
    except (AttributeError, ValueError, TypeError):
        return None


def stage_to_execution(stage: dict) -> ExecutionResult:
    status = stage.get("status") or Status.OK
    stdout, stderr = (stage.get("stdout") or "").encode(), (stage.get("stderr") or "").encode()
    output = stage.get("output")
    return ExecutionResult(
        stdout=stdout, stderr=stderr, output=output.encode() if isinstance(output, str) else stdout + stderr,
        exit_code=stage.get("code"), signal=_signal_number(stage.get("signal")),
        cpu_time=(stage.get("cpu_time") or 0) / 1000, wall_time=(stage.get("wall_time") or 0) / 1000,
        memory=stage.get("memory"), status=status, message=stage.get("message") or "",
    )


def _piston_file(file: SourceFile) -> dict:
    # Text as utf8: Piston compiles only its utf8 files, so sources must not travel as base64.
    try:
        return {"name": file.name, "content": file.content.decode("utf-8")}
    except UnicodeDecodeError:
        return {"name": file.name, "content": base64.b64encode(file.content).decode(), "encoding": "base64"}


class RemoteJudge:
    isolated = True

    def __init__(self, base_url: str, timeout: float = 60.0, token: str = ""):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.token = token

    @property
    def sandbox_name(self) -> str:
        return f"remote Piston executor at {self.base_url}"

    def _call(self, method: str, path: str, body: dict | None = None):
        request = urllib.request.Request(
            f"{self.base_url}{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json", **({"Authorization": self.token} if self.token else {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            detail = error.read()[:500].decode(errors="replace")
            raise RemoteError(f"executor answered {error.code}: {detail}") from error
        except (urllib.error.URLError, TimeoutError, ValueError) as error:
            raise RemoteError(f"executor unreachable: {error}") from error

    @cached_property
    def runtimes(self) -> list[dict]:
        return self._call("GET", "/runtimes")

    def execute(self, runtime: Runtime, source: str, stdin: str, limits: Limits, args=None, *,
                entry_name: str | None = None, files: Sequence[SourceFile] = ()):
        others = [_piston_file(f) for f in files]
        body = {
            "language": runtime.language, "version": "*",
            "files": [{"name": runtime.entry_name(entry_name, source), "content": source}, *others],
            "stdin": stdin, "args": list(args or []),
            "run_timeout": int(limits.wall_time * 1000), "run_cpu_time": int(limits.cpu_time * 1000),
            "run_memory_limit": limits.memory,
        }
        answer = self._call("POST", "/execute", body)
        compiled = None
        if answer.get("compile"):
            stage = stage_to_execution(answer["compile"])
            compiled = CompileResult(ok=stage.status == Status.OK and stage.exit_code == 0,
                                     output=stage.output.decode(errors="replace"),
                                     execution=stage)
            if not compiled.ok:
                return compiled, None
        return compiled, stage_to_execution(answer["run"])

    def judge(self, runtime: Runtime, source: str, tests: list[TestCase], limits: Limits,
              checker: Checker = tokens, on_result=None,
              stop_after: Collection[Verdict] = STOP_AFTER) -> JudgeResult:
        """One remote execution per test (Piston compiles each time); graded here. Stops as the
        local judge does (after a timeout, by default)."""
        compiled: CompileResult | None = None

        def run_one(index: int, test: TestCase) -> TestResult:
            nonlocal compiled
            compiled, execution = self.execute(runtime, source, test.input, limits)
            if execution is None:
                raise _CompileFailed
            return grade(execution, runtime, limits, checker, test, index)

        try:
            results = run_tests(tests, run_one, on_result, stop_after)
        except _CompileFailed:
            return JudgeResult.of(compiled, [], tests)
        return JudgeResult.of(compiled, results, tests)

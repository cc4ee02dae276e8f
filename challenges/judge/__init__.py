"""The judge: the only place that runs user code. No Django in here.

    judge = Judge()                      # bubblewrap when installed, else the unsafe fallback
    runtime = find_runtime("python")
    result = judge.judge(runtime, source, [TestCase("1 2", "3")], Limits())
"""

from .checkers import get_checker
from .grader import (
    STOP_AFTER,
    CompileResult,
    Judge,
    JudgeResult,
    TestCase,
    TestResult,
    Verdict,
    verdict_for,
)
from .limits import COMPILE, MAXIMUM, Limits, clamp
from .runtimes import Runtime, detect_runtimes, find_runtime, select_runtime
from .sandbox import BwrapSandbox, ExecutionResult, RlimitSandbox, Status, bwrap_path
from .workdir import BadFile, SourceFile

__all__ = [
    "COMPILE", "MAXIMUM", "STOP_AFTER", "BadFile", "BwrapSandbox", "CompileResult", "ExecutionResult", "Judge", "JudgeResult",
    "Limits", "RlimitSandbox", "Runtime", "SourceFile", "Status", "TestCase", "TestResult", "Verdict", "bwrap_path",
    "clamp", "detect_runtimes", "find_runtime", "get_checker", "select_runtime", "verdict_for",
]

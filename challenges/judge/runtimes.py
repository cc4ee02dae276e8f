"""Languages the judge can run, detected from what is installed on this machine.

Only interpreters and compilers under /usr are used: those are what the sandbox mounts
(read-only), so a runtime that works here works inside it."""

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache

SEARCH_PATH = "/usr/local/bin:/usr/bin:/bin"


@dataclass(frozen=True)
class Runtime:
    language: str  # canonical name, e.g. "python"
    version: str
    aliases: tuple[str, ...]
    source_file: str
    run: tuple[str, ...]  # {mem_mb} is replaced by the memory limit in MiB
    compile: tuple[str, ...] | None = None
    # What the runtime needs beyond the program's own limits: virtual address space it
    # reserves up front (V8, the JVM) and threads it starts.
    address_space_extra: int = 64 * 1024 * 1024
    threads_extra: int = 0
    display_name: str = ""
    # Markers in stderr that mean "ran out of memory" for this runtime.
    memory_error_markers: tuple[str, ...] = field(default_factory=tuple)

    @property
    def compiled(self) -> bool:
        return self.compile is not None

    def run_command(self, memory_bytes: int) -> list[str]:
        mem_mb = max(16, memory_bytes // (1024 * 1024))
        return [part.replace("{mem_mb}", str(mem_mb)) for part in self.run]


def _version(binary: str, args: list[str], pattern: str) -> str | None:
    try:
        out = subprocess.run([binary, *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(pattern, out.stdout + out.stderr)
    return match.group(1) if match else None


def _which(name: str) -> str | None:
    return shutil.which(name, path=SEARCH_PATH)


CANDIDATES = [
    # (language, binary, version args, version pattern, builder)
    ("python", "python3", ["--version"], r"Python (\d+\.\d+\.\d+)"),
    ("javascript", "node", ["--version"], r"v(\d+\.\d+\.\d+)"),
    ("c", "gcc", ["-dumpfullversion"], r"(\d+\.\d+(?:\.\d+)?)"),
    ("cpp", "g++", ["-dumpfullversion"], r"(\d+\.\d+(?:\.\d+)?)"),
    ("java", "javac", ["-version"], r"javac (\d+(?:\.\d+)*)"),
]


def _build(language: str, binary: str, version: str) -> Runtime | None:
    if language == "python":
        return Runtime("python", version, ("py", "python3", "py3"), "main.py",
                       run=(binary, "-B", "-S", "main.py"), display_name="Python 3",
                       memory_error_markers=("MemoryError",))
    if language == "javascript":
        return Runtime("javascript", version, ("js", "node", "nodejs"), "main.js",
                       run=(binary, "--max-old-space-size={mem_mb}", "--stack-size=8192", "main.js"),
                       address_space_extra=1536 * 1024 * 1024, threads_extra=16,
                       display_name="JavaScript (Node.js)",
                       memory_error_markers=("heap out of memory", "Allocation failed",
                                             "Failed to reserve virtual memory"))
    if language == "c":
        return Runtime("c", version, ("gcc", "c17"), "main.c",
                       compile=(binary, "-std=c17", "-O2", "-pipe", "-o", "main", "main.c", "-lm"),
                       run=("./main",), display_name="C (GCC)")
    if language == "cpp":
        return Runtime("cpp", version, ("c++", "g++", "cpp17"), "main.cpp",
                       compile=(binary, "-std=c++17", "-O2", "-pipe", "-o", "main", "main.cpp"),
                       run=("./main",), display_name="C++17 (GCC)",
                       memory_error_markers=("std::bad_alloc",))
    if language == "java":
        java = _which("java")
        if not java:
            return None
        return Runtime("java", version, ("jdk", "openjdk"), "Main.java",
                       compile=(binary, "-J-Xmx512m", "-J-XX:+UseSerialGC", "-encoding", "UTF-8", "Main.java"),
                       run=(java, "-Xmx{mem_mb}m", "-Xss16m", "-XX:+UseSerialGC",
                            "-XX:TieredStopAtLevel=1", "-Xshare:auto", "Main"),
                       address_space_extra=2560 * 1024 * 1024, threads_extra=48,
                       display_name="Java (OpenJDK)",
                       memory_error_markers=("OutOfMemoryError",))
    return None


@lru_cache(maxsize=1)
def detect_runtimes() -> dict[str, Runtime]:
    """The installed runtimes by canonical language name (computed once per process)."""
    found: dict[str, Runtime] = {}
    for language, name, args, pattern in CANDIDATES:
        binary = _which(name)
        if not binary:
            continue
        version = _version(binary, args, pattern)
        if not version:
            continue
        runtime = _build(language, binary, version)
        if runtime is not None:
            found[language] = runtime
    return found


def find_runtime(name: str, version: str | None = None) -> Runtime | None:
    """By canonical name or alias; `version` ("*" or a prefix) must match when given."""
    name = (name or "").strip().lower()
    for runtime in detect_runtimes().values():
        if name == runtime.language or name in runtime.aliases:
            if version in (None, "", "*") or runtime.version.startswith(version) or version == runtime.version:
                return runtime
    return None

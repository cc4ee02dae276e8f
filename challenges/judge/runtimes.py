"""Languages the judge can run, detected from what is installed on this machine.

Only interpreters and compilers under /usr are used: those are what the sandbox mounts
(read-only), so a runtime that works here works inside it."""

import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath

import nodesemver

SEARCH_PATH = "/usr/local/bin:/usr/bin:/bin"


@dataclass(frozen=True)
class Runtime:
    language: str  # canonical name, e.g. "python"
    version: str
    aliases: tuple[str, ...]
    source_file: str  # the entry point's name when the caller gives none
    # {mem_mb} is replaced by the memory limit in MiB, {source} by the entry point's file name,
    # {main} by its name without the suffix (Java's main class).
    run: tuple[str, ...]
    # {sources} stands for every source file of the program (the entry point first).
    compile: tuple[str, ...] | None = None
    # The suffixes of the files the compiler is given; other files (headers, data) stay beside.
    source_suffixes: tuple[str, ...] = ()
    # What the runtime needs beyond the program's own limits: virtual address space it
    # reserves up front (V8, the JVM) and threads it starts.
    address_space_extra: int = 64 * 1024 * 1024
    threads_extra: int = 0
    display_name: str = ""
    # Markers in stderr that mean "ran out of memory" for this runtime.
    memory_error_markers: tuple[str, ...] = field(default_factory=tuple)
    # Where the language fixes the entry point's file name (Java: after its public class).
    named_after: str = ""

    @property
    def compiled(self) -> bool:
        return self.compile is not None

    @property
    def semver(self) -> str:
        """The version as SemVer (a missing minor or patch is 0), as Piston's selectors need it."""
        parts = (self.version.split(".") + ["0", "0"])[:3] if re.fullmatch(r"\d+(\.\d+){0,2}", self.version) \
            else None
        return ".".join(parts) if parts else self.version

    def is_source(self, name: str) -> bool:
        return not self.source_suffixes or PurePosixPath(name).suffix in self.source_suffixes

    def entry_name(self, name: str | None, source: str = "") -> str:
        """The entry point's file name: the caller's when it is one this runtime runs, else ours;
        where the language names the file after the code (Java), that name."""
        declared = re.search(self.named_after, source) if self.named_after else None
        if declared:
            return str(PurePosixPath(name or self.source_file).with_name(declared.group(1) + self.source_suffixes[0]))
        return name if name and self.is_source(name) else self.source_file

    def run_command(self, memory_bytes: int, entry: str | None = None) -> list[str]:
        mem_mb = max(16, memory_bytes // (1024 * 1024))
        entry = entry or self.source_file
        return [part.replace("{mem_mb}", str(mem_mb)).replace("{source}", entry)
                .replace("{main}", PurePosixPath(entry).stem) for part in self.run]

    def compile_command(self, sources: Sequence[str]) -> list[str]:
        command: list[str] = []
        for part in self.compile or ():
            command += list(sources) if part == "{sources}" else [part]
        return command


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
                       run=(binary, "-B", "-S", "{source}"), display_name="Python 3",
                       source_suffixes=(".py",),
                       memory_error_markers=("MemoryError",))
    if language == "javascript":
        return Runtime("javascript", version, ("js", "node", "nodejs"), "main.js",
                       run=(binary, "--max-old-space-size={mem_mb}", "--stack-size=8192", "{source}"),
                       source_suffixes=(".js", ".mjs", ".cjs"),
                       address_space_extra=1536 * 1024 * 1024, threads_extra=16,
                       display_name="JavaScript (Node.js)",
                       memory_error_markers=("heap out of memory", "Allocation failed",
                                             "Failed to reserve virtual memory"))
    if language == "c":
        return Runtime("c", version, ("gcc", "c17"), "main.c",
                       compile=(binary, "-std=c17", "-O2", "-pipe", "-o", "main", "{sources}", "-lm"),
                       run=("./main",), display_name="C (GCC)", source_suffixes=(".c",))
    if language == "cpp":
        return Runtime("cpp", version, ("c++", "g++", "cpp17"), "main.cpp",
                       compile=(binary, "-std=c++17", "-O2", "-pipe", "-o", "main", "{sources}"),
                       run=("./main",), display_name="C++17 (GCC)",
                       source_suffixes=(".cpp", ".cc", ".cxx", ".c++"),
                       memory_error_markers=("std::bad_alloc",))
    if language == "java":
        java = _which("java")
        if not java:
            return None
        return Runtime("java", version, ("jdk", "openjdk"), "Main.java",
                       compile=(binary, "-J-Xmx512m", "-J-XX:+UseSerialGC", "-encoding", "UTF-8", "{sources}"),
                       source_suffixes=(".java",),
                       run=(java, "-Xmx{mem_mb}m", "-Xss16m", "-XX:+UseSerialGC",
                            "-XX:TieredStopAtLevel=1", "-Xshare:auto", "{main}"),
                       address_space_extra=2560 * 1024 * 1024, threads_extra=48,
                       display_name="Java (OpenJDK)",
                       named_after=r"(?m)^\s*public\s+(?:(?:final|abstract|sealed|strictfp)\s+)*class\s+([A-Za-z_$][\w$]*)",
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


def version_satisfies(runtime: Runtime, selector: str) -> bool:
    """Piston's rule: the runtime's version satisfies the selector as a node-semver range
    ("*", "3.x", "3", "3.11", "^3.10", "~3.11.0", ">=3 <4", an exact version)."""
    try:
        return nodesemver.satisfies(runtime.semver, selector)
    except (ValueError, TypeError):  # not SemVer at all: only an exact match counts
        return selector == runtime.version


def select_runtime(runtimes: Iterable[Runtime], name: str, selector: str = "*") -> Runtime | None:
    """The newest runtime called `name` (or aliased so) whose version satisfies `selector`."""
    name = (name or "").strip().lower()
    matching = [r for r in runtimes if (name == r.language or name in r.aliases) and version_satisfies(r, selector)]
    return max(matching, key=lambda r: _version_key(r.semver), default=None)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else -1 for part in re.split(r"[.+-]", version)[:3])


def find_runtime(name: str, version: str | None = None) -> Runtime | None:
    """By canonical name or alias; `version`, when given, is a SemVer selector as Piston takes it."""
    return select_runtime(detect_runtimes().values(), name, version or "*")

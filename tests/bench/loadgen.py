"""Driving a server with `ab` (Debian's apache2-utils) for a bounded time, and what the web
processes spent on it: their CPU time per request, read from /proc (on a shared machine the
requests per second move with the neighbours' load; the CPU a request costs moves much less)."""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

AB = shutil.which("ab") or "/usr/bin/ab"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    requests: int
    rps: float
    p95_ms: float
    failed: int
    non_2xx: int
    cpu_ms_per_request: float | None = None


def processes_serving(ports: list[int]) -> list[int]:
    """The pids (parents and workers) whose command line names one of these ports."""
    wanted = {str(port) for port in ports}
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [a.decode(errors="replace") for a in args]
        if any(w in wanted for w in words) and any("granian" in w for w in words):
            found.append(int(entry.name))
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def ab(url: str, *, seconds: float, concurrency: int, headers: dict[str, str] | None = None,
       cookie: str | None = None, pids: list[int] | None = None) -> Run:
    command = [AB, "-q", "-k", "-c", str(concurrency), "-t", str(seconds), "-n", "10000000", "-s", "30"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if cookie:
        command += ["-C", cookie]
    before = cpu_seconds(pids) if pids else 0.0
    output = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 120).stdout
    after = cpu_seconds(pids) if pids else 0.0

    def number(pattern: str, default: str = "0") -> float:
        match = re.search(pattern, output, re.MULTILINE)
        return float(match.group(1)) if match else float(default)

    requests = int(number(r"^Complete requests:\s+(\d+)"))
    # ab counts an answer whose length differs from the first one's as failed: a page with a
    # per-request token does that. Those are not errors; connects, receives and exceptions are.
    failed = int(number(r"^Failed requests:\s+(\d+)")) - int(number(r"Length: (\d+)"))
    if requests == 0:
        raise AssertionError(f"ab made no request to {url}:\n{output[-2000:]}")
    return Run(requests=requests, rps=number(r"^Requests per second:\s+([\d.]+)"),
               p95_ms=number(r"^\s*95%\s+(\d+)"), failed=failed,
               non_2xx=int(number(r"^Non-2xx responses:\s+(\d+)")),
               cpu_ms_per_request=round((after - before) * 1000 / requests, 2) if pids else None)

"""Escapes and abuse, each tried by a real program through the real judge in bubblewrap."""

import os
import subprocess
import time
from contextlib import contextmanager

import pytest

from challenges.judge import (
    BwrapSandbox,
    Judge,
    Limits,
    TestCase,
    Verdict,
    bwrap_path,
    find_runtime,
)
from challenges.judge.slots import BASE_UID, SlotPool

pytestmark = pytest.mark.skipif(not bwrap_path(), reason="bubblewrap (bwrap) is not installed")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def judge():
    return Judge(sandbox_factory=lambda uid: BwrapSandbox(run_as_uid=uid))


def run(judge, source, language="python", stdin="", **limits):
    runtime = find_runtime(language)
    if runtime is None:
        pytest.skip(f"{language} is not installed")
    compiled, result = judge.execute(runtime, source, stdin, Limits(**limits))
    return compiled, result


def grade(judge, source, language="python", **limits):
    runtime = find_runtime(language)
    if runtime is None:
        pytest.skip(f"{language} is not installed")
    return judge.judge(runtime, source, [TestCase("", "ok")], Limits(**limits)).tests[0]


def processes_of(uid: int) -> list[int]:
    pids = []
    for entry in os.scandir("/proc"):
        try:
            if entry.name.isdigit() and entry.stat().st_uid == uid:
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


class WatchedSlots(SlotPool):
    """Slots that look at their uid just before letting it go. While a slot is held, no other run
    on this machine can have its uid, so whatever runs as that uid then is this run's own."""

    def __init__(self, size: int):
        super().__init__(size)
        self.left_behind: list[list[int]] = []

    @contextmanager
    def acquire(self, timeout: float = 120.0):
        with super().acquire(timeout) as slot:
            yield slot
            uid = BASE_UID + slot
            deadline = time.monotonic() + 5  # a zombie may wait a moment for its reaper
            while processes_of(uid) and time.monotonic() < deadline:
                time.sleep(0.05)
            self.left_behind.append(processes_of(uid))


@pytest.fixture
def another_run_on_this_machine():
    """A process of some other run (another worktree's judge, say) under a sandbox uid."""
    if os.geteuid() != 0:
        pytest.skip("runs get uids of their own only when the judge is root")
    process = subprocess.Popen(["sleep", "60"], user=BASE_UID + 999, group=BASE_UID + 999)
    yield process
    process.kill()
    process.wait()


def test_fork_bomb_is_contained_and_leaves_nothing_behind(another_run_on_this_machine):
    slots = WatchedSlots(2)
    judge = Judge(sandbox_factory=lambda uid: BwrapSandbox(run_as_uid=uid), slots=slots)
    source = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    started = time.monotonic()
    result = grade(judge, source, cpu_time=1.0, wall_time=3.0)
    assert result.verdict in {Verdict.TLE, Verdict.RE}
    assert time.monotonic() - started < 15
    # Killed at once, every process of the run; the other run's process is none of ours.
    assert slots.left_behind == [[]]
    assert another_run_on_this_machine.poll() is None


def test_memory_bomb_gets_mle(judge):
    result = grade(judge, "x = bytearray(1024 * 1024 * 1024)\nprint('ok')", memory=128 * 1024 * 1024)
    assert result.verdict == Verdict.MLE


def test_memory_bomb_in_cpp_gets_mle(judge):
    source = "#include <vector>\nint main(){std::vector<char> v; for(;;) v.resize(v.size()+(1<<24), 1);}"
    assert grade(judge, source, "cpp", memory=128 * 1024 * 1024).verdict == Verdict.MLE


def test_infinite_loop_gets_tle(judge):
    assert grade(judge, "while True: pass", cpu_time=1.0, wall_time=5.0).verdict == Verdict.TLE


def test_sleep_gets_tle_by_wall_time(judge):
    started = time.monotonic()
    result = grade(judge, "import time\ntime.sleep(60)", cpu_time=1.0, wall_time=1.5)
    assert result.verdict == Verdict.TLE and time.monotonic() - started < 10


def test_output_flood_gets_ole_and_the_judge_keeps_little(judge):
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = grade(judge, "import sys\nwhile True: sys.stdout.write('x' * 65536)", output=1024 * 1024)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert result.verdict == Verdict.OLE
    assert after - before < 50 * 1024  # KiB: the flood was not kept in the judge's memory
    assert len(result.stdout) < 20_000


def test_huge_file_write_fails(judge):
    source = "f = open('/tmp/big', 'wb')\nfor _ in range(100): f.write(b'x' * (1 << 20))\nf.close()\nprint('ok')"
    result = grade(judge, source, file_size=8 * 1024 * 1024)
    assert result.verdict != Verdict.AC


def test_secrets_and_project_files_are_invisible(judge):
    source = f"""
import os
found = []
for path in ['/etc/shadow', '/etc/passwd', '{ROOT}/manage.py', '{ROOT}/config/settings.py', '/root', '/work',
             '{ROOT}/var/db.sqlite3', '/proc/1/environ']:
    try:
        if os.path.isdir(path):
            found.append((path, os.listdir(path)))
        else:
            found.append((path, open(path, 'rb').read(50)))
    except Exception as e:
        pass
print(repr(found))
print(sorted(os.environ))
"""
    compiled, result = run(judge, source)
    printed = result.stdout.decode()
    assert "manage" not in printed and "SECRET" not in printed and "root:" not in printed
    assert "[]" in printed.splitlines()[0] or printed.splitlines()[0].startswith("[('/proc/1/environ'")
    environment = printed.splitlines()[1]
    for ours in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "VIRTUAL_ENV"):
        assert ours not in environment


def test_environment_of_the_judge_does_not_leak(judge, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "do-not-leak-123")
    compiled, result = run(judge, "import os; print(dict(os.environ))")
    assert "do-not-leak-123" not in result.stdout.decode()


def test_no_network_not_even_loopback(judge):
    source = """
import socket
for port in (5432, 6379, 8000, 80):
    s = socket.socket()
    s.settimeout(1)
    try:
        s.connect(('127.0.0.1', port))
        print('connected', port)
    except OSError as e:
        print('refused', port)
"""
    compiled, result = run(judge, source)
    assert "connected" not in result.stdout.decode()
    assert result.stdout.decode().count("refused") == 4


def test_cannot_kill_the_parent_or_see_other_processes(judge):
    source = """
import os, signal
print(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))
for pid in (1, os.getppid()):
    try:
        os.kill(pid, signal.SIGKILL)
        print('killed', pid)
    except OSError as e:
        print('denied', pid)
print('alive')
"""
    compiled, result = run(judge, source)
    out = result.stdout.decode()
    assert out, result  # say how the run ended if it printed nothing
    pids = eval(out.splitlines()[0])
    assert max(pids) < 10  # a PID namespace of its own: only the sandbox's few processes
    assert os.getpid() not in pids or len(pids) < 10
    # Whatever it killed, it was inside its own namespace; the judge (us) is alive and well.


def test_symlinks_planted_in_the_box_do_not_reach_outside(judge, tmp_path):
    target = tmp_path / "outside.txt"
    target.write_text("secret outside")
    source = f"""
import os
for link, dest in [('/box/evil', '{target}'), ('/tmp/evil', '{target}'), ('/tmp/up', '/')]:
    try:
        os.symlink(dest, link)
    except OSError as e:
        print('no symlink', link)
for path in ('/tmp/evil', '/tmp/up/work', '/tmp/up/etc/shadow'):
    try:
        print(open(path).read())
    except OSError:
        print('cannot read', path)
try:
    open('/tmp/evil', 'w').write('overwritten')
except OSError:
    print('cannot write')
"""
    compiled, result = run(judge, source)
    out = result.stdout.decode()
    assert "secret outside" not in out and "no symlink /box/evil" in out
    assert target.read_text() == "secret outside"


def test_compile_time_is_sandboxed_too(judge):
    # The compiler itself runs inside the sandbox: an #include of a host file finds nothing.
    source = f'#include "{ROOT}/config/settings.py"\nint main(){{}}'
    runtime = find_runtime("cpp")
    if runtime is None:
        pytest.skip("g++ is not installed")
    result = judge.judge(runtime, source, [TestCase("", "")], Limits())
    assert result.verdict == Verdict.CE
    assert "No such file" in result.compile.output and "SECRET_KEY" not in result.compile.output


def test_nothing_from_one_run_is_visible_to_the_next(judge):
    run(judge, "open('/tmp/left-behind', 'w').write('x')\nimport os\ntry:\n    open('/box/left', 'w').write('x')\nexcept OSError: pass")
    compiled, result = run(judge, "import os\nprint(os.path.exists('/tmp/left-behind'), os.path.exists('/box/left'), os.listdir('/box'))")
    assert result.stdout.decode().startswith("False False ['main.py']")


def test_the_box_is_read_only_during_runs(judge):
    compiled, result = run(judge, "open('/box/main.py', 'w').write('hacked')")
    assert result.exit_code != 0 or result.signal

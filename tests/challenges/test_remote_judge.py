"""The remote backend (`PISTON_URL`) against a real Piston-compatible server: our own, served on
loopback by the site's ASGI server. Proves both sides of the protocol."""

import pytest

from challenges.judge import Limits, TestCase, Verdict, find_runtime
from challenges.judge.remote import RemoteError, RemoteJudge
from tests.factories import PASSWORD
from tests.live_server import asgi_server


@pytest.fixture
def remote(transactional_db, make_user, tmp_path):
    import json
    import urllib.request

    user = make_user()
    with asgi_server(tmp_path) as base:
        request = urllib.request.Request(f"{base}/_allauth/app/v1/auth/login", method="POST",
                                         data=json.dumps({"email": user.email, "password": PASSWORD}).encode(),
                                         headers={"Content-Type": "application/json"})
        token = json.loads(urllib.request.urlopen(request, timeout=20).read())["meta"]["access_token"]
        yield RemoteJudge(f"{base}/api/v2/piston", token=f"Bearer {token}")


def test_remote_judge_runs_and_grades(remote):
    assert {"python", "cpp"} <= {r["language"] for r in remote.runtimes}
    python = find_runtime("python")
    result = remote.judge(python, "a, b = map(int, input().split())\nprint(a + b)",
                          [TestCase("1 2", "3"), TestCase("2 2", "5")], Limits())
    assert [t.verdict for t in result.tests] == [Verdict.AC, Verdict.WA]
    compiled = remote.judge(find_runtime("cpp"), "int main( {", [TestCase("", "")], Limits())
    assert compiled.verdict == Verdict.CE and "error" in compiled.compile.output
    slow = remote.judge(python, "while True: pass", [TestCase("", "")], Limits(cpu_time=1, wall_time=2))
    assert slow.tests[0].verdict == Verdict.TLE


def test_remote_judge_stops_at_the_first_timeout_as_the_local_one_does(remote):
    sleeper = "import time\nif input() == 'slow':\n    time.sleep(30)\nprint('ok')\n"
    tests = [TestCase("fast", "ok"), TestCase("slow", "ok"), TestCase("fast", "ok"), TestCase("fast", "ok")]
    result = remote.judge(find_runtime("python"), sleeper, tests, Limits(cpu_time=0.5, wall_time=1))
    assert [t.verdict for t in result.tests] == [Verdict.AC, Verdict.TLE]
    assert (result.verdict, result.passed, result.not_run) == (Verdict.TLE, 1, 2)


def test_remote_judge_reports_an_unreachable_executor():
    judge = RemoteJudge("http://127.0.0.1:9/api/v2/piston", timeout=2)
    with pytest.raises(RemoteError):
        judge.runtimes  # noqa: B018


def test_remote_judge_reports_refusals(remote):
    with pytest.raises(RemoteError) as error:
        remote.execute(find_runtime("python"), "print(1)", "", Limits(wall_time=10_000))
    assert "400" in str(error.value)


def test_remote_judge_sends_every_file(remote):
    from challenges.judge import SourceFile

    files = [SourceFile("util.c", b"int twice(int x) { return 2 * x; }\n"), SourceFile("util.h", b"int twice(int);\n"),
             SourceFile("blob.bin", bytes([0, 255, 7]))]
    source = ('#include <stdio.h>\n#include "util.h"\nint main(void) { FILE *f = fopen("blob.bin", "rb");\n'
              '  int a = fgetc(f), b = fgetc(f), c = fgetc(f); printf("%d %d %d %d\\n", twice(21), a, b, c); }\n')
    compiled, run = remote.execute(find_runtime("c"), source, "", Limits(), entry_name="main.c", files=files)
    assert compiled.ok, compiled.output
    assert run.stdout == b"42 0 255 7\n" and run.output == run.stdout
    failed, nothing = remote.execute(find_runtime("c"), "int main(void) { return nope; }", "", Limits())
    assert not failed.ok and "nope" in failed.output and nothing is None

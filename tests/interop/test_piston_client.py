"""piston-rspy (the Python binding of the Rust Piston client, piston_rs) against our
`/api/v2/piston/`, served by a real ASGI server process on loopback. The client is pointed at the
base URL with a trailing slash, and sends an access token as its key (`Authorization: Bearer ...`),
as an app would."""

import asyncio
import base64
import json
import urllib.request

import piston_rspy
import pytest

from challenges.judge import bwrap_path, detect_runtimes
from tests.factories import PASSWORD, UserFactory
from tests.live_server import asgi_server

pytestmark = pytest.mark.skipif(not bwrap_path(), reason="bubblewrap (bwrap) is not installed")

HELLO = {
    "python": ("main.py", 'print("Hello, world!")\n'),
    "javascript": ("main.js", 'console.log("Hello, world!");\n'),
    "c": ("main.c", '#include <stdio.h>\nint main(void) { puts("Hello, world!"); return 0; }\n'),
    "cpp": ("main.cpp", '#include <iostream>\nint main() { std::cout << "Hello, world!" << std::endl; }\n'),
    "java": ("Main.java", 'public class Main { public static void main(String[] a) { '
                          'System.out.println("Hello, world!"); } }\n'),
}


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    """One server for the module, with runs unthrottled (the throttle has a test of its own)."""
    with asgi_server(tmp_path_factory.mktemp("piston"), THROTTLE_RUNS="10000/min") as base:
        yield f"{base}/api/v2/piston/"


@pytest.fixture
def client(server, transactional_db):
    """A client logged in as a new user (committed, so that the server sees it)."""
    user = UserFactory()
    base = server.removesuffix("/api/v2/piston/")
    login = urllib.request.Request(
        f"{base}/_allauth/app/v1/auth/login", method="POST",
        data=json.dumps({"email": user.email, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"})
    token = json.loads(urllib.request.urlopen(login, timeout=30).read())["meta"]["access_token"]
    return piston_rspy.Client.with_url_and_key(server, f"Bearer {token}")


def execute(client, language, *files, version="*", stdin="", args=(), run_timeout=3000):
    executor = (piston_rspy.Executor().set_language(language).set_version(version)
                .set_stdin(stdin).set_run_timeout(run_timeout))
    for name, content, *encoding in files:
        executor = executor.add_file(piston_rspy.File(name=name, content=content,
                                                      encoding=encoding[0] if encoding else "utf8"))
    if args:
        executor = executor.add_args(list(args))

    async def call():
        return await client.execute(executor)

    return asyncio.run(call())


def error_message(response) -> str:
    """piston_rs puts a refused request's status and body in `run.stderr`: "400 Bad Request: {...}"."""
    status, _, body = response.run.stderr.partition(": ")
    assert status.startswith(str(response.status))
    return json.loads(body)["message"]


def test_runtimes_list_what_is_installed(client):
    async def call():
        return await client.fetch_runtimes()

    runtimes = {r.language: r for r in asyncio.run(call())}
    assert set(runtimes) == set(detect_runtimes())
    assert "py" in runtimes["python"].aliases and runtimes["python"].version == detect_runtimes()["python"].version


@pytest.mark.parametrize("language", sorted(HELLO))
def test_hello_world_in_every_installed_runtime(client, language):
    if language not in detect_runtimes():
        pytest.skip(f"{language} is not installed here")
    response = execute(client, language, HELLO[language])
    assert response.is_ok() and response.status == 200
    assert (response.language, response.version) == (language, detect_runtimes()[language].version)
    assert response.run.stdout == "Hello, world!\n" and response.run.output == "Hello, world!\n"
    assert response.run.code == 0 and response.run.signal is None and response.run.is_ok()
    if detect_runtimes()[language].compiled:
        assert response.compile is not None and response.compile.code == 0
    else:
        assert response.compile is None


def test_stdin_and_args(client):
    source = "import sys\nprint(sys.argv[1:], sys.stdin.read().split())"
    response = execute(client, "python", ("main.py", source), stdin="3 4\n5", args=["--fast", "two words"])
    assert response.run.stdout == "['--fast', 'two words'] ['3', '4', '5']\n"


def test_output_is_both_streams_in_the_order_written(client):
    source = ("import sys, time\nfor i in range(2):\n    print('out', i, flush=True)\n    time.sleep(0.2)\n"
              "    print('err', i, file=sys.stderr, flush=True)\n    time.sleep(0.2)\n")
    run = execute(client, "python", ("main.py", source)).run
    assert (run.stdout, run.stderr) == ("out 0\nout 1\n", "err 0\nerr 1\n")
    assert run.output == "out 0\nerr 0\nout 1\nerr 1\n"


@pytest.mark.parametrize(("language", "name", "source"), [
    ("c", "main.c", "int main(void) { return undeclared; }\n"),
    ("cpp", "main.cpp", "int main() { std::vector<int> v; }\n"),
])
def test_compile_error_answers_the_compile_stage(client, language, name, source):
    response = execute(client, language, (name, source))
    assert response.is_ok()
    compiled = response.compile
    assert compiled.code not in (0, None) and "error" in compiled.stderr and compiled.output == compiled.stderr
    # Nothing ran: as Piston does, `run` repeats the compile stage.
    assert (response.run.stderr, response.run.code) == (compiled.stderr, compiled.code)


def test_runtime_error_and_exit_codes(client):
    crash = execute(client, "python", ("main.py", "raise ValueError('boom')")).run
    assert crash.code == 1 and crash.signal is None and "ValueError: boom" in crash.stderr and crash.is_err()
    high = execute(client, "python", ("main.py", "raise SystemExit(203)")).run
    assert (high.code, high.signal) == (203, None)
    segfault = execute(client, "c", ("main.c", "int main(void) { int *p = 0; return *p; }")).run
    assert segfault.signal == "SIGSEGV"


def test_program_of_several_files(client):
    response = execute(client, "python", ("main.py", "from geometry import area\nprint(area(3, 4))"),
                       ("geometry.py", "def area(w, h):\n    return w * h\n"))
    assert response.run.stdout == "12\n", response.run.stderr
    built = execute(client, "cpp",
                    ("main.cpp", '#include <cstdio>\n#include "add.h"\nint main() { std::printf("%d\\n", add(2, 3)); }\n'),
                    ("add.h", "int add(int, int);\n"), ("add.cpp", '#include "add.h"\nint add(int a, int b) { return a + b; }\n'))
    assert built.compile.code == 0 and built.run.stdout == "5\n", built.compile.stderr


def test_base64_file_beside_the_program(client):
    data = bytes(range(256))
    response = execute(client, "python", ("main.py", "import hashlib\nprint(hashlib.sha256(open('data.bin', 'rb').read()).hexdigest())"),
                       ("data.bin", base64.b64encode(data).decode(), "base64"))
    import hashlib

    assert response.run.stdout == hashlib.sha256(data).hexdigest() + "\n"


@pytest.mark.parametrize("selector", ["*", "3.x", "3", "exact"])
def test_version_selectors(client, selector):
    version = detect_runtimes()["python"].version
    response = execute(client, "python", ("main.py", "print(1)"), version=version if selector == "exact" else selector)
    assert response.is_ok() and response.version == version


def test_timeout_kills_the_run(client):
    response = execute(client, "python", ("main.py", "import time\nprint('started', flush=True)\ntime.sleep(30)"),
                       run_timeout=1000)
    assert response.is_ok()
    assert response.run.stdout == "started\n" and response.run.signal == "SIGKILL" and response.run.code is None


@pytest.mark.parametrize(("language", "version", "message"), [
    ("cobol", "*", "cobol-* runtime is unknown"),
    ("python", "2.x", "python-2.x runtime is unknown"),
    ("python", "not-a-version", "python-not-a-version runtime is unknown"),
])
def test_unknown_runtimes_are_refused(client, language, version, message):
    response = execute(client, language, ("main", "print(1)"), version=version)
    assert response.is_err() and response.status == 400
    assert error_message(response) == message


def test_without_a_token_the_answer_is_a_message(server):
    response = execute(piston_rspy.Client.with_url(server), "python", ("main.py", "print(1)"))
    assert response.status == 401 and error_message(response)

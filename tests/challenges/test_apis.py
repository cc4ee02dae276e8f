import pytest
from rest_framework.test import APIClient

from challenges import selectors, services
from challenges.models import Challenge

from .conftest import SUM_SOURCE

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(make_user):
    staff = make_user()
    staff.is_staff = True
    staff.save()
    client = APIClient()
    client.force_authenticate(staff)
    return client


def test_list_filters_and_viewer_status(auth_client, user, challenge):
    data = auth_client.get("/api/v1/challenges/?difficulty=easy&tag=warm-up").json()
    assert [c["slug"] for c in data["results"]] == ["sum-two"] and data["results"][0]["viewer_status"] == "new"
    assert auth_client.get("/api/v1/challenges/?difficulty=hard").json()["results"] == []
    assert auth_client.get("/api/v1/challenges/?search=integers").json()["count"] == 1
    services.submission_judge(submission_id=services.submission_create(
        user=user, challenge=challenge, language="python", source=SUM_SOURCE).id)
    assert auth_client.get("/api/v1/challenges/?status=solved").json()["count"] == 1
    assert auth_client.get("/api/v1/challenges/?status=new").json()["count"] == 0


def test_detail_hides_solution_until_solved_and_reveals_hints(auth_client, user, challenge):
    detail = auth_client.get("/api/v1/challenges/sum-two/").json()
    assert detail["solution_explanation"] is None and detail["hints_revealed"] == [] and detail["hint_count"] == 2
    assert "reference_solutions" not in detail and "tests" not in detail
    assert auth_client.post("/api/v1/challenges/sum-two/hints/reveal/").json() == {"revealed": 1, "hint": "Read both numbers."}
    services.submission_judge(submission_id=services.submission_create(
        user=user, challenge=challenge, language="python", source=SUM_SOURCE).id)
    detail = auth_client.get("/api/v1/challenges/sum-two/").json()
    assert detail["solution_explanation"] == "Just add." and detail["hints_revealed"] == ["Read both numbers."]


def test_submit_and_read_the_result(auth_client, challenge, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client.post("/api/v1/submissions/", {"challenge": "sum-two", "language": "python",
                                                            "source": SUM_SOURCE, "mode": "zen"}, format="json")
    assert response.status_code == 202
    submission_id = response.json()["id"]
    result = auth_client.get(f"/api/v1/submissions/{submission_id}/result/").json()
    assert result["verdict"] == "AC" and result["mode"] == "zen" and len(result["results"]) == 3
    mine = auth_client.get("/api/v1/submissions/?challenge=sum-two").json()
    assert [s["id"] for s in mine["results"]] == [submission_id]


def test_submission_errors_are_clear(auth_client, challenge):
    for payload, code in [
        ({"challenge": "sum-two", "language": "python", "source": "print(eval('1'))"}, "forbidden_keyword"),
        ({"challenge": "sum-two", "language": "brainfuck", "source": "+"}, "invalid"),  # not in the enum
        ({"challenge": "sum-two", "language": "python", "source": "x" * 70_000}, "source_too_long"),
        ({"challenge": "nope", "language": "python", "source": "print(1)"}, "not_found"),
        ({"challenge": "sum-two", "language": "python"}, "invalid"),
    ]:
        response = auth_client.post("/api/v1/submissions/", payload, format="json")
        assert response.status_code in (400, 404), payload
        assert response.json()["error"]["code"] == code


def test_another_users_submission_answers_404(auth_client, other_user, challenge):
    theirs = services.submission_create(user=other_user, challenge=challenge, language="python", source=SUM_SOURCE)
    assert auth_client.get(f"/api/v1/submissions/{theirs.id}/").status_code == 404
    assert auth_client.get(f"/api/v1/submissions/{theirs.id}/result/").status_code == 404


def test_run_on_custom_input(auth_client, challenge):
    response = auth_client.post("/api/v1/submissions/run/", {"challenge": "sum-two", "language": "python",
                                                             "source": SUM_SOURCE, "stdin": "20 22"}, format="json")
    assert response.status_code == 200 and response.json()["stdout"] == "42\n"


def test_staff_create_update_rejudge_delete(staff_client, auth_client):
    payload = {
        "slug": "echo", "title": "Echo", "type": "dsa", "difficulty": "easy", "category": "io",
        "statement": "Print the input.", "starter": {"python": "# echo"},
        "tests": [{"input": "hi\n", "output": "hi\n", "hidden": False}],
    }
    assert auth_client.post("/api/v1/challenges/", payload, format="json").status_code == 403
    assert staff_client.post("/api/v1/challenges/", payload, format="json").status_code == 201
    assert staff_client.post("/api/v1/challenges/", payload, format="json").status_code == 409
    payload["title"] = "Echo!"
    payload["tests"].append({"input": "yo\n", "output": "yo\n"})
    assert staff_client.put("/api/v1/challenges/echo/", payload, format="json").json()["title"] == "Echo!"
    assert Challenge.objects.get(slug="echo").test_cases.count() == 2
    assert staff_client.post("/api/v1/challenges/echo/rejudge/").json() == {"queued": 0}
    bad = staff_client.post("/api/v1/challenges/", {**payload, "slug": "bad", "tests": []}, format="json")
    assert bad.status_code == 400 and "tests" in bad.json()["error"]["details"]
    assert staff_client.delete("/api/v1/challenges/echo/").status_code == 204


def test_leaderboards(auth_client, user, other_user, challenge):
    for person in (user, other_user):
        services.submission_judge(submission_id=services.submission_create(
            user=person, challenge=challenge, language="python", source=SUM_SOURCE).id)
    board = auth_client.get("/api/v1/challenges/sum-two/leaderboard/").json()
    assert [row["user"]["username"] for row in board["results"]] == [user.username, other_user.username]
    assert board["viewer"]["rank"] == 1
    for period in ("global", "weekly", "monthly"):
        data = auth_client.get(f"/api/v1/leaderboards/{period}/").json()
        assert {row["user"]["username"] for row in data["results"]} == {user.username, other_user.username}
        assert data["viewer"]["rank"] in (1, 2)


@pytest.mark.parametrize("people", [3, 15])
def test_leaderboard_queries_do_not_grow(make_user, challenge, people, django_assert_max_num_queries):
    from accounts.services import progress_record_event

    for i in range(people):
        progress_record_event(user=make_user(), event_type="practice", xp=10 * (i + 1), source=("t", i))
    with django_assert_max_num_queries(2):
        rows = selectors.leaderboard_global(limit=25)
        [(r.rank, r.user.username, r.user.profile.headline) for r in rows]
    with django_assert_max_num_queries(3):
        rows = selectors.leaderboard_period(period="weekly", limit=25)
        [(r.rank, r.user.username, r.user.profile.headline) for r in rows]
    assert [r.rank for r in rows][:2] == [1, 2]


def test_runtimes_endpoint(api_client):
    data = api_client.get("/api/v1/runtimes/").json()
    assert {"python", "cpp"} <= {r["language"] for r in data["runtimes"]}
    assert data["sandbox"]["available"] is True


# --- Piston -------------------------------------------------------------------------------------


def test_piston_runtimes_and_execute(auth_client):
    runtimes = auth_client.get("/api/v2/piston/runtimes").json()
    python = next(r for r in runtimes if r["language"] == "python")
    assert "py" in python["aliases"]
    response = auth_client.post("/api/v2/piston/execute", {
        "language": "py", "version": "*", "files": [{"name": "a.py", "content": "import sys\nprint(sys.argv[1:], input())"}],
        "stdin": "hello", "args": ["x", "y"], "run_timeout": 3000}, format="json")
    assert response.status_code == 200, response.content
    run = response.json()["run"]
    assert run["stdout"] == "['x', 'y'] hello\n" and run["code"] == 0 and run["status"] is None
    assert run["output"] == run["stdout"] and run["signal"] is None
    assert {"cpu_time", "wall_time", "memory", "message"} <= set(run)
    assert "compile" not in response.json()


def test_piston_compiled_language_and_errors(auth_client):
    response = auth_client.post("/api/v2/piston/execute", {
        "language": "c++", "files": [{"content": "#include <cstdio>\nint main(){puts(\"x\"); return 3;}"}]}, format="json")
    body = response.json()
    assert body["compile"]["code"] == 0 and body["run"]["stdout"] == "x\n" and body["run"]["code"] == 3
    assert body["run"]["status"] == "RE"
    timeout = auth_client.post("/api/v2/piston/execute", {
        "language": "python", "files": [{"content": "while True: pass"}], "run_timeout": 1000}, format="json").json()
    assert timeout["run"]["status"] == "TO"


@pytest.mark.parametrize(("payload", "message"), [
    ({"language": "cobol", "files": [{"content": "x"}]}, "runtime is unknown"),
    ({"language": "python", "version": "2.7", "files": [{"content": "x"}]}, "runtime is unknown"),
    ({"language": "python", "files": [{"content": "x"}], "run_timeout": 10**9}, "cannot exceed"),
    ({"language": "python", "files": [{"content": "x"}], "run_memory_limit": 10**12}, "cannot exceed"),
    ({"language": "python", "files": []}, "at least one utf8 encoded file"),
])
def test_piston_bad_requests_answer_400_with_a_message(auth_client, payload, message):
    response = auth_client.post("/api/v2/piston/execute", payload, format="json")
    assert response.status_code == 400 and message in response.json()["message"]


def test_piston_needs_authentication(api_client):
    assert api_client.post("/api/v2/piston/execute", {"language": "python", "files": [{"content": "print(1)"}]},
                           format="json").status_code == 401


def execute(client, **payload):
    response = client.post("/api/v2/piston/execute", {"version": "*", **payload}, format="json")
    return response.status_code, response.json()


def test_piston_output_is_both_streams_in_the_order_written(auth_client):
    source = ("import sys, time\nprint('one', flush=True)\ntime.sleep(0.2)\n"
              "print('two', file=sys.stderr, flush=True)\ntime.sleep(0.2)\nprint('three', flush=True)\n")
    status, body = execute(auth_client, language="python", files=[{"content": source}])
    run = body["run"]
    assert (run["stdout"], run["stderr"], run["output"]) == ("one\nthree\n", "two\n", "one\ntwo\nthree\n")


def test_piston_files_beside_the_entry_point_in_every_encoding(auth_client):
    status, body = execute(auth_client, language="python", files=[
        {"name": "main.py", "content": "import helper\nprint(helper.twice(21), open('blob.bin', 'rb').read(), "
                                       "open('notes/hex.txt').read())"},
        {"name": "helper.py", "content": "def twice(x):\n    return 2 * x\n"},
        {"name": "blob.bin", "content": "AAH/", "encoding": "base64"},
        {"name": "notes/hex.txt", "content": "6869", "encoding": "hex"},
    ])
    assert status == 200, body
    assert body["run"]["stdout"] == "42 b'\\x00\\x01\\xff' hi\n"


def test_piston_entry_point_is_the_first_utf8_file(auth_client):
    status, body = execute(auth_client, language="python", files=[
        {"name": "data.txt", "content": "aGVsbG8=", "encoding": "base64"},
        {"name": "run.py", "content": "print(open('data.txt').read())"},
    ])
    assert body["run"]["stdout"] == "hello\n"


def test_piston_c_program_of_several_files(auth_client):
    status, body = execute(auth_client, language="c", files=[
        {"name": "main.c", "content": '#include <stdio.h>\n#include "util.h"\nint main(void){printf("%d\\n", twice(4));}'},
        {"name": "util.h", "content": "int twice(int);\n"},
        {"name": "util.c", "content": "int twice(int x){return 2*x;}\n"},
    ])
    assert body["compile"]["code"] == 0 and body["run"]["stdout"] == "8\n"


def test_piston_failed_compile_answers_the_compile_stage(auth_client):
    status, body = execute(auth_client, language="cpp", files=[{"content": "int main() { nope; }"}])
    assert status == 200
    compiled = body["compile"]
    assert compiled["code"] not in (0, None) and compiled["signal"] is None
    assert "nope" in compiled["stderr"] and compiled["output"] == compiled["stdout"] + compiled["stderr"]
    assert body["run"] == compiled  # as Piston: nothing ran, and `run` repeats the compile stage


def test_piston_exit_codes_above_128_and_signals(auth_client):
    status, body = execute(auth_client, language="python", files=[{"content": "raise SystemExit(203)"}])
    assert (body["run"]["code"], body["run"]["signal"], body["run"]["status"]) == (203, None, "RE")
    status, body = execute(auth_client, language="python",
                           files=[{"content": "import os, signal\nos.kill(os.getpid(), signal.SIGTERM)"}])
    assert (body["run"]["code"], body["run"]["signal"], body["run"]["status"]) == (None, "SIGTERM", "SG")


def test_piston_timeout_is_killed_and_says_so(auth_client):
    status, body = execute(auth_client, language="python", files=[{"content": "import time\ntime.sleep(30)"}],
                           run_timeout=1000)
    run = body["run"]
    assert (run["status"], run["signal"], run["code"]) == ("TO", "SIGKILL", None)
    assert 0 < run["memory"] < 100 * 1024 * 1024  # the program's own, measured when it was stopped


def test_piston_stdin_ends_with_a_newline_as_in_piston(auth_client):
    status, body = execute(auth_client, language="python", files=[{"content": "import sys\nprint(repr(sys.stdin.read()))"}],
                           stdin="a")
    assert body["run"]["stdout"] == "'a\\n'\n"


@pytest.mark.parametrize(("selector", "found"), [
    ("*", True), ("3.x", True), ("3", True), ("^3.0.0", True), (">=3 <4", True), ("exact", True),
    ("2.x", False), ("4.x", False), ("3.999.x", False), ("banana", False),
])
def test_piston_version_selectors(auth_client, selector, found):
    from challenges.judge import find_runtime

    version = find_runtime("python").version
    selector = version if selector == "exact" else selector
    status, body = execute(auth_client, language="python", version=selector, files=[{"content": "print(1)"}])
    if found:
        assert status == 200 and body["version"] == version
    else:
        assert status == 400 and body == {"message": f"python-{selector} runtime is unknown"}


@pytest.mark.parametrize(("payload", "message"), [
    ({"version": "*", "files": [{"content": "x"}]}, "language is required as a string"),
    ({"language": "python", "version": "", "files": [{"content": "x"}]}, "version is required as a string"),
    ({"language": "python", "files": "x"}, "files is required as an array"),
    ({"language": "python", "files": [{"content": "x"}, {"name": "b"}]}, "files[1].content is required as a string"),
    ({"language": "python", "files": [{"content": "x"}], "run_timeout": "soon"}, "If specified, run_timeout must be a number"),
    ({"language": "python", "files": [{"content": "x"}], "run_timeout": -5}, "run_timeout must be non-negative"),
    ({"language": "python", "files": [{"content": "x", "encoding": "base64"}]}, "files must include at least one utf8 encoded file"),
    ({"language": "python", "files": [{"content": "x"}, {"name": "../up.py", "content": "y"}]}, "inside the work directory"),
    ({"language": "python", "files": [{"content": "x"}, {"name": "h", "content": "zz", "encoding": "hex"}]}, "files[1].content is not valid hex"),
])
def test_piston_invalid_requests_answer_piston_messages(auth_client, payload, message):
    response = auth_client.post("/api/v2/piston/execute", payload, format="json")
    assert response.status_code == 400 and message in response.json()["message"], response.json()
    assert set(response.json()) == {"message"}


def test_piston_every_error_is_a_message(auth_client, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import ScopedRateThrottle

    anonymous = APIClient().post("/api/v2/piston/execute", {"language": "python", "files": [{"content": "print(1)"}]},
                                format="json")
    assert anonymous.status_code == 401 and set(anonymous.json()) == {"message"}
    bad_token = APIClient(HTTP_AUTHORIZATION="Bearer not-a-token").get("/api/v2/piston/runtimes")
    assert bad_token.status_code == 401 and set(bad_token.json()) == {"message"}
    form = auth_client.post("/api/v2/piston/execute", {"language": "python"})
    assert form.status_code == 415 and form.json() == {"message": "requests must be of type application/json"}
    broken = auth_client.generic("POST", "/api/v2/piston/execute", "{not json", content_type="application/json")
    assert broken.status_code == 400 and set(broken.json()) == {"message"}
    for path in ("/api/v2/piston/packages", "/api/v2/piston/nothing/here"):
        missing = APIClient().get(path)
        assert missing.status_code == 404 and missing.json() == {"message": "Not Found"}
    wrong_method = auth_client.get("/api/v2/piston/execute")
    assert wrong_method.status_code == 405 and set(wrong_method.json()) == {"message"}
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "runs", "1/min")
    cache.clear()
    assert execute(auth_client, language="python", files=[{"content": "print(1)"}])[0] == 200
    throttled = auth_client.post("/api/v2/piston/execute", {"language": "python", "files": [{"content": "print(1)"}]},
                                 format="json")
    assert throttled.status_code == 429 and set(throttled.json()) == {"message"}
    assert "throttled" in throttled.json()["message"] and throttled.headers["Retry-After"]


def test_piston_base_url_with_a_trailing_slash_still_works(auth_client):
    assert auth_client.get("/api/v2/piston//runtimes").status_code == 200
    status, body = execute(auth_client, language="python", files=[{"content": "print(1)"}])
    assert auth_client.post("/api/v2/piston//execute", {"language": "python", "version": "*",
                                                         "files": [{"content": "print(1)"}]},
                            format="json").json()["run"]["stdout"] == "1\n"


def test_achievement_catalogue_is_public(api_client, achievements):
    codes = {a["code"] for a in api_client.get("/api/v1/achievements/").json()}
    assert {"first-solve", "solves-10", "speed-demon"} <= codes


def test_production_refuses_the_unsafe_runner(auth_client, challenge, settings, monkeypatch):
    from challenges import judge_gateway

    settings.JUDGE_ALLOW_UNSAFE = False
    settings.PISTON_URL = ""
    monkeypatch.setattr(judge_gateway, "bwrap_path", lambda: None)
    judge_gateway.get_judge.cache_clear()
    try:
        response = auth_client.post("/api/v1/submissions/run/", {"language": "python", "source": "print(1)"},
                                    format="json")
        assert response.status_code == 503 and response.json()["error"]["code"] == "judge_unavailable"
        assert auth_client.get("/api/v1/runtimes/").json()["sandbox"]["available"] is False
    finally:
        judge_gateway.get_judge.cache_clear()


def test_piston_lone_surrogates_answer_a_message(auth_client):
    # JSON may carry a lone surrogate ("\ud800"): refused with Piston's shape, never a 500.
    body = '{"language": "python", "version": "*", "files": [{"content": "print(1)  # \\ud800"}]}'
    response = auth_client.generic("POST", "/api/v2/piston/execute", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["message"].startswith("files[0].content: ")


def test_challenge_list_is_paginated_and_its_query_values_are_checked(auth_client, challenge):
    body = auth_client.get("/api/v1/challenges/?difficulty=easy&page_size=1").json()
    assert body["count"] == 1 and body["results"][0]["slug"] == "sum-two" and body["next"] is None
    for query in ("page=null", "page=0", "page=1.0", "page_size=101", "type=", "status=done", "search=" + "x" * 61):
        response = auth_client.get(f"/api/v1/challenges/?{query}")
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_query", query
    assert auth_client.get("/api/v1/leaderboards/weekly/?page=null").status_code == 400
    assert auth_client.get("/api/v1/submissions/?challenge=").status_code == 400


def test_staff_writes_go_through_services_and_refuse_odd_json(staff_client):
    payload = {"slug": "echo", "title": "Echo", "type": "dsa", "difficulty": "easy", "category": "io",
               "statement": "Print the input.", "tests": [{"input": "hi\n", "output": "hi\n"}]}
    for odd in ({"scenario": None}, {"title": 7}, {"tags": [1]}, {"tests": [{"input": 1, "output": "x"}]}):
        response = staff_client.post("/api/v1/challenges/", {**payload, **odd}, format="json")
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid", odd
    assert staff_client.post("/api/v1/challenges", payload, format="json").status_code == 201  # no slash
    taken = staff_client.post("/api/v1/challenges/", payload, format="json").json()["error"]
    assert taken["code"] == "slug_taken"
    assert staff_client.put("/api/v1/challenges/echo", [payload], format="json").json()["error"]["code"] == "invalid_body"


def test_piston_errors_keep_pistons_shape_in_the_schema(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    bad = schema["paths"]["/api/v2/piston/execute"]["post"]["responses"]["400"]["content"]["application/json"]
    assert bad["schema"] == {"$ref": "#/components/schemas/PistonMessage"}
    missing = schema["paths"]["/api/v2/piston/execute"]["post"]["responses"]["404"]["content"]["application/json"]
    assert missing["schema"] == {"$ref": "#/components/schemas/PistonMessage"}


# --- issue 9: order, dashes, one score statement, the solution on request, the early stop -------


def test_the_list_reads_easy_medium_hard(api_client, db):
    from .conftest import plain_challenge

    for slug, difficulty in [("a-hard", "hard"), ("b-medium", "medium"), ("c-easy", "easy"), ("a-easy", "easy")]:
        plain_challenge(slug, slug.title(), difficulty)
    data = api_client.get("/api/v1/challenges/").json()["results"]
    assert [c["slug"] for c in data] == ["a-easy", "c-easy", "b-medium", "a-hard"]


def test_never_tried_is_null_not_zero(auth_client, user, challenge):
    listed = auth_client.get("/api/v1/challenges/").json()["results"][0]
    assert (listed["success_rate"], listed["viewer_best_points"]) == (None, None)
    assert auth_client.get("/api/v1/challenges/sum-two/stats/").json()["success_rate"] is None
    services.submission_judge(submission_id=services.submission_create(
        user=user, challenge=challenge, language="python", source="print(0)").id)
    listed = auth_client.get("/api/v1/challenges/").json()["results"][0]
    detail = auth_client.get("/api/v1/challenges/sum-two/").json()
    assert (listed["success_rate"], listed["viewer_best_points"]) == (0, 0)
    assert (detail["viewer_status"], detail["viewer_best_points"]) == ("attempted", 0)


def test_the_api_states_the_score_as_the_pages_do(auth_client, user, challenge):
    source = "a, b = map(int, input().split())\nprint(a + b if a < 1000 else 0)\n"
    submission = services.submission_judge(submission_id=services.submission_create(
        user=user, challenge=challenge, language="python", source=source).id)
    result = auth_client.get(f"/api/v1/submissions/{submission.id}/result/").json()
    assert (result["score_label"], result["points"], result["passed"], result["total"], result["not_run"]) == (
        "2/3 tests · 50 points", 50, 2, 3, 0)
    listed = auth_client.get("/api/v1/submissions/").json()["results"][0]
    assert (listed["score_label"], listed["points"]) == ("2/3 tests · 50 points", 50)
    board = auth_client.get("/api/v1/challenges/sum-two/leaderboard/").json()
    assert board["viewer"]["value"] == 50


def test_the_solution_on_request(auth_client, user, challenge):
    assert APIClient().post("/api/v1/challenges/sum-two/solution/reveal/").status_code in (401, 403)
    detail = auth_client.get("/api/v1/challenges/sum-two/").json()
    assert (detail["solution_available"], detail["solution_explanation"]) == (True, None)
    revealed = auth_client.post("/api/v1/challenges/sum-two/solution/reveal/")
    assert revealed.status_code == 200
    assert revealed.json() == {"solution_explanation": "Just add.", "solution_html": "<p>Just add.</p>\n"}
    assert auth_client.get("/api/v1/challenges/sum-two/").json()["solution_explanation"] == "Just add."


def test_no_solution_to_reveal_is_a_clear_error(auth_client, db):
    from .conftest import plain_challenge

    plain_challenge("bare", "Bare", solution="")
    assert auth_client.get("/api/v1/challenges/bare/").json()["solution_available"] is False
    response = auth_client.post("/api/v1/challenges/bare/solution/reveal/")
    assert response.status_code == 400 and response.json()["error"]["code"] == "no_solution"


def test_a_timeout_on_the_first_hidden_test_ends_the_submission(auth_client, user, db):
    from .conftest import plain_challenge

    challenge = plain_challenge("sleepy", "Sleepy", tests=10, time_limit_ms=500)
    sleeper = "import time\nn = int(input())\nif n > 0:\n    time.sleep(30)\nprint(n)\n"  # test 1 is the sample
    submission = services.submission_judge(submission_id=services.submission_create(
        user=user, challenge=challenge, language="python", source=sleeper).id)
    result = auth_client.get(f"/api/v1/submissions/{submission.id}/result/").json()
    assert result["verdict"] == "TLE" and [r["verdict"] for r in result["results"]] == ["AC", "TLE"]
    assert (result["passed"], result["total"], result["not_run"], result["score_label"]) == (
        1, 10, 8, "1/10 tests · 10 points")

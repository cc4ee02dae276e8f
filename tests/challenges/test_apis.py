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
    ({"language": "python", "files": []}, "at least one file"),
])
def test_piston_bad_requests_answer_400_with_a_message(auth_client, payload, message):
    response = auth_client.post("/api/v2/piston/execute", payload, format="json")
    assert response.status_code == 400 and message in response.json()["message"]


def test_piston_needs_authentication(api_client):
    assert api_client.post("/api/v2/piston/execute", {"language": "python", "files": [{"content": "print(1)"}]},
                           format="json").status_code == 401


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
    assert {"$ref": "#/components/schemas/PistonMessage"} in bad["schema"]["oneOf"]

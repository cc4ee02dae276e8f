"""The API contract every app shares: every write takes only a JSON object, every route works
with and without its trailing slash, bad query values are 400s, errors are the envelope."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.resumes import documents

# A fixed uuid: parallel test workers must collect the same test ids.
SAMPLE = {"int": "1", "slug": "two-sum", "str": "ada", "uuid": "9861834a-cb45-4e3d-ab0c-c0b9b22719b6", "path": "x"}
NOT_OBJECTS = ["[1, 2]", '"text"', "42", "null", "true"]


def api_routes():
    """(route with sample values, view class) for every /api/v1/ route with a name."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name and (prefix + str(pattern.pattern)).startswith("api/v1/"):
                route = prefix + str(pattern.pattern)
                for converter, value in SAMPLE.items():
                    for name in pattern.pattern.converters:
                        route = route.replace(f"<{converter}:{name}>", value)
                found.append(("/" + route, pattern.callback.view_class))

    walk(get_resolver().url_patterns, "")
    return found


ROUTES = api_routes()
WRITES = [(route, method) for route, view in ROUTES for method in ("post", "put", "patch")
          if hasattr(view, method)]


def test_every_api_route_is_walked():
    assert len(ROUTES) >= 40 and all("<" not in route for route, _ in ROUTES)


@pytest.mark.parametrize("route,view", ROUTES, ids=[r for r, _ in ROUTES])
def test_every_api_route_answers_without_its_trailing_slash(route, view):
    assert route.endswith("/")
    assert resolve(route).func.view_class is view
    assert resolve(route.rstrip("/")).func.view_class is view


@pytest.mark.parametrize("route,method", WRITES, ids=[f"{m.upper()} {r}" for r, m in WRITES])
def test_a_body_that_is_not_a_json_object_is_a_400_envelope(auth_client, route, method):
    for body in NOT_OBJECTS:
        response = getattr(auth_client, method)(route, body, content_type="application/json")
        assert response.status_code in (400, 404, 405, 415), (body, response.status_code, response.content)
        if response.status_code == 400:
            assert response.json()["error"]["code"] == "invalid_body", (body, response.json())


def test_malformed_json_is_a_400_envelope_not_a_500(auth_client):
    for body in ("{", '{"a": 1', "[" * 100_000, b"\xff\xfe"):
        response = auth_client.generic("POST", "/api/v1/jobs/", body, content_type="application/json")
        assert response.status_code == 400 and response.json()["error"]["code"] == "parse_error"


def test_post_to_the_seeds_slashless_upload_path_works(auth_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = auth_client.post("/api/v1/interview-prep/upload",
                                {"file": SimpleUploadedFile("cv.docx", documents.docx_plain())}, format="multipart")
    assert response.status_code == 201, response.content
    assert auth_client.post("/api/v1/jobs", [1], format="json").json()["error"]["code"] == "invalid_body"


def test_an_unknown_api_path_is_the_404_envelope(auth_client, client):
    assert auth_client.get("/api/v1/no-such-thing/").json()["error"]["code"] == "not_found"
    # Not CSRF's HTML page either, for a session-authenticated POST.
    response = client.post("/api/v1/ai/roadmap/null,null/", {})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("url", [
    "/api/v1/challenges/?page=null", "/api/v1/challenges/?page=0", "/api/v1/challenges/?page_size=1000",
    "/api/v1/challenges/?difficulty=impossible", "/api/v1/challenges/?type=", "/api/v1/submissions/?page=1.0",
    "/api/v1/notifications/?unread=2901374", "/api/v1/notifications/?page_size=abc",
    "/api/v1/leaderboards/global/?page=null", "/api/v1/users/{me}/followers/?page=null",
    "/api/v1/skill-gaps/?resume=-1&job=1", "/api/v1/resumes/1/export/?kind=odt",
])
def test_invalid_query_values_are_a_400_envelope(auth_client, user, url):
    response = auth_client.get(url.format(me=user.username))
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid_query" and response.json()["error"]["details"]


def test_a_page_past_the_end_is_a_404_envelope(auth_client):
    response = auth_client.get("/api/v1/challenges/?page=50")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_json_types_are_taken_as_written(auth_client):
    assert auth_client.post("/api/v1/resumes/", {"title": 0}, format="json").status_code == 400
    job = auth_client.post("/api/v1/jobs/", {"text": "x" * 100, "company": 0}, format="json")
    assert job.status_code == 400 and "company" in job.json()["error"]["details"]


def test_the_schema_documents_pagination_errors_and_constraints(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in ("/api/v1/challenges/", "/api/v1/submissions/", "/api/v1/users/{username}/followers/",
                 "/api/v1/users/{username}/following/", "/api/v1/notifications/"):
        ok = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        component = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
        assert component["type"] == "object" and "results" in component["properties"], path
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert {"400", "401", "404", "429"} <= set(operation["responses"]), (method, path)
    envelope = schema["components"]["schemas"]["ErrorEnvelope"]
    assert envelope["required"] == ["error"]
    title = schema["components"]["schemas"]["BlankResumeInputRequest"]["properties"]["title"]
    assert title["maxLength"] == 120 and title["minLength"] == 1
    page = next(p for p in paths["/api/v1/challenges/"]["get"]["parameters"] if p["name"] == "page")
    assert page["schema"]["minimum"] == 1


def test_a_json_body_over_the_limit_is_a_413_envelope(auth_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = auth_client.post("/api/v1/jobs/", {"text": "x" * 2000}, format="json")
    assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"

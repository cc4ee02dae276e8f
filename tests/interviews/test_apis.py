"""The question bank and interview API: lists, staff writes, import/export, a whole interview,
another user's session (404) and the model path against a loopback chat-completions server."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from interviews.models import InterviewSession, Question

pytestmark = pytest.mark.django_db


def test_questions_are_listed_paginated_and_filtered(bank, api_client):
    everything = api_client.get("/api/v1/questions").json()
    assert everything["count"] == Question.objects.count() and everything["results"][0]["rubric"]
    hard = api_client.get("/api/v1/questions", {"difficulty": "hard"}).json()["results"]
    assert hard and {q["difficulty"] for q in hard} == {"hard"}
    design = api_client.get("/api/v1/questions", {"category": "system_design", "skill": "caching"}).json()
    assert [q["slug"] for q in design["results"]] == ["starter-system-design-url-shortener"]
    search = api_client.get("/api/v1/questions", {"search": "GIL"}).json()["results"]
    assert [q["slug"] for q in search] == ["starter-python-gil"]
    page = api_client.get("/api/v1/questions", {"page_size": 3}).json()
    assert len(page["results"]) == 3 and page["next"]
    bad = api_client.get("/api/v1/questions", {"difficulty": "extreme"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_query"
    assert api_client.get("/api/v1/questions/starter-python-gil").json()["calibrated_difficulty"] == ""
    assert api_client.get("/api/v1/questions/nope").status_code == 404


NEW_QUESTION = {"slug": "api-new-question", "category": "dsa_concepts", "difficulty": "medium",
                "skills": ["algorithms"], "prompt": "When would you choose a heap over a sorted array?",
                "keywords": ["heap", "insert"],
                "talking_points": [{"text": "Insert cost", "keywords": ["log n", "insert"]}],
                "rubric": [{"criterion": "Cost", "dimension": "depth", "weight": 1.0, "weak": "a", "fair": "b",
                            "strong": "c"}],
                "follow_ups": [{"prompt": "What does an insert cost?", "talking_point": 0}]}


def test_only_staff_create_questions(bank, auth_client, api_client, staff):
    assert auth_client.post("/api/v1/questions", NEW_QUESTION, format="json").status_code == 403
    api_client.force_authenticate(staff)
    created = api_client.post("/api/v1/questions", NEW_QUESTION, format="json")
    assert created.status_code == 201 and created.json()["slug"] == "api-new-question"
    again = api_client.post("/api/v1/questions", NEW_QUESTION, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "slug_taken"
    wrong = api_client.post("/api/v1/questions", {**NEW_QUESTION, "slug": "api-other", "rubric": [
        {**NEW_QUESTION["rubric"][0], "weight": 0.4}]}, format="json")
    assert wrong.status_code == 400 and "sum to" in wrong.json()["error"]["message"]


def test_export_then_import_round_trips(bank, api_client, staff, auth_client):
    assert auth_client.get("/api/v1/questions/export").status_code == 403
    api_client.force_authenticate(staff)
    exported = api_client.get("/api/v1/questions/export").json()
    assert len(exported["question"]) == Question.objects.count()
    same = api_client.post("/api/v1/questions/import", exported, format="json").json()
    assert same == {"created": 0, "updated": 0, "unchanged": Question.objects.count()}
    toml = ('[[question]]\nslug = "toml-imported"\ncategory = "hr"\ndifficulty = "easy"\n'
            'prompt = "What are your salary expectations?"\n')
    assert api_client.post("/api/v1/questions/import", {"toml": toml}, format="json").json()["created"] == 1
    broken = api_client.post("/api/v1/questions/import", {"toml": "[[question]\nslug="}, format="json")
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "invalid_toml"


def test_a_whole_interview_over_the_api(bank, auth_client):
    started = auth_client.post("/api/v1/interview/v3/start", {"type": "behavioral", "difficulty": "medium",
                                                              "length": 2}, format="json")
    assert started.status_code == 201
    session = started.json()
    assert session["current_turn"] == 0 and session["turns"][0]["category"] == "behavioral"
    question = Question.objects.get(slug=session["turns"][0]["question"])
    answered = auth_client.post("/api/v1/interview/v3/answer", {"session": session["id"], "turn": 0,
                                                                "answer": question.sample_strong_answer},
                                format="json").json()
    assert answered["answered"]["evaluation"]["overall"] > 60 and answered["next"]["index"] == 1
    stale = auth_client.post("/api/v1/interview/v3/answer", {"session": session["id"], "turn": 0,
                                                             "answer": "again"}, format="json")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "already_answered"
    ended = auth_client.post(f"/api/v1/interview/v3/end/{session['id']}").json()
    assert ended["status"] == "finished" and ended["report"]["answers"] == 1
    history = auth_client.get("/api/v1/interview/v3/sessions").json()
    assert history["count"] == 1 and history["results"][0]["overall"] == ended["report"]["overall"]
    shared = auth_client.post(f"/api/v1/interview/v3/sessions/{session['id']}/share", {"shared": True},
                              format="json").json()
    assert shared["shared"] and "/interviews/shared/" in shared["url"]


def test_answers_over_the_limit_or_empty_get_clear_errors(bank, auth_client):
    session = auth_client.post("/api/v1/interview/v3/start", {"length": 2}, format="json").json()
    huge = auth_client.post("/api/v1/interview/v3/answer", {"session": session["id"], "answer": "word " * 5000},
                            format="json")
    assert huge.status_code == 400 and huge.json()["error"]["code"] == "answer_too_long"
    assert huge.json()["error"]["details"] == {"max_characters": 8000}
    empty = auth_client.post("/api/v1/interview/v3/answer", {"session": session["id"], "answer": " "},
                             format="json")
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "empty_answer"


def test_another_users_session_is_a_404_everywhere(bank, auth_client, api_client, other_user):
    theirs = auth_client.post("/api/v1/interview/v3/start", {"length": 2}, format="json").json()["id"]
    api_client.force_authenticate(other_user)
    assert api_client.get(f"/api/v1/interview/v3/sessions/{theirs}").status_code == 404
    assert api_client.post("/api/v1/interview/v3/answer", {"session": theirs, "answer": "Mine now, surely."},
                           format="json").status_code == 404
    assert api_client.post(f"/api/v1/interview/v3/end/{theirs}").status_code == 404
    assert api_client.post(f"/api/v1/interview/v3/sessions/{theirs}/share", {"shared": True},
                           format="json").status_code == 404
    assert api_client.get("/api/v1/interview/v3/sessions").json()["count"] == 0
    assert InterviewSession.objects.get(pk=theirs).status == "active"


def test_signed_out_cannot_start(api_client, bank):
    assert api_client.post("/api/v1/interview/v3/start", {}, format="json").status_code in (401, 403)


class FakeModel(BaseHTTPRequestHandler):
    mode = "ok"
    requests: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeModel.requests.append(body)
        system = body["messages"][0]["content"]
        if "Reword" in system:
            content = json.dumps({"prompt": "In your own words: " + body["messages"][1]["content"].split(": ", 1)[1]})
        elif FakeModel.mode == "ok":
            answer = body["messages"][1]["content"].split("Answer:\n", 1)[1]
            quote = answer.split(".")[0]
            content = json.dumps({"dimensions": [
                {"dimension": d, "score": 66, "reason": f"model on {d}", "evidence": [quote, "words never said"]}
                for d in ("relevance", "depth", "structure", "clarity", "concision")],
                "covered_talking_points": [0], "summary": "The model's summary."})
        else:
            content = "not json at all"
        if body.get("stream"):  # the interviews stream the model's answer to the page: SSE, as OpenAI sends it
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for start in range(0, len(content), 50):
                chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "fake-1",
                         "choices": [{"index": 0, "delta": {"content": content[start:start + 50]},
                                      "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            return
        data = json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": "fake-1",
                           "choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def model_server(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeModel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.AI_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.AI_API_KEY, settings.AI_MODEL, settings.AI_TIMEOUT_SECONDS, settings.AI_MAX_RETRIES = "k", "fake-1", 2, 0
    FakeModel.requests = []
    yield FakeModel
    server.shutdown()
    server.server_close()


def test_with_a_model_the_evaluation_is_its_schema_valid_json(bank, auth_client, model_server):
    model_server.mode = "ok"
    session = auth_client.post("/api/v1/interview/v3/start", {"type": "technical", "length": 2},
                               format="json").json()
    assert session["turns"][0]["prompt"].startswith("In your own words: ")
    question = Question.objects.get(slug=session["turns"][0]["question"])
    answer = question.sample_strong_answer
    evaluation = auth_client.post("/api/v1/interview/v3/answer", {"session": session["id"], "answer": answer},
                                  format="json").json()["answered"]
    assert evaluation["engine"] == "openai-compatible"
    result = evaluation["evaluation"]
    assert {d["score"] for d in result["dimensions"]} == {66} and result["overall"] == 66
    assert result["summary"] == "The model's summary."
    # Evidence the answer does not contain is dropped: quotes are quotes.
    assert all("words never said" not in e for d in result["dimensions"] for e in d["evidence"])
    # An answer with no evidence is never sent to the model: it would only invent a number.
    sent = len(model_server.requests)
    nothing = auth_client.post("/api/v1/interview/v3/answer", {"session": session["id"], "answer": "Ok."},
                               format="json").json()["answered"]
    assert nothing["evaluation"]["overall"] is None and nothing["engine"] == "offline"
    assert len(model_server.requests) == sent


def test_a_broken_model_falls_back_to_the_offline_engine(bank, auth_client, model_server):
    model_server.mode = "garbage"
    session = auth_client.post("/api/v1/interview/v3/start", {"type": "technical", "length": 2},
                               format="json").json()
    question = Question.objects.get(slug=session["turns"][0]["question"])
    answered = auth_client.post("/api/v1/interview/v3/answer", {"session": session["id"],
                                                                "answer": question.sample_strong_answer},
                                format="json").json()["answered"]
    assert answered["engine"] == "offline" and answered["evaluation"]["overall"] > 60
    from interviews.models import InterviewTurn

    assert "not JSON" in InterviewTurn.objects.get(session_id=session["id"], index=0).fallback_reason

"""Mixed users for tests/bench/test_load.py (locust, headless). Each request is named
"page ..." or "api ...", so that the pages and the API are measured apart.

- Browsing (most users): signed in with a browser session (allauth's form), reads the challenge
  list (now and then filtered), a challenge, the leaderboard and the API's list.
- Solving: a JWT app user opens a challenge, submits a solution (judged by the Celery worker in
  the bubblewrap sandbox) and polls it until it is judged.
- In a room: a JWT user opens a live coding room (`POST /api/v1/sessions/`), reads it back, and
  opens its page with a browser session.
- Uploading a resume: a JWT user uploads a real PDF (parsed by the worker) and reads its status.
- Chatting: a JWT user sends messages in a private chat and reads its history back.
Editing a room's document over its WebSocket is measured by tests/bench/test_room_capacity.py
(with the official y-websocket clients); here rooms are opened and read.

The demo accounts of `seed_demo` sign in (LOCUST_ACCOUNTS), shared round-robin by the users;
they chat with LOCUST_CHAT_PEERS (other demo accounts, none of them signing in here).
"""

import itertools
import os
import random
import re
from pathlib import Path

from locust import FastHttpUser, between, task

ACCOUNTS = os.environ.get("LOCUST_ACCOUNTS", "linus@example.com,grace@example.com,margaret@example.com").split(",")
CHAT_PEERS = os.environ.get("LOCUST_CHAT_PEERS", "ada").split(",")
PASSWORD = "prepforge-demo"
RESUME = Path(os.environ.get("LOCUST_RESUME", "")) if os.environ.get("LOCUST_RESUME") else None
SLUGS = ["two-sum", "fizzbuzz-variant", "palindrome-check", "reverse-words"]
TWO_SUM = """n, t = map(int, input().split())
a = list(map(int, input().split()))
seen = {}
for j, x in enumerate(a):
    if t - x in seen:
        print(seen[t - x], j)
        break
    seen.setdefault(x, j)
else:
    print(-1, -1)
"""
_accounts = itertools.cycle(ACCOUNTS)


def _jwt(user: FastHttpUser, email: str | None = None) -> dict:
    with user.client.post("/_allauth/app/v1/auth/login", json={"email": email or next(_accounts), "password": PASSWORD},
                          name="api login", catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"login {response.status_code}")
            return {}
        return {"Authorization": f"Bearer {response.json()['meta']['access_token']}"}


def _browser_login(user: FastHttpUser, email: str | None = None) -> None:
    page = user.client.get("/accounts/login/", name="page login form")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text or "")
    with user.client.post("/accounts/login/", data={"login": email or next(_accounts), "password": PASSWORD,
                                                    "csrfmiddlewaretoken": token.group(1) if token else ""},
                          headers={"Referer": f"{user.host}/accounts/login/"}, allow_redirects=False,
                          name="page login", catch_response=True) as response:
        if response.status_code != 302:
            response.failure(f"browser login {response.status_code}")


class Browsing(FastHttpUser):
    weight = 6
    wait_time = between(0.5, 2)

    def on_start(self):
        _browser_login(self)

    @task(4)
    def challenge_list(self):
        self.client.get("/challenges/", name="page challenge list")

    @task(1)
    def filtered_list(self):
        self.client.get(f"/challenges/?difficulty={random.choice(['easy', 'medium', 'hard'])}",
                        name="page challenge list (filtered)")

    @task(2)
    def challenge(self):
        self.client.get(f"/challenges/{random.choice(SLUGS)}/", name="page challenge")

    @task(1)
    def leaderboard(self):
        self.client.get("/leaderboard/", name="page leaderboard")

    @task(2)
    def api_list(self):
        self.client.get("/api/v1/challenges/", name="api challenge list")


class Solving(FastHttpUser):
    weight = 2
    wait_time = between(1, 3)

    def on_start(self):
        self.auth = _jwt(self)

    @task
    def solve(self):
        self.client.get("/api/v1/challenges/two-sum/", headers=self.auth, name="api challenge")
        response = self.client.post("/api/v1/submissions/", json={"challenge": "two-sum", "language": "python",
                                                                   "source": TWO_SUM},
                                    headers=self.auth, name="api submit")
        if response.status_code != 202:
            return
        submission = response.json()["id"]
        for _ in range(10):  # poll a few times, as the page does until the verdict arrives live
            polled = self.client.get(f"/api/v1/submissions/{submission}/", headers=self.auth, name="api submission")
            if polled.status_code != 200 or polled.json().get("status") == "done":
                break
            self.wait()


class InARoom(FastHttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        # One account both ways: the room the app opens is the one whose page the browser reads.
        email = next(_accounts)
        self.auth = _jwt(self, email)
        _browser_login(self, email)

    @task
    def room(self):
        response = self.client.post("/api/v1/sessions/", json={"title": "Load test room"}, headers=self.auth,
                                    name="api open room")
        if response.status_code != 201:
            return
        room = response.json()["id"]
        self.client.get(f"/api/v1/sessions/{room}/", headers=self.auth, name="api room")
        self.client.get(f"/rooms/{room}/", name="page room")


class UploadingAResume(FastHttpUser):
    weight = 1
    wait_time = between(2, 5)

    def on_start(self):
        self.auth = _jwt(self)

    @task
    def upload(self):
        if RESUME is None:
            return
        response = self.client.post("/api/v1/resumes/", headers=self.auth, name="api upload resume",
                                    files={"file": (RESUME.name, RESUME.read_bytes(), "application/pdf")},
                                    data={"title": "Load test resume"})
        if response.status_code != 201:
            return
        self.client.get(f"/api/v1/resumes/{response.json()['id']}/", headers=self.auth, name="api resume")


class Chatting(FastHttpUser):
    """A JWT app user in a private chat with another demo account: sends a message, reads the
    history back (the messenger's API; live delivery over its socket is measured by
    tests/bench/test_chat_roundtrip.py)."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        self.auth = _jwt(self)
        self.chat = None
        if not self.auth:
            return
        # Each account signs in round-robin; any other demo account is someone to talk to.
        response = self.client.post("/api/v1/chats/private/", json={"username": random.choice(CHAT_PEERS)},
                                    headers=self.auth, name="api open chat")
        if response.status_code == 200:
            self.chat = response.json()["id"]

    @task
    def chat(self):
        if self.chat is None:
            return
        self.client.post(f"/api/v1/chats/{self.chat}/messages/", json={"body": "Load test: how did the interview go?"},
                         headers=self.auth, name="api send message")
        self.client.get(f"/api/v1/chats/{self.chat}/messages/", headers=self.auth, name="api chat history")

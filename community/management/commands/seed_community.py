"""Demo posts, a thread and two code templates for `make run` (after seed_demo). Idempotent:
what exists (by title) is left alone."""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from community import services
from community.models import CodeTemplate, Post

POSTS = [
    ("ada", {"type": "tips", "title": "Say your plan out loud before you code",
             "body": "Interviewers grade **communication** as much as code. Spend the first two minutes on "
                     "examples and a plan; ask @grace how she runs mock interviews.",
             "tags": ["interviews", "communication"]}),
    ("grace", {"type": "code-share", "title": "Dijkstra with a binary heap in 15 lines",
               "body": "A compact version I keep for graph rounds.", "tags": ["graphs", "python"],
               "difficulty": "medium", "challenge_type": "dsa", "code_language": "python",
               "code": "import heapq\n\ndef dijkstra(graph, source):\n    dist = {source: 0}\n    heap = [(0, source)]\n"
                       "    while heap:\n        d, node = heapq.heappop(heap)\n        if d > dist.get(node, float('inf')):\n"
                       "            continue\n        for nxt, w in graph[node]:\n            nd = d + w\n"
                       "            if nd < dist.get(nxt, float('inf')):\n                dist[nxt] = nd\n"
                       "                heapq.heappush(heap, (nd, nxt))\n    return dist\n"}),
    ("linus", {"type": "help", "title": "Why is my sliding window off by one?",
               "body": "My window sums are one element short. What am I missing?", "tags": ["arrays"],
               "difficulty": "easy", "challenge_type": "dsa", "code_language": "javascript",
               "code": "for (let i = 0; i < n - k; i++) {\n  sums.push(sum(a.slice(i, i + k)));\n}"}),
    ("ada", {"type": "collaboration", "title": "Looking for a partner to build a rate limiter together",
             "body": "Weekly pairing on a token-bucket limiter in Go or Python. Beginners welcome.",
             "tags": ["system-design"]}),
]

TEMPLATES = [
    ("grace", {"title": "Accessible toggle switch", "category": "components", "framework": "vanilla",
               "difficulty": "easy", "tags": ["html", "a11y"], "features": ["Keyboard support", "ARIA state"],
               "description": "A switch built on a real `<button>` with `aria-pressed`.",
               "files": [{"path": "index.html", "content": "<button id=\"t\" aria-pressed=\"false\">Dark mode: off</button>"},
                         {"path": "style.css", "content": "button{padding:.5rem 1rem;border-radius:999px}"
                                                          "button[aria-pressed=true]{background:#222;color:#fff}"},
                         {"path": "script.js", "content": "t.onclick=()=>{const on=t.getAttribute('aria-pressed')!=='true';"
                                                          "t.setAttribute('aria-pressed',on);t.textContent='Dark mode: '+(on?'on':'off')}"}]}),
    ("ada", {"title": "Python CLI with a helper module", "kind": "project", "language": "python",
             "category": "cli", "difficulty": "easy", "tags": ["python"], "features": ["Two files", "Reads stdin"],
             "files": [{"path": "main.py", "content": "from words import count\n\nprint(count(input()))\n"},
                       {"path": "words.py", "content": "def count(line):\n    return len(line.split())\n"}]}),
]


class Command(BaseCommand):
    help = "Create demo community posts, a thread and code templates (idempotent; run seed_demo first)."

    def handle(self, *args, **options):
        users = {u.username: u for u in User.objects.filter(username__in={"ada", "grace", "linus", "margaret"})}
        if not users:
            self.stdout.write("No demo users: run seed_demo first.")
            return
        made = 0
        with transaction.atomic():
            for username, fields in POSTS:
                if username in users and not Post.objects.filter(title=fields["title"]).exists():
                    services.post_create(author=users[username], **fields)
                    made += 1
            for username, fields in TEMPLATES:
                if username in users and not CodeTemplate.objects.filter(title=fields["title"]).exists():
                    services.template_create(author=users[username], **fields)
                    made += 1
            help_post = Post.objects.filter(title=POSTS[2][1]["title"]).first()
            if help_post and not help_post.comments.exists() and {"grace", "linus"} <= users.keys():
                answer = services.comment_create(author=users["grace"], post_id=help_post.id,
                                                 body="Loop while `i <= n - k`: the last window starts at `n - k`.")
                services.comment_create(author=users["linus"], post_id=help_post.id, body="That was it, thank you!",
                                        parent_id=answer.id)
                services.post_accept_answer(user=users["linus"], post_id=help_post.id, comment_id=answer.id)
                if "ada" in users:
                    services.post_like_set(user=users["ada"], post_id=help_post.id, liked=True)
        self.stdout.write(self.style.SUCCESS(f"Community demo ready ({made} new item(s))."))

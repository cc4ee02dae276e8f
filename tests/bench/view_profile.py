"""Where the time goes, per view, in a benchmark's production-style run (bench settings only):
for each view, the requests, their total time and their queries, kept per web process.

Off until `POST /__bench/views/?on=1` (so that the request-path figures are measured without
it); `GET /__bench/views/` answers this process's table and `POST /__bench/views/?on=0` turns it
off. The benchmark asks each web process directly (nginx would pick one)."""

import json
import os
import threading
import time

from django.db import connection
from django.http import HttpResponse

PATH = "/__bench/views/"


class ViewProfileMiddleware:
    enabled = False
    table: dict[str, list[float]] = {}  # view: [requests, seconds, queries, max queries]
    lock = threading.Lock()

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cls = type(self)
        if request.path == PATH:
            if request.method == "POST":
                cls.enabled = request.GET.get("on") == "1"
                if cls.enabled:
                    cls.table = {}
            body = {"pid": os.getpid(), "enabled": cls.enabled, "views": cls.table}
            return HttpResponse(json.dumps(body), content_type="application/json")
        if not cls.enabled:
            return self.get_response(request)
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        seconds = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = f"{request.method} {match.view_name if match else 'unresolved'}"
        with cls.lock:
            row = cls.table.setdefault(view, [0, 0.0, 0, 0])
            row[0] += 1
            row[1] += seconds
            row[2] += queries
            row[3] = max(row[3], queries)
        return response

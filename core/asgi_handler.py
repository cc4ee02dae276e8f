"""Django's ASGI handler with a cheaper per-request path, measured by tests/bench/test_request_path.py.

Django's own `ASGIHandler` costs each request two things that have nothing to do with the page:
- a new thread: every request enters a fresh `ThreadSensitiveContext`, which starts a thread
  for the request's sync code and joins it afterwards (on `/health` a third of the time went to
  starting and stopping threads);
- three thread hops through the middleware: with an async handler, a chain of sync middleware is
  entered with `sync_to_async`, comes back to the event loop with `async_to_sync` to resolve
  the URL, and goes to a thread again for the (sync) view.

Every middleware and view of the site is sync, so here the chain is loaded in sync mode and a
request's whole chain, view included, runs in one hop on a thread taken from a pool of idle
request threads and handed back afterwards (asgiref's `ThreadSensitiveContext(executor=...)`:
the caller owns the executor). Thread-sensitive code keeps its guarantee: everything one request
runs with `sync_to_async` runs on that request's one thread, and never at the same time as
another request's. Reusing a thread is what a WSGI server does; Django's per-request state lives
in context variables, which each request gets afresh."""

import threading
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler

# Idle request threads kept for the next requests; more are started when more requests than
# this run at once, and the extra ones stop when they are done.
IDLE_THREADS = 16


class RequestThreads:
    """A pool of one-thread executors: one per request in flight, reused afterwards."""

    def __init__(self, keep: int = IDLE_THREADS):
        self.keep = keep
        self._idle: list[ThreadPoolExecutor] = []
        self._lock = threading.Lock()
        self.started = 0

    def take(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._idle:
                return self._idle.pop()
            self.started += 1
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")

    def give_back(self, executor: ThreadPoolExecutor) -> None:
        with self._lock:
            if len(self._idle) < self.keep:
                self._idle.append(executor)
                return
        executor.shutdown(wait=False)


class PrepForgeASGIHandler(ASGIHandler):
    def __init__(self):
        super(ASGIHandler, self).__init__()  # BaseHandler: the chain is loaded below, sync
        self.load_middleware(is_async=False)
        self.threads = RequestThreads()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        executor = self.threads.take()
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            self.threads.give_back(executor)

    async def get_response_async(self, request):
        # The whole sync chain and the view in one hop (BaseHandler.get_response: urlconf,
        # middleware, view, error logging), on this request's thread.
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

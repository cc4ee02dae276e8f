"""core.asgi_handler: the site's requests run their middleware and view in one hop on a pooled
request thread, threads are reused from one request to the next, and requests in flight at the
same time each have their own."""

import asyncio
import threading

import httpx
import pytest
from asgiref.sync import sync_to_async

from core.asgi_handler import PrepForgeASGIHandler, RequestThreads


@pytest.mark.django_db(transaction=True)
async def test_requests_reuse_their_threads_and_keep_the_security_headers():
    handler = PrepForgeASGIHandler()
    transport = httpx.ASGITransport(app=handler)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        for _ in range(5):
            response = await client.get("/health")
            assert response.status_code == 200 and response.json() == {"status": "ok"}
            assert response.headers["x-content-type-options"] == "nosniff" and response.headers["x-frame-options"] == "DENY"
        answers = await asyncio.gather(*(client.get("/health") for _ in range(4)))
    assert all(answer.status_code == 200 for answer in answers)
    assert handler.threads.started <= 4  # five requests one after another took one thread


async def test_a_requests_thread_sensitive_calls_share_one_thread_and_requests_in_flight_do_not():
    threads = RequestThreads(keep=2)
    from asgiref.sync import ThreadSensitiveContext

    async def one_request():
        executor = threads.take()
        try:
            async with ThreadSensitiveContext(executor=executor):
                first = await sync_to_async(threading.get_ident)()
                await asyncio.sleep(0.01)
                second = await sync_to_async(threading.get_ident)()
                return first, second
        finally:
            threads.give_back(executor)

    together = await asyncio.gather(one_request(), one_request(), one_request())
    assert all(first == second for first, second in together)
    assert len({first for first, _ in together}) == 3 and threads.started == 3
    again = await one_request()
    assert again[0] in {first for first, _ in together} and threads.started == 3  # kept ones are reused


@pytest.mark.django_db
def test_a_signed_in_request_that_never_needs_its_user_loads_neither_session_nor_user(
        client, user, django_assert_num_queries):
    client.force_login(user)
    with django_assert_num_queries(0):  # core.request_context.BindUserMiddleware leaves the user lazy
        assert client.get("/health").status_code == 200

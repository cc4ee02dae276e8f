"""One of two web processes SIGKILLed while room clients are connected to both (the y-websocket
protocol against /ws/rooms/<id>/doc, Redis between the processes): the killed process's client
keeps typing offline, reconnects to the other process and replays; no room update is lost, not
the burst typed just before the kill, not the edits made while it was away, not what the others
typed meanwhile; a late joiner reads everything from the server. CI's services pass."""

import asyncio
import os
import signal

import pytest

from tests.collaboration.yws_client import NetworkPeer
from tests.integration.test_real_services import http_json
from tests.live_server import app_login, live_asgi_server

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (two web processes share a Redis)"),
]


def test_a_killed_web_process_loses_no_room_update(transactional_db, user, tmp_path):
    with live_asgi_server(tmp_path) as web1, live_asgi_server(tmp_path) as web2:
        token = app_login(web1.url, user.email)
        status, room = http_json("POST", f"{web1.url}/api/v1/sessions/", {"title": "Kill a web process"}, token=token)
        assert status == 201, room

        def doc_url(web) -> str:
            return web.url.replace("http://", "ws://") + f"/ws/rooms/{room['id']}/doc?access_token={token}"

        async def scenario():
            on_web1, on_web2 = NetworkPeer(doc_url(web1), ""), NetworkPeer(doc_url(web2), "")
            await on_web1.connect()
            await on_web2.connect()
            await on_web1.type(0, "before\n")
            await on_web2.wait_for(lambda text: "before" in text)

            # A burst, then the process dies under it: some of these may be neither stored nor relayed.
            for i in range(20):
                await on_web1.type(len(on_web1.text), f"burst {i}\n")
            os.killpg(web1.pid, signal.SIGKILL)
            dropped, _ = await asyncio.wait([on_web1.reader], timeout=10)  # its socket drops
            assert dropped
            on_web1.text.insert(len(on_web1.text), "typed while away\n")  # offline, kept by the client
            on_web1.outbox.clear()  # the sync on reconnect carries them
            await on_web2.type(0, "meanwhile on web 2\n")

            # It reconnects to the other process and replays both ways.
            back = NetworkPeer(doc_url(web2), "")
            back.doc, back.text = on_web1.doc, on_web1.text
            back.doc.observe(lambda event: None if back.applying else back.outbox.append(event.update))
            await back.connect()
            everything = ["before", "typed while away", "meanwhile on web 2", *(f"burst {i}\n" for i in range(20))]
            await back.wait_for(lambda text: all(piece in text for piece in everything), 15)
            await on_web2.wait_for(lambda text: all(piece in text for piece in everything), 15)
            late = NetworkPeer(doc_url(web2), "")
            await late.connect()
            await late.wait_for(lambda text: all(piece in text for piece in everything), 15)
            texts = str(back.text), str(on_web2.text), str(late.text)
            for peer in (back, on_web2, late):
                await peer.close()
            return texts

        back_text, web2_text, late_text = asyncio.run(scenario())
    assert back_text == web2_text == late_text
    assert late_text.count("typed while away") == 1 and late_text.count("burst 19\n") == 1

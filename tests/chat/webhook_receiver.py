"""A real HTTP server on loopback that the webhook tests deliver to: it records what it got and
answers by path (ok, fail, redirect, slow, drip-headers, silent, huge)."""

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self):
        self.requests: list[dict] = []
        self.base_url = ""


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            if self.path.startswith("/fail"):
                self._answer(500, b'{"oops": true}')
            elif self.path.startswith("/redirect"):
                self.send_response(302)
                self.send_header("Location", f"{receiver.base_url}/ok")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path.startswith("/slow"):
                # Headers at once, then a byte every 0.2 s for a minute.
                self.send_response(200)
                self.send_header("Content-Length", "300")
                self.end_headers()
                for _ in range(300):
                    try:
                        self.wfile.write(b"x")
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(0.2)
            elif self.path.startswith("/drip-headers"):
                # The status line at once, then a header a byte every 0.2 s for 8 s, then a 200:
                # no single wait is long, so only a bound on the whole exchange stops it.
                try:
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Drip: ")
                    self.wfile.flush()
                    for _ in range(40):
                        time.sleep(0.2)
                        self.wfile.write(b"a")
                        self.wfile.flush()
                    self.wfile.write(b"\r\nContent-Length: 2\r\n\r\nok")
                    self.wfile.flush()
                except OSError:
                    return
            elif self.path.startswith("/silent"):
                time.sleep(5)
                self._answer(200, b"late")
            elif self.path.startswith("/huge"):
                self.send_response(200)
                self.send_header("Content-Length", str(50 * 1024 * 1024))
                self.end_headers()
                chunk = b"y" * 65536
                try:
                    for _ in range(800):
                        self.wfile.write(chunk)
                except OSError:
                    return
            else:
                self._answer(200, b'{"ok": true}')

        def _answer(self, code, body):
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:  # the client stopped waiting (what the timeout tests want)
                pass

    return Handler


@contextmanager
def webhook_receiver():
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()

"""Test HTTP servers of our own on 127.0.0.1 for the fetch-layer tests (the `server` and `settings` fixtures are in
tests/conftest.py): each test registers handlers for the paths it needs.

A handler gets the request (`Req`) and returns a `Reply`; a body may be bytes or an iterator of bytes (sent with
chunked transfer encoding, so the client cannot know the size in advance). Unknown paths answer 404, which for
/robots.txt means "no rules".
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterable



@dataclass
class Req:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Reply:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"
    delay: float = 0.0  # seconds to wait before answering


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802
        server: TestServer = self.server.owner  # type: ignore[attr-defined]
        req = Req("GET", self.path, {k: v for k, v in self.headers.items()})
        server.requests.append(req)
        path = self.path.split("?", 1)[0]
        handler = server.routes.get(self.path) or server.routes.get(path)
        reply = handler(req) if handler else Reply(404, b"not found", content_type="text/plain")
        if reply.delay:
            time.sleep(reply.delay)
        try:
            self.send_response(reply.status)
            if reply.content_type:
                self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if isinstance(reply.body, (bytes, bytearray)):
                if "Content-Length" not in reply.headers:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            else:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for chunk in reply.body:
                    if chunk:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            server.aborted += 1
            self.close_connection = True


class TestServer:
    __test__ = False

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Callable[[Req], Reply]] = {}
        self.requests: list[Req] = []
        self.aborted = 0
        self.httpd = ThreadingHTTPServer((host, 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.host, self.port = self.httpd.server_address[:2]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, reply: Reply | Callable[[Req], Reply]) -> None:
        self.routes[path] = reply if callable(reply) else (lambda _req, r=reply: r)

    def sequence(self, path: str, replies: list[Reply]) -> None:
        """Answer `path` with each reply in turn, the last one forever after."""
        queue = list(replies)

        def handler(_req: Req) -> Reply:
            return queue.pop(0) if len(queue) > 1 else queue[0]

        self.route(path, handler)

    def hits(self, path: str) -> list[Req]:
        return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

"""A local HTTP server that records what it is sent: a stand-in for whatever a Jupyter runtime
file points at (a real server, a planted address, a proxy), for `jupyter_wopi.Document`'s
tests. It runs in a thread, so a kernel-side call that blocks on it can be timed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .http_thread import serving


@dataclass
class Seen:
    """One request as it arrived: its request line's target and its Authorization header (its
    method and body)."""

    target: str
    authorization: str | None
    method: str = "GET"
    body: bytes = b""


@dataclass
class Answer:
    """What the server answers a request with."""

    code: int = 200
    body: bytes = b'{"path": "out/report.docx", "lock": null, "last_save": null}'
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    stall: float = 0.0  # seconds before answering: a server that does not answer in time


class RecordingServer:
    def __init__(self, server: ThreadingHTTPServer, answer: Answer) -> None:
        self._server = server
        self.answer = answer  # for every request, once `queued` is empty
        self.queued: list[Answer] = []  # the next requests' answers, in order
        self.seen: list[Seen] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def answer_json(self, code: int, body: Any) -> None:
        self.answer = Answer(code=code, body=json.dumps(body).encode())


@contextmanager
def recording_server() -> Iterator[RecordingServer]:
    recorder: RecordingServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            seen = Seen(self.path, self.headers.get("Authorization"), self.command, body)
            recorder.seen.append(seen)
            answer = recorder.queued.pop(0) if recorder.queued else recorder.answer
            time.sleep(answer.stall)
            self.send_response(answer.code)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        do_POST = do_GET

        def log_message(self, *_: Any) -> None:
            pass  # quiet: the test reads `seen`

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True  # a stalled answer must not hold up the test's end
    recorder = RecordingServer(server, Answer())
    with serving(server):
        yield recorder

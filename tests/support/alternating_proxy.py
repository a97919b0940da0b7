"""An HTTP proxy that sends each request to the next of several backends in turn: no sticky
sessions, so consecutive requests of one client (one WOPI flow) reach different processes."""

from __future__ import annotations

import http.client
import http.server
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from .http_thread import serving

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


@contextmanager
def alternating_proxy(port: int, backends: list[str]) -> Iterator[list[str]]:
    """Serve 127.0.0.1:`port`, forwarding request n to backends[n % len]; yields the list of
    backends each request went to, in order."""
    turns = itertools.cycle(backends)
    served: list[str] = []
    lock = threading.Lock()

    class Forward(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive with the client, a new turn per request

        def _forward(self) -> None:
            with lock:
                backend = next(turns)
                served.append(backend)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            target = urlsplit(backend)
            upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
            upstream.close()
            self.send_response(answer.status, answer.reason)
            for name, value in answer.getheaders():
                if name.lower() not in HOP_BY_HOP | {"content-length"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Forward)
    with serving(server):
        yield served

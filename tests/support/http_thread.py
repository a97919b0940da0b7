"""Run a standard-library HTTP server in a daemon thread for the length of a `with` block:
the stand-ins tests serve (a recording server, a proxy, a discovery)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import HTTPServer


@contextmanager
def serving(server: HTTPServer) -> Iterator[HTTPServer]:
    """Serve `server` until the block ends, then stop it and free its port."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)

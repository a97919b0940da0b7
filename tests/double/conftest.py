"""The double's own tests: a WOPI host stub for the double to call (support/stub_host.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from support.stub_host import StubHandler, StubHost
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets


@pytest.fixture
def stub(jp_asyncio_loop: asyncio.AbstractEventLoop) -> Iterator[StubHost]:
    host = StubHost()
    route = r"(?:/other/base)?/wopi/files/([^/]+)(/contents)?"
    app = web.Application([(route, StubHandler, {"stub": host})])
    sockets = bind_sockets(0, "127.0.0.1")
    host.port = sockets[0].getsockname()[1]
    server = HTTPServer(app)
    server.add_sockets(sockets)
    yield host
    server.stop()

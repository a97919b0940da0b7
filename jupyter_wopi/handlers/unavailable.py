"""The routes of a WOPI host that could not start: each answers 503 with the reason, so the
lab panel and `jupyter wopi doctor` say what to fix rather than that nothing is there."""

from __future__ import annotations

import json
from typing import Any

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import APIHandler
from tornado import web

_WOPI_MESSAGE = "The WOPI host of this Jupyter server is not running; see the server's log."


class StartupFailedApiHandler(APIHandler):
    """Lab routes: the reason, for signed-in users only (it names folders on the server)."""

    def initialize(self, message: str) -> None:
        self.message = message

    def _answer(self) -> None:
        self.set_status(503)
        self.finish(json.dumps({"message": self.message}))

    @web.authenticated
    async def get(self, *args: Any, **kwargs: Any) -> None:
        self._answer()

    @web.authenticated
    async def post(self, *args: Any, **kwargs: Any) -> None:
        self._answer()

    @web.authenticated
    async def delete(self, *args: Any, **kwargs: Any) -> None:
        self._answer()


class StartupFailedWopiHandler(web.RequestHandler):
    """WOPI routes (called by ONLYOFFICE without a Jupyter login): a 503 without details."""

    def check_xsrf_cookie(self) -> None:
        """No session, nothing to protect."""

    def _answer(self) -> None:
        self.set_status(503)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"status": 503, "message": _WOPI_MESSAGE}))

    @allow_unauthenticated
    async def get(self, *args: Any, **kwargs: Any) -> None:
        self._answer()

    @allow_unauthenticated
    async def post(self, *args: Any, **kwargs: Any) -> None:
        self._answer()


def startup_failed_routes(
    patterns: list[str], message: str
) -> list[tuple[str, type[web.RequestHandler], dict[str, Any]]]:
    """Every route of the host, answering with `message` (lab API) or a bare 503 (the
    routes ONLYOFFICE calls without a login: WOPI, image URLs)."""
    bare = ("/wopi/files/", "/wopi/images/")
    return [
        (
            pattern,
            StartupFailedWopiHandler if pattern.startswith(bare) else StartupFailedApiHandler,
            {} if pattern.startswith(bare) else {"message": message},
        )
        for pattern in patterns
    ]

"""The base of the WOPI REST handlers: token authentication without Jupyter login or XSRF,
refusals with WOPI headers, and logging that never shows a token."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from jupyter_server.prometheus.log_functions import prometheus_log_method
from tornado import web
from tornado.log import access_log

from ..errors import Refused
from ..files.ids import FileNotFound, FileRef
from ..host.saving import deleted_file_ref
from ..host.services import WopiHost
from ..host.version_history import find_version, split_version_file_id, version_ref
from ..wopi.tokens import TokenClaims
from .refusals import AnswersRefusals


def log_request(handler: web.RequestHandler, path: str | None = None) -> None:
    """One access line per request with the path only: a WOPI URL's query holds the access
    token, which so never reaches a log, whatever a log scrubs. `path`: the path as it may
    be logged, when the request's holds a secret (an image URL). Jupyter's request metrics
    are recorded as for its own routes."""
    status = handler.get_status()
    level = logging.DEBUG if status < 400 else logging.INFO if status < 500 else logging.WARNING
    if access_log.isEnabledFor(level):
        request = handler.request
        elapsed_ms = 1000 * request.request_time()
        access_log.log(
            level,
            "%d %s %s (%s) %.2fms",
            status,
            request.method,
            request.path if path is None else path,
            request.remote_ip,
            elapsed_ms,
        )
    prometheus_log_method(handler)  # type: ignore[no-untyped-call]


class CookielessHandler(AnswersRefusals):
    """A route ONLYOFFICE calls with what its URL carries (an access token, an image's
    capability) and nothing else: no cookies, no Jupyter token, no XSRF. A plain
    RequestHandler keeps Jupyter's identity machinery (which would try `Authorization:
    Bearer` as a Jupyter token) out of the way; answers are never cached."""

    host: WopiHost

    def initialize(self) -> None:
        self.host = self.settings["jupyter_wopi"]

    def check_xsrf_cookie(self) -> None:
        """What the URL carries is the authorization; there is no session to protect."""

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def compute_etag(self) -> None:
        """No ETag: answers are never cached (no-store), so hashing them would be wasted."""


class WopiHandler(CookielessHandler):
    """The WOPI routes: ONLYOFFICE calls them server-to-server with only an access token."""

    revoked = False  # the token may write, the host's file rules no longer let its user

    # -- authentication ------------------------------------------------------------------

    def access_token(self) -> str | None:
        token = self.get_query_argument("access_token", None)
        if token:
            return token
        scheme, _, value = self.request.headers.get("Authorization", "").partition(" ")
        return value.strip() if scheme.lower() == "bearer" else None

    async def authorize(
        self, file_id: str, for_save: bool = False, put_file: bool = False
    ) -> tuple[TokenClaims, FileRef]:
        """Check the token for this file id, then resolve the file (401 before 404, so an
        unauthenticated caller learns nothing about which ids exist). For PutFile, a file
        deleted while it was open resolves to where it last was (its save is kept there)."""
        grace = self.host.settings.save_grace * 1000 if for_save else 0
        now_ms = int(time.time() * 1000)
        token = self.access_token()
        claims = self.host.signer.verify(token, file_id, now_ms, grace)
        await self.host.proofs.check(token or "", self.signed_urls(claims), self.request.headers)
        try:
            file = await self.resolve(file_id)
        except FileNotFound:
            if not put_file:
                raise
            file = await deleted_file_ref(self.host, file_id)
        return await self.admit(claims, file, ending=for_save or put_file), file

    async def resolve(self, file_id: str) -> FileRef:
        """The file a WOPI file id names: a served file, or a kept version of one (a
        read-only preview, `<file id>_v<version id>`), found while its file is served."""
        of_version = split_version_file_id(file_id)
        if of_version is None:
            return await self.host.files.resolve(file_id)
        file = await self.host.files.resolve(of_version[0])
        try:
            version = await find_version(self.host, file, str(of_version[1]))
        except Refused as err:
            raise FileNotFound(err.message) from err
        return version_ref(self.host, file, version)

    async def admit(self, claims: TokenClaims, file: FileRef, *, ending: bool) -> TokenClaims:
        """The token's claims as the host's file rules allow them now (the team service's
        folder rules, on every request). A writer who may no longer write is left only what
        ends an editing session without changing the file: PutFile (its bytes then become a
        conflict copy, never lost and never written over the file), RefreshLock and Unlock
        (`ending`); whoever may no longer see the file gets 404 for anything else."""
        if self.host.rules is None:
            return claims
        allowed = await self.host.rules.permission(claims.user_id, file)
        if allowed == "none" and not ending:
            raise FileNotFound("the folder's rules no longer let this user see the file")
        if claims.can_write and allowed != "write":
            self.revoked = True
            return replace(claims, can_write=False)
        return claims

    def signed_urls(self, claims: TokenClaims) -> list[str]:
        """The URL ONLYOFFICE signed: on the public WOPI base (JUPYTER_WOPI_BASE_URL) the
        token was made for, not the Host header, which differs behind proxies (spec §4.4
        pitfalls); also on today's base, if the base changed since (an editor reopened)."""
        suffix = self.request.path[len(self.host.server_base_path) :]
        query = f"?{self.request.query}" if self.request.query else ""
        bases = dict.fromkeys([claims.wopi_base or self.host.wopi_base, self.host.wopi_base])
        return [f"{base}{suffix}{query}" for base in bases]

    @staticmethod
    def require_write(claims: TokenClaims) -> None:
        if not claims.can_write:
            raise Refused(401, "This access token only allows viewing the file.")

    @staticmethod
    async def in_thread(func: Callable[[], Any]) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, func)

    # -- answers -------------------------------------------------------------------------

    def write_json(self, data: dict[str, Any]) -> None:
        self.write_json_body(json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def write_json_body(self, body: bytes) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(body)

    # -- logging: never the token --------------------------------------------------------

    def _log(self) -> None:
        """The access log line (tornado calls this as each request ends), our own rather
        than Jupyter's: see log_request."""
        log_request(self)

    def _request_summary(self) -> str:
        return f"{self.request.method} {self.request.path} ({self.request.remote_ip})"

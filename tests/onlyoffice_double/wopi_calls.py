"""Outgoing WOPI requests exactly as DS builds them (client-behavior §8, wopiUtils.js), and
the record of every one of them."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.simple_httpclient import HTTPTimeoutError

from .jsutil import encode_uri_component, ticks_now
from .keys import ProofKeyPair
from .settings import Settings

log = logging.getLogger("onlyoffice_double")
USER_AGENT = "Node.js/6.13"
NETWORK_ERROR = 599  # status recorded when no HTTP answer arrived (tornado's convention)


@dataclass
class Call:
    """One WOPI request the double sent, and what came back."""

    operation: str  # CheckFileInfo, GetFile, PutFile, Lock, RefreshLock, Unlock, ...
    method: str
    url: str  # {WOPISrc} or {WOPISrc}/contents, without the access token
    signed_url: str  # the exact URL requested and signed (contains the token)
    access_token: str
    override: str | None
    headers: dict[str, str]
    body: bytes = b""
    status: int = NETWORK_ERROR
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    error: str | None = None  # network error / timeout text
    timed_out: bool = False
    document_key: str | None = None
    sent_at: float = field(default_factory=time.time)

    @property
    def ok(self) -> bool:
        """DS's success test: GET → 200/206, POST → 200/204 (spec §5.1)."""
        return self.status in ((200, 206) if self.method == "GET" else (200, 204))

    @property
    def timestamp(self) -> int:
        return int(self.headers["X-WOPI-TimeStamp"])

    def header(self, name: str) -> str | None:
        """A request header, case-insensitively."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)

    def response_header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.response_headers.items() if k.lower() == wanted), None)

    def json(self) -> Any:
        """The response parsed like `JSON.parse(body)`; raises ValueError if it is not JSON."""
        return json.loads(self.response_body.decode("utf-8"))

    def __repr__(self) -> str:
        return f"<Call {self.operation} {self.method} {self.url} → {self.status}>"


class WopiClient:
    """Builds, signs, sends and records WOPI requests."""

    def __init__(self, settings: Settings, keys: ProofKeyPair) -> None:
        self.settings = settings
        self.keys = keys
        self.calls: list[Call] = []

    @staticmethod
    def request_url(wopi_src: str, token: str, contents: bool = False) -> str:
        """`${wopiSrc}[/contents]?access_token=${encodeURIComponent(token)}` (spec §4.2)."""
        suffix = "/contents" if contents else ""
        return f"{wopi_src}{suffix}?access_token={encode_uri_component(token)}"

    def standard_headers(self, url: str, token: str, session_id: str | None) -> dict[str, str]:
        """wopiUtils.fillStandardHeaders: proofs, timestamp, version, ids (client-behavior §8)."""
        tamper = self.settings.tamper
        timestamp = ticks_now(tamper.timestamp_offset_s)
        headers: dict[str, str] = {}
        if self.settings.proof_keys:  # sent only if both private keys are configured (§4.1)
            headers = self.keys.proof_headers(token, url, timestamp, tamper)
        headers["X-WOPI-TimeStamp"] = str(timestamp)
        headers["X-WOPI-ClientVersion"] = self.settings.client_version
        headers["X-WOPI-CorrelationId"] = str(uuid.uuid4())
        if session_id:  # axios drops undefined/null headers
            headers["X-WOPI-SessionId"] = session_id
        if self.settings.send_authorization_header:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def prepare(
        self,
        wopi_src: str,
        token: str,
        *,
        contents: bool = False,
        session_id: str | None,
        before: Mapping[str, str | None] | None = None,
        after: Mapping[str, str | None] | None = None,
    ) -> tuple[str, dict[str, str]]:
        """URL and headers in DS's order: operation headers, standard headers, extras.
        None values are dropped, as axios drops undefined/null/false headers (§8)."""
        url = self.request_url(wopi_src, token, contents)
        headers: dict[str, str | None] = dict(before or {})
        headers.update(self.standard_headers(url, token, session_id))
        headers.update(after or {})
        return url, {k: v for k, v in headers.items() if v is not None}

    async def send(
        self,
        operation: str,
        method: str,
        url: str,
        headers: dict[str, str],
        *,
        token: str,
        body: bytes | None = None,
        timeout: float,
        document_key: str | None = None,
    ) -> Call:
        """Send one request (never raises) and record it."""
        base = url.partition("?")[0]
        call = Call(
            operation=operation,
            method=method,
            url=base,
            signed_url=url,
            access_token=token,
            override=headers.get("X-WOPI-Override"),
            headers={"User-Agent": USER_AGENT, **headers},
            body=body or b"",
            document_key=document_key,
        )
        self.calls.append(call)
        request = HTTPRequest(
            url,
            method=method,
            headers=call.headers,
            body=(body or b"") if method == "POST" else None,
            connect_timeout=timeout,
            request_timeout=timeout,
            # 9.3 follows redirects on GET; POST redirects are refused (9.4, spec §5.1).
            follow_redirects=method == "GET",
            decompress_response=True,
        )
        try:
            response = await AsyncHTTPClient().fetch(request, raise_error=False)
        except HTTPTimeoutError as err:
            call.error, call.timed_out = f"timeout: {err}", True
        except HTTPClientError as err:  # e.g. too many redirects
            call.status = err.code
            call.error = str(err)
            if err.response is not None:
                call.response_body = err.response.body or b""
        except Exception as err:  # connection refused, reset, DNS…: DS logs and moves on
            call.error = f"{type(err).__name__}: {err}"
        else:
            call.status = response.code
            call.response_headers = dict(response.headers.get_all())
            call.response_body = response.body or b""
        # DS logs every WOPI call; the standalone double shows these lines.
        log.info(
            "onlyoffice double: %s %s -> %s%s",
            operation,
            base,
            call.status,
            f" ({call.error})" if call.error else "",
        )
        return call

"""ONLYOFFICE's discovery, fetched without blocking, cached, and served stale while a
refetch fails (spec §2.1, §11.1)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from ..wopi.proof_keys import ProofKeys
from .discovery import Discovery, DiscoveryError, parse_discovery

DISCOVERY_PATH = "hosting/discovery"
PROOF_REFETCH_INTERVAL = 60.0  # seconds: a failing proof may refetch at most this often


class OnlyOfficeUnavailable(Exception):
    """Discovery cannot be had; the message names the URL, the cause and the setting."""


@dataclass
class _Cache:
    discovery: Discovery
    keys: ProofKeys | None
    fetched_at: float


class DiscoveryClient:
    def __init__(
        self, public_url: str, internal_url: str, ttl: float, timeout: float = 10.0
    ) -> None:
        self.ttl = ttl
        self.timeout = timeout
        self._last_proof_refetch = 0.0
        self.configure(public_url, internal_url)

    def configure(
        self,
        public_url: str,
        internal_url: str,
        problem: str = "",
        internal_name: str = "JUPYTER_WOPI_ONLYOFFICE_INTERNAL_URL",
    ) -> None:
        """Use these addresses from now on (the lab's settings dialog changes them live);
        `problem`, when given, is the sentence that says why there are none;
        `internal_name`, how sentences name the address Jupyter reaches ONLYOFFICE at."""
        self.public_url = public_url.rstrip("/") + "/" if public_url else ""
        self.internal_url = (internal_url or public_url).rstrip("/") + "/" if public_url else ""
        self.problem = problem
        self.internal_name = internal_name
        self._cache: _Cache | None = None
        self._inflight: asyncio.Future[_Cache] | None = None
        self.last_error = ""
        self.last_fetch_at = 0.0  # monotonic time of the last fetch's outcome; 0: none yet

    @property
    def configured(self) -> bool:
        return bool(self.public_url)

    @property
    def not_configured(self) -> str:
        """Why there is no ONLYOFFICE to ask, and what to set."""
        return self.problem or (
            "ONLYOFFICE Docs is not configured: set JUPYTER_WOPI_ONLYOFFICE_URL to the "
            "address of your ONLYOFFICE Docs server as the browser reaches it."
        )

    @property
    def discovery_url(self) -> str:
        return self.internal_url + DISCOVERY_PATH

    async def get(self, force: bool = False, stale_ok: bool = True) -> Discovery:
        """Discovery, cached; `stale_ok=False` (the doctor) fails rather than falling back on
        the last good copy."""
        return (await self._cached(force, stale_ok)).discovery

    async def proof_keys(self, force: bool = False) -> ProofKeys | None:
        return (await self._cached(force)).keys

    async def refetch_after_proof_failure(self) -> bool:
        """Refetch once (keys may have rotated, §4.4 step 4); False if done too recently."""
        if time.monotonic() - self._last_proof_refetch < PROOF_REFETCH_INTERVAL:
            return False
        self._last_proof_refetch = time.monotonic()
        try:
            await self._cached(force=True)
        except OnlyOfficeUnavailable:
            return False
        return True

    async def _cached(self, force: bool, stale_ok: bool = True) -> _Cache:
        cache = self._cache
        if cache is not None and not force and time.monotonic() - cache.fetched_at < self.ttl:
            return cache
        if self._inflight is None:  # one fetch at a time, shared by all waiters
            self._inflight = asyncio.ensure_future(self._fetch())
        try:
            return await asyncio.shield(self._inflight)
        except OnlyOfficeUnavailable:
            if cache is not None and stale_ok:  # the last good copy while ONLYOFFICE is away
                return cache
            raise
        finally:
            if self._inflight is not None and self._inflight.done():
                self._inflight = None

    async def _fetch(self) -> _Cache:
        if not self.configured:
            raise OnlyOfficeUnavailable(self.not_configured)
        try:
            body = await self._download()
            discovery = parse_discovery(body)
            keys = ProofKeys.from_discovery_attributes(discovery.proof_key or {})
        except OnlyOfficeUnavailable as err:
            self.last_error = str(err)
            raise
        except (DiscoveryError, ValueError) as err:
            self.last_error = (
                f"{self.discovery_url} did not return a usable ONLYOFFICE discovery document "
                f"({err}); check {self.internal_name}."
            )
            raise OnlyOfficeUnavailable(self.last_error) from err
        finally:
            self.last_fetch_at = time.monotonic()
        if self.internal_url != self.public_url:
            # Discovery fetched internally names internal URLs (spec §2.6).
            discovery = discovery.rebased(self.internal_url, self.public_url)
        self.last_error = ""
        self._cache = _Cache(discovery, keys, time.monotonic())
        return self._cache

    async def _download(self) -> bytes:
        try:
            response = await AsyncHTTPClient().fetch(
                self.discovery_url, request_timeout=self.timeout, connect_timeout=self.timeout
            )
        except HTTPClientError as err:
            if err.code == 404:
                message = (
                    f"ONLYOFFICE at {self.internal_url} answered 404 for {DISCOVERY_PATH}: WOPI "
                    "is disabled there. Set wopi.enable to true in its local.json (Docker: "
                    f"WOPI_ENABLED=true), or check {self.internal_name}."
                )
            else:
                message = f"{self.discovery_url} answered HTTP {err.code} ({err.message})."
            raise OnlyOfficeUnavailable(message) from err
        except (OSError, asyncio.TimeoutError) as err:
            raise OnlyOfficeUnavailable(
                f"Cannot reach ONLYOFFICE at {self.discovery_url}: {err}. Check that it runs "
                f"and that {self.internal_name} is its address as this Jupyter server sees it."
            ) from err
        return bytes(response.body)

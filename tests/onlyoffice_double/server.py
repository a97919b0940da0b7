"""OnlyOfficeDouble: a tornado app with DS's WOPI routes (client-behavior §1) plus
`/__double/*` routes for the editor page's reports."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPResponse
from tornado.httpserver import HTTPServer
from tornado.ioloop import PeriodicCallback
from tornado.netutil import bind_sockets

from .conversion import ConversionJob, Converter
from .handlers import (
    REQUEST_ID_HEADER,
    CapabilitiesHandler,
    ConvertAndEditHandler,
    ConvertStatusHandler,
    ConvertToHandler,
    DiscoveryHandler,
    EditorHandler,
    EventsHandler,
    InsertImageHandler,
    SignalsHandler,
)
from .images import InsertedImage
from .keys import ProofKeyPair, Tamper
from .opening import EditorOpener, EditorPage
from .session import DocumentSession, FailedOpen, SessionStore
from .settings import Settings
from .users import EditorUser, PageEvent
from .wopi_calls import Call, WopiClient

log = logging.getLogger("onlyoffice_double")


class OnlyOfficeDouble:
    """An ONLYOFFICE Docs stand-in. Create, `await start()`, use `url`, `await stop()`.

    Keyword arguments are `Settings` fields (knobs); `double.settings` can be changed later.
    """

    def __init__(self, settings: Settings | None = None, **knobs: Any) -> None:
        self.settings = replace(settings or Settings(), **knobs)
        self.keys = ProofKeyPair()
        self.client = WopiClient(self.settings, self.keys)
        self.store = SessionStore()
        self.opener = EditorOpener(self.client, self.settings, self.store)
        self.converter = Converter(self.client, self.settings, self.opener)
        self.pages: list[EditorPage] = []
        self.events: list[PageEvent] = []
        self.discovery_requests: list[dict[str, str]] = []
        self.convert_to_bodies: list[bytes] = []  # raw multipart bodies sent to convert-to
        self.inserted_images: list[InsertedImage] = []  # every Action_InsertGraphic, in order
        self.host = "127.0.0.1"
        self.port = 0
        self._server: HTTPServer | None = None
        self._timer: PeriodicCallback | None = None
        self._tasks: set[asyncio.Future[Any]] = set()
        self._pages_by_request: dict[str, EditorPage] = {}
        self.app = web.Application(
            [
                (r"/hosting/discovery", DiscoveryHandler, {"double": self}),
                (r"/hosting/capabilities", CapabilitiesHandler, {"double": self}),
                (
                    r"/hosting/wopi/convert-and-edit/([^/]+)/([^/]+)",
                    ConvertAndEditHandler,
                    {"double": self},
                ),
                (r"/hosting/wopi/convert-and-edit-handler", ConvertStatusHandler, {"double": self}),
                (r"/hosting/wopi/([^/]+)/([^/]+)", EditorHandler, {"double": self}),
                (r"/(?:cool|lool)/convert-to(?:/([^/]*))?", ConvertToHandler, {"double": self}),
                (r"/__double/events", EventsHandler, {"double": self}),
                (r"/__double/signals", SignalsHandler, {"double": self}),
                (r"/__double/images", InsertImageHandler, {"double": self}),
            ]
        )

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self, port: int = 0, host: str = "127.0.0.1") -> None:
        """Listen (by default on 127.0.0.1, on a free port) in the running event loop."""
        self.listen(port, host)

    def listen(self, port: int = 0, host: str = "127.0.0.1") -> None:
        """start() for synchronous callers; the current event loop serves the double."""
        sockets = bind_sockets(port, host)
        self.host = host
        self.port = sockets[0].getsockname()[1]
        self._server = HTTPServer(self.app, xheaders=False)
        self._server.add_sockets(sockets)
        if self.settings.refresh_lock_interval:
            self._timer = PeriodicCallback(
                lambda: self.spawn(self.refresh_locks()),
                self.settings.refresh_lock_interval * 1000,
            )
            self._timer.start()

    async def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        for task in list(self._tasks):
            task.cancel()
        for job in self.converter.jobs.values():
            if job.task is not None:
                job.task.cancel()
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None

    def spawn(self, coro: Awaitable[Any]) -> asyncio.Future[Any]:
        """Run in the background (kept so that stop() can cancel it)."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @property
    def url(self) -> str:
        """Where the double listens, e.g. http://127.0.0.1:41234 (no trailing slash); a
        wildcard address is reached through 127.0.0.1 from this machine."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/hosting/discovery"

    # -- knobs --------------------------------------------------------------------------

    @property
    def tamper(self) -> Tamper:
        return self.settings.tamper

    def rotate_keys(self) -> None:
        """New current proof key; the previous current key becomes the old one."""
        self.keys.rotate()

    def proof_key_attributes(self) -> dict[str, str] | None:
        """What discovery currently shows in `<proof-key>` (None when keys are off)."""
        return self.keys.discovery_attributes() if self.settings.proof_keys else None

    # -- records ------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every WOPI request sent, in order."""
        return self.client.calls

    def operations(self, key: str | None = None) -> list[str]:
        """Operation names of the recorded calls (optionally of one document key)."""
        return [c.operation for c in self.calls if key is None or c.document_key == key]

    def clear_calls(self) -> None:
        self.client.calls.clear()

    @property
    def sessions(self) -> dict[str, DocumentSession]:
        return self.store.sessions

    @property
    def forgotten(self) -> dict[str, bytes]:
        return self.store.forgotten

    @property
    def failed_opens(self) -> dict[str, FailedOpen]:
        """The document keys whose open failed and is still cached (client-behavior §17)."""
        return {k: s.failed_open for k, s in self.store.sessions.items() if s.failed_open}

    @property
    def conversions(self) -> dict[str, ConversionJob]:
        return self.converter.jobs

    @property
    def last_page(self) -> EditorPage:
        return self.pages[-1]

    def find_user(self, user_session_id: str) -> tuple[DocumentSession, EditorUser] | None:
        for session in self.store.sessions.values():
            for user in session.users:
                if user.user_session_id == user_session_id:
                    return session, user
        return None

    # -- driving ------------------------------------------------------------------------

    def action_url(self, document_type: str, mode: str, wopi_src: str, **query: str) -> str:
        """`{url}/hosting/wopi/{type}/{mode}?wopisrc=…` with extra query parameters."""
        params = urlencode({"wopisrc": wopi_src, **query})
        return f"{self.url}/hosting/wopi/{document_type}/{mode}?{params}"

    async def open(
        self,
        wopi_src: str,
        access_token: str,
        access_token_ttl: int | str,
        *,
        document_type: str = "word",
        mode: str = "edit",
        docs_api_config: str | None = None,
        **query: str,
    ) -> EditorPage:
        """POST the host-page form to the double over HTTP, as the browser does, and
        return the resulting page record."""
        request_id = str(uuid.uuid4())
        form = {"access_token": access_token, "access_token_ttl": str(access_token_ttl)}
        if docs_api_config is not None:
            form["docs_api_config"] = docs_api_config
        response = await AsyncHTTPClient().fetch(
            self.action_url(document_type, mode, wopi_src, **query),
            method="POST",
            body=urlencode(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                REQUEST_ID_HEADER: request_id,
            },
            raise_error=False,
            request_timeout=self.settings.download_timeout + 60,
        )
        return self.page_for(response, request_id)

    def page_for(self, response: HTTPResponse, request_id: str) -> EditorPage:
        page = self._pages_by_request.pop(request_id, None)
        if page is None:
            raise AssertionError(f"the double answered {response.code} without a page")
        return page

    async def refresh_locks(self) -> list[bool]:
        """One tick of DS's RefreshLock timer over every document (client-behavior §6)."""
        return [await s.refresh_lock() for s in list(self.store.sessions.values())]

    def signal(self, user: EditorUser, name: str) -> None:
        """Ask the user's open editor page to act: change, close, edit, sharing, versions,
        insert_image (picked up within `signal_poll_ms`)."""
        user.signals.append(name)

    async def wait_for_event(
        self,
        kind: str,
        predicate: Callable[[PageEvent], bool] | None = None,
        timeout: float = 5.0,
    ) -> PageEvent:
        """Wait until the editor page reported an event of this kind."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event.kind == kind and (predicate is None or predicate(event)):
                    return event
            if time.monotonic() > deadline:
                raise TimeoutError(f"no page event {kind!r} within {timeout} s")
            await asyncio.sleep(0.02)

    def record_page(self, page: EditorPage, request_id: str | None) -> None:
        self.pages.append(page)
        if request_id:
            self._pages_by_request[request_id] = page

    async def insert_image(self, user_session_id: str, url: str) -> InsertedImage | None:
        """Action_InsertGraphic in the page of this editor session (None: no such session)."""
        found = self.find_user(user_session_id)
        if found is None:
            return None
        session, user = found
        image = await session.insert_image(user, url)
        self.inserted_images.append(image)
        return image

    async def wait_for_image(self, count: int = 1, timeout: float = 10.0) -> InsertedImage:
        """The `count`-th image an editor was asked to insert, once DS has downloaded it."""
        deadline = time.monotonic() + timeout
        while len(self.inserted_images) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no image {count} inserted within {timeout} s")
            await asyncio.sleep(0.02)
        return self.inserted_images[count - 1]

    def page_event(self, event: PageEvent) -> None:
        self.events.append(event)
        found = self.find_user(event.user_session_id)
        if found is None:
            return
        session, user = found
        user.events.append(event)
        if event.kind == "connect" and self.settings.auto_load:
            self.spawn(session.load(user))
        elif event.kind == "edit":
            if session.loaded:
                stamp = f"\n[edit {len(user.events)} by {user.user_id}]".encode()
                session.edit(user, (session.content or b"") + stamp, notify_page=False)
            else:
                log.info("onlyoffice double: page edit before the document was loaded")
        elif event.kind == "save":
            # The Save button force-saves only with customization.forcesave (§5.1).
            if user.forcesave and session.loaded:
                self.spawn(session.force_save(user))
            else:
                log.info("onlyoffice double: Save without forcesave or a loaded document")
        elif event.kind == "disconnect" and self.settings.auto_close and user.connected:
            on_purpose = bool((event.message or {}).get("onPurpose"))
            self.spawn(session.close(user, on_purpose=on_purpose))

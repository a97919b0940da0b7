"""The lab's API (Jupyter-authenticated): editor sessions, conversions, the connection
doctor, file status, locks and conflict events."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.utils import ensure_async
from tornado import web

from ..errors import Refused
from ..files.ids import FileNotFound
from ..host.base_guess import is_loopback
from ..host.convert import ConvertOptions, convert_file
from ..host.doctor import Addresses, diagnose
from ..host.live_addresses import LiveAddresses
from ..host.people import editors_seen_by, mark_viewer, person
from ..host.services import ORIGIN_RE, Opener, WopiHost
from ..host.sessions import SessionRequest
from ..lab.files import LabFiles
from ..wire import ConnectionReport, SessionResponse, VersionListJson
from .downloads import HandlerDownload
from .refusals import AnswersRefusals, json_object

AUTH_RESOURCE = "contents"


Method = TypeVar("Method", bound=Callable[..., Awaitable[None]])


def authorized_to_read(method: Method) -> Method:
    """`@authorized("read")`, typed (jupyter_server's decorator is not, for this form)."""
    return cast(Method, authorized("read")(method))


class WopiApiHandler(AnswersRefusals, APIHandler):
    """The lab API's base: Jupyter's login and authorization, and refusals answered by
    AnswersRefusals (a bug is answered as APIHandler answers it)."""

    auth_resource = AUTH_RESOURCE

    @property
    def host(self) -> WopiHost:
        return self.settings["jupyter_wopi"]  # type: ignore[no-any-return]

    @property
    def lab_files(self) -> LabFiles:
        """Where each of the lab's files lives: this server, or a team service."""
        return self.settings["jupyter_wopi_lab_files"]  # type: ignore[no-any-return]

    @property
    def viewer_name(self) -> str:
        """The current user's name as locks name them."""
        return person(self.current_user)[1]

    def write_failure(self, status_code: int, **kwargs: Any) -> None:
        APIHandler.write_error(self, status_code, **kwargs)

    def json_object(self) -> dict[str, Any]:
        return json_object(self.request.body)


def browser_origin(handler: JupyterHandler) -> str:
    """The lab page's exact origin (PostMessageOrigin): the browser's Origin header when it
    sent one (right even behind a TLS proxy), else the URL this request came in on."""
    origin = handler.request.headers.get("Origin", "")
    if ORIGIN_RE.fullmatch(origin):
        return origin
    return f"{handler.request.protocol}://{handler.request.host}"


async def session_for(handler: JupyterHandler, request: SessionRequest) -> SessionResponse:
    """Open a session for the handler's current (Jupyter-authenticated) user."""
    user = handler.current_user
    may_write = await ensure_async(
        handler.authorizer.is_authorized(handler, user, "write", AUTH_RESOURCE)
    )
    lab_files: LabFiles = handler.settings["jupyter_wopi_lab_files"]
    opener = Opener(*person(user), browser_origin(handler))
    return await lab_files.open_session(
        request,
        opener=opener,
        may_write=bool(may_write),
        lab_base=f"{opener.origin}{handler.base_url}",
    )


class SessionsHandler(WopiApiHandler):
    """`POST api/wopi/sessions {"path", "action", "language"?, "theme"?, "retry"?}`: everything the
    browser needs to open one file in ONLYOFFICE: the action URL and an access token.
    Reading is enough (a POST would ask for "write"): readers get view-only sessions."""

    @web.authenticated
    @authorized_to_read
    async def post(self) -> None:
        request = SessionRequest.from_json(self.json_object())
        self.finish(await session_for(self, request))


class ConvertHandler(WopiApiHandler):
    """`POST api/wopi/convert {"path", "format", "pdfa"?, "password"?, "fit_sheets"?}`:
    convert with ONLYOFFICE and save the result beside the original."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_object()
        path, target = body.get("path"), body.get("format")
        if not isinstance(path, str) or not isinstance(target, str):
            raise Refused(400, 'Send {"path": "<file path>", "format": "pdf" | "csv" | ...}.')
        options = ConvertOptions(
            format=target.lower().lstrip("."),
            pdfa=bool(body.get("pdfa")),
            password=str(body.get("password") or ""),
            fit_sheets=bool(body.get("fit_sheets")),
        )
        try:
            file = await self.host.files.file_id_for(path)
        except FileNotFound as err:
            raise Refused(404, f"There is no file at {path} that Jupyter may convert.") from err
        self.finish({"path": await convert_file(self.host, file, options)})


class StatusHandler(WopiApiHandler):
    """`GET api/wopi/status`: the connection doctor's verdict for every hop. With
    `?progress=1` the answer streams JSON lines: `{"progress": ...}`, then `{"result": ...}`."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        streaming = self.get_query_argument("progress", "0") == "1"
        if streaming:
            self.set_header("Content-Type", "application/x-ndjson; charset=utf-8")

        flushes: list[asyncio.Future[None]] = []

        def progress(text: str) -> None:
            if streaming:
                self.write(json.dumps({"progress": text}) + "\n")
                flushes.append(asyncio.ensure_future(self.flush()))

        live: LiveAddresses | None = self.settings.get("jupyter_wopi_addresses")
        checks = await diagnose(self.host, progress, self.doctor_addresses(live))
        result = ConnectionReport(
            ok=all(check.verdict in ("ok", "warning") for check in checks),
            checks=[check.as_dict() for check in checks],
        )
        if live is not None:  # the Settings dialog shows each address's last verdict
            live.record(result["checks"])
        if streaming:
            self.finish(json.dumps({"result": result}) + "\n")
        else:
            self.finish(result)

    def doctor_addresses(self, live: LiveAddresses | None) -> Addresses | None:
        """How the doctor names the addresses (the lab's words, or the admin's settings) and
        where this server listens, for its guess at the address ONLYOFFICE reaches it at."""
        if live is None:
            return None
        ip = str(self.serverapp.ip) if self.serverapp is not None else ""
        return Addresses(
            live.names(),
            live.reach_address(),
            live.default_base,
            loopback_only=is_loopback(ip),  # "", "*", 0.0.0.0: every interface
        )


class ConnectionHandler(WopiApiHandler):
    """`GET api/wopi/connection`: the ONLYOFFICE addresses in force, where each came from and
    whether the lab may change it. `PUT` with `{"onlyoffice_url"?, "onlyoffice_internal_url"?,
    "base_url"?}` sets them live ("" forgets one); the lab then runs the doctor."""

    auth_resource = "server"  # the server's own configuration, not a user's files

    @property
    def addresses(self) -> LiveAddresses:
        return self.settings["jupyter_wopi_addresses"]  # type: ignore[no-any-return]

    @web.authenticated
    @authorized_to_read
    async def get(self) -> None:
        self.finish(self.addresses.as_json())

    @web.authenticated
    @authorized
    async def put(self) -> None:
        await self.addresses.change(self.json_object())
        self.log.info(
            "ONLYOFFICE addresses changed from the lab by %s: %s",
            self.current_user.username,
            ", ".join(f"{a.name}={a.value or '(default)'}" for a in self.addresses.addresses()),
        )
        self.finish(self.addresses.as_json())


class ConflictsHandler(WopiApiHandler):
    """Saves that were kept as conflict copies because the file had changed on disk: this
    server's, and those of team folders this user may read (ids "team-<n>")."""

    @web.authenticated
    @authorized
    async def get(self, event_id: str | None = None) -> None:
        if event_id is not None:
            raise Refused(
                405,
                f"A conflict event is not read on its own: GET api/wopi/conflicts lists them "
                f"all, DELETE api/wopi/conflicts/{event_id} dismisses this one.",
                {"Allow": "DELETE"},
            )
        self.finish({"conflicts": await self.lab_files.conflicts()})

    @web.authenticated
    @authorized
    async def delete(self, event_id: str | None = None) -> None:
        if event_id is None:
            raise Refused(
                405,
                "Name the conflict event to dismiss: DELETE api/wopi/conflicts/{id}.",
                {"Allow": "GET"},
            )
        await self.lab_files.dismiss_conflict(event_id)
        self.set_status(204)
        self.finish()


class FileStatusHandler(WopiApiHandler):
    """`GET api/wopi/files/{id}`: an open document's path, content stamp, lock, last save
    and conflict copies; the lab panel polls it. `GET api/wopi/files?path=`: the same for a
    file by its path (a notebook waiting for the editor's save)."""

    @web.authenticated
    @authorized
    async def get(self, file_id: str | None = None) -> None:
        path = self.get_query_argument("path", "")
        if file_id is None and not path:
            raise Refused(400, "Name the file: api/wopi/files?path=<file path>.")
        status = await self.lab_files.status(file_id=file_id, path=path)
        self.finish({**status, "lock": mark_viewer(status["lock"], self.viewer_name)})


class LocksHandler(WopiApiHandler):
    """`GET api/wopi/locks`: files locked for editing, who locked them and since when.
    `DELETE api/wopi/locks/{id}`: release a lock someone left behind."""

    @web.authenticated
    @authorized
    async def get(self, file_id: str | None = None) -> None:
        found = await self.lab_files.locks()
        self.finish(
            {
                "locks": [
                    mark_viewer(lock, self.viewer_name)
                    for lock in found
                    if file_id in (None, lock["file_id"])
                ]
            }
        )

    @web.authenticated
    @authorized
    async def delete(self, file_id: str | None = None) -> None:
        if file_id is None:
            raise Refused(405, "Name the file whose lock to release: api/wopi/locks/{id}.")
        await self.lab_files.release_lock(file_id)
        self.log.info("Editing lock of file id %s released by %s", file_id, self.current_user)
        self.set_status(204)
        self.finish()


class VersionsHandler(WopiApiHandler):
    """Version history. `GET api/wopi/versions?path=` or `api/wopi/versions/{id}`: the file
    now and its kept versions, newest first; `GET api/wopi/versions/{id}/{version}`: a
    version's bytes (a download). Read access to files is needed, as for the file itself."""

    @web.authenticated
    @authorized
    async def get(self, file_id: str | None = None, version_id: str | None = None) -> None:
        if file_id is None:
            path = self.get_query_argument("path", "")
            if not path:
                raise Refused(400, "Name the file: api/wopi/versions?path=<file path>.")
            self.finish(self.seen_by_viewer(await self.lab_files.versions(path=path)))
        elif version_id is None:
            self.finish(self.seen_by_viewer(await self.lab_files.versions(file_id=file_id)))
        else:
            await self.lab_files.download_version(file_id, version_id, HandlerDownload(self))
            self.finish()

    def seen_by_viewer(self, listed: VersionListJson) -> VersionListJson:
        """Who is editing the file, as the viewer reads it ("you and Ada")."""
        return {**listed, "locked_by": editors_seen_by(listed["locked_by"], self.viewer_name)}


class VersionRestoreHandler(WopiApiHandler):
    """`POST api/wopi/versions/{id}/{version}/restore`: put a version's bytes back into the
    file (its current bytes become a version first); write access to files is needed."""

    @web.authenticated
    @authorized
    async def post(self, file_id: str, version_id: str) -> None:
        restored = await self.lab_files.restore_version(file_id, version_id, self.viewer_name)
        self.log.info(
            "Version %s of %s restored by %s", version_id, restored["path"], self.viewer_name
        )
        self.finish(restored)

"""The lab's API (Jupyter-authenticated): editor sessions, conversions, the connection
doctor, file status, locks and conflict events."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.utils import ensure_async
from tornado import web

from ..errors import Refused
from ..files.ids import FileNotFound
from ..host.convert import ConvertOptions, convert_file
from ..host.doctor import diagnose
from ..host.live_addresses import LiveAddresses
from ..host.people import mark_viewer, person
from ..host.services import ORIGIN_RE, Opener, WopiHost
from ..host.sessions import SessionRequest, open_session
from ..host.status import file_status, live_conflicts, locked_files
from ..state import StateUnavailable
from ..state.database import ServerStopping
from ..team.client import TEAM_EVENT, TeamClient

AUTH_RESOURCE = "contents"
MAX_EVENT_ID = 2**63 - 1  # SQLite's largest integer


Method = TypeVar("Method", bound=Callable[..., Awaitable[None]])


def authorized_to_read(method: Method) -> Method:
    """`@authorized("read")`, typed (jupyter_server's decorator is not, for this form)."""
    return cast(Method, authorized("read")(method))


class WopiApiHandler(APIHandler):
    auth_resource = AUTH_RESOURCE

    @property
    def host(self) -> WopiHost:
        return self.settings["jupyter_wopi"]  # type: ignore[no-any-return]

    @property
    def team(self) -> TeamClient | None:
        """The team service, on a server with team folders (JupyterHub)."""
        return self.settings.get("jupyter_wopi_team")

    @property
    def viewer_name(self) -> str:
        """The current user's name as locks name them."""
        return person(self.current_user)[1]

    def fail(self, status: int, message: str) -> None:
        self.set_status(status)
        self.finish(json.dumps({"message": message}))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A refusal, or a state database that cannot be used, raised by any method: its
        status and sentence, as APIHandler answers errors (`{"message"}`)."""
        refusal = refusal_of(kwargs.get("exc_info", (None, None, None))[1])
        if refusal is None:
            return super().write_error(status_code, **kwargs)
        for name, value in refusal.headers.items():
            self.set_header(name, value)
        self.fail(refusal.status, refusal.message)

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        refusal = refusal_of(value)
        if refusal is None:
            return super().log_exception(typ, value, tb)
        log_refusal(self, refusal, value)

    def json_object(self) -> dict[str, Any]:
        """The request body as a JSON object; Refused(400) with a sentence otherwise."""
        try:
            body = json.loads(self.request.body.decode("utf-8")) if self.request.body else {}
        except (UnicodeDecodeError, ValueError) as err:
            raise Refused(400, f"The request body is not JSON in UTF-8: {err}.") from err
        if not isinstance(body, dict):
            raise Refused(400, f"Send a JSON object, not {type(body).__name__}.")
        return body


def refusal_of(error: BaseException | None) -> Refused | None:
    """The answer for an error that is no bug: a refusal, or the state database (or the
    server) unable to serve the request right now."""
    if isinstance(error, Refused):
        return error
    if isinstance(error, StateUnavailable):
        return Refused(503, str(error))
    return None


def log_refusal(handler: JupyterHandler, refusal: Refused, error: BaseException) -> None:
    """One line, no traceback: the sentence says it all. The path without its query, which
    may hold a Jupyter token; a server that is stopping is no cause for a warning."""
    quiet = refusal.status < 500 or isinstance(error, ServerStopping)
    handler.log.log(
        logging.INFO if quiet else logging.WARNING,
        "%d %s %s: %s",
        refusal.status,
        handler.request.method,
        handler.request.path,
        refusal.message,
    )


def browser_origin(handler: JupyterHandler) -> str:
    """The lab page's exact origin (PostMessageOrigin): the browser's Origin header when it
    sent one (right even behind a TLS proxy), else the URL this request came in on."""
    origin = handler.request.headers.get("Origin", "")
    if ORIGIN_RE.fullmatch(origin):
        return origin
    return f"{handler.request.protocol}://{handler.request.host}"


async def session_for(handler: JupyterHandler, request: SessionRequest) -> dict[str, Any]:
    """Open a session for the handler's current (Jupyter-authenticated) user."""
    user = handler.current_user
    may_write = await ensure_async(
        handler.authorizer.is_authorized(handler, user, "write", AUTH_RESOURCE)
    )
    host: WopiHost = handler.settings["jupyter_wopi"]
    team: TeamClient | None = handler.settings.get("jupyter_wopi_team")
    opener = Opener(*person(user), browser_origin(handler))
    found = team.folders.find(request.path) if team else None
    if team and found:  # a team folder: its files are served by the team service
        mount, service_path = found
        return await team.open_session(
            mount,
            service_path,
            request,
            opener=opener,
            may_write=bool(may_write),
            lab_base=f"{opener.origin}{handler.base_url}",
        )
    return await open_session(host, request, opener=opener, may_write=bool(may_write))


class SessionsHandler(WopiApiHandler):
    """`POST api/wopi/sessions {"path", "action", "language"?, "theme"?, "retry"?}`: everything the
    browser needs to open one file in ONLYOFFICE: the action URL and an access token.
    Reading is enough (a POST would ask for "write"): readers get view-only sessions."""

    @web.authenticated
    @authorized_to_read
    async def post(self) -> None:
        try:
            request = SessionRequest.from_json(self.json_object())
            self.finish(await session_for(self, request))
        except Refused as err:
            self.fail(err.status, err.message)


class ConvertHandler(WopiApiHandler):
    """`POST api/wopi/convert {"path", "format", "pdfa"?, "password"?, "fit_sheets"?}`:
    convert with ONLYOFFICE and save the result beside the original."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        try:
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
            file = await self.host.files.file_id_for(path)
            self.finish({"path": await convert_file(self.host, file, options)})
        except FileNotFound:
            self.fail(404, f"There is no file at {path} that Jupyter may convert.")
        except Refused as err:
            self.fail(err.status, err.message)


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

        checks = await diagnose(self.host, progress)
        result = {
            "ok": all(check.verdict in ("ok", "warning") for check in checks),
            "checks": [check.as_dict() for check in checks],
        }
        if streaming:
            self.finish(json.dumps({"result": result}) + "\n")
        else:
            self.finish(result)


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
        try:
            await self.addresses.change(self.json_object())
        except Refused as err:
            return self.fail(err.status, err.message)
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
        events = await live_conflicts(self.host)
        if self.team:
            events += await self.team.conflicts()
        self.finish({"conflicts": events})

    @web.authenticated
    @authorized
    async def delete(self, event_id: str | None = None) -> None:
        if event_id is None:
            raise Refused(
                405,
                "Name the conflict event to dismiss: DELETE api/wopi/conflicts/{id}.",
                {"Allow": "GET"},
            )
        team = self.team
        if event_id.startswith(TEAM_EVENT):
            found = team is not None and await team.dismiss_conflict(event_id)
        else:
            number = int(event_id)
            found = number <= MAX_EVENT_ID and await self.host.state.write(
                lambda store: store.dismiss_conflict(number)
            )
        if not found:
            return self.fail(404, f"There is no conflict event {event_id}.")
        self.set_status(204)
        self.finish()


class FileStatusHandler(WopiApiHandler):
    """`GET api/wopi/files/{id}`: an open document's path, content stamp, lock, last save
    and conflict copies; the lab panel polls it. `GET api/wopi/files?path=`: the same for a
    file by its path (a notebook waiting for the editor's save)."""

    @web.authenticated
    @authorized
    async def get(self, file_id: str | None = None) -> None:
        if file_id is None:
            path = self.get_query_argument("path", "")
            if not path:
                return self.fail(400, "Name the file: api/wopi/files?path=<file path>.")
            team_file = self.team.folders.find(path) if self.team else None
            if self.team and team_file:
                return await self._finish_team_status(service_path=team_file[1], path=path)
            try:
                file_id = (await self.host.files.file_id_for(path)).file_id
            except FileNotFound:
                return self.fail(404, f"There is no file at {path} that Jupyter may open.")
        try:
            status: dict[str, Any] | None = await file_status(self.host, file_id)
        except FileNotFound:
            return await self._finish_team_status(file_id=file_id)
        self._finish_status(status)

    async def _finish_team_status(
        self, *, file_id: str = "", service_path: str = "", path: str = ""
    ) -> None:
        """A team-folder file's status, from the service that serves it."""
        try:
            status = (
                await self.team.file_status(file_id=file_id, service_path=service_path)
                if self.team
                else None
            )
        except Refused as err:
            return self.fail(err.status, err.message)
        if status is None and path:
            return self.fail(404, f"There is no file at {path} that Jupyter may open.")
        self._finish_status(status)

    def _finish_status(self, status: dict[str, Any] | None) -> None:
        if status is None:
            self.fail(404, "The file is gone: it was deleted or moved out of Jupyter's reach.")
        else:
            self.finish({**status, "lock": mark_viewer(status["lock"], self.viewer_name)})


class LocksHandler(WopiApiHandler):
    """`GET api/wopi/locks`: files locked for editing, who locked them and since when.
    `DELETE api/wopi/locks/{id}`: release a lock someone left behind."""

    @web.authenticated
    @authorized
    async def get(self, file_id: str | None = None) -> None:
        found = await locked_files(self.host)
        if self.team:
            found += await self.team.locks()
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
            return self.fail(405, "Name the file whose lock to release: api/wopi/locks/{id}.")
        released_here = await self.host.state.write(lambda store: store.release_lock(file_id))
        released = released_here
        if not released and self.team:
            try:
                released = await self.team.release_lock(file_id)
            except Refused as err:
                return self.fail(err.status, err.message)
        if not released:
            return self.fail(404, "The file is not locked (any more).")
        self.log.info("Editing lock of file id %s released by %s", file_id, self.current_user)
        self.set_status(204)
        self.finish()
        if released_here:  # the team service's files are left to the lab's polling
            await self._emit_unlocked(file_id)

    async def _emit_unlocked(self, file_id: str) -> None:
        try:
            path = await self.host.files.ids.path_of(file_id)
        except Exception:  # the answer has gone: an event must not turn into an error
            self.log.warning("jupyter_wopi: no file event for file id %s", file_id, exc_info=True)
            return
        if path is not None:  # a vanished file has no tab to tell
            self.host.events.emit("unlocked", file_id, path)

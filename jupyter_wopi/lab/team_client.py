"""A user's server asking the team service for what concerns team folders, on its user's
behalf (with the server's JupyterHub token): editor sessions, file status, locks, and the
renames made in the lab. Paths are translated between the lab's folders and the service's."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Awaitable
from typing import Any, Literal
from urllib.parse import quote, unquote

from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.httputil import HTTPHeaders

from ..errors import Refused
from ..files.index import CONTENTS_EVENTS
from ..host.services import Opener
from ..host.sessions import SessionRequest
from ..wire import (
    ConflictJson,
    FileStatusJson,
    ImageUrlJson,
    LockedFileJson,
    RestoreJson,
    SessionResponse,
    VersionListJson,
)
from .source import VersionDownload
from .team_folders import TeamFolders

log = logging.getLogger("jupyter_wopi")
TIMEOUT = 30.0  # seconds
TEAM_EVENT = "team-"  # the ids of the team service's conflict events in a user's lab


class TeamClient:
    def __init__(self, url: str, token: str, folders: TeamFolders) -> None:
        self.url = url.rstrip("/") + "/"
        self.token = token
        self.folders = folders

    async def _call(self, method: str, path: str, body: Any = None) -> Any:
        """The service's JSON answer; Refused with its sentence (or ours) otherwise."""
        try:
            response = await AsyncHTTPClient().fetch(
                self.url + path,
                method=method,
                body=None if body is None else json.dumps(body),
                headers={"Authorization": f"token {self.token}"},
                request_timeout=TIMEOUT,
                allow_nonstandard_methods=True,
            )
        except HTTPClientError as err:
            if err.response is None or err.code == 599:
                raise self._unreachable(str(err)) from err
            raise Refused(err.code, _message(err.response.body, err.code)) from err
        except OSError as err:
            raise self._unreachable(str(err)) from err
        return json.loads(response.body) if response.body else None

    def _unreachable(self, reason: str) -> Refused:
        return Refused(
            502,
            f"The team-folder service at {self.url} cannot be reached ({reason}). Check "
            "JUPYTER_WOPI_TEAM_SERVICE_URL, and that JupyterHub runs the service (its log).",
        )

    # -- sessions ------------------------------------------------------------------------

    def serves(self, lab_path: str) -> bool:
        """Whether a path of this lab lies in a team folder (served by the service)."""
        return self.folders.find(lab_path) is not None

    async def open_session(
        self, request: SessionRequest, *, opener: Opener, may_write: bool, lab_base: str
    ) -> SessionResponse:
        """A session from the service, its path as this lab shows it."""
        found = self.folders.find(request.path)
        if found is None:
            raise Refused(404, f"There is no file at {request.path} that Jupyter may open.")
        mount, service_path = found
        body = {
            "path": service_path,
            "action": request.requested,
            "language": request.language,
            "theme": request.theme,
            "retry": request.retry,
            "user_name": opener.user_name,
            "may_write": may_write,
            "origin": opener.origin,
            "lab_tree": f"{lab_base}lab/tree/{quote(mount.lab_folder)}/",
            "lab_tree_root": mount.service_folder,
            "version": request.version,
        }
        session: SessionResponse = await self._call("POST", "api/sessions", body)
        session["path"] = mount.lab_path(session["path"]) or request.path
        return session

    # -- what the lab polls --------------------------------------------------------------

    async def status_of_path(self, lab_path: str) -> FileStatusJson | None:
        found = self.folders.find(lab_path)
        if found is None:
            return None
        return await self._status(f"api/files?path={quote(found[1])}")

    async def status_of_id(self, file_id: str) -> FileStatusJson | None:
        return await self._status(f"api/files/{quote(file_id)}")

    async def _status(self, where: str) -> FileStatusJson | None:
        """The status of a team file; None when the service does not know it (for this
        user) or this lab does not show where it is now."""
        try:
            status: FileStatusJson = await self._call("GET", where)
        except Refused as err:
            if err.status == 404:
                return None
            raise
        path = self.folders.lab_path(status["path"])
        if path is None:
            return None
        status["path"] = path
        save = status.get("last_save")
        if save and save.get("kept_as"):
            save["kept_as"] = self.folders.lab_path(save["kept_as"]) or save["kept_as"]
        status["conflicts"] = self._lab_conflicts(status.get("conflicts", []))
        status["copies"] = [
            {**copy, "path": shown}
            for copy in status.get("copies", [])
            if (shown := self.folders.lab_path(copy["path"])) is not None
        ]
        return status

    def _lab_conflicts(self, events: list[ConflictJson]) -> list[ConflictJson]:
        """The service's conflict events as this lab shows them: its paths, ids that no
        event of this server has ("team-<n>"); events whose copy it shows nowhere are left
        out (nothing to open)."""
        shown: list[ConflictJson] = []
        for event in events:
            copy = self.folders.lab_path(event["conflict_path"])
            if copy is not None:
                path = self.folders.lab_path(event["path"]) or event["path"]
                team_id = TEAM_EVENT + str(event["id"])
                shown.append({**event, "id": team_id, "path": path, "conflict_path": copy})
        return shown

    async def conflicts(self) -> list[ConflictJson]:
        """Conflict copies of team files this user may read and has not dismissed."""
        return self._lab_conflicts(await self._listed("conflicts"))

    async def dismiss_conflict(self, event_id: str) -> bool:
        """`event_id` as this lab knows it ("team-<n>")."""
        return await self._deleted(f"api/conflicts/{event_id.removeprefix(TEAM_EVENT)}")

    async def locks(self) -> list[LockedFileJson]:
        """Locks of team files this lab shows."""
        found: list[LockedFileJson] = []
        locks: list[LockedFileJson] = await self._listed("locks")
        for lock in locks:
            path = self.folders.lab_path(lock["path"])
            if path is not None:
                found.append({**lock, "path": path})
        return found

    async def release_lock(self, file_id: str) -> bool:
        return await self._deleted(f"api/locks/{quote(file_id)}")

    async def _listed(self, what: Literal["locks", "conflicts"]) -> list[Any]:
        """`api/<what>` of the service; none when it cannot be asked (the lab's own are
        listed all the same)."""
        try:
            answer = await self._call("GET", f"api/{what}")
        except Refused as err:
            log.warning("jupyter_wopi: team %s unavailable: %s", what, err.message)
            return []
        listed: list[Any] = answer[what]
        return listed

    async def _deleted(self, path: str) -> bool:
        """DELETE `path` at the service; False when it has no such thing (for this user)."""
        try:
            await self._call("DELETE", path)
        except Refused as err:
            if err.status == 404:
                return False
            raise
        return True

    # -- version history -----------------------------------------------------------------

    async def versions_of_path(self, lab_path: str) -> VersionListJson | None:
        found = self.folders.find(lab_path)
        if found is None:
            return None
        return await self._versions(f"api/versions?path={quote(found[1])}")

    async def versions_of_id(self, file_id: str) -> VersionListJson | None:
        return await self._versions(f"api/versions/{quote(file_id)}")

    async def _versions(self, where: str) -> VersionListJson | None:
        """A team file's versions, its path as this lab shows it; None when the service does
        not know the file (for this user) or this lab does not show it."""
        try:
            listed: VersionListJson = await self._call("GET", where)
        except Refused as err:
            if err.status == 404:
                return None
            raise
        path = self.folders.lab_path(listed["path"])
        if path is None:
            return None
        listed["path"] = path
        return listed

    async def download_version(
        self, file_id: str, version_id: str, download: VersionDownload
    ) -> bool:
        """Relay a version's bytes from the service, a chunk at a time (the service waits
        while the browser is slower)."""
        relay = _DownloadRelay(download)
        url = f"{self.url}api/versions/{quote(file_id)}/{quote(version_id)}"
        try:
            await AsyncHTTPClient().fetch(
                url,
                headers={"Authorization": f"token {self.token}"},
                request_timeout=None,
                header_callback=relay.header,
                streaming_callback=relay.chunk,
            )
        except HTTPClientError as err:
            if err.code == 599:
                raise self._unreachable(str(err)) from err
            if err.code == 404:
                return False
            raise Refused(err.code, _message(bytes(relay.error_body), err.code)) from err
        except OSError as err:
            raise self._unreachable(str(err)) from err
        await relay.finish()
        return True

    async def restore_version(
        self, file_id: str, version_id: str, restorer: str
    ) -> RestoreJson | None:
        where = f"api/versions/{quote(file_id)}/{quote(version_id)}/restore"
        try:
            restored: RestoreJson = await self._call("POST", where, {"user_name": restorer})
        except Refused as err:
            if err.status == 404:
                return None
            raise
        restored["path"] = self.folders.lab_path(restored["path"]) or restored["path"]
        return restored

    # -- images for Image from Storage -----------------------------------------------------

    async def issue_image(self, document: str, data: bytes, name: str) -> ImageUrlJson:
        """A URL of the service for an image going into a team document: ONLYOFFICE reaches
        the service (it is the document's WOPI host), perhaps not this server."""
        found = self.folders.find(document)
        if found is None:
            raise Refused(404, f"There is no file at {document} that Jupyter may open.")
        body = {"document": found[1], "data": base64.b64encode(data).decode(), "name": name}
        issued: ImageUrlJson = await self._call("POST", "api/images", body)
        return issued

    # -- renames in the lab --------------------------------------------------------------

    def follow_contents_events(self, event_logger: Any) -> None:
        """Tell the service about renames and deletions of team files made in this lab, so
        that their ids (and open editors) follow them."""

        async def listener(logger: Any, schema_id: str, data: dict[str, Any]) -> None:
            await self.forward(data)

        event_logger.add_listener(schema_id=CONTENTS_EVENTS, listener=listener)

    async def forward(self, event: dict[str, Any]) -> None:
        if event.get("action") not in ("rename", "delete"):
            return
        paths = {"path": str(event.get("path", ""))}
        if event.get("action") == "rename":
            paths["source_path"] = str(event.get("source_path", ""))
        mapped = {key: self.folders.find(value) for key, value in paths.items()}
        if not all(mapped.values()):
            return  # not (wholly) inside team folders
        body = {"action": event["action"], **{k: m[1] for k, m in mapped.items() if m}}
        try:
            await self._call("POST", "api/contents-events", body)
        except Refused as err:
            log.warning("jupyter_wopi: the team service did not follow %s: %s", body, err.message)


class _DownloadRelay:
    """Passes a download from the service on: its name and size from the headers, then its
    chunks; an error's body is kept for its sentence instead."""

    def __init__(self, download: VersionDownload) -> None:
        self.download = download
        self.headers = HTTPHeaders()
        self.status = 0
        self.started = False
        self.error_body = bytearray()
        self.sent: asyncio.Future[None] | None = None  # the last chunk's send

    def header(self, line: str) -> None:
        if line.startswith("HTTP/"):
            self.status = int(line.split(" ", 2)[1])
            self.headers = HTTPHeaders()
        elif line.strip():
            self.headers.parse_line(line)

    def _begin(self) -> None:
        if not self.started:
            self.started = True
            name = unquote(self.headers.get("X-Jupyter-Wopi-File-Name", "version"))
            self.download.begin(name, int(self.headers.get("Content-Length", "0")))

    def chunk(self, data: bytes) -> Awaitable[None] | None:
        """Tornado 6.6 waits for what this returns before reading on (the browser's pace);
        older ones (all on Python 3.10) drop it, so each send also waits for the one before
        and finish() for the last: the chunks go out in order, and all of them."""
        if self.status != 200:
            if len(self.error_body) < 64 * 1024:
                self.error_body.extend(data)
            return None
        self._begin()
        self.sent = asyncio.ensure_future(self._send_after(self.sent, data))
        return self.sent

    async def _send_after(self, previous: asyncio.Future[None] | None, data: bytes) -> None:
        if previous is not None:
            await previous
        await self.download.send(data)

    async def finish(self) -> None:
        self._begin()  # an empty version sends no chunk
        if self.sent is not None:
            await self.sent


def _message(body: bytes, status: int) -> str:
    try:
        return str(json.loads(body)["message"])
    except (ValueError, KeyError, TypeError):
        return f"The team-folder service answered HTTP {status}."

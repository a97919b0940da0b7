"""The team service's API for users' servers (each request carries the server's JupyterHub
token, which stands for its user): sessions, file status, locks and renames, each checked
against the folder's access rules."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import Refused
from ..files.ids import FileNotFound, FileRef
from ..handlers.downloads import HandlerDownload
from ..handlers.images import image_url_json
from ..handlers.refusals import AnswersRefusals, json_object
from ..host.images import decode_image
from ..host.services import ORIGIN_RE, Opener, WopiHost
from ..host.sessions import SessionRequest, open_session
from ..host.status import file_status, live_conflicts, locked_files
from ..host.version_history import download_name, find_version, list_versions, restore, send_version
from .access import Access, FolderGuard, HubUser
from .hub import Identify

NO_SUCH_FILE = "There is no such file in the team folders you may read."


@dataclass
class TeamContext:
    host: WopiHost
    guard: FolderGuard
    identify: Identify


class TeamApiHandler(AnswersRefusals):
    user: HubUser
    failure = "The team service failed; see its log."

    def initialize(self, team: TeamContext) -> None:
        self.team = team
        self.host = team.host

    def check_xsrf_cookie(self) -> None:
        """Called by servers with a token, never by a browser with cookies."""

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Type", "application/json; charset=utf-8")

    async def prepare(self) -> None:
        scheme, _, token = self.request.headers.get("Authorization", "").partition(" ")
        user = None
        if scheme.lower() in ("token", "bearer") and token.strip():
            user = await self.team.identify(token.strip())
        if user is None:
            raise Refused(
                403,
                "The team service takes requests from JupyterHub users' servers "
                "only, with their JupyterHub token.",
            )
        self.user = user

    def access(self, path: str) -> Access:
        """The calling user's access to `path`, judged on its real path too (links)."""
        return self.team.guard.access(self.user, path.strip("/"))

    def refuse(self, path: str) -> Refused:
        return Refused(403, self.team.guard.refusal(self.user, path.strip("/")))

    async def readable(self, file_id: str) -> FileRef:
        """The file with this id, if the user may read it; one 404 sentence otherwise, whether
        the id is unknown or the user may not see its file."""
        try:
            file = await self.host.files.resolve(file_id)
        except FileNotFound as err:
            raise Refused(404, NO_SUCH_FILE) from err
        if self.access(file.api_path) is Access.NONE:
            raise Refused(404, NO_SUCH_FILE)
        return file

    async def readable_path_id(self, path: str) -> str:
        """The id of the file at `path`, if the user may read it: access is checked before
        the file is looked at (or given an id)."""
        if self.access(path) is Access.NONE:
            raise Refused(404, NO_SUCH_FILE)
        try:
            return (await self.host.files.file_id_for(path)).file_id
        except FileNotFound as err:
            raise Refused(404, NO_SUCH_FILE) from err

    def body(self) -> dict[str, Any]:
        return json_object(self.request.body)


class TeamSessionsHandler(TeamApiHandler):
    """`POST api/sessions`: a session for a file of a team folder, for the calling user."""

    async def post(self) -> None:
        body = self.body()
        request = SessionRequest.from_json(body)
        access = self.access(request.path)  # decided before the file is looked at
        if access is Access.NONE:
            raise self.refuse(request.path)
        user_name = body.get("user_name") if isinstance(body.get("user_name"), str) else ""
        origin, lab_tree = _text(body, "origin"), _text(body, "lab_tree")
        if not ORIGIN_RE.fullmatch(origin) or not lab_tree.startswith(origin + "/"):
            origin, lab_tree = "", ""  # only a lab page's own origin goes into a token
        opener = Opener(
            self.user.name,
            user_name or self.user.name,
            origin,
            lab_tree,
            _text(body, "lab_tree_root"),
        )
        may_write = access is Access.WRITE and body.get("may_write") is True
        session = await open_session(self.host, request, opener=opener, may_write=may_write)
        if access is Access.READ and request.requested in ("edit", "convert"):
            session["notice"] = (  # the reason, rather than the user's server's permissions
                f"{session['file_name']} opens read-only: you may read this team folder, not "
                "change it."
            )
        self.finish(json.dumps(session))


class TeamImagesHandler(TeamApiHandler):
    """`POST api/images {"document", "data", "name"?}`: a URL of this service for an image
    that a user inserts into a team document they may change (ONLYOFFICE downloads it from
    the document's WOPI host, as it reaches the host for WOPI)."""

    async def post(self) -> None:
        body = self.body()
        document, data, name = _text(body, "document"), body.get("data"), _text(body, "name")
        await self.readable_path_id(document)  # 404 alike for no file and no access
        if self.access(document) is not Access.WRITE:
            raise Refused(
                403,
                f"{document} is read-only for you: images can be inserted only into "
                "documents of team folders you may change.",
            )
        if not isinstance(data, str):
            raise Refused(400, 'Send {"document": "<path>", "data": "<base64 bytes>"}.')
        limit = self.host.images.limits.max_bytes
        issued = self.host.images.hold_bytes(decode_image(data, limit), name)
        self.finish(json.dumps(image_url_json(self.host, issued)))


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name, "")
    return value if isinstance(value, str) else ""


class TeamFileStatusHandler(TeamApiHandler):
    """`GET api/files/{id}`: what the lab polls, for files the user may read.
    `GET api/files?path=`: the same by path (a notebook waiting for the editor's save). Access
    is checked before the file is looked at (or given an id): a user without a rule gets the
    same 404 whether or not the file exists."""

    async def get(self, file_id: str | None = None) -> None:
        if file_id is None:
            file_id = await self.readable_path_id(self.get_query_argument("path", ""))
        await self.readable(file_id)
        try:
            status = await file_status(self.host, file_id)
        except FileNotFound as err:
            raise Refused(404, NO_SUCH_FILE) from err
        self.finish(json.dumps(status))


class TeamLocksHandler(TeamApiHandler):
    """`GET api/locks`: locks of files the user may read; `DELETE api/locks/{id}`: release
    one of a file the user may write."""

    async def get(self) -> None:
        locks = [lock for lock in await locked_files(self.host) if self.access(lock["path"])]
        self.finish(json.dumps({"locks": locks}))

    async def delete(self, file_id: str) -> None:
        file = await self.readable(file_id)
        if self.access(file.api_path) is not Access.WRITE:
            raise self.refuse(file.api_path)
        if not await self.host.state.write(lambda store: store.release_lock(file_id)):
            raise Refused(404, "The file is not locked (any more).")
        self.set_status(204)
        self.finish()


class TeamConflictsHandler(TeamApiHandler):
    """`GET api/conflicts`: saves kept as conflict copies that the user may read and has not
    dismissed (often made while co-editing, after the user's tab was closed);
    `DELETE api/conflicts/{n}`: the user has seen one (the others still see it)."""

    async def get(self) -> None:
        user = self.user.name
        dismissed = await self.host.state.read(lambda store: store.conflicts_dismissed_by(user))
        events = [
            event
            for event in await live_conflicts(self.host)
            if int(event["id"]) not in dismissed and self.access(event["conflict_path"])
        ]
        self.finish(json.dumps({"conflicts": events}))

    async def delete(self, event_id: str) -> None:
        number, user = int(event_id), self.user.name
        event = await self.host.state.read(lambda store: store.conflict(number))
        if (
            event is None
            or not self.access(event.conflict_path)
            or not await self.host.state.write(
                lambda store: store.dismiss_conflict_for(number, user)
            )
        ):
            raise Refused(404, f"There is no conflict event {event_id} for you (any more).")
        self.set_status(204)
        self.finish()


class TeamContentsEventsHandler(TeamApiHandler):
    """`POST api/contents-events {"action": "rename"|"delete", "path", "source_path"?}`: a
    user renamed or deleted a team file in their lab; its id follows."""

    async def post(self) -> None:
        body = self.body()
        action, path, source = body.get("action"), _text(body, "path"), _text(body, "source_path")
        touched = [path, source] if action == "rename" else [path]
        if action not in ("rename", "delete") or not all(touched):
            raise Refused(400, 'Send {"action": "rename"|"delete", "path", "source_path"?}.')
        for changed in touched:
            if self.access(changed) is not Access.WRITE:
                raise self.refuse(changed)
        await self.host.files.ids.follow({"action": action, "path": path, "source_path": source})
        self.set_status(204)
        self.finish()


class TeamVersionsHandler(TeamApiHandler):
    """`GET api/versions?path=` or `api/versions/{id}`: a team file's versions, for a user who
    may read it (restorable only by one who may write it); `GET api/versions/{id}/{version}`:
    a version's bytes. The same 404 sentence whether or not a file the user may not read
    exists."""

    async def get(self, file_id: str | None = None, version_id: str | None = None) -> None:
        if file_id is None:
            file_id = await self.readable_path_id(self.get_query_argument("path", ""))
        file = await self.readable(file_id)
        if version_id is not None:
            version = await find_version(self.host, file, version_id)
            download = HandlerDownload(self)
            download.begin(download_name(file, version), version.size)
            await send_version(self.host, version, download.send)
            self.finish()
            return
        listed = await list_versions(self.host, file)
        listed["can_restore"] = listed["can_restore"] and self.access(file.api_path) is Access.WRITE
        self.finish(json.dumps(listed))


class TeamVersionRestoreHandler(TeamApiHandler):
    """`POST api/versions/{id}/{version}/restore {"user_name"?}`: for a user who may write
    the file."""

    async def post(self, file_id: str, version_id: str) -> None:
        file = await self.readable(file_id)
        if self.access(file.api_path) is not Access.WRITE:
            raise self.refuse(file.api_path)
        user_name = _text(self.body(), "user_name") or self.user.name
        self.finish(json.dumps(await restore(self.host, file, version_id, user_name)))

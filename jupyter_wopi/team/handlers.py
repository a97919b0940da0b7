"""The team service's API for users' servers (each request carries the server's JupyterHub
token, which stands for its user): sessions, file status, locks and renames, each checked
against the folder's access rules."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tornado import web

from ..editing import file_status, locked_files
from ..errors import Refused
from ..fileids import FileNotFound
from ..host import ORIGIN_RE, Opener, WopiHost
from ..sessions import SessionRequest, open_session
from .access import Access, FolderRule, HubUser, access_to, refusal
from .hub import Identify


@dataclass
class TeamContext:
    host: WopiHost
    rules: list[FolderRule]
    identify: Identify


class TeamApiHandler(web.RequestHandler):
    user: HubUser

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
        return access_to(self.team.rules, self.user, path)

    def body(self) -> dict[str, Any]:
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError as err:
            raise Refused(400, f"The request body is not JSON: {err}.") from err
        if not isinstance(body, dict):
            raise Refused(400, "Send a JSON object.")
        return body

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(error, Refused):
            self.set_status(error.status)
            message = error.message
        else:
            message = "The team service failed; see its log."
        self.finish(json.dumps({"message": message}))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, Refused):
            self.log_refusal(value)
        else:
            super().log_exception(typ, value, tb)

    def log_refusal(self, refusal: Refused) -> None:
        from tornado.log import app_log

        app_log.info(
            "%d %s %s: %s", refusal.status, self.request.method, self.request.path, refusal.message
        )


class TeamSessionsHandler(TeamApiHandler):
    """`POST api/sessions`: a session for a file of a team folder, for the calling user."""

    async def post(self) -> None:
        body = self.body()
        request = SessionRequest.from_json(body)
        access = self.access(request.path.strip("/"))
        if access is Access.NONE:
            raise Refused(403, refusal(self.team.rules, self.user, request.path.strip("/")))
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


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name, "")
    return value if isinstance(value, str) else ""


class TeamFileStatusHandler(TeamApiHandler):
    """`GET api/files/{id}`: what the lab polls, for files the user may read.
    `GET api/files?path=`: the same by path (a notebook waiting for the editor's save)."""

    async def get(self, file_id: str | None = None) -> None:
        try:
            if file_id is None:
                path = self.get_query_argument("path", "")
                file_id = (await self.host.files.file_id_for(path)).file_id
            status = await file_status(self.host, file_id)
        except FileNotFound as err:
            raise Refused(
                404, "The file is gone: it was deleted or moved out of the team folders."
            ) from err
        if self.access(status["path"]) is Access.NONE:
            raise Refused(404, "No such file in the team folders you may read.")
        self.finish(json.dumps(status))


class TeamLocksHandler(TeamApiHandler):
    """`GET api/locks`: locks of files the user may read; `DELETE api/locks/{id}`: release
    one of a file the user may write."""

    async def get(self) -> None:
        locks = [lock for lock in await locked_files(self.host) if self.access(lock["path"])]
        self.finish(json.dumps({"locks": locks}))

    async def delete(self, file_id: str) -> None:
        try:
            file = await self.host.files.resolve(file_id)
        except FileNotFound as err:
            raise Refused(404, "The file is not in the team folders (any more).") from err
        if self.access(file.api_path) is not Access.WRITE:
            raise Refused(403, refusal(self.team.rules, self.user, file.api_path))
        if not await self.host.state.write(lambda store: store.release_lock(file_id)):
            raise Refused(404, "The file is not locked (any more).")
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
        if any(self.access(p.strip("/")) is not Access.WRITE for p in touched):
            raise Refused(403, refusal(self.team.rules, self.user, path.strip("/")))
        await self.host.files.ids.follow({"action": action, "path": path, "source_path": source})
        self.set_status(204)
        self.finish()

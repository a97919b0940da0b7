"""The lab's API (Jupyter-authenticated): editor sessions and conflict events."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import ensure_async
from tornado import web

from ..editor import EditorLaunch, UnsupportedFile, choose_action, launch
from ..fileids import FileNotFound
from ..files import is_writable
from ..host import WopiHost
from ..onlyoffice import OnlyOfficeUnavailable

AUTH_RESOURCE = "contents"


class WopiApiHandler(APIHandler):
    auth_resource = AUTH_RESOURCE

    @property
    def host(self) -> WopiHost:
        return self.settings["jupyter_wopi"]  # type: ignore[no-any-return]

    def fail(self, status: int, message: str) -> None:
        self.set_status(status)
        self.finish(json.dumps({"message": message}))


class SessionsHandler(WopiApiHandler):
    """`POST api/wopi/sessions {"path", "action", "language"?, "theme"?}`: everything the
    browser needs to open one file in ONLYOFFICE: the action URL and an access token."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body: dict[str, Any] = self.get_json_body() or {}
        path, requested = body.get("path"), body.get("action", "edit")
        theme = body.get("theme") if body.get("theme") in ("light", "dark") else None
        if not isinstance(path, str) or requested not in ("edit", "view", "convert"):
            return self.fail(
                400, 'Send {"path": "<file path>", "action": "edit" | "view" | "convert"}.'
            )
        try:
            file = await self.host.files.file_id_for(path)
        except FileNotFound:
            return self.fail(404, f"There is no file at {path} that Jupyter may open.")
        user = self.current_user
        may_write = await ensure_async(
            self.authorizer.is_authorized(self, user, "write", AUTH_RESOURCE)
        )
        can_write = requested != "view" and may_write and is_writable(file.os_path)
        editor: EditorLaunch | None = None
        problem = ""
        wopi_src = self.host.wopi_src(file.file_id)
        try:
            discovery = await self.host.discovery.get()
            action = choose_action(
                discovery,
                file.name,
                requested=requested,
                can_write=can_write,
                size=os.path.getsize(file.os_path),
            )
            editor = launch(
                discovery, action, wopi_src=wopi_src, lab_locale=body.get("language"), theme=theme
            )
        except OnlyOfficeUnavailable as err:
            if self.host.discovery.configured:
                return self.fail(502, str(err))
            problem = str(err)  # no ONLYOFFICE: the token still serves other WOPI clients
        except UnsupportedFile as err:
            return self.fail(415, str(err))
        can_write = can_write and (editor is None or editor.mode != "view")
        origin = f"{self.request.protocol}://{self.request.host}"
        claims = self.host.mint_token(file, user.username, user.display_name, can_write, origin)
        self.finish(
            {
                "file_id": file.file_id,
                "file_name": file.name,
                "path": file.api_path,
                "mode": editor.mode if editor else ("edit" if can_write else "view"),
                "action": editor.action if editor else None,
                "action_url": editor.action_url if editor else None,
                "favicon_url": editor.favicon_url if editor else None,
                "onlyoffice_origin": editor.onlyoffice_origin if editor else None,
                "problem": problem or None,
                "wopi_src": wopi_src,
                "access_token": self.host.signer.mint(claims),
                "access_token_ttl": claims.expires_ms,
            }
        )


class ConflictsHandler(WopiApiHandler):
    """Saves that were kept as conflict copies because the file had changed on disk."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        events = [asdict(event) for event in self.host.store.list_conflicts()]
        self.finish({"conflicts": events})

    @web.authenticated
    @authorized
    async def delete(self, event_id: str) -> None:
        if not self.host.store.dismiss_conflict(int(event_id)):
            return self.fail(404, f"There is no conflict event {event_id}.")
        self.set_status(204)
        self.finish()

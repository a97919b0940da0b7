"""The lab's API (Jupyter-authenticated): editor sessions and conflict events."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import ensure_async
from tornado import web

from ..fileids import FileNotFound
from ..files import is_writable
from ..host import WopiHost

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
    """`POST api/wopi/sessions {"path", "action"}`: mint an access token for one file."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body: dict[str, Any] = self.get_json_body() or {}
        path, action = body.get("path"), body.get("action", "edit")
        if not isinstance(path, str) or action not in ("edit", "view"):
            return self.fail(400, 'Send {"path": "<file path>", "action": "edit" | "view"}.')
        try:
            file = await self.host.files.file_id_for(path)
        except FileNotFound:
            return self.fail(404, f"There is no file at {path} that Jupyter may open.")
        user = self.current_user
        may_write = await ensure_async(
            self.authorizer.is_authorized(self, user, "write", AUTH_RESOURCE)
        )
        can_write = action == "edit" and may_write and is_writable(file.os_path)
        origin = f"{self.request.protocol}://{self.request.host}"
        claims = self.host.mint_token(file, user.username, user.display_name, can_write, origin)
        self.finish(
            {
                "file_id": file.file_id,
                "file_name": file.name,
                "path": file.api_path,
                "mode": "edit" if can_write else "view",
                "wopi_src": self.host.wopi_src(origin, file.file_id),
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

"""Opening an editor session: check the file, pick the ONLYOFFICE action, mint the token.
Used by the lab API and the standalone host page."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Literal

from .editor import EditorLaunch, UnsupportedFile, choose_action, launch
from .errors import Refused
from .fileids import FileNotFound
from .files import is_writable
from .host import WopiHost
from .onlyoffice import OnlyOfficeUnavailable


@dataclass(frozen=True)
class SessionRequest:
    path: str
    requested: Literal["edit", "view", "convert"]
    language: str | None
    theme: Literal["light", "dark"] | None

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> SessionRequest:
        path, requested = body.get("path"), body.get("action", "edit")
        if not isinstance(path, str) or requested not in ("edit", "view", "convert"):
            raise Refused(
                400, 'Send {"path": "<file path>", "action": "edit" | "view" | "convert"}.'
            )
        theme = body.get("theme") if body.get("theme") in ("light", "dark") else None
        language = body.get("language") if isinstance(body.get("language"), str) else None
        return cls(path, requested, language, theme)


async def open_session(
    host: WopiHost,
    request: SessionRequest,
    *,
    user_id: str,
    user_name: str,
    may_write: bool,
    lab_origin: str,
) -> dict[str, Any]:
    """The session the browser needs, or Refused with a sentence a person can act on."""
    try:
        file = await host.files.file_id_for(request.path)
    except FileNotFound as err:
        raise Refused(404, f"There is no file at {request.path} that Jupyter may open.") from err
    can_write = request.requested != "view" and may_write and is_writable(file.os_path)
    wopi_src = host.wopi_src(file.file_id)
    editor: EditorLaunch | None = None
    problem = ""
    try:
        discovery = await host.discovery.get()
        action = choose_action(
            discovery,
            file.name,
            requested=request.requested,
            can_write=can_write,
            size=os.path.getsize(file.os_path),
        )
        editor = launch(
            discovery, action, wopi_src=wopi_src, lab_locale=request.language, theme=request.theme
        )
    except OnlyOfficeUnavailable as err:
        if host.discovery.configured:
            raise Refused(502, str(err)) from err
        problem = str(err)  # no ONLYOFFICE: the token still serves other WOPI clients
    except UnsupportedFile as err:
        raise Refused(415, str(err)) from err
    if editor is not None and editor.mode == "view":
        can_write = False
    claims = host.mint_token(file, user_id, user_name, can_write, lab_origin)
    return {
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
        "access_token": host.signer.mint(claims),
        "access_token_ttl": claims.expires_ms,
    }

"""`GET wopi/open/{path}`: a full-window host page for a new browser tab or a direct link
(spec §3). The lab panel builds the same form in its own DOM."""

from __future__ import annotations

import html
import json
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import quote

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import JupyterHandler
from tornado import web

from ..errors import Refused
from ..host.sessions import SessionRequest
from ..onlyoffice.actions import DOCS_API_CONFIG
from ..state import StateUnavailable
from .lab_api import AUTH_RESOURCE, session_for
from .refusals import as_refusal, log_refusal

_TEMPLATE = Template((Path(__file__).parent.parent / "templates" / "host.html").read_text())


class HostPageHandler(JupyterHandler):
    auth_resource = AUTH_RESOURCE

    @web.authenticated
    @authorized
    async def get(self, path: str) -> None:
        base = self.base_url
        folder = path.rpartition("/")[0]
        refusal: Refused | None = None
        try:
            request = SessionRequest.from_json(
                {
                    "path": path,
                    "action": self.get_query_argument("action", "edit"),
                    "language": self.get_query_argument("language", None),
                    "theme": self.get_query_argument("theme", None),
                    "version": self.get_query_argument("version", None),
                }
            )
            session: dict[str, Any] = {**await session_for(self, request)}
            status = f"Opening {session['file_name']} in ONLYOFFICE Docs…"
            if not session["action_url"]:
                raise Refused(503, session["problem"])
        except (Refused, StateUnavailable) as err:  # answered as the lab API answers, as a page
            refusal = as_refusal(err)
            assert refusal is not None
            log_refusal(self, refusal, err)
        if refusal is not None:
            self.set_status(refusal.status)
            session, status = {"action_url": None}, refusal.message
        session["close_url"] = f"{base}lab/tree/{quote(folder)}"
        next_action = (
            "convert"
            if session.get("action") == "view" and path.endswith((".doc", ".xls", ".ppt"))
            else "edit"
        )
        session["edit_url"] = f"{base}wopi/open/{quote(path)}?action={next_action}"
        session["versions_url"] = f"{base}wopi/versions/{quote(path)}"
        session["images_url"] = f"{base}api/wopi/images"  # the image picker (Image from Storage)
        session["files_url"] = f"{base}files/"  # its thumbnails
        session["folder"], session["path"] = folder, path
        session["xsrf"] = self.xsrf_token.decode()
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        self.finish(
            _TEMPLATE.substitute(
                title=html.escape(f"{Path(path).name} · ONLYOFFICE"),
                favicon_url=html.escape(session.get("favicon_url") or f"{base}static/favicon.ico"),
                status=html.escape(status),
                status_class="" if session["action_url"] else "error",
                action_url=html.escape(session["action_url"] or ""),
                access_token=html.escape(session.get("access_token", "")),
                access_token_ttl=html.escape(str(session.get("access_token_ttl", 0))),
                docs_api_config=html.escape(DOCS_API_CONFIG),
                session_json=json.dumps(
                    {
                        k: session.get(k)
                        for k in (
                            "action_url",
                            "onlyoffice_origin",
                            "action",
                            "close_url",
                            "edit_url",
                            "versions_url",
                            "images_url",
                            "files_url",
                            "folder",
                            "path",
                            "xsrf",
                        )
                    }
                ).replace("</", "<\\/"),
            )
        )

"""`GET wopi/versions/{path}`: the Version History page of the standalone host page (the
editor's FileVersionUrl, and what its Version History button opens): each kept version with
Preview (read-only in ONLYOFFICE), Download and Restore. `POST` restores one. The lab shows
the same in its Version History panel."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path
from string import Template
from urllib.parse import quote

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import JupyterHandler
from tornado import web

from ..errors import Refused
from ..host.people import editors_seen_by, person
from ..lab.files import LabFiles
from ..state import StateUnavailable
from ..wire import VersionJson, VersionKind, VersionListJson
from .lab_api import AUTH_RESOURCE
from .refusals import as_refusal, log_refusal

_TEMPLATE = Template((Path(__file__).parent.parent / "templates" / "versions.html").read_text())

KIND_WORDS: dict[VersionKind, str] = {
    "save": "Saved in the editor",
    "restore": "Restored from an earlier version",
    "conflict": "Save kept as a conflict copy",
    "loaded": "Opened in the editor",
    "external": "Changed outside the editor",
}
RESTORE_RULE = (
    "Restoring puts a version's content back into the file; what the file holds now is kept "
    "as a version first. If someone is editing the file, their editor is told it changed, "
    "and anything they save before reloading is kept as a conflict copy beside the file."
)


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M:%S")


def _size(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    scaled = float(size)
    for unit in ("kB", "MB", "GB"):
        scaled /= 1000
        if scaled < 1000 or unit == "GB":
            break
    return f"{scaled:.1f} {unit}"


def _by(author: str, co_editors: list[str]) -> str:
    who = author or "unknown author"
    return f"{who} (with {', '.join(co_editors)})" if co_editors else who


class VersionsPageHandler(JupyterHandler):
    auth_resource = AUTH_RESOURCE

    @property
    def lab_files(self) -> LabFiles:
        return self.settings["jupyter_wopi_lab_files"]  # type: ignore[no-any-return]

    @web.authenticated
    @authorized
    async def get(self, path: str) -> None:
        notice = ""
        restored = self.get_query_argument("restored", "")
        if restored.isdigit():
            notice = (
                f'<p class="notice" role="status">Restored version {restored}; the content '
                "it replaced is kept as a version.</p>"
            )
        await self._page(path, notice)

    @web.authenticated
    @authorized
    async def post(self, path: str) -> None:
        version_id = self.get_body_argument("version", "")
        file_id = self.get_body_argument("file_id", "")
        try:
            await self.lab_files.restore_version(file_id, version_id, person(self.current_user)[1])
        except (Refused, StateUnavailable) as err:
            sentence = html.escape(self._refused(err))
            await self._page(path, f'<p class="notice error" role="alert">{sentence}</p>')
            return
        page = f"{self.base_url}wopi/versions/{quote(path)}"
        self.redirect(f"{page}?restored={version_id}", status=303)

    def _refused(self, err: Refused | StateUnavailable) -> str:
        """Log a refusal and set its status, as the lab API does; its sentence."""
        refusal = as_refusal(err)
        assert refusal is not None
        log_refusal(self, refusal, err)
        self.set_status(refusal.status)
        return refusal.message

    async def _page(self, path: str, notice: str) -> None:
        try:
            listed = await self.lab_files.versions(path=path)
        except (Refused, StateUnavailable) as err:
            self.finish(html.escape(self._refused(err)))
            return
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        name = html.escape(listed["name"])
        self.finish(
            _TEMPLATE.substitute(
                title=f"{name} · Version History",
                name=name,
                notice=notice,
                now=html.escape(
                    f"{_size(listed['size'])}, modified {_when(listed['modified_at'])} "
                    f"by {listed['author'] or 'unknown author'}"
                ),
                rule=html.escape(self._editing(listed["locked_by"]) + RESTORE_RULE),
                table=self._table(path, listed),
                open_url=f"{self.base_url}wopi/open/{quote(path)}",
            )
        )

    def _editing(self, locked_by: str) -> str:
        editors = editors_seen_by(locked_by, person(self.current_user)[1])
        return f"Being edited by {editors}. " if editors else ""

    def _table(self, path: str, listed: VersionListJson) -> str:
        if not listed["versions"]:
            return (
                "<p>No earlier versions yet. A version is kept each time the document is saved "
                "from ONLYOFFICE or restored, and when an editor opens content not kept before."
                "</p>"
            )
        rows = "".join(self._row(path, listed, version) for version in listed["versions"])
        return (
            "<table><thead><tr><th>When</th><th>Who</th><th>What</th><th>Size</th>"
            f"<th>Actions</th></tr></thead><tbody>{rows}</tbody></table>"
        )

    def _row(self, path: str, listed: VersionListJson, version: VersionJson) -> str:
        base, file_id = self.base_url, quote(listed["file_id"])
        preview = f"{base}wopi/open/{quote(path)}?action=view&version={version['id']}"
        download = f"{base}api/wopi/versions/{file_id}/{version['id']}?download=1"
        restore = (
            f'<form method="post"><input type="hidden" name="_xsrf" value="'
            f'{html.escape(self.xsrf_token.decode())}"><input type="hidden" name="file_id" '
            f'value="{html.escape(listed["file_id"])}"><input type="hidden" name="version" '
            f'value="{version["id"]}"><button type="submit">Restore</button></form>'
            if listed["can_restore"]
            else ""
        )
        return (
            f"<tr><td>{_when(version['created_at'])}</td>"
            f"<td>{html.escape(_by(version['author'], version['co_editors']))}</td>"
            f"<td>{html.escape(KIND_WORDS.get(version['kind'], version['kind']))}</td>"
            f"<td>{_size(version['size'])}</td>"
            f'<td><a href="{html.escape(preview)}" target="_blank" rel="noopener">Preview</a> · '
            f'<a href="{html.escape(download)}">Download</a> {restore}</td></tr>'
        )

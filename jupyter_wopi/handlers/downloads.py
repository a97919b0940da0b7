"""A version's bytes as an HTTP answer: its content type by extension, its name (for a
browser's Save dialog, and for a user's server relaying a team service's answer), streamed
with backpressure."""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from tornado import web

FILE_NAME_HEADER = "X-Jupyter-Wopi-File-Name"  # lab.team_client reads it


class HandlerDownload:
    """lab.source.VersionDownload for a tornado handler."""

    def __init__(self, handler: web.RequestHandler) -> None:
        self.handler = handler

    def begin(self, name: str, size: int) -> None:
        handler = self.handler
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        handler.set_header("Content-Type", content_type)
        handler.set_header("Content-Length", str(size))
        handler.set_header(FILE_NAME_HEADER, quote(name))
        handler.set_header("X-Content-Type-Options", "nosniff")
        # Never shown inline from Jupyter's origin: a kept file could be HTML or SVG.
        handler.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quote(name)}")
        handler.set_header("Content-Security-Policy", "sandbox")

    async def send(self, chunk: bytes) -> None:
        self.handler.write(chunk)
        await self.handler.flush()

"""Image URLs for ONLYOFFICE's Image from Storage (spec §6, Action_InsertGraphic):
`POST api/wopi/images` (Jupyter-authenticated) issues one, `GET wopi/images/{secret}`
(no login: ONLYOFFICE's server downloads it) answers the image's bytes. The secret never
reaches a log line: the access line and every error line show `wopi/images/…`."""

from __future__ import annotations

import asyncio
import logging
from contextlib import aclosing
from typing import Any
from urllib.parse import quote

from jupyter_server.auth.decorator import allow_unauthenticated
from tornado import web
from tornado.iostream import StreamClosedError
from tornado.log import app_log

from ..errors import Refused
from ..files.io import DOWNLOAD_CHUNK_SIZE, read_chunks
from ..host.image_listing import DEFAULT_LIMIT, MAX_LIMIT, image_folder, list_images
from ..host.images import (
    NOT_FOUND,
    Capability,
    Issued,
    decode_image,
    offer_workspace_image,
    open_workspace_image,
    read_workspace_image,
)
from ..host.services import WopiHost
from ..wire import ImageUrlJson
from .lab_api import WopiApiHandler, authorized_to_read
from .refusals import as_refusal
from .wopi_base import CookielessHandler, log_request

IMAGE_ROUTE = r"/wopi/images/(?P<secret>.*)"  # all below it: a wrong URL is logged redacted too
REQUEST_HELP = (
    'Send {"path": "<image file>"} or {"data": "<base64 bytes>", "name"?: "<name>"}, '
    'with "document"?: "<the document it goes into>".'
)


class ImagesHandler(WopiApiHandler):
    """`POST api/wopi/images {"path"} | {"data", "name"?}`: a URL ONLYOFFICE may download
    this image from, without a login, a few times for a few minutes. Reading files is
    enough, as for opening a document.
    `GET api/wopi/images?folder=&limit=`: the image files a picker offers."""

    @web.authenticated
    @authorized_to_read
    async def get(self) -> None:
        where = image_folder(self.host.files, self.get_query_argument("folder", ""))
        try:
            limit = int(self.get_query_argument("limit", str(DEFAULT_LIMIT)))
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_LIMIT:
            raise Refused(400, f"limit must be a whole number from 1 to {MAX_LIMIT}.")
        self.finish(dict(await asyncio.to_thread(list_images, where, limit)))

    @web.authenticated
    @authorized_to_read
    async def post(self) -> None:
        body = self.json_object()
        document = body.get("document", "")
        if not isinstance(document, str):
            raise Refused(400, f"The document must be a path. {REQUEST_HELP}")
        team = self.lab_files.team
        if document and team is not None and team.serves(document):
            # ONLYOFFICE reaches a team document's WOPI host, the team service: it serves
            # the image too, so its bytes go there (this server may be out of its reach).
            data, name = await self.image_of(body)
            self.finish(dict(await team.issue_image(document, data, name)))
            return
        path = body.get("path")
        if isinstance(path, str) and path and "data" not in body:
            issued = await offer_workspace_image(self.host.files, self.host.images, path)
        else:
            issued = self.host.images.hold_bytes(*await self.image_of(body))
        self.finish(dict(image_url_json(self.host, issued)))

    async def image_of(self, body: dict[str, Any]) -> tuple[bytes, str]:
        """The image's bytes and name: the workspace file's, or the request's own."""
        path, data, name = body.get("path"), body.get("data"), body.get("name", "")
        limit = self.host.images.limits.max_bytes
        if isinstance(path, str) and path and data is None:
            return await read_workspace_image(self.host.files, path, limit)
        if isinstance(data, str) and path is None:
            if not isinstance(name, str):
                raise Refused(400, f"The image's name must be a string. {REQUEST_HELP}")
            return decode_image(data, limit), name
        raise Refused(400, REQUEST_HELP)


def image_url_json(host: WopiHost, issued: Issued) -> ImageUrlJson:
    return {
        "url": host.image_url(issued.secret),
        "expires_at": issued.expires_at,
        "downloads": issued.downloads,
        "content_type": issued.content_type,
        "size": issued.size,
    }


class ImageHandler(CookielessHandler):
    """`GET wopi/images/{secret}`: ONLYOFFICE (its server, perhaps the browser) downloads
    an image without cookies, Jupyter token or XSRF; the secret is only a key of the host's
    image shelf."""

    @allow_unauthenticated
    async def get(self, secret: str) -> None:
        await self.answer(self.host.images.take(secret), with_body=True)

    @allow_unauthenticated
    async def head(self, secret: str) -> None:
        """The headers a GET would have, without counting a download."""
        await self.answer(self.host.images.peek(secret), with_body=False)

    async def answer(self, capability: Capability | None, *, with_body: bool) -> None:
        if capability is None:
            return self.not_found()
        if capability.data is not None:
            self.begin(capability, capability.content_type, capability.size)
            self.finish(capability.data if with_body else None)
            return None
        assert capability.api_path is not None
        image = await open_workspace_image(
            self.host.files, capability.api_path, self.host.images.limits.max_bytes
        )
        if image is None:
            return self.not_found()
        with image.stream:
            self.begin(capability, image.content_type, image.size)
            if with_body:
                try:
                    async with aclosing(read_chunks(image.stream, DOWNLOAD_CHUNK_SIZE)) as chunks:
                        async for chunk in chunks:
                            self.write(chunk)
                            await self.flush()  # backpressure: at most one chunk buffered
                except StreamClosedError:
                    return None
        self.finish()
        return None

    def begin(self, capability: Capability, content_type: str, size: int) -> None:
        name = capability.name
        self.set_header("Content-Type", content_type)
        self.set_header("Content-Length", str(size))
        self.set_header(
            "Content-Disposition",
            f"inline; filename=\"{quote(name)}\"; filename*=UTF-8''{quote(name)}",
        )
        self.set_header("Content-Security-Policy", "sandbox")

    def not_found(self) -> None:
        """Unknown, expired or used up: one answer for all three."""
        self.set_status(404)
        self.answer_json(404, NOT_FOUND)

    # -- logging: never the secret -------------------------------------------------------

    @property
    def shown_path(self) -> str:
        prefix = self.request.path.partition("/wopi/images/")[0]
        return f"{prefix}/wopi/images/…"

    def _log(self) -> None:
        log_request(self, self.shown_path)

    def _request_summary(self) -> str:
        return f"{self.request.method} {self.shown_path} ({self.request.remote_ip})"

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        request, refusal = self.request, as_refusal(value)
        if refusal is None:
            app_log.error(
                "Uncaught exception %s %s (%s)",
                request.method,
                self.shown_path,
                request.remote_ip,
                exc_info=(typ, value, tb),
            )
        else:
            app_log.log(
                logging.INFO if refusal.status < 500 else logging.WARNING,
                "%d %s %s (%s): %s",
                refusal.status,
                request.method,
                self.shown_path,
                request.remote_ip,
                refusal.message,
            )

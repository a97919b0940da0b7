"""Request handlers of the double: DS's routes (client-behavior §1) and `/__double/*`."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from tornado import httputil, web

from .conversion import convert_to
from .discovery import base_url_from_request, discovery_xml
from .settings import Settings
from .users import PageEvent

if TYPE_CHECKING:
    from .server import OnlyOfficeDouble

PRODUCT_VERSION = "9.3.1"
REQUEST_ID_HEADER = "X-Double-Request-Id"  # test plumbing only: matches a POST to its page


def lower_query(request: httputil.HTTPServerRequest) -> dict[str, Any]:
    """utils.lowercaseQueryString + express's qs: names lower-cased, repeated → list."""
    merged: dict[str, list[str]] = {}
    for name, values in request.query_arguments.items():
        decoded = [v.decode("utf-8", errors="replace") for v in values]
        merged.setdefault(name.lower(), []).extend(decoded)
    return {k: v[0] if len(v) == 1 else v for k, v in merged.items()}


class DoubleHandler(web.RequestHandler):
    double: OnlyOfficeDouble

    def initialize(self, double: OnlyOfficeDouble) -> None:
        self.double = double

    def check_xsrf_cookie(self) -> None:
        """DS has no XSRF protection on these routes."""

    @property
    def settings_(self) -> Settings:
        return self.double.settings

    def require_wopi(self) -> None:
        if not self.settings_.wopi_enabled:
            raise web.HTTPError(404)

    def base_url(self) -> str:
        """wopi.host, else derived from this request (spec §2.6)."""
        public = self.settings_.public_url.rstrip("/")
        return public or base_url_from_request(self.request.protocol, self.request.headers)

    def body_fields(self) -> dict[str, str]:
        """urlencoded or multipart form fields (last value wins)."""
        return {
            name: values[-1].decode("utf-8", errors="replace")
            for name, values in self.request.body_arguments.items()
            if values
        }


class DiscoveryHandler(DoubleHandler):
    async def get(self) -> None:
        self.require_wopi()
        self.double.discovery_requests.append(dict(self.request.headers.get_all()))
        if self.settings_.discovery_delay:
            await asyncio.sleep(self.settings_.discovery_delay)
        failure = self.settings_.fail_discovery
        self.set_header("Content-Type", "text/xml")
        if isinstance(failure, int):
            self.set_status(failure)
            self.finish(b"")
            return
        if failure == "empty":
            self.finish(b"")
            return
        if failure == "malformed":
            self.finish(b'<?xml version="1.0" encoding="utf-8"?><wopi-discovery><net-zone')
            return
        self.finish(
            discovery_xml(
                self.base_url(),
                zone_name=self.settings_.wopi_zone,
                proof_key=self.double.proof_key_attributes(),
                template_exts=self.settings_.template_exts,
            )
        )


class CapabilitiesHandler(DoubleHandler):
    def get(self) -> None:
        self.require_wopi()
        self.set_header("Content-Type", "application/json")
        capabilities = {
            "convert-to": {"available": True, "endpoint": "/lool/convert-to"},
            "hasMobileSupport": True,
            "hasProxyPrefix": False,
            "hasTemplateSaveAs": False,
            "hasTemplateSource": True,
            "productVersion": PRODUCT_VERSION,
        }
        self.finish(json.dumps(capabilities))


class EditorHandler(DoubleHandler):
    def get(self, document_type: str, mode: str) -> None:
        raise web.HTTPError(404)  # only POST is routed (spec §3.1)

    async def post(self, document_type: str, mode: str) -> None:
        self.require_wopi()
        page = await self.double.opener.open(
            document_type, mode, lower_query(self.request), self.body_fields()
        )
        self.double.record_page(page, self.request.headers.get(REQUEST_ID_HEADER))
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page.html)


class ConvertAndEditHandler(DoubleHandler):
    async def post(self, ext: str, targetext: str) -> None:
        self.require_wopi()
        html, _job = await self.double.converter.start(
            ext, targetext, lower_query(self.request), self.body_fields(), self.base_url()
        )
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(html)


class ConvertStatusHandler(DoubleHandler):
    async def get(self) -> None:
        self.require_wopi()
        answer = await self.double.converter.handle_status(lower_query(self.request))
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(answer))


class ConvertToHandler(DoubleHandler):
    def post(self, format_: str | None = None) -> None:
        self.require_wopi()
        self.double.convert_to_bodies.append(self.request.body)
        files = [(f.filename, f.body) for parts in self.request.files.values() for f in parts]
        wanted = format_ or self.get_body_argument("format", None)
        status, body, content_type, name = convert_to(files, wanted)
        if status != 200:
            self.set_status(status)
            self.finish()
            return
        if content_type:
            self.set_header("Content-Type", content_type)
        self.set_header("Content-Disposition", f"inline; filename={name}")
        self.finish(body)


class EventsHandler(DoubleHandler):
    def post(self) -> None:
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError as err:
            raise web.HTTPError(400) from err
        message = data.get("message")
        self.double.page_event(
            PageEvent(
                kind=str(data.get("kind")),
                user_session_id=str(data.get("usid")),
                message=message if isinstance(message, dict) else None,
            )
        )
        self.set_status(204)
        self.finish()


class InsertImageHandler(DoubleHandler):
    """The page's editor got Action_InsertGraphic: DS downloads the URL (server side) and
    inserts the image; the page shows the outcome."""

    async def post(self) -> None:
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError as err:
            raise web.HTTPError(400) from err
        image = await self.double.insert_image(str(data.get("usid")), str(data.get("url")))
        if image is None:
            raise web.HTTPError(404)
        self.set_header("Content-Type", "application/json")
        self.finish(
            json.dumps(
                {
                    "inserted": image.inserted,
                    "size": len(image.data),
                    "content_type": image.content_type,
                    "error": image.error,
                }
            )
        )


class SignalsHandler(DoubleHandler):
    def get(self) -> None:
        found = self.double.find_user(self.get_query_argument("usid", ""))
        pending: list[str] = []
        if found is not None:
            user = found[1]
            pending, user.signals[:] = list(user.signals), []
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(pending))

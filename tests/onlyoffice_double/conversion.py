"""Binary conversion (spec §7): the `convert` action (convert-and-edit page + status
handler) and the Collabora-style `/cool/convert-to` endpoint."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from .editor import JWT_SECRET, render_converter
from .formats import can_convert, convert_bytes, mime_type
from .jsutil import encode_uri_component, parse_int
from .opening import EditorOpener, OpenError, single
from .operations import check_file_info, get_file, put_relative_file
from .settings import Settings
from .wopi_calls import WopiClient


@dataclass
class ConversionJob:
    """One convert-and-edit task (`conv_<random>`)."""

    doc_id: str
    wopi_src: str
    access_token: str
    ext: str
    targetext: str
    status_handler: str
    output: bytes | None = None
    error: str | None = None
    results: list[dict[str, Any]] = field(default_factory=list)  # PutRelativeFile answers
    task: asyncio.Task[None] | None = None

    @property
    def done(self) -> bool:
        return self.task is not None and self.task.done()

    async def wait(self) -> None:
        if self.task is not None:
            await self.task


def handler_token(doc_id: str) -> str:
    """Stand-in for the JWT `{docId}` DS puts into the handler URL."""
    return hmac.new(JWT_SECRET, doc_id.encode(), hashlib.sha256).hexdigest()


class Converter:
    def __init__(self, client: WopiClient, settings: Settings, opener: EditorOpener) -> None:
        self.client = client
        self.settings = settings
        self.opener = opener
        self.jobs: dict[str, ConversionJob] = {}

    async def start(
        self, ext: str, targetext: str, query: dict[str, Any], body: dict[str, str], base: str
    ) -> tuple[str, ConversionJob | None]:
        """wopiClient.getConverterHtml: the page, with a status handler only if the
        conversion could start (needs a non-zero access_token_ttl, spec §3.1)."""
        try:
            wopi_src = single(query, "wopisrc")
        except OpenError:
            wopi_src = None
        token = body.get("access_token") or ""
        ttl = parse_int(body.get("access_token_ttl"))
        if not (wopi_src and token and ttl and ext and targetext):
            return render_converter(None), None
        call = await check_file_info(
            self.client, self.settings, wopi_src=wopi_src, token=token, session_id=None
        )
        try:
            info = call.json() if call.ok else None
        except ValueError:
            info = None
        if not isinstance(info, dict):
            return render_converter(None), None
        doc_id = f"conv_{secrets.token_hex(8)}"
        status_handler = (
            f"{base}/hosting/wopi/convert-and-edit-handler?WOPISrc={encode_uri_component(wopi_src)}"
            f"&access_token={encode_uri_component(token)}&targetext={quote(targetext, safe='')}"
            f"&docId={doc_id}&token={handler_token(doc_id)}"
        )
        job = ConversionJob(doc_id, wopi_src, token, ext.lower(), targetext.lower(), status_handler)
        job.task = asyncio.ensure_future(self._convert(job))
        self.jobs[doc_id] = job
        return render_converter(status_handler), job

    async def _convert(self, job: ConversionJob) -> None:
        """The converter: GetFile (signed, MaxExpectedSize, retries), then convert."""
        content = await get_file(
            self.client,
            self.settings,
            wopi_src=job.wopi_src,
            token=job.access_token,
            session_id=None,
            document_key=job.doc_id,
            record=lambda message: setattr(job, "error", message),
        )
        if content is None:
            return
        if not can_convert(job.ext, job.targetext):
            job.error = f"cannot convert {job.ext} to {job.targetext}"
        else:
            job.output = convert_bytes(content, job.ext, job.targetext)

    async def handle_status(self, query: dict[str, Any]) -> dict[str, Any]:
        """converterservice.getConverterHtmlHandler: once the conversion is done, every
        poll sends PutRelativeFile (`.targetext`, X-WOPI-FileConversion) to the original
        WOPISrc and answers `{endConvert, fileUrl: HostEditUrl}`."""
        doc_id = query.get("docid")
        job = self.jobs.get(doc_id) if isinstance(doc_id, str) else None
        if job is None or query.get("token") != handler_token(job.doc_id):
            return {"error": -1}
        if not job.done:
            return {"endConvert": False}
        if job.output is None:
            return {"error": -1, "message": job.error}
        wopi_src = query.get("wopisrc")
        token = query.get("access_token")
        targetext = query.get("targetext")
        if not (isinstance(wopi_src, str) and isinstance(token, str)):
            return {"error": -1}
        if not isinstance(targetext, str):
            return {"error": -1}
        result = await put_relative_file(
            self.client,
            self.settings,
            wopi_src=wopi_src,
            token=token,
            content=job.output,
            suggested_ext=f".{targetext}",
            suggested_target=None,
            conversion=True,
            session_id=None,
            document_key=job.doc_id,
            record=lambda message: setattr(job, "error", message),
        )
        if result is None:
            return {"error": -1, "message": job.error}
        job.results.append(result)
        return {
            "endConvert": True,
            "fileUrl": result.get("HostEditUrl"),
            "fileName": result.get("Name"),
        }


def convert_to(
    files: list[tuple[str, bytes]], format_: str | None
) -> tuple[int, bytes, str | None, str | None]:
    """`POST /cool/convert-to/{format}` (spec §7.2): the first file part's extension is the
    input format. Returns (status, body, content type, file name); errors are a bare 400."""
    if not files or not format_:
        return 400, b"", None, None
    name, data = files[0]
    base, dot, in_ext = name.rpartition(".")
    if not dot or not in_ext.isalnum():
        return 400, b"", None, None
    in_ext, out_ext = in_ext.lower(), format_.lower()
    if not can_convert(in_ext, out_ext):
        return 400, b"", None, None
    return 200, convert_bytes(data, in_ext, out_ext), mime_type(out_ext), f"{base}.{out_ext}"

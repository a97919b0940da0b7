"""Server-side conversion through ONLYOFFICE's `cool/convert-to` endpoint (spec §7.2): the
file is streamed there and the result streamed into a new file beside the original."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

from .errors import Refused
from .fileids import FileRef
from .files import CHUNK_SIZE, AtomicWriter
from .host import WopiHost
from .saving import create_unique

FORMAT_RE = re.compile(r"[a-z0-9]{1,10}")
CONVERT_TIMEOUT = 600.0


@dataclass(frozen=True)
class ConvertOptions:
    format: str
    pdfa: bool = False  # PDF/A-2b when the target is pdf
    password: str = ""  # protect the output (ONLYOFFICE ≥ 8.2)
    fit_sheets: bool = False  # one page per sheet


def _form_fields(options: ConvertOptions) -> list[tuple[str, str]]:
    fields = [("format", options.format)]
    if options.pdfa and options.format == "pdf":
        fields.append(("PDFVer", "PDF/A-2b"))
    if options.password:
        fields.append(("Password", options.password[:255]))
    if options.fit_sheets:
        fields.append(("FullSheetPreview", "true"))
    return fields


def _multipart_producer(
    path: str, file_name: str, fields: list[tuple[str, str]], boundary: str
) -> tuple[int, Callable[[Callable[[bytes], Awaitable[None]]], Awaitable[None]]]:
    """The multipart body's length and a producer that streams it (the file is not read
    into memory)."""
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields
    )
    quoted = file_name.replace('"', "_")
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="data"; filename="{quoted}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + os.path.getsize(path) + len(tail)

    async def produce(write: Callable[[bytes], Awaitable[None]]) -> None:
        loop = asyncio.get_running_loop()
        await write(head)
        with open(path, "rb") as stream:
            while chunk := await loop.run_in_executor(None, stream.read, CHUNK_SIZE):
                await write(chunk)
        await write(tail)

    return length, produce


async def convert_file(host: WopiHost, file: FileRef, options: ConvertOptions) -> str:
    """Convert and write the result beside the original; returns its API path."""
    if not FORMAT_RE.fullmatch(options.format):
        raise Refused(400, f"'{options.format}' is not a file format name (like pdf or csv).")
    if not host.discovery.configured:
        raise Refused(503, "ONLYOFFICE Docs is not configured: set JUPYTER_WOPI_ONLYOFFICE_URL.")
    url = f"{host.discovery.internal_url}cool/convert-to/{options.format}"
    boundary = secrets.token_hex(16)
    length, producer = _multipart_producer(file.os_path, file.name, _form_fields(options), boundary)
    writer = AtomicWriter(file.folder)
    limit = host.settings.max_file_size

    def receive(chunk: bytes) -> None:
        if writer.size + len(chunk) > limit:
            raise Refused(413, f"The converted file is larger than {limit} bytes.")
        writer.write(chunk)

    request = HTTPRequest(
        url,
        method="POST",
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(length),
        },
        body_producer=cast(Any, producer),  # tornado accepts a coroutine function
        streaming_callback=receive,
        request_timeout=CONVERT_TIMEOUT,
    )
    try:
        await AsyncHTTPClient().fetch(request)
        await asyncio.get_running_loop().run_in_executor(None, writer.flush)  # fsync
        stem = os.path.splitext(file.name)[0]
        name = create_unique(writer, file.folder, f"{stem}.{options.format}")
    except HTTPClientError as err:
        ext = os.path.splitext(file.name)[1] or "(no extension)"
        raise Refused(
            422 if err.code == 400 else 502,
            f"ONLYOFFICE refused to convert {file.name} to {options.format}: the pair "
            f"{ext} → .{options.format} is unsupported, the file is damaged or protected, or "
            "it exceeds ONLYOFFICE's converter limits."
            if err.code == 400
            else f"ONLYOFFICE's converter at {url} answered HTTP {err.code}.",
        ) from err
    except OSError as err:
        raise Refused(
            502,
            f"Cannot reach ONLYOFFICE's converter at {url}: {err}. Check "
            "JUPYTER_WOPI_ONLYOFFICE_INTERNAL_URL.",
        ) from err
    finally:
        writer.discard()  # no-op once the result has its name
    return file.sibling(name)

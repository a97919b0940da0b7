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

from ..errors import Refused, disk_refusal
from ..files.ids import FileRef
from ..files.io import CHUNK_SIZE, AtomicWriter
from .saving import create_unique
from .services import WopiHost

FORMAT_RE = re.compile(r"[a-z0-9]{1,10}")
_HEADER_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\]')
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
    quoted = _HEADER_UNSAFE.sub("_", file_name)  # a CR/LF would end the part header
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


def _converter_refusal(
    error: Exception, file: FileRef, options: ConvertOptions, url: str, reach_name: str
) -> Refused:
    if isinstance(error, HTTPClientError):
        ext = os.path.splitext(file.name)[1] or "(no extension)"
        if error.code == 400:
            return Refused(
                422,
                f"ONLYOFFICE refused to convert {file.name} to {options.format}: the pair "
                f"{ext} → .{options.format} is unsupported, the file is damaged or protected, "
                "or it exceeds ONLYOFFICE's converter limits.",
            )
        return Refused(502, f"ONLYOFFICE's converter at {url} answered HTTP {error.code}.")
    return Refused(
        502,
        f"Cannot reach ONLYOFFICE's converter at {url}: {error}. Check {reach_name}.",
    )


async def convert_file(host: WopiHost, file: FileRef, options: ConvertOptions) -> str:
    """Convert and write the result beside the original; returns its API path."""
    if not FORMAT_RE.fullmatch(options.format):
        raise Refused(400, f"'{options.format}' is not a file format name (like pdf or csv).")
    if not host.discovery.configured:
        raise Refused(503, host.discovery.not_configured)
    url = f"{host.discovery.internal_url}cool/convert-to/{options.format}"
    boundary = secrets.token_hex(16)
    length, producer = _multipart_producer(file.os_path, file.name, _form_fields(options), boundary)
    writer = AtomicWriter(file.folder)
    limit = host.settings.max_file_size
    failure: Refused | None = None  # why receive() stopped the download, if it did

    def receive(chunk: bytes) -> None:
        nonlocal failure
        try:
            if writer.size + len(chunk) > limit:
                raise Refused(
                    413,
                    f"The converted file is larger than the limit of {limit} bytes "
                    "(setting JUPYTER_WOPI_MAX_FILE_SIZE); nothing was saved.",
                )
            writer.write(chunk)
        except Refused as err:
            failure = err
            raise  # tornado ends the download with an error of its own
        except OSError as err:
            failure = disk_refusal(err)
            raise

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
        try:
            await AsyncHTTPClient().fetch(request)
        except (HTTPClientError, OSError, Refused) as err:
            raise failure or _converter_refusal(
                err, file, options, url, host.discovery.internal_name
            ) from err
        await asyncio.get_running_loop().run_in_executor(None, writer.flush)  # fsync
        stem = os.path.splitext(file.name)[0]
        name = create_unique(writer, file.folder, f"{stem}.{options.format}")
    except OSError as err:
        raise disk_refusal(err) from err
    finally:
        writer.discard()  # no-op once the result has its name
    return file.sibling(name)

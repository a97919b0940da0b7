"""The individual WOPI operations as wopiClient.js sends them: each builds the DS headers,
sends through the recording WopiClient and never raises (DS only logs failures)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from .formats import mime_type
from .jsutil import utf7_encode
from .settings import Settings
from .wopi_calls import Call, WopiClient

OPERATION_NAMES = {"LOCK": "Lock", "REFRESH_LOCK": "RefreshLock", "UNLOCK": "Unlock"}


async def check_file_info(
    client: WopiClient,
    settings: Settings,
    *,
    wopi_src: str,
    token: str,
    session_id: str | None,
    session_context: str | None = None,
) -> Call:
    """wopiClient.checkFileInfo: signed GET, X-WOPI-SessionContext if `sc` was given."""
    url, headers = client.prepare(
        wopi_src, token, session_id=session_id, before={"X-WOPI-SessionContext": session_context}
    )
    return await client.send(
        "CheckFileInfo", "GET", url, headers, token=token, timeout=settings.download_timeout
    )


async def _post_without_body(
    client: WopiClient,
    settings: Settings,
    operation: str,
    wopi_src: str,
    token: str,
    session_id: str | None,
    document_key: str | None,
    headers: dict[str, str],
) -> Call:
    """A signed POST on the WOPISrc with these headers and an empty body."""
    url, signed = client.prepare(wopi_src, token, session_id=session_id, before=headers)
    return await client.send(
        operation,
        "POST",
        url,
        signed,
        token=token,
        body=b"",
        timeout=settings.callback_timeout,
        document_key=document_key,
    )


async def lock_operation(
    client: WopiClient,
    settings: Settings,
    override: str,
    *,
    wopi_src: str,
    token: str,
    lock_id: str,
    session_id: str | None,
    document_key: str | None,
) -> Call:
    """LOCK / REFRESH_LOCK / UNLOCK with `X-WOPI-Lock` and an empty body (spec §5.4)."""
    return await _post_without_body(
        client,
        settings,
        OPERATION_NAMES[override],
        wopi_src,
        token,
        session_id,
        document_key,
        {"X-WOPI-Override": override, "X-WOPI-Lock": lock_id},
    )


async def get_file(
    client: WopiClient,
    settings: Settings,
    *,
    wopi_src: str,
    token: str,
    session_id: str | None,
    document_key: str | None,
    record: Callable[[str], None],
) -> bytes | None:
    """The converter's download (client-behavior §2.4): X-WOPI-MaxExpectedSize, up to
    `download_attempt_max` attempts with the same signed headers, no retry after a timeout
    or an oversized body. None on failure."""
    url, headers = client.prepare(
        wopi_src,
        token,
        contents=True,
        session_id=session_id,
        before={"X-WOPI-MaxExpectedSize": str(settings.max_download_bytes)},
    )
    for attempt in range(1, settings.download_attempt_max + 1):
        call = await client.send(
            "GetFile",
            "GET",
            url,
            headers,
            token=token,
            timeout=settings.download_timeout,
            document_key=document_key,
        )
        if call.ok:
            if len(call.response_body) > settings.max_download_bytes:
                record("GetFile: the file exceeds maxDownloadBytes")
                return None
            return call.response_body
        record(f"GetFile attempt {attempt} failed: {call.status} {call.error or ''}".strip())
        if call.timed_out:
            break
        if attempt < settings.download_attempt_max:
            await asyncio.sleep(settings.download_attempt_delay)
    record("GetFile: download failed, the editor shows an error")
    return None


async def put_file(
    client: WopiClient,
    settings: Settings,
    *,
    wopi_src: str,
    token: str,
    content: bytes,
    file_type: str,
    lock_id: str | None,
    editor: str | None,
    session_id: str | None,
    flags: dict[str, bool],
    timestamp: str | None,
    document_key: str | None,
) -> Call:
    """wopiClient.putFile (client-behavior §5.2). `flags` are the X-LOOL-WOPI-* booleans
    (IsModifiedByUser, IsAutosave, IsExitSave): false ones are omitted, like axios does."""
    url, headers = client.prepare(
        wopi_src,
        token,
        contents=True,
        session_id=session_id,
        before={"X-WOPI-Override": "PUT", "X-WOPI-Lock": lock_id, "X-WOPI-Editors": editor},
        after={
            **{f"X-LOOL-WOPI-{name}": "true" if on else None for name, on in flags.items()},
            "X-LOOL-WOPI-Timestamp": timestamp,
            "Content-Type": mime_type(file_type),
        },
    )
    return await client.send(
        "PutFile",
        "POST",
        url,
        headers,
        token=token,
        body=content,
        timeout=settings.callback_timeout,
        document_key=document_key,
    )


async def rename_file(
    client: WopiClient,
    settings: Settings,
    *,
    wopi_src: str,
    token: str,
    lock_id: str,
    name: str,
    session_id: str | None,
    document_key: str | None,
) -> Call:
    """wopiClient.renameFile: X-WOPI-Lock and UTF-7 X-WOPI-RequestedName (spec §5.6)."""
    return await _post_without_body(
        client,
        settings,
        "RenameFile",
        wopi_src,
        token,
        session_id,
        document_key,
        {
            "X-WOPI-Override": "RENAME_FILE",
            "X-WOPI-Lock": lock_id,
            "X-WOPI-RequestedName": utf7_encode(name),
        },
    )


async def put_relative_file(
    client: WopiClient,
    settings: Settings,
    *,
    wopi_src: str,
    token: str,
    content: bytes,
    suggested_ext: str,
    suggested_target: str | None,
    conversion: bool,
    session_id: str | None,
    document_key: str | None,
    record: Callable[[str], None],
) -> dict[str, Any] | None:
    """wopiClient.putRelativeFile (spec §5.5): suggested mode only, no lock; the answer must
    be a JSON object. None (recorded) on failure."""
    url, headers = client.prepare(
        wopi_src,
        token,
        session_id=session_id,
        before={
            "X-WOPI-Override": "PUT_RELATIVE",
            "X-WOPI-SuggestedTarget": utf7_encode(suggested_target or suggested_ext),
            "X-WOPI-FileConversion": "true" if conversion else None,
        },
        after={"Content-Type": mime_type(suggested_ext)},
    )
    call = await client.send(
        "PutRelativeFile",
        "POST",
        url,
        headers,
        token=token,
        body=content,
        timeout=settings.callback_timeout,
        document_key=document_key,
    )
    result = json_object(call) if call.ok else None
    if result is None:
        record(f"PutRelativeFile failed: {call.status} {call.response_body[:200]!r}")
    return result


def json_object(call: Call) -> dict[str, Any] | None:
    """`JSON.parse(body)` when it gives an object, else None."""
    try:
        data = call.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def json_string(call: Call, name: str) -> str | None:
    data = json_object(call)
    value = data.get(name) if data is not None else None
    return value if isinstance(value, str) and value else None

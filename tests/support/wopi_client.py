"""A small WOPI client that calls the server as ONLYOFFICE does (plain HTTP with
`?access_token=`, no Jupyter credentials), and the calls more than one test module makes with
it: a PutFile as ONLYOFFICE saves, a lock, a PutRelativeFile; and the conflict copies a save
may leave."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPResponse


class WopiClient:
    """Calls WOPI routes the way ONLYOFFICE does: plain HTTP with `?access_token=`."""

    def __init__(self, base: str) -> None:
        self.base = base  # http://127.0.0.1:port/<base_url>
        self.http = AsyncHTTPClient()

    async def request(
        self,
        method: str,
        url: str,
        token: str | None,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> HTTPResponse:
        if token is not None:
            url += ("&" if "?" in url else "?") + f"access_token={token}"
        if method == "POST" and body is None:
            body = b""
        return await self.http.fetch(
            url,
            method=method,
            headers=headers or {},
            body=body,
            raise_error=False,
            request_timeout=120,
        )

    def file_url(self, file_id: str) -> str:
        return f"{self.base}wopi/files/{file_id}"

    async def check_file_info(self, file_id: str, token: str) -> HTTPResponse:
        return await self.request("GET", self.file_url(file_id), token)

    async def get_file(self, file_id: str, token: str, **headers: str) -> HTTPResponse:
        return await self.request("GET", self.file_url(file_id) + "/contents", token, headers)

    async def put_file(
        self, file_id: str, token: str, body: bytes, lock: str | None = None, **extra: str
    ) -> HTTPResponse:
        headers = {"X-WOPI-Override": "PUT", **extra}
        if lock is not None:
            headers["X-WOPI-Lock"] = lock
        return await self.request(
            "POST", self.file_url(file_id) + "/contents", token, headers, body
        )

    async def override(
        self, file_id: str, token: str, op: str, body: bytes = b"", **headers: str
    ) -> HTTPResponse:
        all_headers = {
            "X-WOPI-Override": op,
            **{k.replace("_", "-"): v for k, v in headers.items()},
        }
        return await self.request("POST", self.file_url(file_id), token, all_headers, body)


def headers_of(response: HTTPResponse) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.get_all()}


async def loaded_stamp(wopi: WopiClient, doc: dict[str, Any]) -> str:
    info = json.loads((await wopi.check_file_info(doc["file_id"], doc["access_token"])).body)
    return info["LastModifiedTime"]  # type: ignore[no-any-return]


async def save(wopi: WopiClient, doc: dict[str, Any], body: bytes, stamp: str) -> HTTPResponse:
    return await wopi.put_file(
        doc["file_id"],
        doc["access_token"],
        body,
        lock=doc["file_id"],
        **{"X-LOOL-WOPI-Timestamp": stamp},
    )


async def saved(
    wopi: WopiClient, doc: dict[str, Any], body: bytes, stamp: str, **extra: str
) -> str:
    """Save as ONLYOFFICE does (its lock, its loaded timestamp, `extra` headers such as
    X-WOPI-Editors); the LastModifiedTime its next save carries."""
    response = await wopi.put_file(
        doc["file_id"],
        doc["access_token"],
        body,
        lock=doc["file_id"],
        **{"X-LOOL-WOPI-Timestamp": stamp, **extra},
    )
    assert response.code == 200, response.body
    return json.loads(response.body)["LastModifiedTime"]  # type: ignore[no-any-return]


def conflict_copies(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if "(conflict " in p.name)


async def lock(wopi: WopiClient, doc: dict[str, Any], lock_id: str | None = None) -> int:
    response = await wopi.override(
        doc["file_id"], doc["access_token"], "LOCK", X_WOPI_Lock=lock_id or doc["file_id"]
    )
    return response.code


async def unlock(wopi: WopiClient, doc: dict[str, Any], lock_id: str | None = None) -> int:
    response = await wopi.override(
        doc["file_id"], doc["access_token"], "UNLOCK", X_WOPI_Lock=lock_id or doc["file_id"]
    )
    return response.code


async def put_relative(wopi: WopiClient, doc: dict[str, Any], body: bytes, **headers: str) -> Any:
    return await wopi.override(doc["file_id"], doc["access_token"], "PUT_RELATIVE", body, **headers)


async def locked_session(
    open_session: Any, wopi: WopiClient, path: str, content: bytes | None
) -> tuple[dict[str, Any], str]:
    """A session on `path` (made with `content`, unless None) as an editor opens it: the
    LastModifiedTime it loaded (what its saves carry as X-LOOL-WOPI-Timestamp), and the file
    locked with the file id, as ONLYOFFICE locks it."""
    doc = await open_session(path, content)
    stamp = await loaded_stamp(wopi, doc)
    assert await lock(wopi, doc) == 200
    return doc, stamp

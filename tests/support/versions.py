"""Version history through the lab API, for the tests of several files."""

from __future__ import annotations

import json
from typing import Any

from tornado.httpclient import HTTPResponse


async def versions(jp_fetch: Any, path: str) -> dict[str, Any]:
    """`GET api/wopi/versions?path=`: the file now and its versions, newest first."""
    response = await jp_fetch("api", "wopi", "versions", params={"path": path})
    return json.loads(response.body)  # type: ignore[no-any-return]


async def version_bytes(jp_fetch: Any, file_id: str, version_id: str) -> bytes:
    response = await jp_fetch("api", "wopi", "versions", file_id, version_id)
    return response.body  # type: ignore[no-any-return]


async def restore_request(jp_fetch: Any, file_id: str, version_id: str) -> HTTPResponse:
    """`POST api/wopi/versions/{id}/{version}/restore` (raises on a refusal)."""
    return await jp_fetch(  # type: ignore[no-any-return]
        "api", "wopi", "versions", file_id, version_id, "restore", method="POST", body="{}"
    )


async def restore(jp_fetch: Any, file_id: str, version_id: str) -> dict[str, Any]:
    return json.loads((await restore_request(jp_fetch, file_id, version_id)).body)  # type: ignore[no-any-return]

"""A Jupyter user allowed to read but not to write (JupyterHub read-only sharing, custom
authorizers) can view documents and nothing more."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.auth.authorizer import Authorizer
from support.wopi_client import WopiClient
from tornado.httpclient import HTTPClientError


class ReadOnlyAuthorizer(Authorizer):
    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return action == "read"


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any]) -> dict[str, Any]:
    jp_server_config["ServerApp"]["authorizer_class"] = ReadOnlyAuthorizer
    return jp_server_config


async def test_a_reader_gets_a_view_session_with_a_read_only_token(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    session = await open_session("report.docx", b"content")
    assert session["mode"] == "view"
    assert "may read files on this server but not change them" in session["notice"]
    info = json.loads(
        (await wopi.check_file_info(session["file_id"], session["access_token"])).body
    )
    assert info["UserCanWrite"] is False
    refused = await wopi.put_file(session["file_id"], session["access_token"], b"x")
    assert refused.code == 401
    assert (jp_root_dir / "report.docx").read_bytes() == b"content"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", ("api", "wopi", "convert"), {"path": "report.docx", "format": "pdf"}),
        ("DELETE", ("api", "wopi", "locks", "0" * 32), None),
    ],
)
async def test_a_reader_may_not_convert_or_release_locks(
    jp_fetch: Any, jp_root_dir: Path, method: str, path: tuple[str, ...], body: Any
) -> None:
    (jp_root_dir / "report.docx").write_bytes(b"content")
    kwargs = {"body": json.dumps(body)} if body is not None else {}
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(*path, method=method, **kwargs)
    assert err.value.code == 403

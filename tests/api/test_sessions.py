"""The lab API that opens editor sessions."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError


async def test_session_returns_token_ids_and_absolute_ttl(
    open_session: Any, jp_base_url: str
) -> None:
    session = await open_session("report.docx", b"PK-docx")
    assert session["file_name"] == "report.docx"
    assert session["mode"] == "edit"
    assert len(session["file_id"]) <= 64
    assert session["wopi_src"].endswith(f"{jp_base_url}wopi/files/{session['file_id']}")
    assert "?" not in session["wopi_src"]
    ttl = session["access_token_ttl"]
    assert time.time() * 1000 + 7 * 3600 * 1000 < ttl < time.time() * 1000 + 9 * 3600 * 1000


async def test_file_id_is_stable_across_sessions(open_session: Any) -> None:
    first = await open_session("a.xlsx", b"x")
    second = await open_session("a.xlsx")
    assert first["file_id"] == second["file_id"]


async def test_view_action_gives_view_mode(open_session: Any) -> None:
    session = await open_session("v.pptx", b"x", action="view")
    assert session["mode"] == "view"


async def test_read_only_file_opens_in_view_mode(open_session: Any, jp_root_dir: Path) -> None:
    (jp_root_dir / "ro.docx").write_bytes(b"x")
    (jp_root_dir / "ro.docx").chmod(0o444)
    session = await open_session("ro.docx")
    assert session["mode"] == "view"


@pytest.mark.parametrize(
    "path", ["missing.docx", "../outside.docx", "/etc/passwd", ".hidden/secret.docx", "folder"]
)
async def test_session_for_unservable_path_is_404(
    jp_fetch: Any, jp_root_dir: Path, path: str
) -> None:
    (jp_root_dir / ".hidden").mkdir()
    (jp_root_dir / ".hidden" / "secret.docx").write_bytes(b"x")
    (jp_root_dir / "folder").mkdir()
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("api", "wopi", "sessions", method="POST", body=json.dumps({"path": path}))
    assert err.value.code == 404
    assert "no file" in json.loads(err.value.response.body)["message"].lower()


async def test_session_rejects_bad_body(jp_fetch: Any) -> None:
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("api", "wopi", "sessions", method="POST", body=json.dumps({"action": "x"}))
    assert err.value.code == 400


async def test_session_requires_jupyter_auth(jp_fetch: Any) -> None:
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(
            "api",
            "wopi",
            "sessions",
            method="POST",
            body=json.dumps({"path": "a.docx"}),
            headers={"Authorization": ""},
        )
    assert err.value.code in (401, 403)

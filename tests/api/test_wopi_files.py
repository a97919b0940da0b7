"""CheckFileInfo, GetFile and PutFile against a real Jupyter server (spec §5.2, §5.3)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from support.wopi_client import WopiClient, headers_of


async def test_check_file_info_has_every_field_onlyoffice_reads(
    open_session: Any, wopi: WopiClient
) -> None:
    session = await open_session("docs/report.docx", b"hello")
    response = await wopi.check_file_info(session["file_id"], session["access_token"])
    assert response.code == 200
    assert headers_of(response)["content-type"].startswith("application/json")
    info = json.loads(response.body)
    assert info["BaseFileName"] == "report.docx"
    assert info["FileExtension"] == ".docx"
    assert info["Size"] == 5
    assert info["UserCanWrite"] is True and info["ReadOnly"] is False
    assert info["SupportsLocks"] and info["SupportsUpdate"] and info["SupportsRename"]
    assert info["UserCanNotWriteRelative"] is False
    assert info["BreadcrumbFolderName"] == "docs"
    assert info["PostMessageOrigin"].startswith("http://")
    assert info["HostEditUrl"].endswith("lab/tree/docs/report.docx")
    assert info["BreadcrumbFolderUrl"].endswith("lab/tree/docs")
    assert info["UserId"] and info["UserFriendlyName"] and info["OwnerId"]
    assert info["LastModifiedTime"].endswith("Z")


async def test_view_token_cannot_write(open_session: Any, wopi: WopiClient) -> None:
    session = await open_session("v.docx", b"x", action="view")
    info = json.loads(
        (await wopi.check_file_info(session["file_id"], session["access_token"])).body
    )
    assert info["UserCanWrite"] is False
    assert info["UserCanNotWriteRelative"] is True
    assert info["SupportsUpdate"] is False
    assert info["EnableInsertRemoteImage"] is False  # a viewer inserts nothing


async def test_read_only_file_reports_user_cannot_write(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    session = await open_session("ro.xlsx", b"x")
    (jp_root_dir / "ro.xlsx").chmod(0o444)
    info = json.loads(
        (await wopi.check_file_info(session["file_id"], session["access_token"])).body
    )
    assert info["UserCanWrite"] is False and info["ReadOnly"] is True
    assert info["EnableInsertRemoteImage"] is False


async def test_version_changes_on_external_write(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    session = await open_session("data.xlsx", b"one")
    fid, token = session["file_id"], session["access_token"]
    before = json.loads((await wopi.check_file_info(fid, token)).body)["Version"]
    (jp_root_dir / "data.xlsx").write_bytes(b"two")  # a notebook writes with pandas
    after = json.loads((await wopi.check_file_info(fid, token)).body)["Version"]
    assert before != after


async def test_get_file_streams_bytes_with_version(open_session: Any, wopi: WopiClient) -> None:
    content = os.urandom(3 * 1024 * 1024 + 17)
    session = await open_session("big.pptx", content)
    response = await wopi.get_file(session["file_id"], session["access_token"])
    assert response.code == 200
    assert response.body == content
    headers = headers_of(response)
    assert headers["content-length"] == str(len(content))
    info = await wopi.check_file_info(session["file_id"], session["access_token"])
    assert headers["x-wopi-itemversion"] == json.loads(info.body)["Version"]


async def test_get_file_over_max_expected_size_is_412(open_session: Any, wopi: WopiClient) -> None:
    session = await open_session("big.docx", b"x" * 100)
    response = await wopi.get_file(
        session["file_id"], session["access_token"], **{"X-WOPI-MaxExpectedSize": "99"}
    )
    assert response.code == 412
    ok = await wopi.get_file(
        session["file_id"], session["access_token"], **{"X-WOPI-MaxExpectedSize": "100"}
    )
    assert ok.code == 200


async def test_put_file_with_lock_writes_and_keeps_mode(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    session = await open_session("w.docx", b"old")
    target = jp_root_dir / "w.docx"
    target.chmod(0o640)
    fid, token = session["file_id"], session["access_token"]
    assert (await wopi.override(fid, token, "LOCK", X_WOPI_Lock=fid)).code == 200
    response = await wopi.put_file(fid, token, b"new bytes", lock=fid)
    assert response.code == 200
    assert target.read_bytes() == b"new bytes"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    info = json.loads((await wopi.check_file_info(fid, token)).body)
    assert headers_of(response)["x-wopi-itemversion"] == info["Version"]
    assert json.loads(response.body)["LastModifiedTime"] == info["LastModifiedTime"]
    assert not [p for p in jp_root_dir.iterdir() if p.name.startswith(".~jupyter_wopi")]


async def test_put_file_on_unlocked_empty_file_is_allowed(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    session = await open_session("new.docx", b"")
    response = await wopi.put_file(session["file_id"], session["access_token"], b"template")
    assert response.code == 200
    assert (jp_root_dir / "new.docx").read_bytes() == b"template"


async def test_put_file_on_unlocked_nonempty_file_is_409(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    session = await open_session("keep.docx", b"precious")
    response = await wopi.put_file(session["file_id"], session["access_token"], b"overwrite")
    assert response.code == 409
    assert headers_of(response)["x-wopi-lock"] == ""
    # refused before the body was read: keep-alive clients must not reuse the connection
    assert headers_of(response)["connection"].lower() == "close"
    assert (jp_root_dir / "keep.docx").read_bytes() == b"precious"


async def test_put_file_with_wrong_lock_is_409_with_current_lock(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    session = await open_session("l.docx", b"precious")
    fid, token = session["file_id"], session["access_token"]
    await wopi.override(fid, token, "LOCK", X_WOPI_Lock="lock-A")
    response = await wopi.put_file(fid, token, b"overwrite", lock="lock-B")
    assert response.code == 409
    assert headers_of(response)["x-wopi-lock"] == "lock-A"
    assert (jp_root_dir / "l.docx").read_bytes() == b"precious"


async def test_put_file_with_view_token_is_401(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    session = await open_session("r.docx", b"", action="view")
    response = await wopi.put_file(session["file_id"], session["access_token"], b"nope")
    assert response.code == 401
    assert (jp_root_dir / "r.docx").read_bytes() == b""

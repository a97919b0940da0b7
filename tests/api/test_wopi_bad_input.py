"""Bad input gets a clear status and changes nothing; tokens open nothing else and never
reach a log (issue #2 §5, §8)."""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from support.wopi_client import WopiClient, headers_of
from tornado.httpclient import AsyncHTTPClient

from jupyter_wopi.wopi.tokens import TokenClaims

CONTENT = b"the user's precious bytes"


def host_of(jp_serverapp: Any) -> Any:
    return jp_serverapp.web_app.settings["jupyter_wopi"]


def mint(jp_serverapp: Any, file_id: str, expires_ms: int, can_write: bool = True) -> str:
    claims = TokenClaims(file_id, "u", "User", can_write, expires_ms, "http://lab")
    return host_of(jp_serverapp).signer.mint(claims)  # type: ignore[no-any-return]


async def all_operations(wopi: WopiClient, file_id: str, token: str | None) -> list[int]:
    """Status of every kind of WOPI request with this token (including writes)."""
    kinds: list[tuple[str, str, dict[str, str], bytes | None]] = [  # method, path, headers, body
        ("GET", "", {}, None),  # CheckFileInfo
        ("GET", "/contents", {}, None),  # GetFile
        ("POST", "/contents", {"X-WOPI-Override": "PUT", "X-WOPI-Lock": file_id}, b"evil"),
        ("POST", "", {"X-WOPI-Override": "LOCK", "X-WOPI-Lock": "evil"}, None),
        ("POST", "", {"X-WOPI-Override": "RENAME_FILE", "X-WOPI-RequestedName": "x"}, None),
        ("POST", "", {"X-WOPI-Override": "DELETE"}, None),
    ]
    url = wopi.file_url(file_id)
    return [
        (await wopi.request(method, url + path, token, headers, body)).code
        for method, path, headers, body in kinds
    ]


async def test_missing_forged_and_other_file_tokens_are_401(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("p.docx", CONTENT)
    other = await open_session("other.docx", b"other")
    token = doc["access_token"]
    forged = token[:-5] + ("AAAAA" if not token.endswith("AAAAA") else "BBBBB")
    tampered = "e" + token[1:] if token[0] != "e" else "f" + token[1:]
    for bad in (None, "", "garbage", forged, tampered, other["access_token"]):
        assert await all_operations(wopi, doc["file_id"], bad) == [401] * 6, bad
    assert (jp_root_dir / "p.docx").read_bytes() == CONTENT
    lock = await wopi.override(doc["file_id"], token, "GET_LOCK")
    assert headers_of(lock)["x-wopi-lock"] == ""


async def test_expired_token_is_401_except_saves_within_grace(
    jp_serverapp: Any, open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("e.docx", CONTENT)
    fid = doc["file_id"]
    now_ms = int(time.time() * 1000)
    expired = mint(jp_serverapp, fid, now_ms - 1000)
    assert (await wopi.check_file_info(fid, expired)).code == 401
    assert (await wopi.get_file(fid, expired)).code == 401
    assert (await wopi.override(fid, expired, "LOCK", X_WOPI_Lock=fid)).code == 401
    # ONLYOFFICE makes its final save with the token it opened with (spec behaviour §7).
    await wopi.override(fid, doc["access_token"], "LOCK", X_WOPI_Lock=fid)
    assert (await wopi.put_file(fid, expired, b"final save", lock=fid)).code == 200
    assert (await wopi.override(fid, expired, "UNLOCK", X_WOPI_Lock=fid)).code == 200
    long_expired = mint(jp_serverapp, fid, now_ms - (2 * 3600 + 60) * 1000)
    assert (await wopi.put_file(fid, long_expired, b"", lock=fid)).code == 401
    assert (jp_root_dir / "e.docx").read_bytes() == b"final save"


async def test_bearer_header_is_accepted(open_session: Any, wopi: WopiClient) -> None:
    doc = await open_session("b.docx", CONTENT)
    response = await wopi.request(
        "GET",
        wopi.file_url(doc["file_id"]),
        None,
        {"Authorization": f"Bearer {doc['access_token']}"},
    )
    assert response.code == 200


@pytest.mark.parametrize(
    "file_id",
    ["00000000-0000-4000-8000-000000000000", "..", "..%2F..%2Fetc", "a" * 65, "%00", "a.b"],
)
async def test_unknown_or_malformed_ids_are_404(
    jp_serverapp: Any, wopi: WopiClient, file_id: str
) -> None:
    token = mint(jp_serverapp, file_id, int(time.time() * 1000) + 60_000)
    response = await wopi.check_file_info(file_id, token)
    # Tokens are minted for the id as given; ids the URL layer rewrites ("..", "%2F") may
    # no longer match their token (401). Never anything that reaches a file.
    rewritten = "%" in file_id or "." in file_id
    assert response.code in ((401, 404) if rewritten else (404,))


async def test_deleted_file_id_is_404(
    jp_serverapp: Any, open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("del.docx", CONTENT)
    (jp_root_dir / "del.docx").unlink()
    assert (await wopi.check_file_info(doc["file_id"], doc["access_token"])).code == 404
    assert (await wopi.get_file(doc["file_id"], doc["access_token"])).code == 404
    # A save for it is kept beside where it was, never as the deleted file itself.
    assert (await wopi.put_file(doc["file_id"], doc["access_token"], b"x")).code == 200
    assert not (jp_root_dir / "del.docx").exists()
    [copy] = jp_root_dir.glob("del (conflict *).docx")
    assert copy.read_bytes() == b"x"
    unknown = mint(jp_serverapp, "0" * 36, int(time.time() * 1000) + 60_000)
    assert (await wopi.put_file("0" * 36, unknown, b"x")).code == 404  # never known: 404


async def test_hidden_and_outside_files_are_never_served(
    jp_serverapp: Any, wopi: WopiClient, jp_root_dir: Path, tmp_path: Path
) -> None:
    ids = host_of(jp_serverapp).files.ids
    (jp_root_dir / ".secret").mkdir()
    (jp_root_dir / ".secret" / "keys.docx").write_bytes(CONTENT)
    outside = tmp_path / "outside.docx"
    outside.write_bytes(CONTENT)
    (jp_root_dir / "link.docx").symlink_to(outside)
    for path in (".secret/keys.docx", "link.docx"):
        file_id = await ids.id_of(path)
        if file_id is None:
            continue
        token = mint(jp_serverapp, file_id, int(time.time() * 1000) + 60_000)
        assert (await wopi.check_file_info(file_id, token)).code == 404, path
        assert (await wopi.get_file(file_id, token)).code == 404, path
    assert outside.read_bytes() == CONTENT


async def test_wrong_methods_are_405(open_session: Any, wopi: WopiClient) -> None:
    doc = await open_session("m.docx", CONTENT)
    for method, suffix, body in (
        ("PUT", "/contents", b"x"),
        ("DELETE", "", None),
        ("PATCH", "", b"x"),
    ):
        response = await wopi.request(
            method, wopi.file_url(doc["file_id"]) + suffix, doc["access_token"], body=body
        )
        assert response.code == 405, method


async def test_body_over_limit_is_413_and_file_unchanged(
    jp_serverapp: Any, open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    host = host_of(jp_serverapp)
    host.settings = dataclasses.replace(host.settings, max_file_size=1000)
    doc = await open_session("limit.docx", CONTENT)
    fid, token = doc["file_id"], doc["access_token"]
    await wopi.override(fid, token, "LOCK", X_WOPI_Lock=fid)
    assert (await wopi.put_file(fid, token, b"x" * 1001, lock=fid)).code == 413
    relative = await wopi.override(
        fid, token, "PUT_RELATIVE", b"x" * 1001, X_WOPI_SuggestedTarget=".pdf"
    )
    assert relative.code == 413
    assert (jp_root_dir / "limit.docx").read_bytes() == CONTENT
    assert sorted(p.name for p in jp_root_dir.iterdir()) == ["limit.docx"]
    assert (await wopi.put_file(fid, token, b"y" * 1000, lock=fid)).code == 200


async def test_wopi_token_opens_nothing_else_in_jupyter(
    open_session: Any, jp_http_port: int, jp_base_url: str
) -> None:
    doc = await open_session("t.docx", CONTENT)
    base = f"http://localhost:{jp_http_port}{jp_base_url}"
    client = AsyncHTTPClient()
    for url, headers in (
        (f"{base}api/contents/t.docx", {"Authorization": f"Bearer {doc['access_token']}"}),
        (f"{base}api/contents/t.docx?token={doc['access_token']}", {}),
        (f"{base}files/t.docx?access_token={doc['access_token']}", {}),
    ):
        response = await client.fetch(
            url, headers=headers, raise_error=False, follow_redirects=False
        )
        assert response.code in (302, 403, 401), url


async def test_tokens_never_reach_the_log(
    open_session: Any, wopi: WopiClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    doc = await open_session("log.docx", CONTENT)
    fid, token = doc["file_id"], doc["access_token"]
    await wopi.check_file_info(fid, token)
    await wopi.put_file(fid, token, b"no lock: 409")
    await wopi.override(fid, token, "NOPE")
    await wopi.request("GET", wopi.file_url(fid) + "x", token)
    await wopi.check_file_info(fid, token[:-3] + "abc")
    await wopi.request("GET", wopi.file_url(fid), None, {"Authorization": f"Bearer {token}"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert fid in logged  # the log does say which file
    assert token not in logged and token[:40] not in logged

"""Writes stay inside what the token was for, and the file system is asked at the moment of
each write (issue 9 §1, §2, §11, §15). These run as whoever runs the tests (root in CI, where
only permission bits say "read-only"); tests/flows/test_unprivileged.py repeats the file-system
rules as an ordinary user."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from support.wopi_client import (
    WopiClient,
    conflict_copies,
    headers_of,
    locked_session,
    put_relative,
    save,
)
from tornado.httpclient import HTTPResponse

from jupyter_wopi.wopi.names import encode_utf7, numbered

pytest_plugins = ("onlyoffice_double.fixtures",)


@pytest.fixture
def jp_server_config(
    jp_server_config: dict[str, Any], request: pytest.FixtureRequest
) -> dict[str, Any]:
    """ONLYOFFICE (the double) is configured, so its discovery decides what it can open; it
    publishes no proof key, so these tests may call the WOPI routes unsigned."""
    url = request.getfixturevalue("onlyoffice_factory")(proof_keys=False).url
    jp_server_config["JupyterWopi"]["onlyoffice_url"] = url + "/"
    return jp_server_config


async def overwrite(wopi: WopiClient, doc: dict[str, Any], name: str, body: bytes) -> HTTPResponse:
    return await put_relative(
        wopi,
        doc,
        body,
        X_WOPI_RelativeTarget=encode_utf7(name),
        X_WOPI_OverwriteRelativeTarget="true",
    )


def url_token(response: HTTPResponse) -> tuple[str, str]:
    """The file id and access token of PutRelativeFile's `Url`."""
    url = urlparse(json.loads(response.body)["Url"])
    return url.path.rsplit("/", 1)[1], parse_qs(url.query)["access_token"][0]


async def can_write(wopi: WopiClient, file_id: str, token: str) -> bool:
    info = json.loads((await wopi.check_file_info(file_id, token)).body)
    return bool(info["UserCanWrite"])


# -- PutRelativeFile with X-WOPI-OverwriteRelativeTarget (§1) ------------------------------


async def test_overwrite_refuses_a_read_only_file(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("src.docx", b"s")
    target = jp_root_dir / "final.docx"
    target.write_bytes(b"signed off")
    target.chmod(0o444)
    response = await overwrite(wopi, doc, "final.docx", b"evil")
    assert response.code == 409
    assert headers_of(response)["x-wopi-validrelativetarget"] == "final (2).docx"
    assert "read-only" in json.loads(response.body)["message"]
    assert target.read_bytes() == b"signed off"
    assert oct(target.stat().st_mode & 0o777) == oct(0o444)
    assert sorted(p.name for p in jp_root_dir.iterdir()) == ["final.docx", "src.docx"]


async def test_overwrite_refuses_a_symlink_and_leaves_it_a_link(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("src.docx", b"s")
    (jp_root_dir / "real.docx").write_bytes(b"real")
    (jp_root_dir / "link.docx").symlink_to("real.docx")
    response = await overwrite(wopi, doc, "link.docx", b"evil")
    assert response.code == 409
    assert headers_of(response)["x-wopi-validrelativetarget"] == "link (2).docx"
    assert (jp_root_dir / "link.docx").is_symlink()
    assert (jp_root_dir / "real.docx").read_bytes() == b"real"


@pytest.mark.parametrize("name", ["analysis.py", "run.sh", "model.pkl"])
async def test_overwrite_refuses_a_file_onlyoffice_cannot_open(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, name: str
) -> None:
    doc = await open_session("src.docx", b"s")
    (jp_root_dir / name).write_bytes(b"print('mine')")
    response = await overwrite(wopi, doc, name, b"PK docx bytes")
    assert response.code == 409
    assert "not a document ONLYOFFICE Docs can open" in json.loads(response.body)["message"]
    assert (jp_root_dir / name).read_bytes() == b"print('mine')"


async def test_overwrite_refuses_a_folder(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("src.docx", b"s")
    (jp_root_dir / "dir.docx").mkdir()
    response = await overwrite(wopi, doc, "dir.docx", b"x")
    assert response.code == 409
    assert (jp_root_dir / "dir.docx").is_dir()


async def test_overwrite_of_a_writable_document_keeps_its_id_mode_and_gives_a_write_token(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("src.docx", b"s")
    existing = await open_session("team.docx", b"old")
    (jp_root_dir / "team.docx").chmod(0o640)
    response = await overwrite(wopi, doc, "team.docx", b"new")
    assert response.code == 200
    assert (jp_root_dir / "team.docx").read_bytes() == b"new"
    assert (jp_root_dir / "team.docx").stat().st_mode & 0o777 == 0o640
    file_id, token = url_token(response)
    assert file_id == existing["file_id"]  # the id moved to the new bytes
    assert await can_write(wopi, file_id, token)


async def test_the_new_files_token_is_what_a_session_on_it_would_get(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("src.docx", b"s")
    # ONLYOFFICE only views .djvu (discovery): a token for the copy must not write.
    copy = await put_relative(wopi, doc, b"x", X_WOPI_SuggestedTarget=".djvu")
    assert copy.code == 200
    file_id, token = url_token(copy)
    assert not await can_write(wopi, file_id, token)
    session = await open_session("src.djvu")
    assert session["mode"] == "view"
    # An editable copy gets an edit token, like a session on it.
    editable = await put_relative(wopi, doc, b"x", X_WOPI_SuggestedTarget=".xlsx")
    assert await can_write(wopi, *url_token(editable))
    assert (await open_session("src.xlsx"))["mode"] == "edit"


# -- names that spoof their extension (§11) ------------------------------------------------

SPOOFS = ["inv\u202ecod.exe.docx", "a\u200bb.docx", "\ufeffreport.docx", "x\u2066y.docx"]


@pytest.mark.parametrize("name", SPOOFS)
@pytest.mark.parametrize("override", ["PUT_RELATIVE", "RENAME_FILE"])
async def test_names_with_invisible_characters_are_400(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, name: str, override: str
) -> None:
    doc = await open_session("src.docx", b"s")
    header = (
        {"X_WOPI_RelativeTarget": encode_utf7(name)}
        if override == "PUT_RELATIVE"
        else {"X_WOPI_RequestedName": encode_utf7(name.removesuffix(".docx"))}
    )
    response = await wopi.override(doc["file_id"], doc["access_token"], override, b"x", **header)
    assert response.code == 400
    assert "invisible" in headers_of(response)["x-wopi-invalidfilenameerror"]
    assert sorted(p.name for p in jp_root_dir.iterdir()) == ["src.docx"]


async def test_a_suggested_name_loses_its_invisible_characters(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("src.docx", b"s")
    response = await put_relative(
        wopi, doc, b"x", X_WOPI_SuggestedTarget=encode_utf7("\ufeffinv\u202excod.docx")
    )
    assert json.loads(response.body)["Name"] == "invxcod.docx"


# -- a file made read-only while it is open (§2) --------------------------------------------


async def test_a_save_to_a_file_made_read_only_is_kept_as_a_conflict_copy(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, jp_fetch: Any
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "plan.docx", b"loaded")
    target = jp_root_dir / "plan.docx"
    target.chmod(0o444)
    response = await save(wopi, doc, b"the editor's work", stamp)
    assert response.code == 200  # ONLYOFFICE must not drop the save
    assert target.read_bytes() == b"loaded"
    assert target.stat().st_mode & 0o777 == 0o444
    [copy] = conflict_copies(jp_root_dir)
    assert copy.read_bytes() == b"the editor's work"
    # The copy is a new file of ours: the usual mode for new files, never the original's 0444.
    umask = os.umask(0)
    os.umask(umask)
    assert copy.stat().st_mode & 0o777 == 0o666 & ~umask
    assert copy.stat().st_uid == os.geteuid()
    # Recorded and announced like other conflict copies, with the reason.
    status = json.loads((await jp_fetch("api", "wopi", "files", doc["file_id"])).body)
    assert status["last_save"]["kept_as"] == copy.name
    assert status["last_save"]["reason"] == "read-only"
    assert [(e["conflict_path"], e["reason"]) for e in status["conflicts"]] == [
        (copy.name, "read-only")
    ]
    # The session's next save updates the same copy.
    assert (await save(wopi, doc, b"more work", stamp)).code == 200
    assert [p.read_bytes() for p in conflict_copies(jp_root_dir)] == [b"more work"]
    assert target.read_bytes() == b"loaded"


async def test_a_save_into_a_folder_made_read_only_lands_in_the_nearest_writable_folder(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "team/q3/plan.docx", b"loaded")
    folder = jp_root_dir / "team" / "q3"
    folder.chmod(0o555)
    try:
        assert (await save(wopi, doc, b"the editor's work", stamp)).code == 200
        assert sorted(p.name for p in folder.iterdir()) == ["plan.docx"]
        assert (folder / "plan.docx").read_bytes() == b"loaded"
        [copy] = conflict_copies(jp_root_dir / "team")
        assert copy.read_bytes() == b"the editor's work"
        assert copy.name.startswith("plan (conflict ")
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("what", ["file", "folder"])
async def test_rename_and_delete_of_a_file_made_read_only_are_403(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, what: str
) -> None:
    doc = await open_session("dir/keep.docx", b"mine")
    made_read_only = jp_root_dir / "dir" / ("keep.docx" if what == "file" else "")
    made_read_only.chmod(0o444 if what == "file" else 0o555)
    try:
        rename = await wopi.override(
            doc["file_id"], doc["access_token"], "RENAME_FILE", X_WOPI_RequestedName="other"
        )
        delete = await wopi.override(doc["file_id"], doc["access_token"], "DELETE")
        assert (rename.code, delete.code) == (403, 403)
        assert "read-only on disk" in json.loads(delete.body)["message"]
        assert sorted(p.name for p in (jp_root_dir / "dir").iterdir()) == ["keep.docx"]
    finally:
        made_read_only.chmod(0o755)


# -- a file locked by another application (§15) ---------------------------------------------


async def test_a_read_only_file_opens_read_only_and_says_why(
    open_session: Any, jp_root_dir: Path
) -> None:
    (jp_root_dir / "fixed.docx").write_bytes(b"signed off")
    (jp_root_dir / "fixed.docx").chmod(0o444)
    session = await open_session("fixed.docx")
    assert session["mode"] == "view"
    assert "fixed.docx opens read-only: it is read-only on disk" in session["notice"]
    assert "chmod u+w" in session["notice"]
    assert session["locked_elsewhere"] is False  # no lock to release: the lab offers none
    viewed = await open_session("fixed.docx", action="view")  # asked for: nothing to explain
    assert viewed["notice"] is None


async def test_a_file_locked_by_another_application_opens_read_only_and_says_why(
    open_session: Any, wopi: WopiClient
) -> None:
    other = await open_session("shared.xlsx", b"cells")
    taken = await wopi.override(
        other["file_id"], other["access_token"], "LOCK", X_WOPI_Lock="msoffice-lock-1"
    )
    assert taken.code == 200
    session = await open_session("shared.xlsx")
    assert session["mode"] == "view"
    assert "locked for editing" in session["notice"] and "read-only" in session["notice"]
    assert session["locked_elsewhere"] is True  # the lab offers to release it
    assert not await can_write(wopi, session["file_id"], session["access_token"])
    # ONLYOFFICE's own lock (the file id) is no obstacle: co-editors join the session.
    await wopi.override(
        other["file_id"], other["access_token"], "UNLOCK", X_WOPI_Lock="msoffice-lock-1"
    )
    await wopi.override(
        other["file_id"], other["access_token"], "LOCK", X_WOPI_Lock=other["file_id"]
    )
    joined = await open_session("shared.xlsx")
    assert (joined["mode"], joined["notice"], joined["locked_elsewhere"]) == ("edit", None, False)


async def test_a_save_through_a_link_writes_the_file_it_points_to(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    (jp_root_dir / "reports").mkdir()
    (jp_root_dir / "reports" / "december.docx").write_bytes(b"draft")
    (jp_root_dir / "latest.docx").symlink_to("reports/december.docx")
    doc, stamp = await locked_session(open_session, wopi, "latest.docx", None)
    assert (await save(wopi, doc, b"final", stamp)).code == 200
    assert (jp_root_dir / "latest.docx").is_symlink()
    assert (jp_root_dir / "reports" / "december.docx").read_bytes() == b"final"
    assert conflict_copies(jp_root_dir) == conflict_copies(jp_root_dir / "reports") == []


async def test_a_file_made_by_put_relative_has_the_usual_mode_and_owner(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("src.docx", b"s")
    (jp_root_dir / "src.docx").chmod(0o600)  # the source's mode is not passed on
    response = await put_relative(wopi, doc, b"x", X_WOPI_SuggestedTarget=".pdf")
    st = (jp_root_dir / json.loads(response.body)["Name"]).stat()
    umask = os.umask(0)
    os.umask(umask)
    assert (st.st_uid, st.st_mode & 0o777) == (os.geteuid(), 0o666 & ~umask)


async def test_a_save_with_no_writable_folder_up_to_the_root_is_507(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "q3/plan.docx", b"loaded")
    for folder in (jp_root_dir / "q3", jp_root_dir):
        folder.chmod(0o555)
    try:
        response = await save(wopi, doc, b"the editor's work", stamp)
        assert response.code == 507
        assert json.loads(response.body)["message"] == (
            "No folder from q3 up to the server root is writable, so the save cannot be kept "
            "anywhere Jupyter serves."
        )
    finally:
        for folder in (jp_root_dir, jp_root_dir / "q3"):
            folder.chmod(0o755)
    assert (jp_root_dir / "q3" / "plan.docx").read_bytes() == b"loaded"


def overwrite_headers(length: int) -> dict[str, str]:
    """PutRelativeFile onto final.docx, replacing it, with a body of `length` bytes."""
    return {
        "X-WOPI-Override": "PUT_RELATIVE",
        "X-WOPI-RelativeTarget": "final.docx",
        "X-WOPI-OverwriteRelativeTarget": "true",
        "Content-Length": str(length),
    }


async def read_only_final(open_session: Any, wopi: WopiClient, root: Path) -> None:
    (root / "final.docx").write_bytes(b"signed off")
    (root / "final.docx").chmod(0o444)


async def locked_final(open_session: Any, wopi: WopiClient, root: Path) -> None:
    edited = await open_session("final.docx", b"being edited")
    await wopi.override(edited["file_id"], edited["access_token"], "LOCK", X_WOPI_Lock="L")


@pytest.mark.parametrize(
    ("make_target", "header", "value"),
    [
        (read_only_final, "x-wopi-validrelativetarget", "final (2).docx"),
        (locked_final, "x-wopi-lock", "L"),
    ],
    ids=["may-not-be-replaced", "locked"],
)
async def test_an_overwrite_of_a_protected_target_is_refused_before_the_body_is_read(
    open_session: Any,
    wopi: WopiClient,
    jp_root_dir: Path,
    raw_post: Any,
    make_target: Any,
    header: str,
    value: str,
) -> None:
    doc = await open_session("src.docx", b"s")
    await make_target(open_session, wopi, jp_root_dir)
    raw = await raw_post(doc, overwrite_headers(100 * 1024 * 1024))  # announced, never sent
    status, response_headers, _ = await raw.response(timeout=5)
    assert (status, response_headers[header]) == (409, value)


async def test_the_free_name_offered_is_searched_up_to_name_1000(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("src.docx", b"s")
    for name in ["taken.docx", *(numbered("taken.docx", n) for n in range(2, 1000))]:
        (jp_root_dir / name).touch()
    refused = await put_relative(wopi, doc, b"x", X_WOPI_RelativeTarget="taken.docx")
    assert headers_of(refused)["x-wopi-validrelativetarget"] == "taken (1000).docx"
    (jp_root_dir / "taken (1000).docx").touch()
    refused = await put_relative(wopi, doc, b"x", X_WOPI_RelativeTarget="taken.docx")
    assert refused.code == 409 and headers_of(refused)["x-wopi-validrelativetarget"] == ""


async def test_a_target_locked_while_the_body_arrives_is_not_replaced(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, raw_post: Any
) -> None:
    """The target's lock is checked again where the bytes land: an editor that locked it
    after the request's first check keeps its file."""
    doc = await open_session("src.docx", b"s")
    edited = await open_session("final.docx", b"being edited")
    body = b"the copy saved over it"
    raw = await raw_post(doc, overwrite_headers(len(body)))
    await raw.send(body[:5])
    await asyncio.sleep(0.3)  # the first check has passed: the target was not locked then
    locked = await wopi.override(edited["file_id"], edited["access_token"], "LOCK", X_WOPI_Lock="L")
    assert locked.code == 200
    await raw.send(body[5:])
    status, response_headers, _ = await raw.response(timeout=10)
    assert (status, response_headers["x-wopi-lock"]) == (409, "L")
    assert (jp_root_dir / "final.docx").read_bytes() == b"being edited"
    assert not list(jp_root_dir.glob(".~jupyter_wopi.*"))  # the upload's temp file is gone


async def test_a_target_locked_just_before_it_is_replaced_is_not_replaced(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last check is inside the transaction that replaces the target: a lock taken after
    every earlier check (here, at the last moment before that transaction, as an editor in
    another process could) still keeps the target."""
    from jupyter_wopi.host import save_as

    doc = await open_session("src.docx", b"s")
    edited = await open_session("final.docx", b"being edited")
    checked = save_as._check_replaceable
    calls = []

    async def then_locked(host: Any, plan: Any) -> str | None:
        target_id = await checked(host, plan)
        calls.append(plan.name)
        if len(calls) < 2:  # the checks before the body and after it both pass
            return target_id
        locked = await wopi.override(
            edited["file_id"], edited["access_token"], "LOCK", X_WOPI_Lock="L"
        )
        assert locked.code == 200
        return target_id

    monkeypatch.setattr(save_as, "_check_replaceable", then_locked)
    response = await overwrite(wopi, doc, "final.docx", b"the copy saved over it")
    assert calls == ["final.docx", "final.docx"]
    assert (response.code, headers_of(response)["x-wopi-lock"]) == (409, "L")
    assert (jp_root_dir / "final.docx").read_bytes() == b"being edited"

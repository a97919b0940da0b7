"""The issue's required flows, end to end: the real Jupyter server (pytest-jupyter, base_url
/a%40b/) with the ONLYOFFICE double configured as its ONLYOFFICE Docs, so the host fetches the
double's discovery and checks the proof of every WOPI call. Sessions come from the lab API
(`POST api/wopi/sessions`) and are opened by POSTing the host-page form to their action_url,
as the browser does. (The restart flow needs a server subprocess: test_flows_restart.py.)"""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from onlyoffice_double import OnlyOfficeDouble
from onlyoffice_double.formats import blank_template, convert_bytes
from support.documents import office_file
from support.editing import (  # noqa: F401 (fixtures)
    OpenSession,
    Session,
    all_ok,
    editor,
    jp_server_config,
    open_for_editing,
    open_in_editor,
    server_onlyoffice,
    signed_call,
    statuses,
    wopi_settings,
)
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

pytest_plugins = ("onlyoffice_double.fixtures",)


async def wait_until_expired(session: Session) -> None:
    expires_s = session["access_token_ttl"] / 1000
    await asyncio.sleep(max(0.0, expires_s - time.time()) + 0.3)


# -- 1. open → edit → save → close ----------------------------------------------------------


@pytest.mark.parametrize(
    ("ext", "document_type"), [("docx", "word"), ("xlsx", "cell"), ("pptx", "slide")]
)
async def test_open_edit_save_close(
    onlyoffice: OnlyOfficeDouble,
    open_session: OpenSession,
    jp_root_dir: Path,
    ext: str,
    document_type: str,
) -> None:
    original, edited = office_file(ext, "Quarterly figures"), office_file(ext, "Revised figures")
    doc = await open_session(f"reports/Q3.{ext}", original)
    assert (doc["mode"], doc["action"]) == ("edit", "edit")
    action = urlsplit(doc["action_url"])
    assert action.path == f"/hosting/wopi/{document_type}/edit"
    assert doc["action_url"].lower().count("wopisrc=") == 1
    assert parse_qs(action.query)["wopisrc"] == [doc["wopi_src"]]
    assert onlyoffice.discovery_requests  # the host asked the double, not a built-in table

    page = await open_for_editing(onlyoffice, doc)
    session, user = editor(page)
    assert session.key == session.lock_id == doc["file_id"]
    assert await session.load(user) == original
    session.edit(user, edited)
    assert await session.force_save(user)
    await session.close(user)

    assert onlyoffice.operations() == ["CheckFileInfo", "Lock", "GetFile", "PutFile", "Unlock"]
    assert statuses(onlyoffice.calls) == all_ok(onlyoffice.calls)
    (put,) = [c for c in onlyoffice.calls if c.operation == "PutFile"]
    assert put.body == edited
    assert (jp_root_dir / f"reports/Q3.{ext}").read_bytes() == edited
    assert session.errors == []


# -- 2. view of a read-only file --------------------------------------------------------------


async def test_read_only_file_opens_in_view_mode(
    onlyoffice: OnlyOfficeDouble, open_session: OpenSession, jp_root_dir: Path
) -> None:
    original = office_file("docx", "Signed contract")
    path = jp_root_dir / "contract.docx"
    path.write_bytes(original)
    path.chmod(0o444)
    doc = await open_session("contract.docx")  # the lab asks for edit; the file says no
    assert (doc["mode"], doc["action"]) == ("view", "view")
    assert urlsplit(doc["action_url"]).path == "/hosting/wopi/word/view"

    page = await open_in_editor(onlyoffice, doc)
    session, user = editor(page)
    assert page.ok and user.mode == "view" and session.is_view
    assert page.config is not None and page.config["editorConfig"]["mode"] == "view"
    assert user.file_info["UserCanWrite"] is False
    assert await session.load(user) == original
    with pytest.raises(ValueError, match="view mode"):
        session.edit(user, office_file("docx", "Forged clause"))
    assert not await session.force_save(user)
    await session.close(user)

    assert onlyoffice.operations() == ["CheckFileInfo", "GetFile"]  # no Lock, no PutFile
    assert statuses(onlyoffice.calls) == all_ok(onlyoffice.calls)
    assert path.read_bytes() == original
    assert path.stat().st_mode & 0o777 == 0o444


async def test_embed_opens_the_embedded_viewer_without_a_lock(
    onlyoffice: OnlyOfficeDouble, open_session: OpenSession, jp_root_dir: Path
) -> None:
    """A notebook output's preview: the discovery's embedview action, read-only even though
    the file is writable, no lock (the file stays free for an editor tab)."""
    original = office_file("docx", "Quarterly figures")
    (jp_root_dir / "inline.docx").write_bytes(original)
    doc = await open_session("inline.docx", action="embed")
    assert (doc["mode"], doc["action"]) == ("view", "embedview")
    assert parse_qs(urlsplit(doc["action_url"]).query)["embed"] == ["1"]
    assert not doc.get("notice")  # a preview was asked for: nothing to excuse

    page = await open_in_editor(onlyoffice, doc)
    session, user = editor(page)
    assert page.ok and user.mode == "view" and session.is_view
    assert page.config is not None and page.config["type"] == "embedded"
    assert user.file_info["UserCanWrite"] is False
    assert await session.load(user) == original
    await session.close(user)
    assert onlyoffice.operations() == ["CheckFileInfo", "GetFile"]


# -- 3. a new empty file --------------------------------------------------------------------


async def test_new_empty_file_gets_the_blank_template_then_saves(
    onlyoffice: OnlyOfficeDouble, open_session: OpenSession, jp_root_dir: Path
) -> None:
    doc = await open_session("Untitled.docx", b"")
    assert (doc["mode"], doc["action"]) == ("edit", "editnew")

    page = await open_for_editing(onlyoffice, doc)
    session, user = editor(page)
    assert onlyoffice.operations() == ["CheckFileInfo", "PutFile", "Lock"]
    template_put = onlyoffice.calls[1]
    assert template_put.header("X-WOPI-Lock") is None
    assert template_put.body == blank_template("docx")
    assert (jp_root_dir / "Untitled.docx").read_bytes() == blank_template("docx")

    assert await session.load(user) == blank_template("docx")
    edited = office_file("docx", "First draft")
    session.edit(user, edited)
    await session.close(user)

    assert onlyoffice.operations() == [
        "CheckFileInfo",
        "PutFile",
        "Lock",
        "GetFile",
        "PutFile",
        "Unlock",
    ]
    assert statuses(onlyoffice.calls) == all_ok(onlyoffice.calls)
    assert onlyoffice.calls[4].header("X-WOPI-Lock") == doc["file_id"]
    assert (jp_root_dir / "Untitled.docx").read_bytes() == edited
    assert session.errors == []


# -- 4. convert a legacy binary file ----------------------------------------------------------


async def test_convert_doc_to_docx(
    onlyoffice: OnlyOfficeDouble,
    open_session: OpenSession,
    jp_root_dir: Path,
    jp_base_url: str,
    jp_http_port: int,
) -> None:
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Word 97 binary".ljust(504, b"\0")  # OLE2
    doc = await open_session("archive/Q3 report.doc", legacy, action="convert")
    assert (doc["mode"], doc["action"]) == ("convert", "convert")
    assert urlsplit(doc["action_url"]).path == "/hosting/wopi/convert-and-edit/doc/docx"
    assert doc["action_url"].lower().count("wopisrc=") == 1

    form = {"access_token": doc["access_token"], "access_token_ttl": doc["access_token_ttl"]}
    page = await AsyncHTTPClient().fetch(doc["action_url"], method="POST", body=urlencode(form))
    assert b"Converting your file so you can edit it" in page.body
    (job,) = onlyoffice.conversions.values()
    await job.wait()
    status = await AsyncHTTPClient().fetch(job.status_handler)  # the page's poll
    answer = json.loads(status.body)

    assert onlyoffice.operations() == ["CheckFileInfo", "GetFile", "PutRelativeFile"]
    assert statuses(onlyoffice.calls) == all_ok(onlyoffice.calls)
    relative = onlyoffice.calls[2]
    assert relative.header("X-WOPI-FileConversion") == "true"
    assert relative.header("X-WOPI-SuggestedTarget") == ".docx"
    converted = jp_root_dir / "archive/Q3 report.docx"
    assert converted.read_bytes() == convert_bytes(legacy, "doc", "docx") == relative.body
    assert (jp_root_dir / "archive/Q3 report.doc").read_bytes() == legacy
    assert answer["endConvert"] is True and answer["fileName"] == "Q3 report.docx"
    host_edit_url = urlsplit(answer["fileUrl"])  # the lab, as the browser reaches it
    assert host_edit_url.port == jp_http_port
    assert host_edit_url.path == f"{jp_base_url}lab/tree/{quote('archive/Q3 report.docx')}"
    assert relative.json()["HostEditUrl"] == answer["fileUrl"]


# -- 5. rename from the editor ----------------------------------------------------------------


async def test_rename_from_the_editor(
    onlyoffice: OnlyOfficeDouble, open_session: OpenSession, jp_root_dir: Path
) -> None:
    doc = await open_session("notes/draft.docx", office_file("docx", "Draft"))
    file_id, token = doc["file_id"], doc["access_token"]
    session, user = editor(await open_for_editing(onlyoffice, doc))
    await session.load(user)

    assert await session.rename(user, "Bericht für Jörg") == "Bericht für Jörg"
    assert not (jp_root_dir / "notes/draft.docx").exists()
    assert (jp_root_dir / "notes/Bericht für Jörg.docx").is_file()

    info = await signed_call(onlyoffice, "CheckFileInfo", doc["wopi_src"], token)
    assert info.status == 200 and info.json()["BaseFileName"] == "Bericht für Jörg.docx"
    lock = await signed_call(onlyoffice, "GetLock", doc["wopi_src"], token, override="GET_LOCK")
    assert lock.status == 200 and lock.response_header("X-WOPI-Lock") == file_id
    assert await session.refresh_lock()

    edited = office_file("docx", "Final")
    session.edit(user, edited)
    await session.close(user)
    assert onlyoffice.operations() == [
        "CheckFileInfo",
        "Lock",
        "GetFile",
        "RenameFile",
        "CheckFileInfo",
        "GetLock",
        "RefreshLock",
        "PutFile",
        "Unlock",
    ]
    assert statuses(onlyoffice.calls) == all_ok(onlyoffice.calls)
    assert (jp_root_dir / "notes/Bericht für Jörg.docx").read_bytes() == edited
    visible = [p.name for p in (jp_root_dir / "notes").iterdir() if not p.name.startswith(".")]
    assert visible == ["Bericht für Jörg.docx"]


# -- 6. two users on one file ---------------------------------------------------------------


async def test_two_users_edit_the_same_file(
    onlyoffice: OnlyOfficeDouble, open_session: OpenSession, jp_root_dir: Path
) -> None:
    alice = await open_session("shared/plan.xlsx", office_file("xlsx", "Plan v1"))
    bob = await open_session("shared/plan.xlsx")
    assert alice["file_id"] == bob["file_id"] and alice["access_token"] != bob["access_token"]

    page_a = await open_for_editing(onlyoffice, alice)
    page_b = await open_for_editing(onlyoffice, bob)
    session, user_a = editor(page_a)
    assert page_b.session is session and page_b.user is not None
    user_b = page_b.user
    # Two editors of one session (with token login both are this server's one person).
    assert user_a.index != user_b.index
    assert session.lock_id == alice["file_id"]

    await session.load(user_a)
    session.edit(user_a, office_file("xlsx", "Plan v2 by Alice"))
    bobs_edit = office_file("xlsx", "Plan v3 by Bob")
    session.edit(user_b, bobs_edit)
    assert await session.refresh_lock()
    await session.close(user_a)
    await session.close(user_b)

    assert onlyoffice.operations() == [
        "CheckFileInfo",
        "Lock",
        "CheckFileInfo",
        "Lock",
        "GetFile",
        "RefreshLock",
        "PutFile",
        "Unlock",
    ]
    assert statuses(onlyoffice.calls) == all_ok(onlyoffice.calls)
    tokens = [c.access_token for c in onlyoffice.calls]
    assert tokens[5:] == [bob["access_token"]] * 3  # RefreshLock, PutFile, Unlock
    locks = [c.header("X-WOPI-Lock") for c in onlyoffice.calls if c.operation == "Lock"]
    assert locks == [alice["file_id"]] * 2
    assert onlyoffice.calls[6].header("X-WOPI-Editors") == user_b.user_id
    assert (jp_root_dir / "shared/plan.xlsx").read_bytes() == bobs_edit


# -- 7. proof-key rotation mid-session ----------------------------------------------------


async def test_key_rotation_mid_session(
    onlyoffice: OnlyOfficeDouble, open_session: OpenSession, jp_root_dir: Path
) -> None:
    doc = await open_session("minutes.docx", office_file("docx", "Minutes"))
    session, user = editor(await open_for_editing(onlyoffice, doc))
    await session.load(user)
    fetched = len(onlyoffice.discovery_requests)

    # One rotation: X-WOPI-ProofOld is signed with the key the host knows as current.
    onlyoffice.rotate_keys()
    session.edit(user, office_file("docx", "Minutes, amended"))
    assert await session.force_save(user)
    # A second one: neither signature matches the cached keys, so the host refetches.
    onlyoffice.rotate_keys()
    final = office_file("docx", "Minutes, approved")
    session.edit(user, final)
    await session.close(user)

    assert onlyoffice.operations() == [
        "CheckFileInfo",
        "Lock",
        "GetFile",
        "PutFile",
        "PutFile",
        "Unlock",
    ]
    assert statuses(onlyoffice.calls) == all_ok(onlyoffice.calls)
    assert len(onlyoffice.discovery_requests) > fetched
    assert (jp_root_dir / "minutes.docx").read_bytes() == final

    onlyoffice.tamper.forge_proof = onlyoffice.tamper.forge_proof_old = True
    forged = await open_in_editor(onlyoffice, doc)
    assert not forged.ok and forged.upstream_status == 500
    assert (jp_root_dir / "minutes.docx").read_bytes() == final


# -- 8. token expiry -------------------------------------------------------------------------

SHORT_TOKENS = {"token_ttl": 2, "save_grace": 0}


@pytest.mark.parametrize("wopi_settings", [SHORT_TOKENS], ids=["ttl2-grace0"])
async def test_expired_token_cannot_read(
    onlyoffice: OnlyOfficeDouble, open_session: OpenSession, jp_root_dir: Path
) -> None:
    doc = await open_session("expiring.docx", office_file("docx", "Secret"))
    page = await open_for_editing(onlyoffice, doc)  # within the token's two seconds
    session, user = editor(page)
    await wait_until_expired(doc)

    assert await session.load(user) is None  # the converter's download comes too late
    assert statuses(session.calls)[-3:] == [("GetFile", 401)] * 3
    assert any("GetFile attempt 1 failed: 401" in e for e in session.errors)
    assert session.errors[-1] == "GetFile: download failed, the editor shows an error"

    again = await open_in_editor(onlyoffice, doc)
    assert not again.ok and again.upstream_status == 401
    assert statuses(again.calls) == [("CheckFileInfo", 401)]
    assert "CheckFileInfo failed: 401" in (again.error or "")


@pytest.mark.parametrize(
    ("wopi_settings", "saved"),
    [(SHORT_TOKENS, False), ({"token_ttl": 2}, True)],
    ids=["grace0", "default-grace"],
)
async def test_final_save_after_token_expiry(
    onlyoffice: OnlyOfficeDouble, open_session: OpenSession, jp_root_dir: Path, saved: bool
) -> None:
    original, edited = office_file("docx", "Before lunch"), office_file("docx", "After lunch")
    doc = await open_session("long-session.docx", original)
    session, user = editor(await open_for_editing(onlyoffice, doc))
    await session.load(user)
    session.edit(user, edited)
    await wait_until_expired(doc)

    info = await signed_call(onlyoffice, "CheckFileInfo", doc["wopi_src"], doc["access_token"])
    assert info.status == 401  # the grace period is for saving only
    await session.close(user)  # DS saves with the token it opened the document with

    status = 200 if saved else 401
    assert statuses(onlyoffice.calls)[-2:] == [("PutFile", status), ("Unlock", status)]
    assert (jp_root_dir / "long-session.docx").read_bytes() == (edited if saved else original)
    assert onlyoffice.forgotten == ({} if saved else {doc["file_id"]: edited})


# -- 9. ONLYOFFICE down -----------------------------------------------------------------------


async def test_onlyoffice_unreachable_at_session_time(
    onlyoffice: OnlyOfficeDouble, jp_fetch: Any, jp_root_dir: Path
) -> None:
    (jp_root_dir / "report.docx").write_bytes(office_file("docx", "Report"))
    await onlyoffice.stop()  # configured, but nothing answers on its port any more
    with pytest.raises(HTTPClientError) as raised:
        await jp_fetch(
            "api",
            "wopi",
            "sessions",
            method="POST",
            body=json.dumps({"path": "report.docx", "action": "edit"}),
        )
    response = raised.value.response
    assert raised.value.code == 502 and response is not None
    assert response.headers["Content-Type"].startswith("application/json")
    assert onlyoffice.discovery_url in json.loads(response.body)["message"]


@pytest.mark.parametrize("wopi_settings", [{"discovery_ttl": 0}], ids=["refetch-always"])
@pytest.mark.parametrize("failure", [503, "empty", "malformed"])
async def test_discovery_failing_after_open_serves_the_cache(
    onlyoffice: OnlyOfficeDouble,
    open_session: OpenSession,
    jp_root_dir: Path,
    failure: int | str,
) -> None:
    doc = await open_session("budget.xlsx", office_file("xlsx", "Budget"))
    session, user = editor(await open_for_editing(onlyoffice, doc))
    await session.load(user)

    onlyoffice.settings.fail_discovery = failure
    fetched = len(onlyoffice.discovery_requests)
    edited = office_file("xlsx", "Budget, cut")
    session.edit(user, edited)
    assert await session.force_save(user)
    await session.close(user)
    assert len(onlyoffice.discovery_requests) > fetched  # the host did try, and failed

    assert onlyoffice.operations() == ["CheckFileInfo", "Lock", "GetFile", "PutFile", "Unlock"]
    assert statuses(onlyoffice.calls) == all_ok(onlyoffice.calls)
    assert (jp_root_dir / "budget.xlsx").read_bytes() == edited
    later = await open_session("budget.xlsx")  # new sessions too, from the cached copy
    assert later["action"] == "edit" and later["action_url"] == doc["action_url"]
    assert later["problem"] is None

    onlyoffice.tamper.forge_proof = onlyoffice.tamper.forge_proof_old = True
    forged = await signed_call(onlyoffice, "CheckFileInfo", doc["wopi_src"], doc["access_token"])
    assert forged.status == 500  # still checked, against the cached keys
    assert os.path.getsize(jp_root_dir / "budget.xlsx") == len(edited)

"""The double's calls while a document is open and when it closes, against the stub host:
the Save button, save headers, a failed final save kept as a forgotten file, co-editing in one
session, the lock's refresh timer, Save As and rename, convert-and-edit, and the editor page's
events and signals."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from onlyoffice_double import EditorUser, OnlyOfficeDouble
from onlyoffice_double.formats import convert_bytes
from onlyoffice_double.jsutil import utf7_encode
from support.stub_host import Factory, StubHost, fetch, loaded_report, open_report, reopen

pytest_plugins = ("onlyoffice_double.fixtures",)


async def post_page_event(double: OnlyOfficeDouble, user: EditorUser, kind: str) -> None:
    """What the editor page's buttons send (`beacon(kind)` in editor.html)."""
    event = json.dumps({"kind": kind, "usid": user.user_session_id})
    reply = await fetch(f"{double.url}/__double/events", method="POST", body=event)
    assert reply.code == 204


async def test_the_save_button_force_saves_only_with_forcesave(
    onlyoffice_factory: Factory, stub: StubHost
) -> None:
    """client-behavior §5.1: the editor's Save button sends a PutFile only when
    customization.forcesave is on (the host's docs_api_config, or the `forcesave` knob)."""
    plain = onlyoffice_factory()
    page = await reopen(plain, stub)
    assert page.user is not None and page.session is not None and not page.user.forcesave
    await post_page_event(plain, page.user, "edit")
    await post_page_event(plain, page.user, "save")  # handled before the 204: nothing sent
    assert page.session.changed and "PutFile" not in stub.ops()

    forcesave = '{"editorConfig": {"customization": {"forcesave": true}}}'
    by_host = await reopen(plain, stub, docs_api_config=forcesave)
    assert by_host.user is not None and by_host.user.forcesave

    stub.seen.clear()
    knob = onlyoffice_factory(forcesave=True)
    page = await reopen(knob, stub)
    assert page.user is not None and page.session is not None and page.user.forcesave
    assert page.config is not None
    assert page.config["editorConfig"]["customization"]["forcesave"] is True
    await post_page_event(knob, page.user, "edit")
    await post_page_event(knob, page.user, "save")
    for _ in range(500):
        if not page.session.changed:
            break
        await asyncio.sleep(0.01)
    assert stub.ops() == ["CheckFileInfo", "Lock", "GetFile", "PutFile"]
    put = stub.seen[-1]
    assert put.headers["X-Lool-Wopi-Ismodifiedbyuser"] == "true"
    assert "X-Lool-Wopi-Isautosave" not in put.headers  # the button, not the timer
    assert stub.files["abc"][1] == page.session.content != b"hello"


async def test_save_headers_and_close(onlyoffice: OnlyOfficeDouble, stub: StubHost) -> None:
    stub.files["abc"] = ("report.docx", b"hello")
    page = await onlyoffice.open(stub.wopi_src("abc"), "token-a", 4102444800000)
    session, user = page.session, page.user
    assert session is not None and user is not None
    await session.load()
    session.edit(user, b"v1")
    assert await session.force_save(autosave=True)
    session.edit(user, b"v2")
    await session.close(user)
    assert stub.ops() == ["CheckFileInfo", "Lock", "GetFile", "PutFile", "PutFile", "Unlock"]
    first, final = stub.seen[3].headers, stub.seen[4].headers
    assert first["X-Wopi-Lock"] == "abc" and first["X-Wopi-Editors"] == "user-toke"
    assert first["X-Lool-Wopi-Ismodifiedbyuser"] == "true"
    assert first["X-Lool-Wopi-Isautosave"] == "true"
    assert "X-Lool-Wopi-Isexitsave" not in first
    assert first["X-Lool-Wopi-Timestamp"] == "2026-01-01T00:00:00.0000000Z"
    assert first["Content-Length"] == "2"
    assert first["Content-Type"].startswith("application/vnd.openxmlformats")
    assert final["X-Lool-Wopi-Isexitsave"] == "true" and "X-Lool-Wopi-Isautosave" not in final
    assert final["X-Lool-Wopi-Timestamp"] == "2026-01-01T00:00:01.0000000Z"  # from PutFile
    assert stub.files["abc"][1] == b"v2"
    assert "abc" not in onlyoffice.sessions


async def test_failed_final_save_becomes_a_forgotten_file(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    session = await loaded_report(onlyoffice, stub)
    session.edit(None, b"lost?")
    stub.fail["PutFile"] = 409
    await session.close()  # never raises
    assert stub.ops()[-2:] == ["PutFile", "Unlock"]
    assert onlyoffice.forgotten == {"abc": b"lost?"}
    assert any("forgotten" in e for e in session.errors)

    del stub.fail["PutFile"]
    again = await onlyoffice.open(stub.wopi_src("abc"), "token", 4102444800000)
    assert again.session is not None and again.session is not session
    assert await again.session.load() == b"lost?"  # no GetFile: the forgotten file
    await again.session.close()
    assert stub.ops()[-4:] == ["CheckFileInfo", "Lock", "PutFile", "Unlock"]
    assert stub.files["abc"][1] == b"lost?" and not onlyoffice.forgotten


async def test_co_editing_shares_one_session_and_lock(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    stub.files["abc"] = ("report.docx", b"hello")
    first = await onlyoffice.open(stub.wopi_src("abc"), "alice-token", 4102444800000)
    second = await onlyoffice.open(stub.wopi_src("abc"), "bob-token", 4102444800000)
    session = first.session
    assert session is not None and second.session is session
    assert [u.user_id for u in session.users] == ["user-alic", "user-bob-"]
    assert stub.ops() == ["CheckFileInfo", "Lock", "CheckFileInfo", "Lock"]
    assert {s.headers["X-Wopi-Lock"] for s in stub.seen if s.op == "Lock"} == {"abc"}

    assert await session.refresh_lock()
    refresh = stub.seen[-1]
    assert refresh.op == "RefreshLock" and refresh.token == "bob-token"
    assert "X-Wopi-Sessionid" not in refresh.headers

    await session.load()
    session.edit(first.user, b"by alice")
    await session.close(first.user)
    assert stub.ops()[-1] == "GetFile"  # bob is still editing
    await session.close(second.user)
    assert stub.ops()[-2:] == ["PutFile", "Unlock"]
    put, unlock = stub.seen[-2], stub.seen[-1]
    assert put.token == "alice-token" and put.headers["X-Wopi-Editors"] == "user-alic"
    assert unlock.token == "bob-token"  # the last leaver's entry (client-behavior §17)


async def test_wopisrc_base_path_is_not_part_of_the_document_key(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    """client-behavior §3, §17: the key is the last path segment of WOPISrc, so a second
    WOPISrc that differs only in its base path joins the same session and lock, and its
    user's LOCK goes through that user's own WOPISrc and token."""
    stub.files["abc"] = ("report.docx", b"hello")
    other_src = stub.wopi_src("abc", base="/other/base")
    first = await onlyoffice.open(stub.wopi_src("abc"), "alice-token", 4102444800000)
    second = await onlyoffice.open(other_src, "bob-token", 4102444800000)
    assert first.session is not None and second.session is first.session
    assert first.key == second.key == "abc" and list(onlyoffice.sessions) == ["abc"]
    assert first.session.callbacks == [first.user, second.user]
    lock = stub.seen[3]
    assert (lock.op, lock.token, lock.headers["X-Wopi-Lock"]) == ("Lock", "bob-token", "abc")
    assert lock.url.startswith(other_src + "?access_token=")


async def test_refresh_lock_timer_and_reconnect(
    onlyoffice_factory: Factory, stub: StubHost
) -> None:
    stub.files["abc"] = ("report.docx", b"hello")
    double = onlyoffice_factory(refresh_lock_interval=0.05)
    page = await double.open(stub.wopi_src("abc"), "token", 4102444800000)
    assert page.session is not None and page.user is not None
    await asyncio.sleep(0.3)
    refreshes = [s for s in stub.seen if s.op == "RefreshLock"]
    assert len(refreshes) >= 2 and refreshes[0].headers["X-Wopi-Lock"] == "abc"
    stub.fail["Lock"] = 409
    assert not await page.session.reconnect(page.user)
    assert stub.ops()[-1] == "Lock" and "code 4010" in page.session.errors[-1]


async def test_close_without_changes_unlocks_and_keeps_the_cache(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    session = await loaded_report(onlyoffice, stub)
    await session.close()
    assert stub.ops() == ["CheckFileInfo", "Lock", "GetFile", "Unlock"]
    again = await onlyoffice.open(stub.wopi_src("abc"), "token", 4102444800000)
    assert again.session is session and again.session is not None
    assert await again.session.load() == b"hello"
    assert stub.ops()[4:] == ["CheckFileInfo", "Lock"]  # same Version: DS's cache, no GetFile


async def test_save_as_and_rename(onlyoffice: OnlyOfficeDouble, stub: StubHost) -> None:
    session = await loaded_report(onlyoffice, stub)
    answer = await session.save_as(None, "Bericht für Jörg.pdf")
    assert answer is not None and answer["Name"] == "Bericht für Jörg.pdf"
    relative = stub.seen[-1]
    assert relative.headers["X-Wopi-Suggestedtarget"] == utf7_encode("Bericht für Jörg.pdf")
    assert relative.headers["X-Wopi-Suggestedtarget"].startswith("Bericht+ACA-f")
    assert "X-Wopi-Lock" not in relative.headers and "X-Wopi-Fileconversion" not in relative.headers
    assert relative.headers["Content-Type"] == "application/pdf"
    assert relative.body == convert_bytes(b"hello", "docx", "pdf")

    assert await session.rename(None, "a+b " + "x" * 300) == "a+b " + "x" * 251
    rename = stub.seen[-1]
    assert rename.op == "RenameFile" and rename.headers["X-Wopi-Lock"] == "abc"
    assert rename.headers["X-Wopi-Requestedname"].startswith("a+-b+ACA-xxx")


async def test_convert_and_edit(onlyoffice: OnlyOfficeDouble, stub: StubHost) -> None:
    stub.files["old"] = ("legacy.doc", b"binary")
    wopisrc = quote(stub.wopi_src("old"), safe="")
    url = f"{onlyoffice.url}/hosting/wopi/convert-and-edit/doc/docx?wopisrc={wopisrc}"
    form = {"access_token": "t", "access_token_ttl": "0"}
    refused = await fetch(url, method="POST", body=urlencode(form))
    assert refused.code == 200 and b"var statusHandler = null" in refused.body
    assert stub.seen == []

    page = await fetch(
        url, method="POST", body=urlencode({"access_token": "t", "access_token_ttl": "99"})
    )
    assert page.code == 200 and b"Converting your file so you can edit it" in page.body
    (job,) = onlyoffice.conversions.values()
    await job.wait()
    assert stub.ops() == ["CheckFileInfo", "GetFile"]
    status = json.loads((await fetch(job.status_handler)).body)
    assert status == {
        "endConvert": True,
        "fileUrl": "http://lab/legacy.docx",
        "fileName": "legacy.docx",
    }
    relative = stub.seen[-1]
    assert relative.op == "PutRelativeFile"
    assert relative.headers["X-Wopi-Suggestedtarget"] == ".docx"
    assert relative.headers["X-Wopi-Fileconversion"] == "true"
    assert "X-Wopi-Sessionid" not in relative.headers  # client-behavior §17
    assert relative.body == convert_bytes(b"binary", "doc", "docx")
    query = parse_qs(urlsplit(job.status_handler).query)
    assert query["WOPISrc"] == [stub.wopi_src("old")] and query["targetext"] == ["docx"]


async def test_page_events_and_signals(onlyoffice: OnlyOfficeDouble, stub: StubHost) -> None:
    page = await open_report(onlyoffice, stub)
    assert page.user is not None and page.session is not None
    usid = page.user.user_session_id
    assert f'"userSessionId": "{usid}"'.encode() in page.html.encode()
    assert '"PostMessageOrigin": "http://lab.example/"' in page.html
    await page.session.load()
    page.session.edit(page.user, b"x")
    signals = await fetch(f"{onlyoffice.url}/__double/signals?usid={usid}")
    assert json.loads(signals.body) == ["change"]
    event = {"kind": "received", "usid": usid, "message": {"MessageId": "Blur_Focus"}}
    reply = await fetch(f"{onlyoffice.url}/__double/events", method="POST", body=json.dumps(event))
    assert reply.code == 204
    seen = await onlyoffice.wait_for_event("received", timeout=1)
    assert seen.message == {"MessageId": "Blur_Focus"} and page.user.events == [seen]

"""The double's opening sequence against the stub host: the blank template for an empty file,
the error panel when CheckFileInfo fails, view mode when Lock fails, GetFile's three tries, and
the failed open it remembers until the file changes (client-behavior §17)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from onlyoffice_double import OnlyOfficeDouble
from onlyoffice_double.formats import blank_template
from support.stub_host import Factory, StubHost, fetch, open_report, reopen

pytest_plugins = ("onlyoffice_double.fixtures",)


async def test_blank_file_gets_the_template_before_lock(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    stub.files["new"] = ("new.docx", b"")
    page = await onlyoffice.open(stub.wopi_src("new"), "token", 4102444800000)
    assert page.ok and page.session is not None
    assert stub.ops() == ["CheckFileInfo", "PutFile", "Lock"]
    put = stub.seen[1]
    assert "X-Wopi-Lock" not in put.headers
    assert not any(h.startswith("X-Lool-Wopi") for h in put.headers)
    assert put.body == blank_template("docx") == stub.files["new"][1]
    assert page.session.common_info["Size"] == len(blank_template("docx"))
    assert await page.session.load() == blank_template("docx")

    stub.files["empty"] = ("notes.txt", b"")  # DS has no new.txt template: error panel
    failed = await onlyoffice.open(stub.wopi_src("empty"), "token", 4102444800000)
    assert not failed.ok and "Sorry, editor could not be loaded" in failed.html


async def test_check_file_info_failure_renders_the_error_panel_with_200(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    stub.files["abc"] = ("report.docx", b"hello")
    stub.fail["CheckFileInfo"] = 401
    response = await fetch(
        onlyoffice.action_url("word", "edit", stub.wopi_src("abc")),
        method="POST",
        body=urlencode({"access_token": "t", "access_token_ttl": "1"}),
    )
    assert response.code == 200
    assert b"Sorry, editor could not be loaded" in response.body
    assert onlyoffice.last_page.upstream_status == 401
    assert stub.ops() == ["CheckFileInfo"]


async def test_lock_failure_falls_back_to_view_mode(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    stub.fail["Lock"] = 409
    page = await open_report(onlyoffice, stub)
    assert page.ok and page.forced_view_mode and page.user is not None
    assert page.user.mode == "view"
    assert page.key == "view.abc.2026-01-01T00_00_00.0000000Z"
    assert page.config is not None and page.config["editorConfig"]["mode"] == "view"
    assert stub.ops() == ["CheckFileInfo", "Lock"]


async def test_getfile_is_retried_three_times(onlyoffice: OnlyOfficeDouble, stub: StubHost) -> None:
    stub.fail["GetFile"] = 500
    page = await open_report(onlyoffice, stub)
    assert page.session is not None
    assert await page.session.load() is None
    gets = [s for s in stub.seen if s.op == "GetFile"]
    assert len(gets) == 3
    assert len({s.headers["X-Wopi-Timestamp"] for s in gets}) == 1  # same signed headers


@pytest.mark.parametrize("changed", ["Version", "LastModifiedTime"])
async def test_a_failed_open_is_cached_until_the_file_changes(
    onlyoffice: OnlyOfficeDouble, stub: StubHost, changed: str
) -> None:
    """client-behavior §17: after a failed GetFile, later opens of the unchanged file fail
    at once with no GetFile, until CheckFileInfo shows another Version or
    LastModifiedTime (compared once the failed editor left, like any cache check, §2.1)."""
    stub.fail["GetFile"] = 500
    first = await reopen(onlyoffice, stub)
    session, user = first.session, first.user
    assert session is not None and user is not None and not session.loaded
    assert stub.ops() == ["CheckFileInfo", "Lock", "GetFile", "GetFile", "GetFile"]
    failed = onlyoffice.failed_opens["abc"]
    assert (failed.version, failed.last_modified_time) == ("v0", "2026-01-01T00:00:00.0000000Z")
    assert failed.reason == "GetFile: download failed, the editor shows an error"
    await session.close(user)  # the user closes the broken editor: Unlock

    del stub.fail["GetFile"]  # the host could serve the file now, but DS does not ask
    stub.seen.clear()
    second = await reopen(onlyoffice, stub)
    assert second.session is session and not session.loaded
    assert session.errors[-1].startswith("the open failed before (GetFile: download failed")
    await session.close(second.user)
    assert stub.ops() == ["CheckFileInfo", "Lock", "Unlock"]  # no GetFile

    stub.seen.clear()
    stub.info[changed] = "changed"  # same bytes, new Version or LastModifiedTime
    third = await reopen(onlyoffice, stub)
    assert third.session is not session and third.session is not None
    assert third.session.content == b"hello"
    assert stub.ops() == ["CheckFileInfo", "Lock", "GetFile"]
    assert onlyoffice.failed_opens == {}


async def test_a_co_editor_joining_a_failed_open_gets_the_error_without_getfile(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    """While the failed editor is still open DS writes no unlock marker, so even a new
    Version does not drop the cached failure (checkAndInvalidateCache, §2.1)."""
    stub.fail["GetFile"] = 404
    first = await reopen(onlyoffice, stub)
    del stub.fail["GetFile"]
    stub.info["Version"] = "v-new"
    stub.seen.clear()
    second = await reopen(onlyoffice, stub)
    assert second.session is first.session and second.session is not None
    assert not second.session.loaded and stub.ops() == ["CheckFileInfo", "Lock"]


async def test_failed_open_cache_expiry_view_mode_and_off_switch(
    onlyoffice_factory: Factory, stub: StubHost
) -> None:
    # A conversion error ("limits": larger than maxDownloadBytes) is cached too, under the
    # view key in view mode; after expire.files (24 h) DS downloads again.
    small = onlyoffice_factory(max_download_bytes=3)
    page = await reopen(small, stub, mode="view")
    assert page.key == "view.abc.2026-01-01T00_00_00.0000000Z"
    assert list(small.failed_opens) == [page.key]
    await reopen(small, stub, mode="view")
    assert stub.ops() == ["CheckFileInfo", "GetFile", "CheckFileInfo"]
    small.failed_opens[page.key].at -= 86_400
    await reopen(small, stub, mode="view")
    assert stub.ops()[3:] == ["CheckFileInfo", "GetFile"]

    # cache_failed_opens=False: every open tries GetFile again (the pre-§17 double).
    stub.seen.clear()
    stub.fail["GetFile"] = 500
    retrying = onlyoffice_factory(cache_failed_opens=False, download_attempt_max=1)
    first = await reopen(retrying, stub)
    await reopen(retrying, stub)
    assert stub.ops() == ["CheckFileInfo", "Lock", "GetFile", "CheckFileInfo", "Lock", "GetFile"]
    assert first.session is not None and retrying.failed_opens == {}

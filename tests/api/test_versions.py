"""Version history against a real Jupyter server: what each kind of write keeps, who made it,
how versions follow a file, previews, downloads and restores (spec: issue 21)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from support.versions import restore, version_bytes, versions
from support.wopi_client import (
    WopiClient,
    conflict_copies,
    headers_of,
    locked_session,
    put_relative,
    saved,
)
from tornado.httpclient import HTTPClientError

from jupyter_wopi.host.services import WopiHost


def host_of(jp_serverapp: Any) -> WopiHost:
    return jp_serverapp.web_app.settings["jupyter_wopi"]  # type: ignore[no-any-return]


async def one_version(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, path: str, old: bytes, new: bytes
) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """A file locked by an editor that saved `new` over `old`: its session, the timestamp
    the editor loaded, and the one version (of `old`)."""
    doc, stamp = await locked_session(open_session, wopi, path, old)
    await saved(wopi, doc, new, stamp)
    [version] = (await versions(jp_fetch, path))["versions"]
    return doc, stamp, version


# -- what each write keeps --------------------------------------------------------------------


async def test_each_save_keeps_the_bytes_it_replaced_once_with_its_author(
    open_session: Any, wopi: WopiClient, jp_fetch: Any
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "report.docx", b"original")
    user_id = json.loads((await wopi.check_file_info(doc["file_id"], doc["access_token"])).body)[
        "UserId"
    ]
    stamp = await saved(wopi, doc, b"first save", stamp, **{"X-WOPI-Editors": user_id})
    await saved(wopi, doc, b"second save", stamp, **{"X-WOPI-Editors": user_id})
    listed = await versions(jp_fetch, "report.docx")
    assert [v["kind"] for v in listed["versions"]] == ["save", "external"]
    newest, oldest = listed["versions"]
    assert await version_bytes(jp_fetch, doc["file_id"], newest["id"]) == b"first save"
    assert await version_bytes(jp_fetch, doc["file_id"], oldest["id"]) == b"original"
    assert newest["author"] and newest["author"] == listed["author"]  # the token's user
    assert newest["size"] == len(b"first save") and len(newest["sha256"]) == 64
    assert oldest["author"] == ""  # written outside the editor: nobody known
    assert listed["kind"] == "save" and listed["size"] == len(b"second save")


async def test_x_wopi_editors_names_the_author_by_the_name_their_lock_gave(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, jp_serverapp: Any
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "team.docx", b"v1")
    await host_of(jp_serverapp).state.write(
        lambda store: store.remember_person("grace-id", "Grace Hopper")
    )
    stamp = await saved(wopi, doc, b"v2", stamp, **{"X-WOPI-Editors": "grace-id"})
    await saved(wopi, doc, b"v3", stamp, **{"X-WOPI-Editors": "someone-unknown"})
    newest = (await versions(jp_fetch, "team.docx"))["versions"][0]
    assert newest["author"] == "Grace Hopper"  # the bytes v2, saved for Grace
    assert (await versions(jp_fetch, "team.docx"))["author"] == "someone-unknown"


async def test_the_bytes_an_editor_loads_are_kept_once_and_not_again_when_replaced(
    open_session: Any, wopi: WopiClient, jp_fetch: Any
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "sheet.xlsx", b"loaded bytes")
    for _ in range(2):
        got = await wopi.get_file(doc["file_id"], doc["access_token"])
        assert got.body == b"loaded bytes"
    assert [v["kind"] for v in (await versions(jp_fetch, "sheet.xlsx"))["versions"]] == ["loaded"]
    await saved(wopi, doc, b"saved", stamp)
    listed = await versions(jp_fetch, "sheet.xlsx")
    assert [v["kind"] for v in listed["versions"]] == ["loaded"]  # kept already: no second


async def test_a_viewer_loading_keeps_nothing(
    open_session: Any, wopi: WopiClient, jp_fetch: Any
) -> None:
    doc = await open_session("view.docx", b"bytes", action="view")
    await wopi.get_file(doc["file_id"], doc["access_token"])
    assert (await versions(jp_fetch, "view.docx"))["versions"] == []


async def test_a_kernel_overwrite_between_two_saves_is_recoverable(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, jp_root_dir: Path
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "data.xlsx", b"A")
    await wopi.get_file(doc["file_id"], doc["access_token"])
    await saved(wopi, doc, b"B1", stamp)
    (jp_root_dir / "data.xlsx").write_bytes(b"kernel")  # pandas writes in place
    now = await versions(jp_fetch, "data.xlsx")
    assert (now["kind"], now["author"]) == ("external", "")  # not the editor's save any more
    # The editor reopens (its next load), then saves: the kernel's bytes are a version.
    again, stamp = await locked_session(open_session, wopi, "data.xlsx", None)
    await wopi.get_file(again["file_id"], again["access_token"])
    await saved(wopi, again, b"B2", stamp)
    listed = await versions(jp_fetch, "data.xlsx")
    kept = {await version_bytes(jp_fetch, doc["file_id"], v["id"]): v for v in listed["versions"]}
    assert b"A" in kept
    assert (kept[b"kernel"]["kind"], kept[b"kernel"]["author"]) == ("loaded", "")


async def test_a_save_kept_as_a_conflict_copy_is_a_version_too(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, jp_root_dir: Path
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "c.docx", b"A")
    (jp_root_dir / "c.docx").write_bytes(b"changed on disk")
    await saved(wopi, doc, b"editor's save", stamp)
    assert len(conflict_copies(jp_root_dir)) == 1
    [conflict] = (await versions(jp_fetch, "c.docx"))["versions"]
    assert conflict["kind"] == "conflict" and len(conflict["sha256"]) == 64
    assert await version_bytes(jp_fetch, doc["file_id"], conflict["id"]) == b"editor's save"


async def test_an_overwriting_put_relative_keeps_the_target_s_bytes(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, jp_root_dir: Path
) -> None:
    (jp_root_dir / "target.docx").write_bytes(b"target before")
    doc = await open_session("source.docx", b"source")
    response = await put_relative(
        wopi,
        doc,
        b"written over",
        X_WOPI_RelativeTarget="target.docx",
        X_WOPI_OverwriteRelativeTarget="true",
    )
    assert response.code == 200, response.body
    listed = await versions(jp_fetch, "target.docx")
    [kept] = listed["versions"]
    assert await version_bytes(jp_fetch, listed["file_id"], kept["id"]) == b"target before"


async def test_versions_follow_a_rename(open_session: Any, wopi: WopiClient, jp_fetch: Any) -> None:
    doc, stamp = await locked_session(open_session, wopi, "old.docx", b"v1")
    await saved(wopi, doc, b"v2", stamp)
    await jp_fetch(
        "api", "contents", "old.docx", method="PATCH", body=json.dumps({"path": "new.docx"})
    )
    listed = await versions(jp_fetch, "new.docx")
    assert listed["file_id"] == doc["file_id"] and len(listed["versions"]) == 1


async def test_identical_consecutive_versions_are_stored_once(
    open_session: Any, wopi: WopiClient, jp_fetch: Any
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "same.docx", b"same")
    stamp = await saved(wopi, doc, b"same", stamp)
    await saved(wopi, doc, b"other", stamp)
    assert len((await versions(jp_fetch, "same.docx"))["versions"]) == 1


# -- where and how they are stored ------------------------------------------------------------


async def test_a_version_on_the_same_file_system_is_the_replaced_inode_and_private(
    open_session: Any, wopi: WopiClient, jp_serverapp: Any, jp_root_dir: Path
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "big.pptx", os.urandom(1 << 20))
    inode = (jp_root_dir / "big.pptx").stat().st_ino
    await saved(wopi, doc, b"new", stamp)
    host = host_of(jp_serverapp)
    assert host.versions is not None
    [version] = await host.state.read(lambda store: store.versions_of(doc["file_id"]))
    blob = Path(host.versions.path(version.blob))
    assert blob.stat().st_ino == inode  # no copy was made
    assert stat.S_IMODE(blob.stat().st_mode) == 0o600
    assert stat.S_IMODE(Path(host.versions.folder).stat().st_mode) == 0o700
    assert (jp_root_dir / "big.pptx").read_bytes() == b"new"


async def test_a_file_with_another_name_is_copied_not_linked(
    open_session: Any, wopi: WopiClient, jp_serverapp: Any, jp_root_dir: Path
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "linked.docx", b"shared inode")
    os.link(jp_root_dir / "linked.docx", jp_root_dir / "elsewhere.docx")  # written in place?
    await saved(wopi, doc, b"new", stamp)
    host = host_of(jp_serverapp)
    assert host.versions is not None
    [version] = await host.state.read(lambda store: store.versions_of(doc["file_id"]))
    blob = Path(host.versions.path(version.blob))
    assert blob.stat().st_ino != (jp_root_dir / "elsewhere.docx").stat().st_ino
    (jp_root_dir / "elsewhere.docx").write_bytes(b"overwritten in place")
    assert blob.read_bytes() == b"shared inode"


async def test_versions_survive_a_restart_of_the_state(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, jp_serverapp: Any
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "kept.docx", b"v1")
    await saved(wopi, doc, b"v2", stamp)
    host = host_of(jp_serverapp)
    folder = host.versions.folder if host.versions else ""
    from jupyter_wopi.files.version_blobs import VersionBlobs
    from jupyter_wopi.state import open_database

    database = host.state.database
    fresh = open_database(Path(folder).parent, scope=database.scope)  # type: ignore[attr-defined]
    try:
        with fresh.transaction(write=False) as store:
            [version] = store.versions_of(doc["file_id"])
        assert Path(VersionBlobs(folder).path(version.blob)).read_bytes() == b"v1"
    finally:
        fresh.close()


# -- reading, previewing, restoring -----------------------------------------------------------


async def test_a_version_downloads_with_its_name_and_time(
    open_session: Any, wopi: WopiClient, jp_fetch: Any
) -> None:
    doc, _, version = await one_version(
        open_session, wopi, jp_fetch, "dl.xlsx", b"old bytes", b"new"
    )
    response = await jp_fetch("api", "wopi", "versions", doc["file_id"], version["id"])
    headers = headers_of(response)
    assert response.body == b"old bytes"
    assert headers["content-disposition"].startswith("attachment; filename*=UTF-8''dl%20%28")
    assert "spreadsheetml" in headers["content-type"]


async def test_unknown_or_foreign_versions_are_404_with_a_sentence(
    open_session: Any, wopi: WopiClient, jp_fetch: Any
) -> None:
    doc, _, version = await one_version(open_session, wopi, jp_fetch, "one.docx", b"v1", b"v2")
    other = await open_session("two.docx", b"x")
    for file_id, version_id in ((doc["file_id"], "999"), (other["file_id"], version["id"])):
        with pytest.raises(HTTPClientError) as err:
            await jp_fetch("api", "wopi", "versions", file_id, version_id)
        assert err.value.code == 404
        assert "has no version" in json.loads(err.value.response.body)["message"]


async def test_a_preview_is_a_read_only_file_of_its_own(
    open_session: Any, wopi: WopiClient, jp_fetch: Any
) -> None:
    doc, _, version = await one_version(open_session, wopi, jp_fetch, "p.docx", b"old", b"new")
    response = await jp_fetch(
        "api",
        "wopi",
        "sessions",
        method="POST",
        body=json.dumps({"path": "p.docx", "action": "edit", "version": version["id"]}),
    )
    preview = json.loads(response.body)
    assert preview["file_id"] == f"{doc['file_id']}_v{version['id']}"
    assert preview["mode"] == "view"
    token = preview["access_token"]
    info = json.loads((await wopi.check_file_info(preview["file_id"], token)).body)
    assert info["UserCanWrite"] is False and info["FileVersionPostMessage"] is False
    assert info["EditModePostMessage"] is False and "HostEditUrl" not in info  # no Edit button
    assert info["EnableInsertRemoteImage"] is False  # nothing can be inserted into a version
    assert (await wopi.get_file(preview["file_id"], token)).body == b"old"
    put = await wopi.put_file(preview["file_id"], token, b"over", lock=preview["file_id"])
    assert put.code == 401
    assert (await wopi.check_file_info(doc["file_id"], token)).code == 401  # not the file's
    # The file's own token opens no version.
    assert (await wopi.get_file(preview["file_id"], doc["access_token"])).code == 401


async def test_check_file_info_offers_version_history(open_session: Any, wopi: WopiClient) -> None:
    doc = await open_session("h.docx", b"x")
    info = json.loads((await wopi.check_file_info(doc["file_id"], doc["access_token"])).body)
    assert info["FileVersionPostMessage"] is True
    assert info["FileVersionUrl"].endswith("/wopi/versions/h.docx")
    assert info["EnableInsertRemoteImage"] is True  # Image → From Storage (issue 22)


async def test_restore_puts_the_bytes_back_and_keeps_the_replaced_ones(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, jp_root_dir: Path
) -> None:
    doc, stamp, good = await one_version(open_session, wopi, jp_fetch, "r.docx", b"good", b"wrong")
    result = await restore(jp_fetch, doc["file_id"], good["id"])
    assert (jp_root_dir / "r.docx").read_bytes() == b"good"
    assert result["restored"] == good["id"] and result["editors_told"] is True  # still locked
    assert result["kept"]["kind"] == "save"
    assert await version_bytes(jp_fetch, doc["file_id"], result["kept"]["id"]) == b"wrong"
    listed = await versions(jp_fetch, "r.docx")
    assert listed["kind"] == "restore" and listed["author"]
    # The open editor's next save was made over bytes it did not load: a conflict copy.
    await saved(wopi, doc, b"editor still on wrong", stamp)
    assert (jp_root_dir / "r.docx").read_bytes() == b"good"
    assert [p.read_bytes() for p in conflict_copies(jp_root_dir)] == [b"editor still on wrong"]


async def test_restoring_a_read_only_file_is_refused_and_changes_nothing(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, jp_root_dir: Path
) -> None:
    doc, _, version = await one_version(open_session, wopi, jp_fetch, "ro.docx", b"v1", b"v2")
    (jp_root_dir / "ro.docx").chmod(0o444)
    assert (await versions(jp_fetch, "ro.docx"))["can_restore"] is False
    with pytest.raises(HTTPClientError) as err:
        await restore(jp_fetch, doc["file_id"], version["id"])
    assert err.value.code == 403
    assert (jp_root_dir / "ro.docx").read_bytes() == b"v2"


async def test_the_standalone_version_history_page_lists_previews_and_restores(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, jp_root_dir: Path
) -> None:
    doc, _, version = await one_version(
        open_session, wopi, jp_fetch, "page.docx", b"<b>old</b>", b"new"
    )
    page = (await jp_fetch("wopi", "versions", "page.docx")).body.decode()
    assert "Version History of page.docx" in page and "Saved in the editor" not in page
    assert "Changed outside the editor" in page  # the bytes written before any editor save
    assert f"wopi/open/page.docx?action=view&amp;version={version['id']}" in page
    assert f"api/wopi/versions/{doc['file_id']}/{version['id']}?download=1" in page
    assert "Being edited by you." in page  # the lock is held, by the viewer
    response = await jp_fetch(
        "wopi",
        "versions",
        "page.docx",
        method="POST",
        body=f"file_id={doc['file_id']}&version={version['id']}",
        follow_redirects=False,
        raise_error=False,
    )
    assert response.code == 303
    assert response.headers["Location"].endswith(
        f"wopi/versions/page.docx?restored={version['id']}"
    )
    assert (jp_root_dir / "page.docx").read_bytes() == b"<b>old</b>"
    # The host page previews a version read-only, and opens this page from the editor.
    host_page = (
        await jp_fetch(
            "wopi", "open", "page.docx", params={"version": version["id"]}, raise_error=False
        )
    ).body.decode()
    assert '"versions_url": ' in host_page and "UI_FileVersions" in host_page


async def test_a_version_names_the_last_changer_and_every_co_editor_the_lock_named(
    jp_serverapp: Any, open_session: Any, jp_root_dir: Path
) -> None:
    """ONLYOFFICE saves through whichever co-editor's token, naming in X-WOPI-Editors the
    user whose change the save carries (client-behavior §17)."""
    from jupyter_wopi.files.io import AtomicWriter
    from jupyter_wopi.host import locking
    from jupyter_wopi.host.saving import commit_put_file
    from jupyter_wopi.wopi.tokens import TokenClaims

    host = host_of(jp_serverapp)
    doc = await open_session("minutes.docx", b"agenda")
    fid = doc["file_id"]
    file = await host.files.resolve(fid)

    def co_edit(store: Any) -> None:
        locking.lock(store, fid, fid, "Ada")
        locking.lock(store, fid, fid, "Grace")  # joins the session: the same lock id
        store.remember_person("grace", "Grace")

    await host.state.write(co_edit)
    ada = TokenClaims(fid, "ada", "Ada", True, 0)

    async def save_by(editor: str, body: bytes) -> None:
        writer = AtomicWriter(str(jp_root_dir))
        writer.write(body)
        await commit_put_file(
            host, file, ada, writer, lock_id=fid, loaded_stamp=None, editor_id=editor
        )

    await save_by("grace", b"grace's wording")  # Ada pressed Save after Grace's change
    await save_by("ada", b"ada's wording")
    newest = (await host.state.read(lambda store: store.versions_of(fid)))[0]
    assert (newest.author, newest.co_editors, newest.kind) == ("Grace", "Ada", "save")
    known = await host.state.read(lambda store: store.file_bytes(fid))
    assert (known.author, known.co_editors) == ("Ada", "Grace")

"""File ids are stable across content changes, renames (lab, shell, git) and replacements."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.services.contents.filemanager import FileContentsManager
from support.wopi_client import WopiClient
from tornado.httpclient import HTTPClientError

from jupyter_wopi.files.ids import FileResolver
from jupyter_wopi.files.index import FileIndex, Tree
from jupyter_wopi.files.io import IDENTITY_XATTR
from jupyter_wopi.state import State
from jupyter_wopi.state.sqlite import SqliteDatabase


async def name_of(wopi: WopiClient, doc: dict[str, Any]) -> str:
    response = await wopi.check_file_info(doc["file_id"], doc["access_token"])
    assert response.code == 200, response.body
    return json.loads(response.body)["BaseFileName"]  # type: ignore[no-any-return]


async def test_id_survives_jupyter_rename(
    open_session: Any, wopi: WopiClient, jp_fetch: Any
) -> None:
    doc = await open_session("a.docx", b"x")
    await jp_fetch("api", "contents", "a.docx", method="PATCH", body=json.dumps({"path": "b.docx"}))
    assert await name_of(wopi, doc) == "b.docx"


async def test_id_survives_shell_mv_into_another_folder(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("c.docx", b"x")
    (jp_root_dir / "sub").mkdir()
    os.rename(jp_root_dir / "c.docx", jp_root_dir / "sub" / "moved.docx")
    assert await name_of(wopi, doc) == "moved.docx"


async def test_id_survives_replacement_by_a_new_inode(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    """What `git checkout` and save-by-rename editors do."""
    doc = await open_session("d.xlsx", b"old")
    replacement = jp_root_dir / "tmp-new"
    replacement.write_bytes(b"new content from git")
    os.replace(replacement, jp_root_dir / "d.xlsx")
    assert await name_of(wopi, doc) == "d.xlsx"
    body = (await wopi.get_file(doc["file_id"], doc["access_token"])).body
    assert body == b"new content from git"
    again = await open_session("d.xlsx")
    assert again["file_id"] == doc["file_id"]


async def test_id_survives_our_own_saves(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("e.pptx", b"")
    for i in range(3):
        assert (
            await wopi.put_file(doc["file_id"], doc["access_token"], b"" if i < 2 else b"z")
        ).code == 200
    assert (await open_session("e.pptx"))["file_id"] == doc["file_id"]


async def test_a_saved_files_id_follows_it_when_it_is_moved_outside_jupyter_at_once(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    """A save writes a new inode at the path: the id moves to it in the same transaction, so
    an `mv` right after the save, before the editor's next request, loses nothing."""
    doc = await open_session("h.docx", b"draft")
    fid, token = doc["file_id"], doc["access_token"]
    assert (await wopi.override(fid, token, "LOCK", X_WOPI_Lock=fid)).code == 200
    assert (await wopi.put_file(fid, token, b"saved", lock=fid)).code == 200
    os.rename(jp_root_dir / "h.docx", jp_root_dir / "h final.docx")
    assert await name_of(wopi, doc) == "h final.docx"
    assert (await wopi.get_file(fid, token)).body == b"saved"


async def test_id_survives_an_edit_in_place_then_a_move_outside_jupyter(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    """A file written in place (same inode, new time: `>>`, tools that write into the file)
    is recorded anew when next seen; then moved with `mv`, it is found by inode and new time."""
    doc = await open_session("i.docx", b"first")
    path = jp_root_dir / "i.docx"
    with open(path, "r+b") as file:  # the same size, so only the time tells
        file.write(b"FIRST")
    os.utime(path, ns=(2_000_000_000_000_000_000, 2_000_000_000_000_000_000))
    assert await name_of(wopi, doc) == "i.docx"
    os.rename(path, jp_root_dir / "i moved.docx")
    assert await name_of(wopi, doc) == "i moved.docx"
    assert (await wopi.get_file(doc["file_id"], doc["access_token"])).body == b"FIRST"


async def test_id_survives_its_folder_renamed_outside_jupyter(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("team/plan.docx", b"x")
    os.rename(jp_root_dir / "team", jp_root_dir / "team 2024")  # its old folder is gone
    assert await name_of(wopi, doc) == "plan.docx"
    assert (await open_session("team 2024/plan.docx"))["file_id"] == doc["file_id"]


async def test_a_file_moved_outside_jupyter_is_found_where_it_is_not_through_a_link(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    """Symbolic links to folders are not followed while a moved file is searched for: found
    through one, it would be known under the link's path, and opening it from the lab at its
    real path would give it a second id (a second ONLYOFFICE document)."""
    doc = await open_session("team/plan.docx", b"x")
    (jp_root_dir / "archive").mkdir()
    (jp_root_dir / "team" / "to-archive").symlink_to("../archive")  # searched before archive/
    os.rename(jp_root_dir / "team" / "plan.docx", jp_root_dir / "archive" / "plan.docx")
    assert await name_of(wopi, doc) == "plan.docx"
    assert (await open_session("archive/plan.docx"))["file_id"] == doc["file_id"]


async def test_id_survives_replacement_by_a_new_inode_then_a_rename_outside_jupyter(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    """The new inode gets the host's identity when first seen, so a later rename to another
    name (which the name-and-size evidence would not accept) keeps the id."""
    doc = await open_session("j.xlsx", b"old")
    replacement = jp_root_dir / "tmp-new"
    replacement.write_bytes(b"checked out")
    os.replace(replacement, jp_root_dir / "j.xlsx")  # `git checkout`
    assert await name_of(wopi, doc) == "j.xlsx"
    os.rename(jp_root_dir / "j.xlsx", jp_root_dir / "j (final).xlsx")
    assert await name_of(wopi, doc) == "j (final).xlsx"


async def test_a_file_moved_outside_jupyter_keeps_its_id_though_a_new_file_took_its_name(
    open_session: Any, jp_root_dir: Path
) -> None:
    doc = await open_session("k.docx", b"k")
    os.rename(jp_root_dir / "k.docx", jp_root_dir / "k old.docx")
    (jp_root_dir / "k.docx").write_bytes(b"a new k")
    assert (await open_session("k old.docx"))["file_id"] == doc["file_id"]
    assert (await open_session("k.docx"))["file_id"] != doc["file_id"]


async def test_the_id_of_a_removed_hard_link_goes_and_stays_gone(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    """A hard link is a path of its own: it gets an id of its own. Once the link is removed
    and its file found elsewhere, that id is stale and forgotten: the file has one id."""
    doc = await open_session("m.docx", b"m")
    os.link(jp_root_dir / "m.docx", jp_root_dir / "m link.docx")
    link = await open_session("m link.docx")
    assert link["file_id"] != doc["file_id"]
    (jp_root_dir / "m link.docx").unlink()
    os.rename(jp_root_dir / "m.docx", jp_root_dir / "m moved.docx")
    assert await name_of(wopi, doc) == "m moved.docx"
    assert (await wopi.check_file_info(link["file_id"], link["access_token"])).code == 404
    os.link(jp_root_dir / "m moved.docx", jp_root_dir / "m link.docx")  # made again
    assert (await wopi.check_file_info(link["file_id"], link["access_token"])).code == 404
    assert (await open_session("m moved.docx"))["file_id"] == doc["file_id"]


async def test_a_file_moved_out_of_the_root_and_back_is_followed_at_once(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, tmp_path: Path
) -> None:
    """A file searched for in vain is not searched for again for a while (a lost file's
    editor polls); found again, its next move is followed at once."""
    doc = await open_session("n.docx", b"n")
    assert await name_of(wopi, doc) == "n.docx"  # the editor opens it
    os.rename(jp_root_dir / "n.docx", tmp_path / "n.docx")
    assert (await wopi.check_file_info(doc["file_id"], doc["access_token"])).code == 404
    os.rename(tmp_path / "n.docx", jp_root_dir / "n.docx")
    assert await name_of(wopi, doc) == "n.docx"
    os.rename(jp_root_dir / "n.docx", jp_root_dir / "n renamed.docx")
    assert await name_of(wopi, doc) == "n renamed.docx"


async def test_copied_file_gets_its_own_id(open_session: Any, jp_root_dir: Path) -> None:
    doc = await open_session("f.docx", b"x")
    shutil.copy(jp_root_dir / "f.docx", jp_root_dir / "g.docx")
    copy = await open_session("g.docx")
    assert copy["file_id"] != doc["file_id"]


async def test_a_new_file_on_a_reused_inode_does_not_inherit_a_deleted_files_id(
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    state = State(SqliteDatabase(tmp_path / "state"))
    ids = FileIndex(Tree(str(root)), state)
    old = root / "report.docx"
    old.write_bytes(b"report")
    os.utime(old, ns=(1_000_000_000, 1_000_000_000))  # an old document
    old_id = await ids.id_of("report.docx")
    inode = old.stat().st_ino
    old.unlink()
    for attempt in range(20):  # file systems usually hand the freed inode out again at once
        new = root / f"notebook-{attempt}.ipynb"
        new.write_bytes(b"{}")
        if new.stat().st_ino == inode:
            break
    else:
        print("inode not reused here: only the plain case is checked")
    assert await ids.id_of(new.name) != old_id
    assert await ids.path_of(old_id) is None  # the editor of report.docx cannot save into it
    moved = root / "kept.docx"
    moved.write_bytes(b"kept")
    kept_id = await ids.id_of("kept.docx")
    os.rename(moved, root / "renamed.docx")  # a real rename keeps its id
    assert await ids.id_of("renamed.docx") == kept_id
    state.close()


async def test_a_file_moved_somewhere_it_may_not_be_served_is_refused_at_once(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, tmp_path: Path
) -> None:
    """What was checked once is checked again when the file moves: into a hidden folder, or
    out of the root (the checks of its first request are not reused)."""
    doc = await open_session("team/plan.docx", b"x")
    assert await name_of(wopi, doc) == "plan.docx"
    os.rename(jp_root_dir / "team", jp_root_dir / ".team")
    assert (await wopi.check_file_info(doc["file_id"], doc["access_token"])).code == 404
    os.rename(jp_root_dir / ".team", jp_root_dir / "team")
    assert await name_of(wopi, doc) == "plan.docx"
    os.rename(jp_root_dir / "team" / "plan.docx", tmp_path / "plan.docx")  # out of the root
    (jp_root_dir / "team" / "plan.docx").symlink_to(tmp_path / "plan.docx")
    assert (await wopi.check_file_info(doc["file_id"], doc["access_token"])).code == 404


async def test_a_file_replaced_by_a_link_out_of_the_root_leaves_the_linked_file_untouched(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, tmp_path: Path
) -> None:
    """The editor's id is refused, and the file the link leads to, outside what Jupyter
    serves, is not marked with the host's identity (nothing is written outside the root)."""
    doc = await open_session("o.docx", b"o")
    assert await name_of(wopi, doc) == "o.docx"
    private = tmp_path / "private.docx"
    private.write_bytes(b"private")
    (jp_root_dir / "o.docx").unlink()
    (jp_root_dir / "o.docx").symlink_to(private)
    assert (await wopi.check_file_info(doc["file_id"], doc["access_token"])).code == 404
    assert (await wopi.get_file(doc["file_id"], doc["access_token"])).code == 404
    assert IDENTITY_XATTR not in os.listxattr(private)


@pytest.mark.parametrize(
    "path", ["team/../memo.docx", "team//memo.docx", "./memo.docx", ".secret/keys.docx", "out.docx"]
)
async def test_a_path_jupyter_may_not_open_gets_no_session_and_its_file_is_left_untouched(
    jp_fetch: Any, jp_root_dir: Path, tmp_path: Path, path: str
) -> None:
    """Paths that are not plain, hidden files and links out of the root are refused before
    anything is indexed: no file is marked with the host's identity."""
    (jp_root_dir / "team").mkdir()
    (jp_root_dir / ".secret").mkdir()
    for name in ("memo.docx", "team/memo.docx", ".secret/keys.docx"):
        (jp_root_dir / name).write_bytes(b"x")
    (tmp_path / "private.docx").write_bytes(b"private")
    (jp_root_dir / "out.docx").symlink_to(tmp_path / "private.docx")
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch("api", "wopi", "sessions", method="POST", body=json.dumps({"path": path}))
    assert refused.value.code == 404
    for name in ("memo.docx", "team/memo.docx", ".secret/keys.docx"):
        assert IDENTITY_XATTR not in os.listxattr(jp_root_dir / name), name
    assert IDENTITY_XATTR not in os.listxattr(tmp_path / "private.docx")


async def test_a_document_opened_through_a_link_is_refused_once_the_link_leads_out(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, tmp_path: Path
) -> None:
    """An editor's requests after the first skip the checks only while its file is reached
    through no link: through one, where it leads is checked at every request."""
    (jp_root_dir / "real").mkdir()
    (jp_root_dir / "real" / "plan.docx").write_bytes(b"plan")
    (jp_root_dir / "plan.docx").symlink_to("real/plan.docx")
    doc = await open_session("plan.docx")
    assert await name_of(wopi, doc) == "plan.docx"
    (tmp_path / "private.docx").write_bytes(b"private")
    (jp_root_dir / "plan.docx").unlink()
    (jp_root_dir / "plan.docx").symlink_to(tmp_path / "private.docx")
    assert (await wopi.check_file_info(doc["file_id"], doc["access_token"])).code == 404
    assert (await wopi.get_file(doc["file_id"], doc["access_token"])).code == 404


def test_where_a_path_really_leads_is_given_only_inside_the_root(tmp_path: Path) -> None:
    root, twin = tmp_path / "root", tmp_path / "root-2"  # the twin's name starts like root's
    (root / "real").mkdir(parents=True)
    twin.mkdir()
    (root / "shortcut").symlink_to("real")
    (root / "out").symlink_to(tmp_path)
    (root / "twin").symlink_to(twin)
    state = State(SqliteDatabase(tmp_path / "state"))
    files = FileResolver(FileContentsManager(root_dir=str(root)), FileIndex(Tree(str(root)), state))
    assert files.real_api_path("shortcut/a.docx") == "real/a.docx"
    assert files.real_api_path("shortcut") == "real"
    assert files.real_api_path("") == ""  # the root itself
    assert files.real_api_path("out/a.docx") is None
    assert files.real_api_path("twin/a.docx") is None
    assert files.real_api_path("../a.docx") is None
    state.close()

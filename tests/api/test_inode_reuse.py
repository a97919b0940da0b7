"""A file id never reaches another file: a deleted file's inode, handed to a new file with the
same modification time (tar, unzip, cp -p and rsync -t leave whole seconds), does not carry
the deleted file's id, its editor's token, or its editor's save (issue 19, item 5). A file
really moved behind Jupyter's back keeps its id. Tried on an ext4 image and on a tmpfs, each
mounted in the server's root."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.disks import mounted
from support.wopi_client import WopiClient

from jupyter_wopi.files.index import Sighting, Tree
from jupyter_wopi.files.io import IDENTITY_XATTR
from jupyter_wopi.state import FileRecord

WHOLE_SECOND = 1_700_000_000  # as an archive leaves it
ATTEMPTS = 5000  # new files made to get a freed inode back


@pytest.fixture(params=["ext4", "tmpfs"])
def volume(request: pytest.FixtureRequest, jp_root_dir: Path) -> Iterator[Path]:
    """`vol/` in the server root, a file system of its own."""
    with mounted(jp_root_dir / "vol", request.param, "32m", "to reuse inodes on") as folder:
        (folder / "a").mkdir()
        (folder / "b").mkdir()
        yield folder


def archived(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    os.utime(path, (WHOLE_SECOND, WHOLE_SECOND))
    return path


def new_file_on_inode(inode: int, folder: Path, name: str, content: bytes) -> Path:
    """Make files in `folder` until one gets `inode`; it is then named `name`. Skipped where
    the file system hands out new inode numbers only (tmpfs counts up)."""
    for attempt in range(ATTEMPTS):
        candidate = archived(folder / f".candidate-{attempt}", content)
        if candidate.stat().st_ino == inode:
            return candidate.rename(folder / name)
        candidate.unlink()
    pytest.skip(
        f"{folder} gave inode {inode} to none of {ATTEMPTS} new files: its file system does not "
        "reuse inode numbers, so there is nothing to mistake"
    )


async def check_file_info(wopi: WopiClient, doc: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = await wopi.check_file_info(doc["file_id"], doc["access_token"])
    return response.code, json.loads(response.body) if response.code == 200 else {}


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.xlsx", b"B: another team's notes"), ("budget.xlsx", b"B: same name, same size")],
    ids=["another-name", "same-name-and-size"],
)
async def test_a_new_file_on_a_deleted_files_inode_and_time_is_not_that_file(
    volume: Path, open_session: Any, wopi: WopiClient, name: str, content: bytes
) -> None:
    budget = archived(volume / "a" / "budget.xlsx", b"A: confidential numbers")  # 23 bytes
    doc = await open_session("vol/a/budget.xlsx")
    fid, token = doc["file_id"], doc["access_token"]
    assert (await wopi.override(fid, token, "LOCK", X_WOPI_Lock=fid)).code == 200
    loaded = (await check_file_info(wopi, doc))[1]["LastModifiedTime"]
    inode = budget.stat().st_ino
    budget.unlink()  # behind Jupyter's back, while the editor has it open
    other = new_file_on_inode(inode, volume / "b", name, content)
    assert (other.stat().st_ino, other.stat().st_mtime_ns) == (inode, WHOLE_SECOND * 10**9)

    assert (await check_file_info(wopi, doc))[0] == 404
    assert (await wopi.get_file(fid, token)).code == 404
    saved = await wopi.put_file(
        fid, token, b"A: edited", lock=fid, **{"X-LOOL-WOPI-Timestamp": loaded}
    )
    assert saved.code == 200  # kept, beside where budget.xlsx was: nothing is lost
    assert other.read_bytes() == content
    assert IDENTITY_XATTR not in os.listxattr(other)  # looked at, not marked as indexed
    [copy] = [p for p in (volume / "a").iterdir() if p.name != "budget.xlsx"]
    assert copy.name.startswith("budget") and copy.read_bytes() == b"A: edited"
    own = await open_session(f"vol/b/{name}")
    assert own["file_id"] != fid


async def test_a_file_moved_behind_jupyters_back_keeps_its_id(
    volume: Path, open_session: Any, wopi: WopiClient
) -> None:
    archived(volume / "a" / "budget.xlsx", b"A")
    doc = await open_session("vol/a/budget.xlsx")
    fid, token = doc["file_id"], doc["access_token"]
    assert (await wopi.override(fid, token, "LOCK", X_WOPI_Lock=fid)).code == 200
    os.rename(volume / "a" / "budget.xlsx", volume / "b" / "budget 2024.xlsx")
    code, info = await check_file_info(wopi, doc)
    assert (code, info.get("BaseFileName")) == (200, "budget 2024.xlsx")
    assert (await wopi.put_file(fid, token, b"A, edited", lock=fid)).code == 200
    assert (volume / "b" / "budget 2024.xlsx").read_bytes() == b"A, edited"
    assert (await open_session("vol/b/budget 2024.xlsx"))["file_id"] == fid


def test_where_a_file_keeps_no_identity_its_name_and_size_are_the_evidence(
    tmp_path: Path,
) -> None:
    """File systems without extended attributes, and read-only files: a file on the same
    inode with the same time is the moved file only if it kept its name and size."""
    (tmp_path / "sub").mkdir()
    tree = Tree(str(tmp_path))
    record = FileRecord("id", "budget.xlsx", 0, 7, WHOLE_SECOND, 100)
    seen = Sighting(0, 7, WHOLE_SECOND, 100)
    assert tree.same_file(record, "sub/budget.xlsx", seen)
    assert not tree.same_file(record, "sub/notes.xlsx", seen)
    assert not tree.same_file(record, "sub/budget.xlsx", seen._replace(size=99))
    assert not tree.same_file(record, "sub/budget.xlsx", seen._replace(mtime_ns=WHOLE_SECOND + 1))
    assert not tree.same_file(record, "sub/budget.xlsx", seen._replace(ino=8))


async def test_a_pipe_on_a_deleted_files_inode_and_time_is_not_that_file(
    volume: Path, open_session: Any, wopi: WopiClient
) -> None:
    """Not even for an open editor, whose requests after the first check only that the same
    file is still there: a named pipe is no regular file (reading it would hang)."""
    empty = archived(volume / "a" / "empty.docx", b"")
    doc = await open_session("vol/a/empty.docx")
    assert (await check_file_info(wopi, doc))[0] == 200
    inode = empty.stat().st_ino
    empty.unlink()
    for attempt in range(ATTEMPTS):
        pipe = volume / "a" / f".pipe-{attempt}"
        os.mkfifo(pipe)
        if pipe.stat().st_ino == inode:
            break
        pipe.unlink()
    else:
        pytest.skip(f"{volume} gave inode {inode} to none of {ATTEMPTS} new pipes")
    pipe.rename(empty)
    os.utime(empty, (WHOLE_SECOND, WHOLE_SECOND))
    assert (await check_file_info(wopi, doc))[0] == 404

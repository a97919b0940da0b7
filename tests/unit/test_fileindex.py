"""The file index's rules for what identifies a file, seen through `FileIndex` and `Tree` on a
real state database: the served root's device is recorded as device 0 (hosts sharing one
volume see it under different device numbers; ids imported from the older index whose file
had moved are recorded so), and inode numbers of 2**63 or more (stored signed) are still
found when their file is moved behind Jupyter's back."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from support.disks import mounted

from jupyter_wopi.files import index as fileindex
from jupyter_wopi.files.index import FileIndex, Tree, import_legacy_ids
from jupyter_wopi.state import FileRecord, State
from jupyter_wopi.state.sqlite import SqliteDatabase
from jupyter_wopi.state.store import int64

HIGH_BIT = 1 << 63


class ElsewhereOs:
    """The `os` module as another machine sees the same files: its own device number for the
    volume (NFS clients, containers' overlays), and, with `high_inodes`, inode numbers of 2**63
    or more (as NFS, CIFS and FUSE servers may give). Everything else is the real `os`."""

    def __init__(self, dev_shift: int = 0, high_inodes: bool = False) -> None:
        self.dev_shift = dev_shift
        self.ino_bit = HIGH_BIT if high_inodes else 0

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def seen(self, st: os.stat_result) -> Any:
        return SimpleNamespace(
            st_mode=st.st_mode,
            st_dev=st.st_dev + self.dev_shift,
            st_ino=st.st_ino | self.ino_bit,
            st_mtime_ns=st.st_mtime_ns,
            st_size=st.st_size,
        )

    def stat(self, path: str, *, follow_symlinks: bool = True) -> Any:
        return self.seen(os.stat(path, follow_symlinks=follow_symlinks))

    def lstat(self, path: str) -> Any:
        return self.seen(os.lstat(path))

    def scandir(self, path: str) -> Iterator[Any]:
        with os.scandir(path) as entries:
            return iter([ElsewhereEntry(entry, self) for entry in entries])


class ElsewhereEntry:
    def __init__(self, entry: os.DirEntry[str], view: ElsewhereOs) -> None:
        self.entry, self.view, self.name, self.path = entry, view, entry.name, entry.path

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        return self.entry.is_dir(follow_symlinks=follow_symlinks)

    def inode(self) -> int:
        return self.entry.inode() | self.view.ino_bit

    def stat(self, *, follow_symlinks: bool = True) -> Any:
        return self.view.seen(self.entry.stat(follow_symlinks=follow_symlinks))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "root"
    (folder / "team").mkdir(parents=True)
    (folder / "archive").mkdir()
    return folder


@pytest.fixture
def database(tmp_path: Path, root: Path) -> Iterator[SqliteDatabase]:
    database = SqliteDatabase(tmp_path / "state", scope=str(root))
    yield database
    database.close()


def index_of(root: Path, database: SqliteDatabase) -> FileIndex:
    return FileIndex(Tree(str(root)), State(database))


@pytest.fixture
def volume(root: Path) -> Iterator[Path]:
    """`root/vol`, a file system of its own (a tmpfs)."""
    with mounted(root / "vol", "tmpfs", "4m", "to have a second device in the root") as folder:
        yield folder


def test_files_on_the_served_roots_device_are_recorded_as_device_0(
    root: Path, volume: Path
) -> None:
    """Device numbers of a volume differ between the hosts sharing it; those of file systems
    mounted inside the root are kept, to tell their inodes from the root's."""
    (root / "team" / "memo.docx").write_bytes(b"memo")
    (volume / "data.xlsx").write_bytes(b"data")
    tree = Tree(str(root))
    on_root, on_volume = tree.sighting("team/memo.docx"), tree.sighting("vol/data.xlsx")
    assert on_root is not None and on_root.dev == 0
    assert on_volume is not None and on_volume.dev == int64(volume.stat().st_dev) != 0


async def test_an_id_given_on_one_host_follows_a_move_seen_from_another_host_of_the_volume(
    root: Path, database: SqliteDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two servers on one shared volume (PostgreSQL state) see it under different device
    numbers: the id one of them gave still finds its file when the other follows a move."""
    (root / "team" / "memo.docx").write_bytes(b"memo")
    file_id = await index_of(root, database).id_of("team/memo.docx")
    os.rename(root / "team" / "memo.docx", root / "archive" / "memo 2024.docx")  # `mv`
    monkeypatch.setattr(fileindex, "os", ElsewhereOs(dev_shift=1000))
    other_host = index_of(root, database)
    assert file_id is not None
    assert await other_host.path_of(file_id) == "archive/memo 2024.docx"
    assert await other_host.id_of("archive/memo 2024.docx") == file_id


def legacy_index(state_dir: Path, rows: list[tuple[str, Path, int, int]]) -> None:
    """jupyter_server_fileid's table, as releases before 0.2 left it in the state folder."""
    state_dir.mkdir(exist_ok=True)
    with contextlib.closing(sqlite3.connect(state_dir / fileindex.LEGACY_INDEX)) as old:
        old.execute(
            "CREATE TABLE Files (id TEXT PRIMARY KEY NOT NULL, path TEXT NOT NULL,"
            " ino INTEGER NOT NULL UNIQUE, crtime INTEGER, mtime INTEGER NOT NULL,"
            " is_dir TINYINT NOT NULL)"
        )
        old.executemany(
            "INSERT INTO Files VALUES (?, ?, ?, NULL, ?, 0)",
            [(fid, str(path), ino, mtime) for fid, path, ino, mtime in rows],
        )
        old.commit()


async def test_an_imported_id_whose_file_moved_before_the_upgrade_is_found(
    tmp_path: Path, root: Path, database: SqliteDatabase
) -> None:
    """An editor opened before 0.2 on team/report.docx, which was then moved (release 0.1
    was not running): after the upgrade, its id still reaches the file where it is now."""
    report = root / "team" / "report.docx"
    report.write_bytes(b"quarterly")
    st = report.stat()
    legacy_index(tmp_path / "state", [("legacy-id", report, st.st_ino, st.st_mtime_ns)])
    report.rename(root / "archive" / "report.docx")
    tree = Tree(str(root))
    assert import_legacy_ids(database, str(tmp_path / "state"), tree) == 1
    index = FileIndex(tree, State(database))
    assert await index.path_of("legacy-id") == "archive/report.docx"
    assert await index.id_of("archive/report.docx") == "legacy-id"
    assert import_legacy_ids(database, str(tmp_path / "state"), tree) == 0  # taken once


async def test_a_file_on_an_inode_number_of_2_63_or_more_is_followed_when_moved(
    root: Path, database: SqliteDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Such numbers are stored signed (both databases keep 64-bit signed integers) and
    compared with the system's again unsigned while the tree is searched."""
    monkeypatch.setattr(fileindex, "os", ElsewhereOs(high_inodes=True))
    (root / "team" / "memo.docx").write_bytes(b"memo")
    index = index_of(root, database)
    file_id = await index.id_of("team/memo.docx")
    assert file_id is not None
    with database.transaction() as store:
        record = store.file_record(file_id)
    assert record is not None and record.ino < 0  # as stored
    os.rename(root / "team" / "memo.docx", root / "archive" / "memo.docx")
    assert await index.path_of(file_id) == "archive/memo.docx"
    assert await index.id_of("archive/memo.docx") == file_id


def test_inode_numbers_go_back_unsigned_as_the_system_gives_them() -> None:
    for inode in (1, HIGH_BIT - 1, HIGH_BIT, HIGH_BIT + 12345, (1 << 64) - 1):
        assert fileindex._uint64(int64(inode)) == inode


def test_a_record_needs_the_same_inode_time_and_size_to_stand(root: Path) -> None:
    record = FileRecord("id", "memo.docx", 0, 7, 1_000, 10)
    seen = fileindex.Sighting(0, 7, 1_000, 10)
    assert seen.unchanged(record)
    assert not seen._replace(ino=8).unchanged(record)
    assert not seen._replace(dev=5).unchanged(record)
    assert not seen._replace(mtime_ns=1_001).unchanged(record)
    assert not seen._replace(size=11).unchanged(record)


async def test_an_imported_id_of_a_file_on_a_mounted_volume_follows_a_later_move(
    tmp_path: Path, root: Path, database: SqliteDatabase, volume: Path
) -> None:
    """The older index kept no device: a file found at its recorded path is taken with the
    device it is on, so it is still found when moved after the upgrade."""
    (volume / "a").mkdir()
    report = volume / "a" / "report.docx"
    report.write_bytes(b"quarterly")
    st = report.stat()
    legacy_index(tmp_path / "state", [("legacy-id", report, st.st_ino, st.st_mtime_ns)])
    tree = Tree(str(root))
    assert import_legacy_ids(database, str(tmp_path / "state"), tree) == 1
    (volume / "b").mkdir()
    report.rename(volume / "b" / "report.docx")
    index = FileIndex(tree, State(database))
    assert await index.path_of("legacy-id") == "vol/b/report.docx"


async def test_ids_the_older_index_kept_for_files_outside_the_root_are_not_taken(
    tmp_path: Path, root: Path, database: SqliteDatabase
) -> None:
    """The older index was one per user: it also held the files of the folder next to this
    one, of the folder above, and of folders far away."""
    beside, above = tmp_path / "project-b" / "memo.docx", tmp_path / "notes.docx"
    beside.parent.mkdir()
    inside = root / "team" / "plan.docx"
    for path in (beside, above, inside):
        path.write_bytes(b"x")
    rows = [
        (name, path, path.stat().st_ino, path.stat().st_mtime_ns)
        for name, path in (("beside", beside), ("above", above), ("inside", inside))
    ]
    legacy_index(tmp_path / "state", [*rows, ("far", Path("/elsewhere/a.docx"), 1, 0)])
    assert import_legacy_ids(database, str(tmp_path / "state"), Tree(str(root))) == 1
    index = index_of(root, database)
    assert await index.path_of("inside") == "team/plan.docx"
    for far in ("beside", "above", "far"):
        assert await index.path_of(far) is None


async def test_an_id_forgotten_while_its_file_was_being_replaced_stays_forgotten(
    root: Path, database: SqliteDatabase
) -> None:
    """A save or an overwriting Save As moves the id to the new bytes, unless the file was
    deleted through Jupyter meanwhile (its id forgotten) or is already gone again."""
    (root / "team" / "memo.docx").write_bytes(b"memo")
    index = index_of(root, database)
    file_id = await index.id_of("team/memo.docx")
    assert file_id is not None
    with database.transaction(write=True) as store:
        store.forget_files("team/memo.docx")
        index.rebind(store, file_id, "team/memo.docx")
        assert store.file_record(file_id) is None
    kept = await index.id_of("team/memo.docx")
    assert kept is not None and kept != file_id
    (root / "team" / "memo.docx").unlink()
    with database.transaction(write=True) as store:
        index.rebind(store, kept, "team/memo.docx")
        record = store.file_record(kept)
    assert record is not None and record.path == "team/memo.docx"


async def test_files_that_keep_no_identity_get_ids_and_are_followed_by_name_and_size(
    root: Path, database: SqliteDatabase
) -> None:
    """A file system without extended attributes (a ramfs here; vfat, some network shares):
    ids are given all the same, and a file moved there is known by its name and size."""
    with mounted(root / "ram", "ramfs", "", "without extended attributes") as ram:
        (ram / "a").mkdir()
        (ram / "b").mkdir()
        (ram / "a" / "memo.docx").write_bytes(b"memo")
        index = index_of(root, database)
        file_id = await index.id_of("ram/a/memo.docx")
        assert file_id is not None
        assert index.tree.identity("ram/a/memo.docx") == ""
        os.rename(ram / "a" / "memo.docx", ram / "b" / "memo.docx")
        assert await index.path_of(file_id) == "ram/b/memo.docx"


async def test_files_on_a_read_only_volume_get_ids_though_they_cannot_keep_an_identity(
    root: Path, database: SqliteDatabase, volume: Path
) -> None:
    (volume / "dataset.xlsx").write_bytes(b"shared numbers")
    subprocess.run(["mount", "-o", "remount,ro", str(volume)], check=True)
    index = index_of(root, database)
    file_id = await index.id_of("vol/dataset.xlsx")
    assert file_id is not None
    assert await index.path_of(file_id) == "vol/dataset.xlsx"
    assert await index.id_of("vol/dataset.xlsx") == file_id


class RacingOs(ElsewhereOs):
    """Another process gives each file its identity just before this one does."""

    def setxattr(self, path: str, name: str, value: bytes, flags: int = 0) -> None:
        os.setxattr(path, name, b"theirs", os.XATTR_CREATE)
        os.setxattr(path, name, value, flags)


def test_two_processes_giving_a_file_its_identity_at_once_keep_the_first_ones(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (root / "memo.docx").write_bytes(b"memo")
    monkeypatch.setattr(fileindex, "os", RacingOs())
    tree = Tree(str(root))
    assert tree.identity("memo.docx", create=True) == "theirs"
    assert os.getxattr(root / "memo.docx", fileindex.IDENTITY_XATTR) == b"theirs"


def test_looking_at_a_file_gives_it_no_identity(root: Path) -> None:
    """The identity is written on files the host indexes only: a file merely looked at while
    a moved one is searched for (a new file on a reused inode) is left as it was."""
    stranger = root / "team" / "notes.xlsx"
    stranger.write_bytes(b"notes")
    tree = Tree(str(root))
    seen = tree.sighting("team/notes.xlsx")
    assert seen is not None
    record = seen.record("id", "team/budget.xlsx", "an-identity")
    assert not tree.same_file(record, "team/notes.xlsx", seen)
    assert tree.identity("team/notes.xlsx") == ""
    assert fileindex.IDENTITY_XATTR not in os.listxattr(stranger)


def test_a_search_walks_the_old_folder_first_then_the_rest_each_folder_once(root: Path) -> None:
    for path in ("team/a.docx", "team/deep/b.docx", "archive/c.docx", "d.docx"):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(b"x")
    (root / "team" / "up").symlink_to("..")  # listed, not followed
    walked = [path for path, _ in Tree(str(root)).walk(["team", ""])]
    assert sorted(walked) == sorted(
        ["team/a.docx", "team/up", "team/deep/b.docx", "archive/c.docx", "d.docx"]
    )
    assert set(walked[:2]) == {"team/a.docx", "team/up"}


class VanishingOs(ElsewhereOs):
    """Entries named `gone*` vanish between the listing of their folder and a look at their
    kind, `going*` before a look at their inode's details; both are listed first."""

    def scandir(self, path: str) -> Iterator[Any]:
        entries = [VanishingEntry(entry, self) for entry in super().scandir(path)]
        return iter(sorted(entries, key=lambda entry: not entry.name.startswith("go")))


class VanishingEntry(ElsewhereEntry):
    def __init__(self, entry: Any, view: ElsewhereOs) -> None:
        super().__init__(entry.entry, view)

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        if self.name.startswith("gone"):
            raise FileNotFoundError(self.path)
        return super().is_dir(follow_symlinks=follow_symlinks)

    def stat(self, *, follow_symlinks: bool = True) -> Any:
        if self.name.startswith("going"):
            raise FileNotFoundError(self.path)
        return super().stat(follow_symlinks=follow_symlinks)


async def test_a_search_goes_on_past_entries_that_vanish_while_it_looks(
    root: Path, database: SqliteDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    (root / "team" / "memo.docx").write_bytes(b"memo")
    index = index_of(root, database)
    file_id = await index.id_of("team/memo.docx")
    assert file_id is not None
    (root / "archive" / "gone.tmp").write_bytes(b"")
    (root / "gone").mkdir()
    os.rename(root / "team" / "memo.docx", root / "archive" / "memo.docx")
    os.link(root / "archive" / "memo.docx", root / "archive" / "going.docx")  # its inode
    monkeypatch.setattr(fileindex, "os", VanishingOs())
    assert await index.path_of(file_id) == "archive/memo.docx"


async def test_a_lost_file_is_searched_for_again_only_after_a_while(
    tmp_path: Path, root: Path, database: SqliteDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its editor keeps asking: the tree (perhaps large) is not walked at every request."""
    (root / "team" / "memo.docx").write_bytes(b"memo")
    index = index_of(root, database)
    file_id = await index.id_of("team/memo.docx")
    assert file_id is not None
    os.rename(root / "team" / "memo.docx", tmp_path / "memo.docx")  # out of the root
    clock = [1000.0]
    monkeypatch.setattr(fileindex, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    walks = []
    walk = index.tree.walk

    def counted(starts: list[str]) -> Iterator[tuple[str, os.DirEntry[str]]]:
        walks.append(starts)
        return walk(starts)

    monkeypatch.setattr(index.tree, "walk", counted)
    assert await index.path_of(file_id) is None
    clock[0] += fileindex.SEARCH_AGAIN_AFTER - 1
    assert await index.path_of(file_id) is None
    assert walks == [["team", ""]]
    os.rename(tmp_path / "memo.docx", root / "archive" / "memo.docx")  # back, elsewhere
    clock[0] += 2
    assert await index.path_of(file_id) == "archive/memo.docx"
    assert len(walks) == 2


def test_processes_following_one_move_at_once_all_find_the_file(
    tmp_path: Path, root: Path, database: SqliteDatabase
) -> None:
    """Several servers on one folder (one SQLite state), each asked for a file moved behind
    their back at the same moment: each records the move in turn, none fails."""
    (root / "team" / "memo.docx").write_bytes(b"memo")
    file_id = asyncio.run(index_of(root, database).id_of("team/memo.docx"))
    assert file_id is not None
    os.rename(root / "team" / "memo.docx", root / "archive" / "memo.docx")
    racers = 12
    start = threading.Barrier(racers)

    def locate(n: int) -> str | None:
        server = FileIndex(Tree(str(root)), State(SqliteDatabase(tmp_path / "state", str(root))))
        start.wait()
        try:
            return asyncio.run(server.path_of(file_id))
        finally:
            server.state.close()

    with ThreadPoolExecutor(racers) as pool:
        found = list(pool.map(locate, range(racers)))
    assert found == ["archive/memo.docx"] * racers


class PausingOs(ElsewhereOs):
    """Holds the first server inside the transaction that records the move (at its second
    look at the file's identity) until the other server is done, or for a second."""

    def __init__(self) -> None:
        super().__init__()
        self.first: int | None = None
        self.looks = 0
        self.paused, self.other_done = threading.Event(), threading.Event()

    def getxattr(self, path: str, name: str) -> bytes:
        if self.first is None:
            self.first = threading.get_ident()
        if threading.get_ident() == self.first:
            self.looks += 1
            if self.looks == 2:
                self.paused.set()
                self.other_done.wait(1.0)
        return os.getxattr(path, name)


def test_a_server_recording_a_move_while_another_records_it_too_waits_its_turn(
    tmp_path: Path, root: Path, database: SqliteDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The transaction that records a found file is a writer's from its start: another
    server's record of the same move waits for it, instead of invalidating what it read."""
    (root / "team" / "memo.docx").write_bytes(b"memo")
    file_id = asyncio.run(index_of(root, database).id_of("team/memo.docx"))
    assert file_id is not None
    os.rename(root / "team" / "memo.docx", root / "archive" / "memo.docx")
    first, second = (
        FileIndex(Tree(str(root)), State(SqliteDatabase(tmp_path / "state", str(root))))
        for _ in range(2)
    )
    view = PausingOs()
    monkeypatch.setattr(fileindex, "os", view)
    try:
        with ThreadPoolExecutor(1) as pool:
            held = pool.submit(asyncio.run, first.path_of(file_id))
            assert view.paused.wait(10)
            assert asyncio.run(second.path_of(file_id)) == "archive/memo.docx"
            view.other_done.set()
            assert held.result() == "archive/memo.docx"
    finally:
        view.other_done.set()
        first.state.close()
        second.state.close()

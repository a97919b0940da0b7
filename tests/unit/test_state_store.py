"""The state store behaves the same on SQLite and PostgreSQL, and keeps the lock rules and
file ids consistent when several processes (here: several database handles, each with its
own connections, like several servers) change the same file at the same moment."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from jupyter_wopi.files.index import Tree, claim_unscoped_rows
from jupyter_wopi.host import locking
from jupyter_wopi.state import (
    ConflictEvent,
    Database,
    FileRecord,
    Store,
    VersionRecord,
    open_database,
    schema,
)
from jupyter_wopi.wopi.lock_rules import Lock, LockConflict

RACERS = 12


@pytest.fixture(params=["sqlite", "postgresql"])
def open_state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Database]]:
    """Opens handles on one state (a state folder, or a PostgreSQL database), as several
    servers sharing it would; all are closed at the end."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else ""
    opened: list[Database] = []

    def open_one(scope: str = "/srv/project") -> Database:
        opened.append(open_database(tmp_path / "state", url, scope))
        return opened[-1]

    yield open_one
    for database in opened:
        database.close()


def indexed(store: Store, path: str, ino: int = 1) -> str:
    """The id of a file recorded at `path` (on inode `ino`)."""
    return store.add_file(FileRecord("", path, 0, ino, 0)).file_id


def test_locks_keep_their_holder_through_refreshes_and_expire_exactly(
    open_state: Callable[..., Database],
) -> None:
    with open_state().transaction(write=True) as store:
        f = indexed(store, "f.docx")
        store.set_lock(f, Lock("L", 2e9), "Ada")
        since = store.list_locks(f)[0].locked_at
        store.set_lock(f, Lock("L", 2e9 + 60), "Grace")  # a co-editor's refresh
        [refreshed] = store.list_locks(f)
        assert (refreshed.holder_name, refreshed.locked_at) == ("Ada", since)
        store.set_lock("g", Lock("a", 1000.0))
        assert store.get_lock("g", now=999.999) == Lock("a", 1000.0)
        assert store.get_lock("g", now=1000.0) is None
        assert store.release_lock(f) and not store.release_lock(f)
        assert store.was_released(f, "L") and not store.was_released(f, "other")


def test_conflict_events_get_increasing_ids_and_can_be_dismissed(
    open_state: Callable[..., Database],
) -> None:
    with open_state().transaction(write=True) as store:
        event = ConflictEvent(0, "f", "a.docx", "a (conflict).docx", "u", "U", "s", 1.0, 1.0)
        first, second = store.record_conflict(event), store.record_conflict(event)
        assert 0 < first.id < second.id
        assert [e.id for e in store.list_conflicts("f")] == [first.id, second.id]
        assert store.dismiss_conflict(first.id) and not store.dismiss_conflict(first.id)


def test_settings_user_info_and_reopen_counts_are_kept(
    open_state: Callable[..., Database],
) -> None:
    state = open_state()
    with state.transaction(write=True) as store:
        store.set_meta("lab_setting.onlyoffice_url", "http://office/")
        store.set_meta("lab_setting.base_url", "http://j/")
        store.set_meta("lab_settingX", "not under the prefix")  # "_" is no wildcard here
        store.set_meta("lab_setting.base_url", "")  # forgotten
        assert store.meta_with_prefix("lab_setting.") == {"onlyoffice_url": "http://office/"}
        assert store.file_info_extras("ada", "f") == ("", 0)
        store.set_user_info("ada", "theme=dark")
        assert (store.count_reopen("f"), store.count_reopen("f")) == (1, 2)
    # Another process's handle reads what this one wrote.
    with open_state().transaction() as store:
        assert store.file_info_extras("ada", "f") == ("theme=dark", 2)
        assert store.file_info_extras("grace", "g") == ("", 0)


def test_file_ids_follow_folder_renames_and_deletes_by_exact_prefix(
    open_state: Callable[..., Database],
) -> None:
    """Names with LIKE's wildcards (% and _) are plain characters here."""
    with open_state().transaction(write=True) as store:
        ids = {
            path: indexed(store, path, n)
            for n, path in enumerate(["a%b/x.docx", "a%b/sub/y.docx", "aXb/z.docx", "a_b.docx"])
        }
        assert indexed(store, "a%b/x.docx", 99) == ids["a%b/x.docx"]
        store.move_files("a%b", "new_dir")
        assert {r.path for r in map(store.file_record, ids.values()) if r} == {
            "new_dir/x.docx",
            "new_dir/sub/y.docx",
            "aXb/z.docx",
            "a_b.docx",
        }
        store.forget_files("new_dir/sub")
        store.forget_files("a")  # a prefix of names, not a folder: nothing goes
        assert store.file_record(ids["a%b/sub/y.docx"]) is None
        assert store.file_record(ids["aXb/z.docx"]) is not None


def race(handles: list[Database], work: Callable[[Store, int], object]) -> list[object]:
    """Run work(store, 0..RACERS-1) at the same moment in as many threads, each in a write
    transaction of handles[n % 2] (two processes); their outcomes."""
    start = threading.Barrier(RACERS)

    def one(n: int) -> object:
        start.wait()
        try:
            with handles[n % 2].transaction(write=True) as store:
                result = work(store, n)
            return result
        except LockConflict as err:
            return err

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(one, range(RACERS)))


def test_editors_racing_for_a_lock_from_several_processes_never_both_get_it(
    open_state: Callable[..., Database],
) -> None:
    handles = [open_state(), open_state()]

    def lock(store: Store, n: int) -> str:
        locking.lock(store, "f", f"editor-{n}", f"Editor {n}")
        return f"editor-{n}"

    outcomes = race(handles, lock)
    winners = [o for o in outcomes if isinstance(o, str)]
    assert len(winners) == 1, outcomes
    refusals = [o for o in outcomes if isinstance(o, LockConflict)]
    assert {r.current for r in refusals} == set(winners)  # each 409 names the real lock
    with handles[0].transaction() as store:
        assert store.get_lock("f") is not None
        assert store.get_lock("f").lock_id == winners[0]  # type: ignore[union-attr]

    def relock(store: Store, n: int) -> str:  # UnlockAndRelock from the winner's lock: one wins
        locking.lock(store, "f", f"next-{n}", "x", old=winners[0])
        return f"next-{n}"

    relocked = [o for o in race(handles, relock) if isinstance(o, str)]
    assert len(relocked) == 1
    with handles[1].transaction() as store:
        assert store.get_lock("f").lock_id == relocked[0]  # type: ignore[union-attr]


def test_two_processes_indexing_one_new_file_at_once_agree_on_its_id(
    open_state: Callable[..., Database],
) -> None:
    handles = [open_state(), open_state()]

    def add(store: Store, n: int) -> str:
        return indexed(store, "shared/report.docx", 42)

    assert len(set(race(handles, add))) == 1


def test_every_process_of_one_state_signs_tokens_with_the_same_secret(
    open_state: Callable[..., Database],
) -> None:
    first, second = open_state(), open_state()
    assert first.token_secret() == second.token_secret()
    assert len(first.token_secret()) >= 32


def test_co_editors_joining_a_lock_are_named_with_its_holder(
    open_state: Callable[..., Database],
) -> None:
    with open_state().transaction(write=True) as store:
        locking.lock(store, "f", "session-key", "Ada")
        locking.lock(store, "f", "session-key", "Grace")  # joins Ada's session
        locking.lock(store, "f", "session-key", "Ada")  # reconnects: named once
        locking.refresh(store, "f", "session-key", "Linus")  # refreshes name nobody
        [info] = store.list_locks("f")
        assert info.holder_name == "Ada, Grace"
        locking.unlock(store, "f", "session-key")
        locking.lock(store, "f", "next", "Linus")
        assert store.list_locks("f")[0].holder_name == "Linus"


def test_two_folders_sharing_one_state_never_see_each_others_ids_locks_or_conflicts(
    open_state: Callable[..., Database],
) -> None:
    """`cd project-a && jupyter lab` and `cd project-b && jupyter lab`: one user, one default
    state folder, two served folders holding files of the same name."""
    a, b, a_again = (
        open_state("/home/u/project-a"),
        open_state("/home/u/project-b"),
        open_state("/home/u/project-a"),
    )
    with a.transaction(write=True) as store:
        memo_a = indexed(store, "memo.docx", ino=1)
        store.set_lock(memo_a, Lock(memo_a, 2e9), "Ada")
        event = ConflictEvent(0, memo_a, "memo.docx", "memo (copy).docx", "u", "U", "s", 1.0, 1.0)
        conflict = store.record_conflict(event)
    with b.transaction(write=True) as store:
        memo_b = indexed(store, "memo.docx", ino=2)
        assert memo_b != memo_a
        assert store.file_record(memo_a) is None and store.last_path(memo_a) is None
        assert store.list_locks() == [] and store.list_conflicts() == []
        assert not store.release_lock(memo_a) and not store.dismiss_conflict(conflict.id)
        store.move_files("memo.docx", "renamed.docx")
        store.forget_files("")
    with a_again.transaction(write=True) as store:  # a second server on project-a shares all
        assert indexed(store, "memo.docx", ino=1) == memo_a
        assert [lock.file_id for lock in store.list_locks()] == [memo_a]
        assert [e.id for e in store.list_conflicts()] == [conflict.id]
        store.forget_file(memo_a)
        assert store.last_path(memo_a) == "memo.docx"
    with b.transaction() as store:
        assert store.last_path(memo_a) is None


def test_two_folders_sharing_one_state_never_see_each_others_versions(
    open_state: Callable[..., Database],
) -> None:
    """A version id or a file id of one project opens nothing in the other, though both
    share one versions folder (and its size cap: all_versions lists both)."""
    a, b = open_state("/home/u/project-a"), open_state("/home/u/project-b")
    with a.transaction(write=True) as store:
        memo = indexed(store, "memo.docx")
        kept = store.add_version(
            VersionRecord(0, memo, "x.blob", 3, "", "s", "save", "Ada", "", 1.0, 1.0)
        )
        assert store.has_version_of(memo, "s")
    with b.transaction(write=True) as store:
        assert store.version(memo, kept.id) is None
        assert store.versions_of(memo) == [] and not store.has_version_of(memo, "s")
        assert [v.id for v in store.all_versions()] == [kept.id]


# The tables as release 0.1 made them (no schema version; SQLite's first tables lacked the
# lock holder and the reasons, which 0.1 added at start).
RELEASE_1_TABLES = {
    "sqlite": """
        CREATE TABLE locks (file_id TEXT PRIMARY KEY, lock_id TEXT NOT NULL,
            expires_at REAL NOT NULL);
        CREATE TABLE released_locks (file_id TEXT NOT NULL, lock_id TEXT NOT NULL,
            released_at REAL NOT NULL, PRIMARY KEY (file_id, lock_id));
        CREATE TABLE last_paths (file_id TEXT PRIMARY KEY, path TEXT NOT NULL);
        CREATE TABLE saves (file_id TEXT PRIMARY KEY, content_stamp TEXT NOT NULL,
            user_name TEXT NOT NULL, saved_at REAL NOT NULL, kept_as TEXT NOT NULL);
        CREATE TABLE conflicts (id INTEGER PRIMARY KEY AUTOINCREMENT, file_id TEXT NOT NULL,
            path TEXT NOT NULL, conflict_path TEXT NOT NULL, user_id TEXT NOT NULL,
            user_name TEXT NOT NULL, base_stamp TEXT NOT NULL, created_at REAL NOT NULL,
            updated_at REAL NOT NULL);
        CREATE TABLE file_ids (file_id TEXT PRIMARY KEY, path TEXT NOT NULL UNIQUE,
            dev INTEGER NOT NULL, ino INTEGER NOT NULL, mtime_ns INTEGER NOT NULL);
        CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    "postgresql": """
        CREATE SCHEMA jupyter_wopi; SET search_path TO jupyter_wopi;
        CREATE TABLE locks (file_id TEXT PRIMARY KEY, lock_id TEXT NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL, holder_name TEXT NOT NULL DEFAULT '',
            locked_at DOUBLE PRECISION NOT NULL DEFAULT 0);
        CREATE TABLE last_paths (file_id TEXT PRIMARY KEY, path TEXT NOT NULL);
        CREATE TABLE conflicts (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            file_id TEXT NOT NULL, path TEXT NOT NULL, conflict_path TEXT NOT NULL,
            user_id TEXT NOT NULL, user_name TEXT NOT NULL, base_stamp TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
            reason TEXT NOT NULL DEFAULT '');
        CREATE TABLE file_ids (file_id TEXT PRIMARY KEY, path TEXT NOT NULL UNIQUE,
            dev BIGINT NOT NULL, ino BIGINT NOT NULL, mtime_ns BIGINT NOT NULL);
        CREATE INDEX file_ids_by_inode ON file_ids (ino);
        CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
}
RELEASE_1_ROWS = """
    INSERT INTO file_ids VALUES ('id-memo', 'memo.docx', 0, 7, 1000);
    INSERT INTO locks (file_id, lock_id, expires_at) VALUES ('id-memo', 'L', 2e9);
    INSERT INTO last_paths VALUES ('id-gone', 'old/gone.docx');
    INSERT INTO conflicts (file_id, path, conflict_path, user_id, user_name, base_stamp,
        created_at, updated_at) VALUES ('id-memo', 'memo.docx', 'memo (c).docx', 'u', 'U',
        's', 1, 1);
"""


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_state_made_by_release_1_is_upgraded_and_its_rows_claimed_by_their_folder(
    dialect: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    script = RELEASE_1_TABLES[dialect] + RELEASE_1_ROWS
    url = ""
    if dialect == "sqlite":
        (tmp_path / "state").mkdir(mode=0o700)
        with contextlib.closing(sqlite3.connect(tmp_path / "state" / "state.sqlite3")) as old:
            old.executescript(script)
    else:
        url = request.getfixturevalue("postgres_url")
        with psycopg.connect(url, autocommit=True) as old:
            for statement in filter(str.strip, script.split(";")):
                old.execute(statement)
    database = open_database(tmp_path / "state", url, "/srv/project")
    with database.transaction(write=True) as store:
        assert store.meta("schema_version") == str(schema.VERSION)
        assert store.file_record("id-memo") is None  # whose it is is not known yet
        assert [r.file_id for r in store.unscoped_files()] == ["id-memo"]
        store.claim_unscoped(["id-memo"])
    database.close()
    database = open_database(tmp_path / "state", url, "/srv/project")  # finds it up to date
    with database.transaction(write=True) as store:
        assert store.meta("schema_version") == str(schema.VERSION) and store.unscoped_files() == []
        assert store.file_record("id-memo") == FileRecord("id-memo", "memo.docx", 0, 7, 1000)
        assert [lock.holder_name for lock in store.list_locks()] == [""]
        assert [e.conflict_path for e in store.list_conflicts()] == ["memo (c).docx"]
        assert store.last_path("id-gone") is None  # a deleted file's: nobody can tell whose
        assert indexed(store, "new.docx", ino=8)
    database.close()


def test_each_folder_claims_the_rows_release_1_recorded_for_its_own_files(
    tmp_path: Path,
) -> None:
    """Release 0.1 recorded no served folder: at start, a server takes the rows whose file it
    finds at the recorded path on the recorded inode, and leaves the others to theirs."""
    a, b = tmp_path / "project-a", tmp_path / "project-b"
    for folder, names in ((a, ["memo.docx", "notes.docx"]), (b, ["plan.docx", "notes.docx"])):
        folder.mkdir()
        for name in names:
            (folder / name).write_bytes(name.encode())
    rows = [
        ("id-memo", "memo.docx", (a / "memo.docx").stat().st_ino),
        ("id-plan", "plan.docx", (b / "plan.docx").stat().st_ino),  # not in project-a
        ("id-notes", "notes.docx", (b / "notes.docx").stat().st_ino),  # a's is another file
    ]
    (tmp_path / "state").mkdir(mode=0o700)
    with contextlib.closing(sqlite3.connect(tmp_path / "state" / "state.sqlite3")) as old:
        old.executescript(RELEASE_1_TABLES["sqlite"])
        old.executemany("INSERT INTO file_ids VALUES (?, ?, 0, ?, 1000)", rows)
        old.commit()
    claimed = {}
    for folder in (a, b):
        database = open_database(tmp_path / "state", "", str(folder))
        claimed[folder.name] = claim_unscoped_rows(database, Tree(str(folder)))
        database.close()
    assert claimed == {"project-a": 1, "project-b": 2}
    for folder, ids in ((a, {"id-memo"}), (b, {"id-plan", "id-notes"})):
        database = open_database(tmp_path / "state", "", str(folder))
        with database.transaction() as store:
            assert store.unscoped_files() == []
            known = {i for i in ("id-memo", "id-plan", "id-notes") if store.file_record(i)}
        assert known == ids
        database.close()


def test_a_change_committed_anywhere_is_seen_by_the_next_sync(postgres_url: str) -> None:
    """state.changes: however fast a request follows a change committed by another process,
    its sync counts it (PostgreSQL sends a connection's notifications ahead of its answers),
    so what CheckFileInfo remembered is never used after the change."""
    database = open_database("", postgres_url, "/srv/project")
    writer = open_database("", postgres_url, "/srv/project")  # another process

    async def race() -> None:
        seen = await database.change_version()
        for n in range(300):
            with writer.transaction(write=True) as store:
                store.set_user_info("ada", f"n={n}")
            now = await database.change_version()
            assert now is not None and now != seen, n
            seen = now
            assert await database.change_version() == seen  # and nothing else changed

    try:
        asyncio.run(race())
    finally:
        database.close()
        writer.close()

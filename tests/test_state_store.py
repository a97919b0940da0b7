"""The state store behaves the same on SQLite and PostgreSQL, and keeps the lock rules and
file ids consistent when several processes (here: several database handles, each with its
own connections, like several servers) change the same file at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from jupyter_wopi import locking
from jupyter_wopi.locks import Lock, LockConflict
from jupyter_wopi.state import ConflictEvent, Database, open_database

RACERS = 12


@pytest.fixture(params=["sqlite", "postgresql"])
def open_state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Database]]:
    """Opens handles on one state (a state folder, or a PostgreSQL database), as several
    servers sharing it would; all are closed at the end."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else ""
    opened: list[Database] = []

    def open_one() -> Database:
        opened.append(open_database(tmp_path / "state", url))
        return opened[-1]

    yield open_one
    for database in opened:
        database.close()


def test_locks_keep_their_holder_through_refreshes_and_expire_exactly(
    open_state: Callable[[], Database],
) -> None:
    with open_state().transaction(write=True) as store:
        store.set_lock("f", Lock("L", 2e9), "Ada")
        since = store.list_locks("f")[0].locked_at
        store.set_lock("f", Lock("L", 2e9 + 60), "Grace")  # a co-editor's refresh
        [refreshed] = store.list_locks("f")
        assert (refreshed.holder_name, refreshed.locked_at) == ("Ada", since)
        store.set_lock("g", Lock("a", 1000.0))
        assert store.get_lock("g", now=999.999) == Lock("a", 1000.0)
        assert store.get_lock("g", now=1000.0) is None
        assert store.release_lock("f") and not store.release_lock("f")
        assert store.was_released("f", "L") and not store.was_released("f", "other")


def test_conflict_events_get_increasing_ids_and_can_be_dismissed(
    open_state: Callable[[], Database],
) -> None:
    with open_state().transaction(write=True) as store:
        event = ConflictEvent(0, "f", "a.docx", "a (conflict).docx", "u", "U", "s", 1.0, 1.0)
        first, second = store.record_conflict(event), store.record_conflict(event)
        assert 0 < first.id < second.id
        assert [e.id for e in store.list_conflicts("f")] == [first.id, second.id]
        assert store.dismiss_conflict(first.id) and not store.dismiss_conflict(first.id)


def test_settings_user_info_and_reopen_counts_are_kept(
    open_state: Callable[[], Database],
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
    open_state: Callable[[], Database],
) -> None:
    """Names with LIKE's wildcards (% and _) are plain characters here."""
    with open_state().transaction(write=True) as store:
        ids = {
            path: store.add_file(path, 0, n, 0).file_id
            for n, path in enumerate(["a%b/x.docx", "a%b/sub/y.docx", "aXb/z.docx", "a_b.docx"])
        }
        assert store.add_file("a%b/x.docx", 0, 99, 0).file_id == ids["a%b/x.docx"]
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


def race(work: Callable[[int], object]) -> list[object]:
    """Run work(0..RACERS-1) at the same moment in as many threads; their outcomes."""
    start = threading.Barrier(RACERS)

    def one(n: int) -> object:
        start.wait()
        try:
            return work(n)
        except LockConflict as err:
            return err

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(one, range(RACERS)))


def test_editors_racing_for_a_lock_from_several_processes_never_both_get_it(
    open_state: Callable[[], Database],
) -> None:
    handles = [open_state(), open_state()]

    def lock(n: int) -> str:
        with handles[n % 2].transaction(write=True) as store:
            locking.lock(store, "f", f"editor-{n}", f"Editor {n}")
        return f"editor-{n}"

    outcomes = race(lock)
    winners = [o for o in outcomes if isinstance(o, str)]
    assert len(winners) == 1, outcomes
    refusals = [o for o in outcomes if isinstance(o, LockConflict)]
    assert {r.current for r in refusals} == set(winners)  # each 409 names the real lock
    with handles[0].transaction() as store:
        assert store.get_lock("f") is not None
        assert store.get_lock("f").lock_id == winners[0]  # type: ignore[union-attr]

    def relock(n: int) -> str:  # UnlockAndRelock from the winner's lock: one succeeds
        with handles[n % 2].transaction(write=True) as store:
            locking.lock(store, "f", f"next-{n}", "x", old=winners[0])
        return f"next-{n}"

    relocked = [o for o in race(relock) if isinstance(o, str)]
    assert len(relocked) == 1
    with handles[1].transaction() as store:
        assert store.get_lock("f").lock_id == relocked[0]  # type: ignore[union-attr]


def test_two_processes_indexing_one_new_file_at_once_agree_on_its_id(
    open_state: Callable[[], Database],
) -> None:
    handles = [open_state(), open_state()]

    def add(n: int) -> str:
        with handles[n % 2].transaction(write=True) as store:
            return store.add_file("shared/report.docx", 0, 42, 7).file_id

    assert len(set(race(add))) == 1


def test_every_process_of_one_state_signs_tokens_with_the_same_secret(
    open_state: Callable[[], Database],
) -> None:
    first, second = open_state(), open_state()
    assert first.token_secret() == second.token_secret()
    assert len(first.token_secret()) >= 32


def test_co_editors_joining_a_lock_are_named_with_its_holder(
    open_state: Callable[[], Database],
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

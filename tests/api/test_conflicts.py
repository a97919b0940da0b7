"""A save never overwrites a change made on disk after the editor loaded the file."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest
from support.wopi_client import (
    WopiClient,
    conflict_copies,
    loaded_stamp,
    lock,
    locked_session,
    save,
)


async def test_save_after_external_change_keeps_both_versions(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, jp_fetch: Any
) -> None:
    doc, stamp = await locked_session(
        open_session, wopi, "data/results.xlsx", b"loaded by the editor"
    )
    target = jp_root_dir / "data" / "results.xlsx"
    target.write_bytes(b"written by pandas")
    os.utime(target, ns=(1, 1_000_000_000))  # even an mtime set far back counts as a change

    response = await save(wopi, doc, b"the editor's work", stamp)
    assert response.code == 200  # the editor must not report a failed save
    assert json.loads(response.body)["LastModifiedTime"] == stamp
    assert target.read_bytes() == b"written by pandas"
    [copy] = conflict_copies(target.parent)
    assert copy.read_bytes() == b"the editor's work"
    assert copy.name.startswith("results (conflict ") and copy.suffix == ".xlsx"

    # A later save of the same session updates the same copy, never the original.
    assert (await save(wopi, doc, b"more work", stamp)).code == 200
    assert target.read_bytes() == b"written by pandas"
    assert [p.read_bytes() for p in conflict_copies(target.parent)] == [b"more work"]

    events = json.loads((await jp_fetch("api", "wopi", "conflicts")).body)["conflicts"]
    assert len(events) == 1
    assert events[0]["path"] == "data/results.xlsx"
    assert events[0]["conflict_path"] == f"data/{copy.name}"
    assert events[0]["file_id"] == doc["file_id"]
    await jp_fetch("api", "wopi", "conflicts", str(events[0]["id"]), method="DELETE")
    assert json.loads((await jp_fetch("api", "wopi", "conflicts")).body)["conflicts"] == []


async def test_save_without_external_change_overwrites(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "plain.docx", b"v1")
    first = await save(wopi, doc, b"v2", stamp)
    assert (jp_root_dir / "plain.docx").read_bytes() == b"v2"
    # The next save carries the LastModifiedTime returned by the previous one (spec §5.3.2).
    second = await save(wopi, doc, b"v3", json.loads(first.body)["LastModifiedTime"])
    assert second.code == 200
    assert (jp_root_dir / "plain.docx").read_bytes() == b"v3"
    assert conflict_copies(jp_root_dir) == []


async def test_conflict_copies_of_two_sessions_do_not_collide(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("twice.docx", b"v1")
    await lock(wopi, doc)
    (jp_root_dir / "twice.docx").write_bytes(b"external")
    await save(wopi, doc, b"session A", "2000-01-01T00:00:00.0000000Z")
    await save(wopi, doc, b"session B", "2001-01-01T00:00:00.0000000Z")
    assert sorted(p.read_bytes() for p in conflict_copies(jp_root_dir)) == [
        b"session A",
        b"session B",
    ]
    assert (jp_root_dir / "twice.docx").read_bytes() == b"external"


async def test_a_save_after_the_file_was_deleted_is_kept_where_it_was(
    jp_serverapp: Any,
    open_session: Any,
    wopi: WopiClient,
    jp_root_dir: Path,
    jp_fetch: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "notes/minutes.docx", b"v1")
    await jp_fetch("api", "contents", "notes", "minutes.docx", method="DELETE")

    response = await save(wopi, doc, b"the meeting's minutes", stamp)
    assert response.code == 200  # not 404: ONLYOFFICE would put the save aside where no one looks
    [copy] = conflict_copies(jp_root_dir / "notes")
    assert copy.read_bytes() == b"the meeting's minutes"
    assert not (jp_root_dir / "notes" / "minutes.docx").exists()  # nothing resurrected
    assert (await save(wopi, doc, b"edited further", stamp)).code == 200
    assert [p.read_bytes() for p in conflict_copies(jp_root_dir / "notes")] == [b"edited further"]
    [event] = json.loads((await jp_fetch("api", "wopi", "conflicts")).body)["conflicts"]
    assert event["conflict_path"] == f"notes/{copy.name}"
    assert event["reason"] == "deleted"
    assert "notes/minutes.docx was deleted while it was open in ONLYOFFICE" in caplog.text
    host = jp_serverapp.web_app.settings["jupyter_wopi"]
    last = await host.state.read(lambda store: store.last_save(doc["file_id"]))
    assert (last.kept_as, last.reason) == (f"notes/{copy.name}", "deleted")


async def test_a_save_after_the_folder_was_deleted_lands_in_the_nearest_folder(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    import shutil

    doc = await open_session("a/b/plan.xlsx", b"v1")
    stamp = await loaded_stamp(wopi, doc)
    shutil.rmtree(jp_root_dir / "a" / "b")
    assert (await save(wopi, doc, b"the plan", stamp)).code == 200
    assert [p.read_bytes() for p in conflict_copies(jp_root_dir / "a")] == [b"the plan"]


async def test_only_a_save_revives_a_deleted_file_id(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("gone.docx", b"v1")
    (jp_root_dir / "gone.docx").unlink()
    # Made after the deletion, it may get the same inode: it must not inherit the id.
    other = await open_session("other.docx", b"x")
    assert (await wopi.check_file_info(doc["file_id"], doc["access_token"])).code == 404
    assert (await wopi.get_file(doc["file_id"], doc["access_token"])).code == 404
    # A token for another file still cannot save into this one.
    assert (await wopi.put_file(doc["file_id"], other["access_token"], b"x")).code == 401
    assert conflict_copies(jp_root_dir) == []


async def test_a_save_for_a_deleted_file_never_lands_in_a_new_file_of_that_name(
    jp_serverapp: Any, open_session: Any, wopi: WopiClient, jp_root_dir: Path, jp_fetch: Any
) -> None:
    doc = await open_session("data.xlsx", b"v1")
    await lock(wopi, doc)
    await jp_fetch("api", "contents", "data.xlsx", method="DELETE")
    # jupyter_server hands the deletion to its event listeners after it answered: the index
    # forgets the id once ours has run. (Before that, a new file at the path passes for the
    # old one replaced; ONLYOFFICE's saves carry X-LOOL-WOPI-Timestamp, which sends theirs
    # to a copy then too: test_save_after_external_change_keeps_both_versions.)
    await jp_serverapp.event_logger.gather_listeners()
    (jp_root_dir / "data.xlsx").write_bytes(b"a new workbook from pandas")
    # Even without X-LOOL-WOPI-Timestamp, the old editor's save goes to a copy.
    response = await wopi.put_file(doc["file_id"], doc["access_token"], b"old", lock=doc["file_id"])
    assert response.code == 200
    assert (jp_root_dir / "data.xlsx").read_bytes() == b"a new workbook from pandas"
    assert [p.read_bytes() for p in conflict_copies(jp_root_dir)] == [b"old"]


async def test_later_saves_of_a_session_update_its_event(
    jp_serverapp: Any, open_session: Any, wopi: WopiClient, jp_root_dir: Path, jp_fetch: Any
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "plan.docx", b"v1")
    (jp_root_dir / "plan.docx").write_bytes(b"external")
    await save(wopi, doc, b"first", stamp)
    await asyncio.sleep(0.05)
    await save(wopi, doc, b"second", stamp)
    [event] = json.loads((await jp_fetch("api", "wopi", "conflicts")).body)["conflicts"]
    assert event["updated_at"] > event["created_at"]
    # The user deleted that copy: the next save makes a new one (a new event), never lost.
    (jp_root_dir / event["conflict_path"]).unlink()
    await save(wopi, doc, b"third", stamp)
    assert [p.read_bytes() for p in conflict_copies(jp_root_dir)] == [b"third"]
    host = jp_serverapp.web_app.settings["jupyter_wopi"]
    first, second = await host.state.read(lambda store: store.list_conflicts(doc["file_id"]))
    assert str(first.id) == event["id"] and str(second.id) != event["id"]

"""The lab's view of files being edited: `api/wopi/files/{id}` and `api/wopi/locks`."""

from __future__ import annotations

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
    put_relative,
    save,
)
from tornado.httpclient import HTTPClientError

from jupyter_wopi.files.index import CONTENTS_EVENTS
from jupyter_wopi.state.sqlite import SqliteDatabase


async def status(jp_fetch: Any, file_id: str) -> dict[str, Any]:
    return json.loads((await jp_fetch("api", "wopi", "files", file_id)).body)  # type: ignore[no-any-return]


async def user_name(wopi: WopiClient, doc: dict[str, Any]) -> str:
    info = json.loads((await wopi.check_file_info(doc["file_id"], doc["access_token"])).body)
    assert info["UserFriendlyName"]
    return info["UserFriendlyName"]  # type: ignore[no-any-return]


async def test_status_tells_the_editors_saves_from_other_changes(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, jp_root_dir: Path
) -> None:
    doc = await open_session("notes/report.docx", b"v1")
    first = await status(jp_fetch, doc["file_id"])
    assert first["path"] == "notes/report.docx" and first["name"] == "report.docx"
    assert first["size"] == 2 and first["lock"] is None and first["last_save"] is None

    stamp = await loaded_stamp(wopi, doc)
    await lock(wopi, doc)
    locked = await status(jp_fetch, doc["file_id"])
    assert locked["lock"]["holder_name"] == await user_name(wopi, doc)
    assert locked["lock"]["locked_at"] <= locked["lock"]["expires_at"]
    assert locked["content_stamp"] == first["content_stamp"]  # locking changes no bytes

    await save(wopi, doc, b"v2 from the editor", stamp)
    saved = await status(jp_fetch, doc["file_id"])
    assert saved["content_stamp"] != first["content_stamp"]
    # The save is the editor's: what is on disk is what it recorded.
    assert saved["last_save"]["content_stamp"] == saved["content_stamp"]
    assert saved["last_save"]["kept_as"] == ""
    assert saved["last_save"]["user_name"] == await user_name(wopi, doc)

    # Someone else (a kernel) rewrites the file: the stamp moves away from the editor's save.
    (jp_root_dir / "notes" / "report.docx").write_bytes(b"written by pandas")
    changed = await status(jp_fetch, doc["file_id"])
    assert changed["content_stamp"] != changed["last_save"]["content_stamp"]


async def test_the_blank_template_is_no_ones_save(
    open_session: Any, wopi: WopiClient, jp_fetch: Any
) -> None:
    """ONLYOFFICE fills an empty file with its blank document (an unlocked PutFile, before
    its Lock): the status says so (reason "template"), so the lab shows a new document, not
    a save; the first save under the editor's lock is a save like any other."""
    doc = await open_session("new/Untitled.docx", b"")
    template = await wopi.put_file(doc["file_id"], doc["access_token"], b"blank docx")
    assert template.code == 200
    filled = await status(jp_fetch, doc["file_id"])
    assert filled["last_save"]["reason"] == "template"
    assert filled["last_save"]["kept_as"] == ""
    assert filled["last_save"]["content_stamp"] == filled["content_stamp"]  # not a change

    stamp = await loaded_stamp(wopi, doc)
    await lock(wopi, doc)
    assert (await save(wopi, doc, b"the user's first words", stamp)).code == 200
    first = await status(jp_fetch, doc["file_id"])
    assert first["last_save"]["reason"] == ""
    assert first["last_save"]["saved_at"] >= filled["last_save"]["saved_at"]


async def test_status_follows_renames_and_reports_conflict_copies(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, jp_root_dir: Path
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "plan.xlsx", b"v1")
    await jp_fetch(
        "api", "contents", "plan.xlsx", method="PATCH", body=json.dumps({"path": "budget.xlsx"})
    )
    assert (await status(jp_fetch, doc["file_id"]))["path"] == "budget.xlsx"

    (jp_root_dir / "budget.xlsx").write_bytes(b"changed outside")
    await save(wopi, doc, b"the editor's work", stamp)
    after = await status(jp_fetch, doc["file_id"])
    [copy] = conflict_copies(jp_root_dir)
    assert after["last_save"]["kept_as"] == copy.name
    assert [event["conflict_path"] for event in after["conflicts"]] == [copy.name]


async def test_a_rename_event_coming_after_a_lookup_found_the_file_keeps_its_id(
    jp_serverapp: Any, open_session: Any, wopi: WopiClient, jp_fetch: Any, jp_root_dir: Path
) -> None:
    """jupyter_server hands a rename to its event listeners after it answered (and after
    the file moved on disk): a lookup in between (the lab polls its open files) finds the
    file at its new path by its inode. The event arriving then must not forget its id."""
    doc, stamp = await locked_session(open_session, wopi, "plan.xlsx", b"v1")
    os.rename(jp_root_dir / "plan.xlsx", jp_root_dir / "budget.xlsx")  # the event comes later
    assert (await status(jp_fetch, doc["file_id"]))["path"] == "budget.xlsx"  # by its inode

    jp_serverapp.event_logger.emit(
        schema_id=CONTENTS_EVENTS,
        data={"action": "rename", "source_path": "/plan.xlsx", "path": "/budget.xlsx"},
    )
    await jp_serverapp.event_logger.gather_listeners()
    # A kernel rewrites it (so no lookup can answer from what it saw before): still this id.
    (jp_root_dir / "budget.xlsx").write_bytes(b"changed outside")
    assert (await status(jp_fetch, doc["file_id"]))["path"] == "budget.xlsx"
    assert (await save(wopi, doc, b"the editor's work", stamp)).code == 200
    [copy] = conflict_copies(jp_root_dir)
    assert (await status(jp_fetch, doc["file_id"]))["last_save"]["reason"] == "changed"
    assert copy.read_bytes() == b"the editor's work"


async def test_a_folder_rename_event_coming_after_a_lookup_keeps_the_ids_found(
    jp_serverapp: Any, open_session: Any, jp_fetch: Any, jp_root_dir: Path
) -> None:
    """The same for a renamed folder: the file looked up in between keeps its id, and so
    does the one nobody looked up (moved by the event)."""
    found = await open_session("team/plan.xlsx", b"v1")
    other = await open_session("team/notes.docx", b"n")
    os.rename(jp_root_dir / "team", jp_root_dir / "team 2024")
    assert (await status(jp_fetch, found["file_id"]))["path"] == "team 2024/plan.xlsx"
    jp_serverapp.event_logger.emit(
        schema_id=CONTENTS_EVENTS,
        data={"action": "rename", "source_path": "/team", "path": "/team 2024"},
    )
    await jp_serverapp.event_logger.gather_listeners()
    (jp_root_dir / "team 2024" / "plan.xlsx").write_bytes(b"changed outside")
    assert (await status(jp_fetch, found["file_id"]))["path"] == "team 2024/plan.xlsx"
    assert (await status(jp_fetch, other["file_id"]))["path"] == "team 2024/notes.docx"


async def test_a_rename_onto_a_stale_record_moves_the_renamed_files_id_there(
    jp_serverapp: Any, open_session: Any, jp_fetch: Any, jp_root_dir: Path
) -> None:
    """A record left where the rename lands (its file deleted outside Jupyter) is stale, not
    a lookup's find: the renamed file's id moves onto that path, the stale id goes."""
    renamed = await open_session("draft.docx", b"the draft")
    stale = await open_session("final.docx", b"an older final")
    os.remove(jp_root_dir / "final.docx")
    os.rename(jp_root_dir / "draft.docx", jp_root_dir / "final.docx")
    jp_serverapp.event_logger.emit(
        schema_id=CONTENTS_EVENTS,
        data={"action": "rename", "source_path": "/draft.docx", "path": "/final.docx"},
    )
    await jp_serverapp.event_logger.gather_listeners()
    assert (await status(jp_fetch, renamed["file_id"]))["path"] == "final.docx"
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("api", "wopi", "files", stale["file_id"])
    assert err.value.code == 404


async def test_status_of_a_deleted_file_is_404_with_a_sentence(
    open_session: Any, jp_fetch: Any, jp_root_dir: Path
) -> None:
    doc = await open_session("gone.docx", b"x")
    os.remove(jp_root_dir / "gone.docx")
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("api", "wopi", "files", doc["file_id"])
    assert err.value.code == 404
    assert "gone" in json.loads(err.value.response.body)["message"]  # type: ignore[union-attr]


async def test_locks_are_listed_with_holder_and_can_be_released(
    open_session: Any, wopi: WopiClient, jp_fetch: Any
) -> None:
    doc = await open_session("shared/data.xlsx", b"v1")
    other = await open_session("free.docx", b"v1")
    assert json.loads((await jp_fetch("api", "wopi", "locks")).body) == {"locks": []}
    await lock(wopi, doc)
    listed = json.loads((await jp_fetch("api", "wopi", "locks")).body)["locks"]
    assert [(item["path"], item["holder_name"]) for item in listed] == [
        ("shared/data.xlsx", await user_name(wopi, doc))
    ]
    assert "lock_id" not in listed[0]  # the lock id is the editor's, not for people

    one = json.loads((await jp_fetch("api", "wopi", "locks", doc["file_id"])).body)["locks"]
    assert [item["path"] for item in one] == ["shared/data.xlsx"]
    assert json.loads((await jp_fetch("api", "wopi", "locks", other["file_id"])).body) == {
        "locks": []
    }
    with pytest.raises(HTTPClientError) as unnamed:
        await jp_fetch("api", "wopi", "locks", method="DELETE")
    assert unnamed.value.code == 405

    response = await jp_fetch("api", "wopi", "locks", doc["file_id"], method="DELETE")
    assert response.code == 204
    assert json.loads((await jp_fetch("api", "wopi", "locks")).body) == {"locks": []}
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("api", "wopi", "locks", other["file_id"], method="DELETE")
    assert err.value.code == 404


async def open_lock_and_release(
    open_session: Any, wopi: WopiClient, jp_fetch: Any
) -> tuple[dict[str, Any], str]:
    """An editor opens and locks report.docx; then someone releases its lock from the lab."""
    doc, stamp = await locked_session(open_session, wopi, "report.docx", b"v1")
    await jp_fetch("api", "wopi", "locks", doc["file_id"], method="DELETE")
    return doc, stamp


async def test_released_editor_still_saves_into_an_untouched_file(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, jp_root_dir: Path
) -> None:
    doc, stamp = await open_lock_and_release(open_session, wopi, jp_fetch)
    # The editor did not notice and saves with its old lock: nobody else touched the file.
    assert (await save(wopi, doc, b"v2", stamp)).code == 200
    assert (jp_root_dir / "report.docx").read_bytes() == b"v2"
    assert conflict_copies(jp_root_dir) == []


async def test_released_editor_saves_beside_a_file_locked_again(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, jp_root_dir: Path
) -> None:
    doc, stamp = await open_lock_and_release(open_session, wopi, jp_fetch)
    assert await lock(wopi, doc, "another editing session") == 200

    response = await save(wopi, doc, b"the first editor's work", stamp)
    assert response.code == 200  # kept, not refused and lost
    assert (jp_root_dir / "report.docx").read_bytes() == b"v1"
    [copy] = conflict_copies(jp_root_dir)
    assert copy.read_bytes() == b"the first editor's work"
    # A lock id that was never released still gets the protocol's 409.
    refused = await wopi.put_file(doc["file_id"], doc["access_token"], b"x", lock="never held")
    assert refused.code == 409


def test_lock_holder_survives_refresh_but_not_expiry(tmp_path: Path) -> None:
    from jupyter_wopi.wopi.lock_rules import Lock

    with SqliteDatabase(tmp_path).transaction(write=True) as store:
        store.set_lock("f", Lock("L", 2e9), "Ada")
        since = store.list_locks("f")[0].locked_at
        store.set_lock("f", Lock("L", 2e9 + 60), "Grace")  # a co-editor's refresh
        [refreshed] = store.list_locks("f")
        assert (refreshed.holder_name, refreshed.locked_at) == ("Ada", since)
        assert refreshed.expires_at == 2e9 + 60
        store.set_lock("f", Lock("L", 1.0), "Ada")  # expired: reads as no lock
        store.set_lock("f", Lock("L", 2e9), "Grace")
        assert store.list_locks("f")[0].holder_name == "Grace"


def test_state_made_by_the_first_release_is_upgraded(tmp_path: Path) -> None:
    import sqlite3

    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        db.execute(
            "CREATE TABLE locks (file_id TEXT PRIMARY KEY, lock_id TEXT NOT NULL,"
            " expires_at REAL NOT NULL)"
        )
        db.execute("INSERT INTO locks VALUES ('f', 'L', 2e9)")
    with SqliteDatabase(tmp_path).transaction() as store:
        [old] = store.list_locks("f")
    assert (old.file_id, old.holder_name, old.expires_at) == ("f", "", 2e9)


async def test_status_lists_copies_saved_under_other_names(
    open_session: Any, wopi: WopiClient, jp_fetch: Any
) -> None:
    doc = await open_session("dir/report.docx", b"v1")
    assert (await status(jp_fetch, doc["file_id"]))["copies"] == []
    await put_relative(wopi, doc, b"as pdf", X_WOPI_SuggestedTarget=".pdf")
    await put_relative(wopi, doc, b"again", X_WOPI_SuggestedTarget=".pdf")
    copies = (await status(jp_fetch, doc["file_id"]))["copies"]
    assert [c["path"] for c in copies] == ["dir/report (2).pdf", "dir/report.pdf"]
    assert copies[0]["created_at"] >= copies[1]["created_at"]

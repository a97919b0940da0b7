"""File events on jupyter_server's event bus: what the editor did to a file reaches the lab at
once (saved, kept as a copy, copied, locked, unlocked, renamed), never with a secret, and
only for requests that succeeded."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_events import EventLogger
from support.versions import restore_request
from support.wopi_client import WopiClient, put_relative
from tornado.httpclient import HTTPResponse

from jupyter_wopi.host.events import FILE_EVENTS_SCHEMA, SCHEMA_FILE, FileEvents
from jupyter_wopi.wopi.names import encode_utf7

Event = dict[str, Any]
LOCK = "lock-id-that-must-stay-secret"


class Received(list[Event]):
    async def wait_for(self, count: int, timeout: float = 5.0) -> list[Event]:
        """The first `count` events, once they have all arrived (listeners run as tasks)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self) < count:
            if asyncio.get_running_loop().time() > deadline:
                pytest.fail(f"expected {count} file events, got {list(self)}")
            await asyncio.sleep(0.01)
        return list(self[:count])


@pytest.fixture
def events(jp_serverapp: Any) -> Iterator[Received]:
    """Every file event the server emits during the test."""
    received = Received()

    async def listener(logger: EventLogger, schema_id: str, data: Event) -> None:
        received.append(dict(data))

    logger = jp_serverapp.event_logger
    logger.add_listener(schema_id=FILE_EVENTS_SCHEMA, listener=listener)
    yield received
    logger.remove_listener(schema_id=FILE_EVENTS_SCHEMA, listener=listener)


async def lock(wopi: WopiClient, doc: dict[str, Any], lock_id: str = LOCK) -> HTTPResponse:
    return await wopi.override(doc["file_id"], doc["access_token"], "LOCK", X_WOPI_Lock=lock_id)


async def put(wopi: WopiClient, doc: dict[str, Any], body: bytes, **headers: str) -> HTTPResponse:
    return await wopi.put_file(doc["file_id"], doc["access_token"], body, lock=LOCK, **headers)


async def test_a_save_that_lands_in_the_file_is_saved(
    open_session: Any, wopi: WopiClient, events: Received
) -> None:
    doc = await open_session("reports/q1.docx", b"v1")
    assert (await lock(wopi, doc)).code == 200
    assert (await put(wopi, doc, b"v2")).code == 200
    fid = doc["file_id"]
    assert await events.wait_for(2) == [
        {"action": "locked", "file_id": fid, "path": "reports/q1.docx"},
        {"action": "saved", "file_id": fid, "path": "reports/q1.docx"},
    ]


async def test_a_save_over_a_change_on_disk_is_kept_as_a_copy(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, events: Received
) -> None:
    doc = await open_session("data/results.xlsx", b"loaded by the editor")
    info = json.loads((await wopi.check_file_info(doc["file_id"], doc["access_token"])).body)
    await lock(wopi, doc)
    target = jp_root_dir / "data" / "results.xlsx"
    target.write_bytes(b"written by pandas")
    os.utime(target, ns=(1, 1_000_000_000))
    response = await put(
        wopi, doc, b"editor", **{"X-LOOL-WOPI-Timestamp": info["LastModifiedTime"]}
    )
    assert response.code == 200
    [copy] = [p for p in target.parent.iterdir() if "(conflict " in p.name]
    _, kept = await events.wait_for(2)
    assert kept == {
        "action": "kept-as-copy",
        "file_id": doc["file_id"],
        "path": "data/results.xlsx",
        "copy_path": f"data/{copy.name}",
    }


async def test_save_as_is_copied_with_the_new_files_path(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, events: Received
) -> None:
    doc = await open_session("dir/old.docx", b"x")
    response = await put_relative(
        wopi, doc, b"copied bytes", X_WOPI_SuggestedTarget=encode_utf7("new name.docx")
    )
    assert response.code == 200
    assert (jp_root_dir / "dir" / "new name.docx").read_bytes() == b"copied bytes"
    assert await events.wait_for(1) == [
        {
            "action": "copied",
            "file_id": doc["file_id"],
            "path": "dir/old.docx",
            "copy_path": "dir/new name.docx",
        }
    ]


async def test_lock_relock_unlock_and_the_labs_release(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, events: Received
) -> None:
    doc = await open_session("locked.docx", b"x")
    fid, token = doc["file_id"], doc["access_token"]
    await lock(wopi, doc, "A")
    relocked = await wopi.override(fid, token, "LOCK", X_WOPI_Lock="B", X_WOPI_OldLock="A")
    assert relocked.code == 200
    assert (await wopi.override(fid, token, "UNLOCK", X_WOPI_Lock="B")).code == 200
    await lock(wopi, doc, "C")
    released = await jp_fetch("api", "wopi", "locks", fid, method="DELETE")
    assert released.code == 204
    actions = [event["action"] for event in await events.wait_for(5)]
    assert actions == ["locked", "locked", "unlocked", "locked", "unlocked"]
    assert {(event["file_id"], event["path"]) for event in events} == {(fid, "locked.docx")}


async def test_rename_gives_the_new_path(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, events: Received
) -> None:
    doc = await open_session("dir/name.docx", b"x")
    response = await wopi.override(
        doc["file_id"], doc["access_token"], "RENAME_FILE", X_WOPI_RequestedName="Neuer Name"
    )
    assert response.code == 200
    assert (jp_root_dir / "dir" / "Neuer Name.docx").exists()
    assert await events.wait_for(1) == [
        {"action": "renamed", "file_id": doc["file_id"], "path": "dir/Neuer Name.docx"}
    ]


async def test_no_event_carries_the_token_or_the_lock_id(
    open_session: Any, wopi: WopiClient, events: Received
) -> None:
    doc = await open_session("secret.docx", b"x")
    fid, token = doc["file_id"], doc["access_token"]
    await lock(wopi, doc)
    await put(wopi, doc, b"y")
    await wopi.override(fid, token, "PUT_RELATIVE", b"z", X_WOPI_SuggestedTarget=".docx")
    await wopi.override(fid, token, "RENAME_FILE", X_WOPI_Lock=LOCK, X_WOPI_RequestedName="s2")
    await wopi.override(fid, token, "UNLOCK", X_WOPI_Lock=LOCK)
    seen = json.dumps(await events.wait_for(5))
    assert [event["action"] for event in events] == [
        "locked",
        "saved",
        "copied",
        "renamed",
        "unlocked",
    ]
    assert token not in seen and LOCK not in seen


async def test_refused_requests_emit_nothing(
    open_session: Any, wopi: WopiClient, events: Received
) -> None:
    doc = await open_session("held.docx", b"x")
    fid, token = doc["file_id"], doc["access_token"]
    await lock(wopi, doc, "A")
    refused = [
        await lock(wopi, doc, "B"),
        await wopi.put_file(fid, token, b"lost", lock="B"),
        await wopi.override(fid, token, "UNLOCK", X_WOPI_Lock="B"),
        await wopi.override(fid, token, "LOCK", X_WOPI_Lock="C", X_WOPI_OldLock="B"),
        await wopi.override(fid, token, "RENAME_FILE", X_WOPI_Lock="B", X_WOPI_RequestedName="n"),
    ]
    assert [response.code for response in refused] == [409] * 5
    # Events are emitted in order: had a refusal emitted, it would come before this one.
    await wopi.override(fid, token, "UNLOCK", X_WOPI_Lock="A")
    assert [event["action"] for event in await events.wait_for(2)] == ["locked", "unlocked"]
    await asyncio.sleep(0.1)
    assert len(events) == 2


async def test_a_failing_event_bus_never_fails_the_save(
    jp_serverapp: Any, open_session: Any, wopi: WopiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("event bus down")

    monkeypatch.setattr(jp_serverapp.event_logger, "emit", broken)
    doc = await open_session("robust.docx", b"x")
    assert (await lock(wopi, doc)).code == 200
    assert (await put(wopi, doc, b"saved anyway")).code == 200


async def test_a_save_reaches_the_labs_event_websocket(
    open_session: Any, wopi: WopiClient, jp_ws_fetch: Any
) -> None:
    doc = await open_session("live.docx", b"x")
    socket = await jp_ws_fetch("api", "events", "subscribe")
    try:
        await lock(wopi, doc)
        await put(wopi, doc, b"y")
        messages = []
        while not any(m.get("action") == "saved" for m in messages):
            raw = await asyncio.wait_for(socket.read_message(), timeout=5)
            assert raw is not None, "the event socket closed"
            messages.append(json.loads(raw))
    finally:
        socket.close()
    ours = [m for m in messages if m["schema_id"] == FILE_EVENTS_SCHEMA]
    assert ours[-1] == {
        "schema_id": FILE_EVENTS_SCHEMA,
        "action": "saved",
        "file_id": doc["file_id"],
        "path": "live.docx",
    }


def test_without_an_event_logger_emitting_does_nothing() -> None:
    events = FileEvents.register(None)
    assert events.event_logger is None
    events.emit("saved", "id", "a.docx")  # no error, nowhere to go


def test_a_logger_that_refuses_the_schema_turns_events_off_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = EventLogger()

    def refuse(schema: object) -> None:
        raise ValueError("schema rejected")

    logger.register_event_schema = refuse  # type: ignore[method-assign]
    events = FileEvents.register(logger)
    assert events.event_logger is None
    assert "file events are off" in caplog.text
    events.emit("saved", "id", "a.docx")  # nowhere to go, no error


def test_the_schema_registers_once_and_rejects_other_fields() -> None:
    logger = EventLogger()
    events = FileEvents.register(logger)
    assert FileEvents.register(logger).event_logger is logger  # a second server start on one logger
    assert SCHEMA_FILE.is_file() and FILE_EVENTS_SCHEMA in logger.schemas
    got: list[Event] = []
    logger.emit = lambda **kwargs: got.append(kwargs)  # type: ignore[method-assign]
    events.emit("copied", "id", "a.docx", copy_path="b.docx")
    assert got == [
        {
            "schema_id": FILE_EVENTS_SCHEMA,
            "data": {"action": "copied", "file_id": "id", "path": "a.docx", "copy_path": "b.docx"},
        }
    ]
    schema = logger.schemas.get(FILE_EVENTS_SCHEMA)
    schema.validate({"action": "saved", "file_id": "id", "path": "a.docx"})
    for bad in (
        {"action": "saved", "file_id": "id", "path": "a.docx", "lock_id": LOCK},
        {"action": "deleted", "file_id": "id", "path": "a.docx"},
        {"action": "saved", "file_id": "id"},
    ):
        with pytest.raises(Exception, match=r"."):
            schema.validate(bad)


async def test_a_restore_is_announced_as_restored(
    open_session: Any, wopi: WopiClient, events: Received, jp_fetch: Any
) -> None:
    doc = await open_session("restored.docx", b"v1")
    assert (await lock(wopi, doc)).code == 200
    assert (await put(wopi, doc, b"v2")).code == 200
    listed = await jp_fetch("api", "wopi", "versions", params={"path": "restored.docx"})
    [version] = json.loads(listed.body)["versions"]
    await restore_request(jp_fetch, doc["file_id"], version["id"])
    received = await events.wait_for(3)  # locked, saved, restored
    assert received[-1] == {
        "action": "restored",
        "file_id": doc["file_id"],
        "path": "restored.docx",
    }

"""Every failure while a body arrives gets an answer (issue 9 §3–§5): a full disk, a failing
disk, a body over the limit (with or without Content-Length), a client that stops sending.
The answer is a status and a sentence, the temporary file is removed, the file is unchanged,
the log has one line with the file id (never a traceback), and the connection is closed."""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.disks import resize_disk
from support.raw_http import RawConnection
from support.wopi_client import (
    WopiClient,
    conflict_copies,
    headers_of,
    loaded_stamp,
    lock,
    put_relative,
    save,
)

from jupyter_wopi.files.io import AtomicWriter

ORIGINAL = b"the user's precious bytes"
MiB = 1 << 20


@pytest.fixture
def host(jp_serverapp: Any) -> Any:
    return jp_serverapp.web_app.settings["jupyter_wopi"]


@pytest.fixture
def errors_logged(caplog: pytest.LogCaptureFixture) -> Iterator[list[logging.LogRecord]]:
    """Records at ERROR or above: an exception escaping a handler shows up here."""
    caplog.set_level(logging.INFO)
    errors: list[logging.LogRecord] = []
    yield errors
    errors.extend(r for r in caplog.records if r.levelno >= logging.ERROR)
    assert errors == [], [r.getMessage() for r in errors]


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".~jupyter_wopi.*"))


async def locked_doc(open_session: Any, wopi: WopiClient, path: str) -> dict[str, Any]:
    doc = await open_session(path, ORIGINAL)
    assert await lock(wopi, doc) == 200
    return doc


async def chunked_put_file(raw_post: Any, doc: dict[str, Any]) -> RawConnection:
    """A PutFile whose body the caller sends in chunks (no Content-Length)."""
    headers = {"X-WOPI-Override": "PUT", "X-WOPI-Lock": doc["file_id"]}
    return await raw_post(doc, {**headers, "Transfer-Encoding": "chunked"}, "/contents")


# -- bodies over the limit (§4) ------------------------------------------------------------


async def test_a_small_operation_announcing_a_large_body_is_413_before_reading(
    open_session: Any, wopi: WopiClient, raw_post: Any, errors_logged: Any
) -> None:
    doc = await locked_doc(open_session, wopi, "a.docx")
    headers = {"X-WOPI-Override": "PUT_USER_INFO", "Content-Length": str(10 * MiB)}
    raw = await raw_post(doc, headers)  # and no body at all
    status, response_headers, body = await raw.response()
    assert status == 413
    assert body["message"] == "The request body is larger than the 64 KiB this operation accepts."
    assert response_headers["connection"] == "close"
    assert await raw.closed_by_server()


@pytest.mark.parametrize("override", ["PUT_USER_INFO", "LOCK"])
async def test_a_small_operation_with_a_large_chunked_body_is_413(
    open_session: Any, wopi: WopiClient, raw_post: Any, errors_logged: Any, override: str
) -> None:
    doc = await open_session("a.docx", ORIGINAL)
    headers = {"X-WOPI-Override": override, "X-WOPI-Lock": "L", "Transfer-Encoding": "chunked"}
    raw = await raw_post(doc, headers)
    await raw.send_chunks(16 * 1024, 8)
    status, _, body = await raw.response()
    assert (status, body["status"]) == (413, 413)
    assert await raw.closed_by_server()
    lock = await wopi.override(doc["file_id"], doc["access_token"], "GET_LOCK")
    assert headers_of(lock)["x-wopi-lock"] == ""  # the LOCK did not happen


async def test_a_chunked_upload_over_the_limit_is_413_with_the_setting(
    host: Any,
    open_session: Any,
    wopi: WopiClient,
    jp_root_dir: Path,
    raw_post: Any,
    errors_logged: Any,
) -> None:
    host.settings = dataclasses.replace(host.settings, max_file_size=100_000)
    doc = await locked_doc(open_session, wopi, "a.docx")
    raw = await chunked_put_file(raw_post, doc)
    await raw.send_chunks(64 * 1024, 4)
    status, _, body = await raw.response()
    assert status == 413
    assert body["message"] == (
        "The file is larger than the limit of 100000 bytes (setting JUPYTER_WOPI_MAX_FILE_SIZE)."
    )
    assert await raw.closed_by_server()
    assert (jp_root_dir / "a.docx").read_bytes() == ORIGINAL
    assert temp_files(jp_root_dir) == []


async def test_a_chunked_upload_within_the_limit_is_saved(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, raw_post: Any
) -> None:
    doc = await locked_doc(open_session, wopi, "a.docx")
    raw = await chunked_put_file(raw_post, doc)
    await raw.send_chunks(1000, 3)
    await raw.send(b"0\r\n\r\n")
    status, _, _ = await raw.response()
    raw.close()
    assert status == 200
    assert (jp_root_dir / "a.docx").read_bytes() == b"x" * 3000


# -- idle uploads (§5) ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["/contents", ""])
async def test_a_stalled_upload_is_abandoned_and_its_connection_closed(
    host: Any,
    open_session: Any,
    wopi: WopiClient,
    jp_root_dir: Path,
    raw_post: Any,
    errors_logged: Any,
    suffix: str,
) -> None:
    host.settings = dataclasses.replace(host.settings, upload_idle_timeout=0.5)
    doc = await locked_doc(open_session, wopi, "a.docx")
    override = (
        {"X-WOPI-Override": "PUT"}
        if suffix
        else {"X-WOPI-Override": "PUT_RELATIVE", "X-WOPI-SuggestedTarget": ".pdf"}
    )
    headers = {**override, "X-WOPI-Lock": doc["file_id"], "Content-Length": "100000"}
    raw = await raw_post(doc, headers, suffix)
    await raw.send(b"x" * 1000)
    await asyncio.sleep(0.2)
    assert len(temp_files(jp_root_dir)) == 1  # the upload is under way
    await raw.send(b"x" * 1000)  # still alive: the countdown starts again
    status, _, body = await raw.response(timeout=5)
    assert status == 408
    assert "JUPYTER_WOPI_UPLOAD_IDLE_TIMEOUT" in body["message"]
    assert await raw.closed_by_server()
    assert temp_files(jp_root_dir) == []
    assert sorted(p.name for p in jp_root_dir.iterdir()) == ["a.docx"]
    assert (jp_root_dir / "a.docx").read_bytes() == ORIGINAL


# -- a full or failing disk (§3) -------------------------------------------------------------


async def test_a_full_disk_is_507_and_leaves_the_file_and_no_temp_file(
    open_session: Any,
    wopi: WopiClient,
    small_disk: Path,
    caplog: pytest.LogCaptureFixture,
    errors_logged: Any,
) -> None:
    doc = await locked_doc(open_session, wopi, "small/report.docx")
    caplog.clear()
    response = await wopi.put_file(
        doc["file_id"], doc["access_token"], b"x" * MiB, lock=doc["file_id"]
    )
    assert response.code == 507
    message = json.loads(response.body)["message"]
    assert message.startswith("The disk holding this file is full or its quota is used up")
    assert "(ENOSPC)" in message and "file is unchanged" in message
    assert (small_disk / "report.docx").read_bytes() == ORIGINAL
    assert temp_files(small_disk) == []
    [line] = [r for r in caplog.records if "ENOSPC" in r.getMessage()]  # not the access log
    assert line.levelno == logging.WARNING and doc["file_id"] in line.getMessage()
    assert line.exc_info is None and "\n" not in line.getMessage()

    relative = await put_relative(wopi, doc, b"x" * MiB, X_WOPI_SuggestedTarget=".pdf")
    assert relative.code == 507
    assert sorted(p.name for p in small_disk.iterdir()) == ["report.docx"]
    # With room again, the same editor saves.
    resize_disk(small_disk, "4m")
    saved = await wopi.put_file(
        doc["file_id"], doc["access_token"], b"y" * MiB, lock=doc["file_id"]
    )
    assert saved.code == 200
    assert (small_disk / "report.docx").read_bytes() == b"y" * MiB


async def test_a_failing_disk_is_500_with_the_reason(
    open_session: Any,
    wopi: WopiClient,
    jp_root_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors_logged: Any,
) -> None:
    doc = await locked_doc(open_session, wopi, "a.docx")

    def broken_write(self: AtomicWriter, chunk: bytes) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(AtomicWriter, "write", broken_write)
    response = await wopi.put_file(doc["file_id"], doc["access_token"], b"new", lock=doc["file_id"])
    assert response.code == 500
    assert json.loads(response.body)["message"] == (
        "The disk failed while handling this request: Input/output error (EIO)."
    )
    assert (jp_root_dir / "a.docx").read_bytes() == ORIGINAL
    assert temp_files(jp_root_dir) == []


async def test_a_save_to_a_file_system_turned_read_only_is_kept_above_it(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, small_disk: Path, errors_logged: Any
) -> None:
    doc = await locked_doc(open_session, wopi, "small/report.docx")
    stamp = await loaded_stamp(wopi, doc)
    resize_disk(small_disk, "256k,ro")
    assert (await save(wopi, doc, b"the editor's work", stamp)).code == 200
    assert (small_disk / "report.docx").read_bytes() == ORIGINAL
    [copy] = conflict_copies(jp_root_dir)
    assert copy.read_bytes() == b"the editor's work"


async def test_a_save_that_takes_longer_than_the_idle_timeout_to_commit_still_lands(
    host: Any,
    open_session: Any,
    wopi: WopiClient,
    jp_root_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors_logged: Any,
) -> None:
    host.settings = dataclasses.replace(host.settings, upload_idle_timeout=0.3)
    doc = await locked_doc(open_session, wopi, "a.docx")
    slow_flush = AtomicWriter.flush

    def flush(self: AtomicWriter) -> None:
        time.sleep(1)  # a slow disk's fsync, off the event loop
        slow_flush(self)

    monkeypatch.setattr(AtomicWriter, "flush", flush)
    response = await wopi.put_file(doc["file_id"], doc["access_token"], b"new", lock=doc["file_id"])
    assert response.code == 200
    assert (jp_root_dir / "a.docx").read_bytes() == b"new"

"""The state database never holds up the Jupyter server: while another process holds the
SQLite write lock, a WOPI Lock waits for it in a worker thread and every other request is
answered meanwhile (it used to freeze the whole server for up to 5 s)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from support.wopi_client import WopiClient


async def test_a_busy_database_holds_up_only_the_requests_that_write(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, tmp_path: Path
) -> None:
    doc = await open_session("busy.docx", b"content")
    other_process = sqlite3.connect(tmp_path / "wopi-state" / "state.sqlite3", isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")  # holds the write lock: writers must wait
    try:
        lock = asyncio.ensure_future(
            wopi.override(doc["file_id"], doc["access_token"], "LOCK", X_WOPI_Lock="L")
        )
        await asyncio.sleep(0.3)
        assert not lock.done()  # waiting for the write lock...
        started = time.monotonic()
        info = await wopi.check_file_info(doc["file_id"], doc["access_token"])
        status = await jp_fetch("api", "wopi", "files", doc["file_id"])
        assert info.code == 200 and json.loads(status.body)["lock"] is None
        assert time.monotonic() - started < 1.0  # ...while the server answers the others
        assert not lock.done()
    finally:
        other_process.execute("COMMIT")
        other_process.close()
    assert (await lock).code == 200
    after = json.loads((await jp_fetch("api", "wopi", "files", doc["file_id"])).body)
    assert after["lock"] is not None

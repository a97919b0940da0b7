"""The lab API's errors that are no bugs (a wrong method, a state database that cannot be
used, a server that is stopping) answer their status and a sentence, with one log line and
no traceback."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from support.wopi_client import WopiClient
from tornado.httpclient import HTTPClientError, HTTPResponse


async def refused(jp_fetch: Any, *path: str, **kwargs: Any) -> HTTPResponse:
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(*path, **kwargs)
    assert err.value.response is not None
    return err.value.response


def message(response: HTTPResponse) -> str:
    return json.loads(response.body)["message"]  # type: ignore[no-any-return]


async def test_a_conflict_event_cannot_be_read_on_its_own(jp_fetch: Any) -> None:
    """It used to be a 500: ConflictsHandler.get() got an unexpected keyword argument."""
    answer = await refused(jp_fetch, "api", "wopi", "conflicts", "7")
    assert answer.code == 405 and answer.headers["Allow"] == "DELETE"
    assert "GET api/wopi/conflicts lists them" in message(answer)
    answer = await refused(jp_fetch, "api", "wopi", "conflicts", method="DELETE")
    assert answer.code == 405 and answer.headers["Allow"] == "GET"
    assert "Name the conflict event to dismiss" in message(answer)


async def test_a_sqlite_database_locked_too_long_is_a_503_with_the_sentence(
    open_session: Any, jp_fetch: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Another program holding the write lock past SQLite's busy timeout: the lab API used
    to answer 500 "Unhandled error" with a traceback in the log."""
    doc = await open_session("a.docx", b"x")
    database = tmp_path / "wopi-state" / "state.sqlite3"
    other_program = sqlite3.connect(database, isolation_level=None)
    other_program.execute("BEGIN IMMEDIATE")
    try:
        answer = await refused(jp_fetch, "api", "wopi", "locks", doc["file_id"], method="DELETE")
    finally:
        other_program.execute("ROLLBACK")
        other_program.close()
    assert answer.code == 503
    assert message(answer).startswith(
        f"The jupyter_wopi state database (SQLite, {database}) cannot be used: database is "
        "locked. Check that the disk holding"
    )
    log = caplog.text
    assert "Traceback" not in log and "Unhandled error" not in log
    assert len([line for line in log.splitlines() if "database is locked" in line]) == 1


async def test_requests_while_the_server_stops_are_503_quietly(
    jp_serverapp: Any,
    open_session: Any,
    wopi: WopiClient,
    jp_fetch: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A lab polling while the server stops (its state closed by stop_extension) used to
    get a 500 and log `RuntimeError: cannot schedule new futures after shutdown`."""
    doc = await open_session("a.docx", b"x")
    [extension] = jp_serverapp.extension_manager.extension_apps["jupyter_wopi"]
    await extension.stop_extension()
    caplog.clear()
    started = time.monotonic()
    for path, kwargs in (
        (("api", "wopi", "locks"), {}),
        (("api", "wopi", "conflicts"), {}),
        (("api", "wopi", "files", doc["file_id"]), {}),
        (("api", "wopi", "sessions"), {"method": "POST", "body": '{"path": "a.docx"}'}),
    ):
        answer = await refused(jp_fetch, *path, **kwargs)
        assert answer.code == 503, path
        assert message(answer) == "The Jupyter server is stopping; try again once it is back."
    page = await refused(jp_fetch, "wopi", "open", "a.docx")
    assert page.code == 503 and b"The Jupyter server is stopping" in page.body
    for call in (
        wopi.check_file_info(doc["file_id"], doc["access_token"]),
        wopi.override(doc["file_id"], doc["access_token"], "LOCK", X_WOPI_Lock="L"),
    ):
        assert (await call).code == 503
    assert time.monotonic() - started < 5
    log = caplog.text
    assert "Traceback" not in log and "cannot schedule new futures" not in log, log
    told = [r for r in caplog.records if "is stopping" in r.getMessage()]
    assert [r.levelname for r in told] == ["INFO"] * 7  # one line a request: nothing is wrong

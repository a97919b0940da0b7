"""The state database under a real server's feet: an admin's look into SQLite, a PostgreSQL
restart or outage. Nothing acknowledged is lost, no request fails because of a restart,
and while the database is down every route says so at once (503 and a sentence)."""

from __future__ import annotations

import html
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from support.postgres_cluster import PostgresCluster, throwaway_cluster
from support.server_process import JupyterServerProcess

# A request may take this long while the database is down (it used to take 30 s).
PROMPT = 5.0
OUTAGE = 10.0  # seconds PostgreSQL is stopped

# What an admin's `sqlite3 state.sqlite3 'SELECT ...'` does: open, read, close, again and again.
ADMIN_LOOK = """
import os, pathlib, sqlite3, sys, time
path, stop = sys.argv[1], sys.argv[2]
looks = 0
while not os.path.exists(stop):
    connection = sqlite3.connect(path)
    connection.execute("SELECT count(*) FROM locks").fetchall()
    connection.close()
    looks += 1
    pathlib.Path(stop + ".looked").touch()
    time.sleep(0.01)
print(looks)
"""


def wopi_call(
    server: JupyterServerProcess,
    session: dict[str, str],
    override: str,
    lock: str = "",
    data: bytes | None = None,
) -> requests.Response:
    """One of ONLYOFFICE's calls: an X-WOPI-Override POST, or PutFile when `data` is given."""
    suffix = "/contents" if data is not None else ""
    headers = {"X-WOPI-Override": override, **({"X-WOPI-Lock": lock} if lock else {})}
    return server.wopi_post(session, suffix, data, **headers)


def posix_lock_holders(path: Path) -> set[int]:
    """The processes holding a POSIX (fcntl) lock on `path`, from /proc/locks."""
    inode = path.stat().st_ino
    holders = set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields:  # a lock waiting for another: `1: -> POSIX ...`
            continue
        if fields[1] == "POSIX" and int(fields[5].rsplit(":", 1)[1]) == inode:
            holders.add(int(fields[4]))
    return holders


def saved_locks(database: Path) -> dict[str, str]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT file_id, lock_id FROM locks").fetchall()
    connection.close()
    return dict(rows)


def test_an_admins_look_into_the_sqlite_database_loses_and_breaks_nothing(
    tmp_path: Path,
) -> None:
    """Another process opening and closing the database (an admin's `sqlite3`, a backup)
    while the server works: it used to delete the WAL under the server, which had dropped
    its own locks at start (a 200 for a Lock not in the database, then 503s)."""
    server = JupyterServerProcess(tmp_path)
    database = server.state_dir / "state.sqlite3"
    stop = tmp_path / "stop-looking"
    with server:
        assert server.proc is not None
        assert server.proc.pid in posix_lock_holders(database)  # SQLite's own, kept
        sessions = []
        for n in range(12):
            (server.root / f"doc-{n}.docx").write_bytes(b"v1")
            sessions.append(server.open_session(f"doc-{n}.docx"))
        admin = subprocess.Popen(
            [sys.executable, "-c", ADMIN_LOOK, str(database), str(stop)],
            stdout=subprocess.PIPE,
            text=True,
        )
        failed: list[str] = []
        held: dict[str, str] = {}
        try:
            while admin.poll() is None and not (tmp_path / "stop-looking.looked").exists():
                time.sleep(0.01)  # the first look, before the first request
            for n, session in enumerate(sessions):
                fid, lock = session["file_id"], f"lock-{n}"
                for name, answer in (
                    ("LOCK", wopi_call(server, session, "LOCK", lock)),
                    ("PUT", wopi_call(server, session, "PUT", lock, data=b"v2")),
                    ("GET_LOCK", wopi_call(server, session, "GET_LOCK")),
                    ("REFRESH_LOCK", wopi_call(server, session, "REFRESH_LOCK", lock)),
                    *([("UNLOCK", wopi_call(server, session, "UNLOCK", lock))] if n % 3 else []),
                ):
                    if answer.status_code != 200:
                        failed.append(f"{name} {fid}: {answer.status_code} {answer.text}")
                    elif name == "LOCK":
                        held[fid] = lock
                    elif name == "UNLOCK":
                        del held[fid]
        finally:
            stop.touch()
            looks = int(admin.communicate(timeout=30)[0])
        assert looks > 1  # the admin looked before the requests, and meanwhile
        assert failed == [], failed
        assert held.items() <= saved_locks(database).items()
        assert "Traceback" not in server.log_path.read_text(), server.log_tail()
    assert held.items() <= saved_locks(database).items()  # and after the server stopped


# -- PostgreSQL: restarts and outages -------------------------------------------------------


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    """A cluster of this module's own: its tests stop and restart it."""
    yield from throwaway_cluster()


@pytest.fixture
def state_url(cluster: PostgresCluster) -> str:
    return cluster.new_database()


@pytest.fixture
def server(state_url: str, tmp_path: Path) -> Iterator[JupyterServerProcess]:
    config = {"JupyterWopi": {"state_url": state_url}}
    with JupyterServerProcess(tmp_path, extra_config=config) as srv:
        yield srv


def pooled_connections(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as connection:
        [(count,)] = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'jupyter_wopi'"
        ).fetchall()
    return int(count)


def edit_sessions(server: JupyterServerProcess, count: int) -> list[dict[str, str]]:
    sessions = []
    for n in range(count):
        (server.root / f"doc-{n}.docx").write_bytes(b"v1")
        sessions.append(server.open_session(f"doc-{n}.docx"))
    return sessions


def an_editing_round(server: JupyterServerProcess, sessions: list[dict[str, str]]) -> list[str]:
    """Lock, PutFile, GetLock, RefreshLock, the lab's status poll and Unlock on each file,
    one request after the other; the requests that failed."""
    failed = []
    for n, session in enumerate(sessions):
        lock = f"lock-{n}"
        for name, answer in (
            ("LOCK", wopi_call(server, session, "LOCK", lock)),
            ("PUT", wopi_call(server, session, "PUT", lock, data=b"v2")),
            ("GET_LOCK", wopi_call(server, session, "GET_LOCK")),
            ("REFRESH_LOCK", wopi_call(server, session, "REFRESH_LOCK", lock)),
            ("status", lab_get(server, f"api/wopi/files/{session['file_id']}")),
            ("UNLOCK", wopi_call(server, session, "UNLOCK", lock)),
        ):
            if answer.status_code != 200:
                failed.append(f"{name} {n}: {answer.status_code} {answer.text}")
    return failed


def lab_get(server: JupyterServerProcess, path: str) -> requests.Response:
    return requests.get(server.url(path), headers=server.auth(), timeout=60)


def fill_the_pool(
    server: JupyterServerProcess, sessions: list[dict[str, str]], state_url: str
) -> None:
    """Requests at once, so that the server holds several connections to the database."""
    with ThreadPoolExecutor(8) as pool:
        for _ in range(5):
            answers = list(
                pool.map(lambda n: wopi_call(server, sessions[n % 4], "GET_LOCK"), range(16))
            )
            assert {answer.status_code for answer in answers} == {200}
    assert pooled_connections(state_url) > 1


def test_a_postgresql_restart_costs_no_request(
    cluster: PostgresCluster, server: JupyterServerProcess, state_url: str
) -> None:
    """After `pg_ctl restart` every pooled connection is dead: each used to fail its next
    request with a 503 (PutFile included)."""
    sessions = edit_sessions(server, 4)
    for _ in range(2):
        fill_the_pool(server, sessions, state_url)
        cluster.restart()
        assert an_editing_round(server, sessions) == []  # 24 requests, one after the other
    assert "Traceback" not in server.log_path.read_text(), server.log_tail()


def test_requests_succeed_once_postgresql_is_back_after_an_outage(
    cluster: PostgresCluster, server: JupyterServerProcess, state_url: str
) -> None:
    """`pg_ctl stop` for 10 s, then start: meanwhile each request is refused at once (it
    used to wait 30 s for a connection), and once it is back every request succeeds at
    once (the pool used to wait ever longer between its attempts to reconnect)."""
    sessions = edit_sessions(server, 4)
    fill_the_pool(server, sessions, state_url)
    cluster.halt()
    halted = time.monotonic()
    try:
        while time.monotonic() - halted < OUTAGE:
            started = time.monotonic()
            assert wopi_call(server, sessions[0], "GET_LOCK").status_code == 503
            assert time.monotonic() - started < PROMPT
    finally:
        cluster.serve()
    started = time.monotonic()
    assert wopi_call(server, sessions[0], "GET_LOCK").status_code == 200
    assert time.monotonic() - started < PROMPT
    assert an_editing_round(server, sessions) == []


def test_while_postgresql_is_down_every_route_says_so_at_once(
    cluster: PostgresCluster, server: JupyterServerProcess, state_url: str
) -> None:
    """The lab's routes used to answer 500 "Unhandled error" with a traceback in the log,
    five of them only after 30 s; now each answers 503 with the sentence, in seconds."""
    [session] = edit_sessions(server, 1)
    fid = session["file_id"]
    for name in ("new.docx", "page.docx", "convert.docx"):
        (server.root / name).write_bytes(b"x")
    requests_while_down = [
        ("POST", "api/wopi/sessions", {"path": "new.docx"}),
        ("GET", "api/wopi/files?path=doc-0.docx", None),
        ("GET", f"api/wopi/files/{fid}", None),
        ("GET", "api/wopi/locks", None),
        ("DELETE", f"api/wopi/locks/{fid}", None),
        ("GET", "api/wopi/conflicts", None),
        ("DELETE", "api/wopi/conflicts/1", None),
        ("POST", "api/wopi/convert", {"path": "convert.docx", "format": "pdf"}),
        ("GET", "wopi/open/page.docx", None),
    ]
    cluster.halt()
    try:
        for method, path, body in requests_while_down:
            started = time.monotonic()
            answer = requests.request(
                method, server.url(path), headers=server.auth(), json=body, timeout=60
            )
            took = time.monotonic() - started
            if path.startswith("wopi/open/"):
                sentence = html.unescape(answer.text)  # the host page, in HTML
            else:
                sentence = answer.json()["message"]
            assert answer.status_code == 503, (path, answer.text)
            assert took < PROMPT, (path, took)
            assert f"state database (PostgreSQL, postgres@127.0.0.1:{cluster.port}/" in sentence
            assert "accepts connections" in sentence and "JUPYTER_WOPI_STATE_URL" in sentence
        started = time.monotonic()  # and ONLYOFFICE's calls, as before
        assert wopi_call(server, session, "LOCK", "L").status_code == 503
        assert time.monotonic() - started < PROMPT
    finally:
        cluster.serve()
    log = server.log_path.read_text()
    assert "Traceback" not in log and "Unhandled error" not in log, server.log_tail()
    told = [line for line in log.splitlines() if "state database (PostgreSQL" in line]
    assert len(told) == len(requests_while_down) + 1, told  # one line for each
    assert server.token not in log


def test_what_checkfileinfo_remembers_follows_other_processes_and_restarts(
    cluster: PostgresCluster, state_url: str, tmp_path: Path
) -> None:
    """CheckFileInfo remembers the UserInfo and reopen count it read (no database round trip
    for an editor's calls); a change made through another process reaches it at once (NOTIFY),
    also after PostgreSQL restarted (the listening connection is made again)."""
    root = tmp_path / "shared"
    first, second = (
        JupyterServerProcess(tmp_path / name, {"JupyterWopi": {"state_url": state_url}}, root=root)
        for name in ("a", "b")
    )
    (root / "memo.docx").write_bytes(b"memo")
    with first, second:
        session = first.open_session("memo.docx")
        servers = (first, second)

        def user_info(server: JupyterServerProcess) -> Any:
            info = requests.get(
                server.url(f"wopi/files/{session['file_id']}"),
                params={"access_token": session["access_token"]},
                timeout=30,
            )
            assert info.status_code == 200, info.text
            return info.json().get("UserInfo", "")

        def put_user_info(server: JupyterServerProcess, value: str) -> None:
            answer = requests.post(
                server.url(f"wopi/files/{session['file_id']}"),
                params={"access_token": session["access_token"]},
                headers={"X-WOPI-Override": "PUT_USER_INFO"},
                data=value.encode(),
                timeout=30,
            )
            assert answer.status_code == 200, answer.text

        def changes_reach_both() -> None:
            for n in range(20):
                writer, reader = servers[n % 2], servers[(n + 1) % 2]
                assert user_info(reader) == user_info(writer)  # both have it remembered
                put_user_info(writer, f"theme={n}")
                assert (user_info(reader), user_info(writer)) == (f"theme={n}", f"theme={n}")

        changes_reach_both()
        cluster.restart()
        for server in servers:  # each finds its listening connection gone, reads, listens again
            user_info(server)
        changes_reach_both()
    for server in servers:
        assert "Traceback" not in server.log_path.read_text(), server.log_tail()

"""The state database under a real server's feet: an admin's look into SQLite, a PostgreSQL
restart or outage. Nothing acknowledged is lost, no request fails because of a restart,
and while the database is down every route says so at once (503 and a sentence)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import requests
from server_process import JupyterServerProcess

# What an admin's `sqlite3 state.sqlite3 'SELECT ...'` does: open, read, close, again and again.
ADMIN_LOOK = """
import os, sqlite3, sys, time
path, stop = sys.argv[1], sys.argv[2]
looks = 0
while not os.path.exists(stop):
    connection = sqlite3.connect(path)
    connection.execute("SELECT count(*) FROM locks").fetchall()
    connection.close()
    looks += 1
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
    return requests.post(
        server.url(f"wopi/files/{session['file_id']}{suffix}"),
        params={"access_token": session["access_token"]},
        headers=headers,
        data=data,
        timeout=30,
    )


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
        assert looks > 10  # the admin really looked, again and again, meanwhile
        assert failed == [], failed
        assert held.items() <= saved_locks(database).items()
        assert "Traceback" not in server.log_path.read_text(), server.log_tail()
    assert held.items() <= saved_locks(database).items()  # and after the server stopped

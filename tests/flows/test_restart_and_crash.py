"""Durability against a real server process: locks and tokens survive a restart, a SIGKILL
during PutFile leaves the old bytes, and file ids survive out-of-band renames."""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from support.server_process import BASE_URL, JupyterServerProcess

MIB = 1 << 20
BODY_A = b"A-HEADER jupyter_wopi original\n" + b"\xaa" * (64 * MIB)
BODY_B = b"B-HEADER jupyter_wopi upload\n" + b"\xbb" * (64 * MIB)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[JupyterServerProcess]:
    with JupyterServerProcess(tmp_path) as srv:
        yield srv


def wopi(
    srv: JupyterServerProcess,
    file_id: str,
    token: str,
    override: str = "",
    contents: bool = False,
    data: bytes = b"",
    **headers: str,
) -> requests.Response:
    """CheckFileInfo (no override), an X-WOPI-Override POST, or PutFile (contents=True)."""
    url = srv.url(f"wopi/files/{file_id}" + ("/contents" if contents else ""))
    if override:
        headers["X-WOPI-Override"] = override
    hdrs = {k.replace("_", "-"): v for k, v in headers.items()}
    method = "POST" if override else "GET"
    return requests.request(
        method, url, params={"access_token": token}, headers=hdrs, data=data, timeout=120
    )


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_locked(srv: JupyterServerProcess, name: str, content: bytes) -> tuple[str, str]:
    (srv.root / name).write_bytes(content)
    session = srv.open_session(name)
    file_id, token = session["file_id"], session["access_token"]
    assert wopi(srv, file_id, token, "LOCK", X_WOPI_Lock=file_id).status_code == 200
    return file_id, token


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if ".~jupyter_wopi." in p.name and p.suffix == ".tmp"]


def test_locks_and_tokens_survive_restart(server: JupyterServerProcess) -> None:
    file_id, token = open_locked(server, "doc.docx", b"before")
    server.restart()

    info = wopi(server, file_id, token)
    assert info.status_code == 200, info.text
    assert info.json()["BaseFileName"] == "doc.docx"
    got = wopi(server, file_id, token, "GET_LOCK")
    assert got.status_code == 200 and got.headers["X-WOPI-Lock"] == file_id
    other = wopi(server, file_id, token, "LOCK", X_WOPI_Lock="someone-else")
    assert other.status_code == 409 and other.headers["X-WOPI-Lock"] == file_id
    put = wopi(server, file_id, token, "PUT", contents=True, data=b"after", X_WOPI_Lock=file_id)
    assert put.status_code == 200, put.text
    assert (server.root / "doc.docx").read_bytes() == b"after"
    assert server.open_session("doc.docx")["file_id"] == file_id


def test_kill_during_put_file_keeps_old_bytes(server: JupyterServerProcess) -> None:
    file_id, token = open_locked(server, "big.docx", BODY_A)
    path = f"{BASE_URL}wopi/files/{file_id}/contents?access_token={quote(token, safe='')}"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"X-WOPI-Override: PUT\r\nX-WOPI-Lock: {file_id}\r\n"
        f"Content-Length: {len(BODY_B)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
        sock.sendall(head + BODY_B[: len(BODY_B) // 2])  # then stall: half an upload
        deadline = time.monotonic() + 30
        while not any(p.stat().st_size >= 8 * MIB for p in temp_files(server.root)):
            assert time.monotonic() < deadline, f"no growing temp file:\n{server.log_tail()}"
            time.sleep(0.05)
        server.kill()

    assert sha((server.root / "big.docx").read_bytes()) == sha(BODY_A)
    assert all(p.name.startswith(".") for p in server.root.iterdir() if p.name != "big.docx")

    server.start()
    put = wopi(server, file_id, token, "PUT", contents=True, data=BODY_B, X_WOPI_Lock=file_id)
    assert put.status_code == 200, put.text
    assert sha((server.root / "big.docx").read_bytes()) == sha(BODY_B)


def test_kill_right_after_put_file_keeps_new_bytes(server: JupyterServerProcess) -> None:
    file_id, token = open_locked(server, "big.docx", BODY_A)
    put = wopi(server, file_id, token, "PUT", contents=True, data=BODY_B, X_WOPI_Lock=file_id)
    assert put.status_code == 200, put.text
    server.kill()

    assert sha((server.root / "big.docx").read_bytes()) == sha(BODY_B)
    assert temp_files(server.root) == []
    server.start()
    info = wopi(server, file_id, token)
    assert info.status_code == 200 and info.json()["Size"] == len(BODY_B)


@pytest.mark.parametrize("new_path", ["renamed.docx", "sub/moved.docx"])
def test_file_id_follows_rename_while_stopped(server: JupyterServerProcess, new_path: str) -> None:
    (server.root / "old.docx").write_bytes(b"content")
    session = server.open_session("old.docx")
    file_id, token = session["file_id"], session["access_token"]
    server.stop()
    (server.root / new_path).parent.mkdir(exist_ok=True)  # `mkdir sub && mv old.docx sub/`
    (server.root / "old.docx").rename(server.root / new_path)
    server.start()

    info = wopi(server, file_id, token)
    assert info.status_code == 200, info.text
    assert info.json()["BaseFileName"] == Path(new_path).name
    assert server.open_session(new_path)["file_id"] == file_id


def test_ids_of_the_index_older_releases_kept_still_open_their_files(tmp_path: Path) -> None:
    """Before 0.2, ids lived in jupyter_server_fileid's table (absolute paths, file_ids.sqlite3
    in the state folder); an editor opened then still reaches its file after an upgrade."""
    import sqlite3

    server = JupyterServerProcess(tmp_path)
    report = server.root / "team" / "report.docx"
    report.parent.mkdir(parents=True)
    report.write_bytes(b"quarterly")
    server.state_dir.mkdir()
    legacy_id = "0b8f5bd6-3ac1-4d8e-9d54-5b2a4b1f7c11"
    with sqlite3.connect(server.state_dir / "file_ids.sqlite3") as old:
        old.execute(
            "CREATE TABLE Files (id TEXT PRIMARY KEY NOT NULL, path TEXT NOT NULL,"
            " ino INTEGER NOT NULL UNIQUE, crtime INTEGER, mtime INTEGER NOT NULL,"
            " is_dir TINYINT NOT NULL)"
        )
        st = report.stat()
        old.execute(
            "INSERT INTO Files VALUES (?, ?, ?, NULL, ?, 0)",
            (legacy_id, str(report), st.st_ino, st.st_mtime_ns),
        )
        old.execute(  # a folder, and a file of another root: neither becomes an id
            "INSERT INTO Files VALUES ('d', ?, ?, NULL, 0, 1)", (str(report.parent), 1)
        )
        old.execute("INSERT INTO Files VALUES ('x', '/elsewhere/a.docx', 2, NULL, 0, 0)")
    with server:
        assert server.open_session("team/report.docx")["file_id"] == legacy_id
        assert "took 1 file ids from file_ids.sqlite3" in server.log_path.read_text()
    with server:  # imported once
        assert server.log_path.read_text().count("took 1 file ids") == 1

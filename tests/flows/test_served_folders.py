"""One user, two projects: `cd project-a && jupyter lab` and `cd project-b && jupyter lab` share
the default state folder, and both have a memo.docx. Ids, locks, saves and conflicts belong
to the served folder: the servers never share a document (issue 19, item 6). Two servers on
the same folder share them all, as before."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from support.server_process import JupyterServerProcess

TIMEOUT = 30


class Server(JupyterServerProcess):
    def wopi(self, method: str, doc: dict[str, Any], suffix: str = "", **headers: str) -> Any:
        return requests.request(
            method,
            f"{doc['wopi_src']}{suffix}",
            params={"access_token": doc["access_token"]},
            headers=headers,
            timeout=TIMEOUT,
        )

    def api(self, path: str) -> Any:
        response = requests.get(self.url(path), headers=self.auth(), timeout=TIMEOUT)
        response.raise_for_status()
        return response.json()


@pytest.fixture
def projects(tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    """Two servers of one user (one workdir: one state folder), on project-a and project-b."""
    a = Server(tmp_path, root=tmp_path / "project-a")
    b = Server(tmp_path, root=tmp_path / "project-b")
    (a.root / "memo.docx").write_bytes(b"confidential numbers A")
    (b.root / "memo.docx").write_bytes(b"project B's memo")
    with a, b:
        yield a, b


def test_two_projects_of_one_user_never_share_a_document(projects: tuple[Server, Server]) -> None:
    a, b = projects
    memo_a, memo_b = a.open_session("memo.docx"), b.open_session("memo.docx")
    assert memo_a["file_id"] != memo_b["file_id"]  # so two ONLYOFFICE document keys
    assert b.wopi("GET", memo_b, "/contents").content == b"project B's memo"
    lock = {"X-WOPI-Override": "LOCK", "X-WOPI-Lock": memo_a["file_id"]}
    assert a.wopi("POST", memo_a, **lock).status_code == 200
    assert b.api("api/wopi/locks") == {"locks": []}
    # A's id and token sent to B's server reach nothing there (same user, same secret).
    stray = {**memo_a, "wopi_src": memo_a["wopi_src"].replace(str(a.port), str(b.port))}
    assert b.wopi("GET", stray).status_code == 404
    assert b.wopi("GET", stray, "/contents").status_code == 404
    put = {"X-WOPI-Override": "PUT", "X-WOPI-Lock": memo_a["file_id"]}
    assert b.wopi("POST", stray, "/contents", **put).status_code == 404
    assert sorted(p.name for p in b.root.iterdir()) == ["memo.docx"]
    # B's editor saves B's memo; a save of A that lands as a conflict copy is A's alone.
    lock_b = {"X-WOPI-Override": "LOCK", "X-WOPI-Lock": memo_b["file_id"]}
    assert b.wopi("POST", memo_b, **lock_b).status_code == 200
    put_b = {"X-WOPI-Override": "PUT", "X-WOPI-Lock": memo_b["file_id"]}
    response = requests.post(
        f"{memo_b['wopi_src']}/contents",
        params={"access_token": memo_b["access_token"]},
        headers=put_b,
        data=b"B, edited",
        timeout=TIMEOUT,
    )
    assert response.status_code == 200
    assert (a.root / "memo.docx").read_bytes() == b"confidential numbers A"
    (a.root / "memo.docx").write_bytes(b"A changed on disk")  # A's editor now saves a copy
    stale = {**put, "X-LOOL-WOPI-Timestamp": "2001-01-01T00:00:00.0000000Z"}
    assert a.wopi("POST", memo_a, "/contents", **stale).status_code == 200
    assert len(a.api("api/wopi/conflicts")["conflicts"]) == 1
    assert b.api("api/wopi/conflicts") == {"conflicts": []}
    status_b = b.api(f"api/wopi/files/{memo_b['file_id']}")
    assert (status_b["conflicts"], status_b["last_save"]["kept_as"]) == ([], "")


def test_two_servers_on_one_folder_share_ids_and_locks(tmp_path: Path) -> None:
    first = Server(tmp_path / "one", root=tmp_path / "project")
    second = Server(tmp_path / "one", root=tmp_path / "project")
    (first.root / "memo.docx").write_bytes(b"memo")
    with first, second:
        doc = first.open_session("memo.docx")
        assert second.open_session("memo.docx")["file_id"] == doc["file_id"]
        lock = {"X-WOPI-Override": "LOCK", "X-WOPI-Lock": doc["file_id"]}
        assert first.wopi("POST", doc, **lock).status_code == 200
        [listed] = second.api("api/wopi/locks")["locks"]
        assert listed["file_id"] == doc["file_id"]

        # What CheckFileInfo remembers follows the other server's changes at once.
        def on(server: Server) -> dict[str, Any]:
            return {**doc, "wopi_src": server.url(f"wopi/files/{doc['file_id']}")}

        for n in range(10):
            writer, reader = (first, second) if n % 2 else (second, first)
            before = reader.wopi("GET", on(reader)).json().get("UserInfo", "")
            assert before == (str(n - 1) if n else "")
            answer = requests.post(
                on(writer)["wopi_src"],
                params={"access_token": doc["access_token"]},
                headers={"X-WOPI-Override": "PUT_USER_INFO"},
                data=str(n).encode(),
                timeout=TIMEOUT,
            )
            assert answer.status_code == 200, answer.text
            assert reader.wopi("GET", on(reader)).json()["UserInfo"] == str(n)

"""The file-system rules as an ordinary user (issue 9 §18): root ignores permission bits, so
here the Jupyter server runs as `nobody` (dropped with setpriv) and the kernel, not only the
mode bits, says what it may write. Skipped, saying why, when the tests do not run as root."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from support.server_process import JupyterServerProcess

NOBODY = 65534

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="dropping to an ordinary user needs root and setpriv (util-linux)",
)


def chown_tree(folder: Path, uid: int) -> None:
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, uid, uid, follow_symlinks=False)


@pytest.fixture
def workdir() -> Iterator[Path]:
    """Outside pytest's tmp folder, whose parents only root may enter: access(2) answers
    as the user, who must be able to reach the files."""
    folder = Path(tempfile.mkdtemp(prefix="jupyter-wopi-nobody-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


class Server(JupyterServerProcess):
    def __init__(self, workdir: Path) -> None:
        super().__init__(workdir, uid=NOBODY)
        self.env.update(HOME=str(workdir), PYTHONDONTWRITEBYTECODE="1")

    def start(self, timeout: float = 30) -> None:
        chown_tree(self.workdir, NOBODY)
        super().start(timeout)

    def put(self, name: str, content: bytes, owner: int = NOBODY) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        os.chown(path, owner, owner)
        os.chown(path.parent, NOBODY, NOBODY)
        return path

    def wopi(self, method: str, doc: dict[str, Any], suffix: str = "", **kwargs: Any) -> Any:
        url = f"{doc['wopi_src']}{suffix}?access_token={doc['access_token']}"
        return requests.request(method, url, timeout=30, **kwargs)

    def locked(self, path: str) -> dict[str, Any]:
        doc = self.open_session(path)
        assert doc["mode"] == "edit", doc
        lock = self.wopi("POST", doc, headers={"X-WOPI-Override": "LOCK", "X-WOPI-Lock": "L"})
        assert lock.status_code == 200
        return doc

    def save(self, doc: dict[str, Any], body: bytes) -> int:
        headers = {"X-WOPI-Override": "PUT", "X-WOPI-Lock": "L"}
        return int(self.wopi("POST", doc, "/contents", headers=headers, data=body).status_code)


@pytest.fixture
def server(workdir: Path) -> Iterator[Server]:
    srv = Server(workdir)
    try:
        srv.start()
        yield srv
    finally:
        srv.stop()


def copies(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if "(conflict " in p.name)


def test_the_server_really_runs_as_an_ordinary_user(server: Server) -> None:
    assert server.proc is not None
    assert os.stat(f"/proc/{server.proc.pid}").st_uid == NOBODY


def test_a_file_made_read_only_while_open_is_never_written(server: Server) -> None:
    target = server.put("plan.docx", b"loaded")
    doc = server.locked("plan.docx")
    target.chmod(0o444)
    assert server.save(doc, b"the editor's work") == 200
    assert target.read_bytes() == b"loaded"
    [copy] = copies(server.root)
    assert copy.read_bytes() == b"the editor's work"
    st = copy.stat()
    assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (NOBODY, 0o666 & ~current_umask())
    server.wopi("POST", doc, headers={"X-WOPI-Override": "UNLOCK", "X-WOPI-Lock": "L"})
    for override, extra in (("RENAME_FILE", {"X-WOPI-RequestedName": "x"}), ("DELETE", {})):
        answer = server.wopi("POST", doc, headers={"X-WOPI-Override": override, **extra})
        assert answer.status_code == 403, override
    assert sorted(p.name for p in server.root.iterdir()) == sorted(["plan.docx", copy.name])


def test_a_save_into_a_folder_made_read_only_lands_above_it(server: Server) -> None:
    target = server.put("team/plan.docx", b"loaded")
    doc = server.locked("team/plan.docx")
    target.parent.chmod(0o555)
    try:
        assert server.save(doc, b"the editor's work") == 200
        assert sorted(p.name for p in target.parent.iterdir()) == ["plan.docx"]
        [copy] = copies(server.root)
        assert copy.read_bytes() == b"the editor's work"
    finally:
        target.parent.chmod(0o755)


def test_a_file_of_another_user_opens_read_only_and_is_never_overwritten(server: Server) -> None:
    theirs = server.put("theirs.docx", b"root's", owner=0)  # 0644, owned by root
    mine = server.put("mine.docx", b"mine")
    assert server.open_session("theirs.docx")["mode"] == "view"
    doc = server.locked("mine.docx")
    answer = server.wopi(
        "POST",
        doc,
        headers={
            "X-WOPI-Override": "PUT_RELATIVE",
            "X-WOPI-RelativeTarget": "theirs.docx",
            "X-WOPI-OverwriteRelativeTarget": "true",
        },
        data=b"evil",
    )
    assert answer.status_code == 409
    assert answer.headers["X-WOPI-ValidRelativeTarget"] == "theirs (2).docx"
    assert theirs.read_bytes() == b"root's" and mine.read_bytes() == b"mine"


def test_a_state_folder_the_user_cannot_write_is_explained(workdir: Path) -> None:
    # (An unreadable secret cannot be tried here: the server may read anything, see
    # as_user(); tests/api/test_state_dir.py covers it.)
    srv = Server(workdir)
    srv.state_dir.mkdir()
    srv.put("a.docx", b"x")
    chown_tree(workdir, NOBODY)
    srv.state_dir.chmod(0o500)
    expected = f"The jupyter_wopi state folder {srv.state_dir} is not writable"
    try:
        JupyterServerProcess.start(srv)  # as it is: Server.start would hand it back
        answer = requests.post(
            srv.url("api/wopi/sessions"), headers=srv.auth(), json={"path": "a.docx"}, timeout=30
        )
        assert answer.status_code == 503
        assert answer.json()["message"].startswith(expected)
        assert expected in srv.log_tail()
    finally:
        srv.stop()


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_versions_are_kept_by_hard_link_and_private_to_the_servers_user(server: Server) -> None:
    target = server.put("v.docx", b"the replaced bytes")
    inode = target.stat().st_ino
    doc = server.locked("v.docx")
    assert server.save(doc, b"new") == 200
    folder = server.state_dir / "versions"
    [blob] = list(folder.iterdir())
    assert blob.stat().st_ino == inode  # the user's own file: linked, not copied
    assert (folder.stat().st_uid, stat.S_IMODE(folder.stat().st_mode)) == (NOBODY, 0o700)
    assert (blob.stat().st_uid, stat.S_IMODE(blob.stat().st_mode)) == (NOBODY, 0o600)
    listed = requests.get(
        server.url("api/wopi/versions"),
        params={"path": "v.docx"},
        headers=server.auth(),
        timeout=30,
    ).json()
    [version] = listed["versions"]
    content = requests.get(
        server.url(f"api/wopi/versions/{doc['file_id']}/{version['id']}"),
        headers=server.auth(),
        timeout=30,
    )
    assert content.content == b"the replaced bytes"

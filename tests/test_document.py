"""`jupyter_wopi.Document` in a kernel (issue 12 item 1, kernel side): cheap to import, its
MIME bundle, and the link to the standalone editor page on the server that serves the file."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import WopiClient
from tornado.httpclient import HTTPClientError

from jupyter_wopi import Document
from jupyter_wopi.document import (
    MIME_TYPE,
    OPEN_MIME_TYPE,
    ServerInfo,
    running_servers,
    server_path,
)


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Jupyter's runtime folder, empty: the tests write the servers a kernel finds there."""
    folder = tmp_path / "kernel-runtime"
    folder.mkdir()
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(folder))
    return folder


def test_importing_it_in_a_kernel_loads_no_server_code() -> None:
    code = (
        "import sys, jupyter_wopi; from jupyter_wopi import Document; "
        "print(sorted(m for m in ('tornado', 'jupyter_server', 'traitlets', 'cryptography') "
        "if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"


def test_the_bundle_carries_the_path_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))  # no running server
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "results.xlsx").write_bytes(b"cells")
    bundle = Document(Path("out/results.xlsx"), height=300)._repr_mimebundle_()
    assert set(bundle) == {MIME_TYPE, "text/html", "text/plain"}
    assert bundle[MIME_TYPE] == {
        "path": "out/results.xlsx",
        "height": 300,
        "mode": "view",
        "exists": True,
    }
    json.dumps(bundle)  # what the kernel sends must be JSON
    assert bundle["text/plain"] == "Document('out/results.xlsx')"


def test_a_missing_file_says_so_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    bundle = Document("report.docx", mode="edit")._repr_mimebundle_()
    assert bundle[MIME_TYPE]["exists"] is False
    assert bundle["text/plain"].endswith("(no such file)")
    assert "report.docx: no such file" in bundle["text/html"]
    assert str(tmp_path) not in json.dumps(bundle)  # saved notebooks carry no local paths
    assert bundle["text/plain"].startswith("Document('report.docx', mode='edit')")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"mode": "write"}, ValueError), ({"height": 2.5}, TypeError), ({"height": True}, TypeError)],
)
def test_bad_options_are_refused_with_a_sentence(kwargs: dict[str, object], error: type) -> None:
    with pytest.raises(error, match="must be"):
        Document("a.docx", **kwargs)  # type: ignore[arg-type]


def session_holder(check_file_info: Any) -> str:
    """Who a session's lock is held by: its user, as CheckFileInfo names them."""
    return str(json.loads(check_file_info.body)["UserFriendlyName"])


def test_the_server_with_the_deepest_root_serves_a_file(tmp_path: Path) -> None:
    home = ServerInfo(str(tmp_path), "/")
    project = ServerInfo(str(tmp_path / "project"), "/user/ada/")
    sibling = ServerInfo(str(tmp_path / "proj"), "/other/")
    file = str(tmp_path / "project" / "out" / "q3 final.docx")
    assert server_path(file, [home, sibling, project]) == (project, "out/q3 final.docx")
    assert server_path(file, [sibling]) is None  # /proj is not a parent of /project
    assert server_path(str(tmp_path.parent / "x.docx"), [home]) is None


def test_the_html_links_to_the_editor_page_of_the_running_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runtime: Path
) -> None:
    root = tmp_path / "work"
    (root / "out").mkdir(parents=True)
    (root / "out" / "q3 final.docx").write_bytes(b"doc")
    (runtime / "jpserver-1.json").write_text(
        json.dumps({"root_dir": str(root), "base_url": "/user/ada/", "url": "http://x/"})
    )
    (runtime / "jpserver-0.json").write_text("{not json")  # a server still writing its file
    assert running_servers() == [ServerInfo(str(root), "/user/ada/", "http://x/")]
    monkeypatch.chdir(root / "out")
    viewed = Document("q3 final.docx")._repr_mimebundle_()["text/html"]
    assert 'href="/user/ada/wopi/open/out/q3%20final.docx?action=view"' in viewed
    assert "View q3 final.docx in ONLYOFFICE Docs" in viewed
    edited = Document("q3 final.docx", mode="edit").editor_url()
    assert edited == "/user/ada/wopi/open/out/q3%20final.docx"
    # The renderer is told where the server has it (the kernel may have changed folder).
    assert Document("q3 final.docx")._repr_mimebundle_()[MIME_TYPE]["server_path"] == (
        "out/q3 final.docx"
    )
    # A file outside the running server's root: the renderer can say so.
    outside = tmp_path / "elsewhere.docx"
    outside.write_bytes(b"doc")
    data = Document(outside)._repr_mimebundle_()[MIME_TYPE]
    assert data["outside_root"] is True and "server_path" not in data
    # No server serves it: no guessed link, a sentence instead.
    (runtime / "jpserver-1.json").unlink()
    assert "href" not in Document("q3 final.docx")._repr_mimebundle_()["text/html"]
    assert "outside_root" not in Document(outside)._repr_mimebundle_()[MIME_TYPE]  # unknown


def test_open_asks_the_lab_once_and_leaves_a_plain_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runtime: Path
) -> None:
    """In IPython, open() displays a request the lab carries out, then replaces it at once
    with a record without one: a saved notebook must not open tabs when opened later."""
    from IPython.core.interactiveshell import InteractiveShell

    (runtime / "jpserver-1.json").write_text(json.dumps({"root_dir": str(tmp_path)}))
    (tmp_path / "report.docx").write_bytes(b"doc")
    monkeypatch.chdir(tmp_path)
    shell = InteractiveShell.instance()
    shown: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(
        shell.display_pub,
        "publish",
        lambda data, metadata=None, *, transient=None, update=False, **_: shown.append(
            ("update" if update else "display", data)
        ),
    )
    try:
        Document("report.docx").open()
    finally:
        InteractiveShell.clear_instance()
    assert [kind for kind, _ in shown] == ["display", "update"]
    first, record = shown[0][1][OPEN_MIME_TYPE], shown[1][1][OPEN_MIME_TYPE]
    assert first["path"] == "report.docx" and first["server_path"] == "report.docx"
    assert len(first["request"]) == 32
    assert "request" not in record and record["server_path"] == "report.docx"
    assert 'href="/wopi/open/report.docx"' in shown[1][1]["text/html"]
    assert shown[1][1]["text/plain"].startswith("Open report.docx in ONLYOFFICE Docs: /wopi")


def test_open_refuses_a_missing_file_with_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runtime: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"later\.docx: no such file, so it cannot be"):
        Document("later.docx").open()


def test_open_outside_ipython_prints_the_editor_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runtime: Path
) -> None:
    (runtime / "jpserver-1.json").write_text(
        json.dumps({"root_dir": str(tmp_path), "base_url": "/user/ada/"})
    )
    (tmp_path / "deck.pptx").write_bytes(b"pptx")
    code = "from jupyter_wopi import Document; Document('deck.pptx').open()"
    printed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime)},
    ).stdout
    assert printed.strip() == (
        "Open deck.pptx in ONLYOFFICE Docs: /user/ada/wopi/open/deck.pptx (on this Jupyter server)"
    )


# -- the editor's saves, asked of a real Jupyter server (issue 12 item 4) ---------------------


@pytest.fixture
def served(
    jp_fetch: Any, jp_serverapp: Any, jp_root_dir: Path, jp_http_port: int, jp_base_url: str
) -> list[ServerInfo]:
    """The test's Jupyter server, as its runtime file describes it to a kernel (jp_fetch: the
    server is listening)."""
    url = f"http://localhost:{jp_http_port}{jp_base_url}"
    return [ServerInfo(str(jp_root_dir), jp_base_url, url, jp_serverapp.identity_provider.token)]


async def test_the_status_of_a_file_by_its_path(jp_fetch: Any, jp_root_dir: Path) -> None:
    (jp_root_dir / "out").mkdir()
    (jp_root_dir / "out" / "report.docx").write_bytes(b"doc")
    status = json.loads(
        (await jp_fetch("api", "wopi", "files", params={"path": "out/report.docx"})).body
    )
    assert (status["path"], status["lock"], status["last_save"]) == ("out/report.docx", None, None)
    for params, code in (({"path": "out/missing.docx"}, 404), ({}, 400)):
        with pytest.raises(HTTPClientError) as err:
            await jp_fetch("api", "wopi", "files", params=params)
        assert err.value.code == code


async def test_a_notebook_waits_for_the_editors_save(
    open_session: Any,
    wopi: WopiClient,
    jp_root_dir: Path,
    served: list[ServerInfo],
    monkeypatch: pytest.MonkeyPatch,
    runtime: Path,
) -> None:
    session = await open_session("report.docx", b"v1")
    monkeypatch.chdir(jp_root_dir)
    # The server as a kernel finds it: its runtime file (url, token, root).
    [server] = served
    (runtime / "jpserver-1.json").write_text(
        json.dumps({"root_dir": server.root_dir, "url": server.url, "token": server.token})
    )
    document = Document("report.docx")
    assert await asyncio.to_thread(lambda: (document.locked_by, document.saved_at)) == (None, None)
    status = await asyncio.to_thread(document.status, served)
    assert status["last_save"] is None and status["lock"] is None
    # Nobody has it open: nothing to wait for.
    assert await asyncio.to_thread(document.wait_saved, 5, served) is None

    lock = {"X_WOPI_Lock": session["file_id"]}
    assert (
        await wopi.override(session["file_id"], session["access_token"], "LOCK", **lock)
    ).code == 200
    with pytest.raises(TimeoutError, match="save in the editor"):
        await asyncio.to_thread(document.wait_saved, 0.3, served, 0.1)
    holder = await asyncio.to_thread(lambda: document.locked_by)
    assert holder and holder == session_holder(
        await wopi.check_file_info(session["file_id"], session["access_token"])
    )

    async def save_soon() -> None:
        await asyncio.sleep(0.5)
        saved = await wopi.put_file(
            session["file_id"], session["access_token"], b"v2", lock=session["file_id"]
        )
        assert saved.code == 200

    saving = asyncio.ensure_future(save_soon())
    saved_at = await asyncio.to_thread(document.wait_saved, 10, served, 0.1)
    await saving
    assert saved_at is not None and abs(saved_at.timestamp() - time.time()) < 10
    assert await asyncio.to_thread(lambda: document.saved_at) == saved_at
    assert (jp_root_dir / "report.docx").read_bytes() == b"v2"


async def test_a_server_that_refuses_is_named_with_its_answer(
    jp_root_dir: Path, served: list[ServerInfo]
) -> None:
    (jp_root_dir / "report.docx").write_bytes(b"v1")
    [server] = served
    wrong_token = [ServerInfo(server.root_dir, server.base_url, server.url, "not-the-token")]
    document = Document(jp_root_dir / "report.docx")
    with pytest.raises(RuntimeError, match="answered HTTP 403"):
        await asyncio.to_thread(document.status, wrong_token)
    gone = [ServerInfo(server.root_dir, server.base_url, "http://127.0.0.1:9/", "")]
    with pytest.raises(RuntimeError, match="cannot be asked"):
        await asyncio.to_thread(document.status, gone)


def test_no_server_serves_it_is_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="No running Jupyter server of this user serves"):
        Document(tmp_path / "x.docx").status([])

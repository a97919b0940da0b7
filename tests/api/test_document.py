"""`jupyter_wopi.Document` in a kernel (issue 12 item 1, kernel side): cheap to import, its
MIME bundle, and the link to the standalone editor page on the server that serves the file."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from support.recording_http import Answer, RecordingServer, recording_server
from support.wopi_client import WopiClient, locked_session, saved
from tornado.httpclient import HTTPClientError

from jupyter_wopi import Document, NotOpenWarning
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
        env=kernel_env(JUPYTER_RUNTIME_DIR=str(runtime)),
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
    # Nobody has it open: nothing to wait for, and it says so.
    with pytest.warns(NotOpenWarning, match=r"report\.docx is not open in ONLYOFFICE, so there"):
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
        put = await wopi.put_file(
            session["file_id"], session["access_token"], b"v2", lock=session["file_id"]
        )
        assert put.code == 200

    saving = asyncio.ensure_future(save_soon())
    saved_at = await asyncio.to_thread(document.wait_saved, 10, served, 0.1)
    await saving
    assert saved_at is not None and abs(saved_at.timestamp() - time.time()) < 10
    assert await asyncio.to_thread(lambda: document.saved_at) == saved_at
    assert (jp_root_dir / "report.docx").read_bytes() == b"v2"


async def test_a_server_that_refuses_is_named_with_its_answer(
    jp_root_dir: Path, served: list[ServerInfo], monkeypatch: pytest.MonkeyPatch
) -> None:
    (jp_root_dir / "report.docx").write_bytes(b"v1")
    [server] = served
    wrong_token = [ServerInfo(server.root_dir, server.base_url, server.url, "not-the-token")]
    document = Document(jp_root_dir / "report.docx")
    with pytest.raises(RuntimeError, match="answered HTTP 403"):
        await asyncio.to_thread(document.status, wrong_token)
    # No token of its own, and not the hub's server: asked without one, refused, told why.
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "hub-secret")
    monkeypatch.setenv("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:45123/user/alice/")
    no_token = [ServerInfo(server.root_dir, server.base_url, server.url, "")]
    with pytest.raises(RuntimeError, match=r"answered HTTP 403 .*no token that server accepts"):
        await asyncio.to_thread(document.status, no_token)
    gone = [ServerInfo(server.root_dir, server.base_url, "http://127.0.0.1:9/", "")]
    with pytest.raises(RuntimeError, match="cannot be asked"):
        await asyncio.to_thread(document.status, gone)


def test_no_server_serves_it_is_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="No running Jupyter server of this user serves"):
        Document(tmp_path / "x.docx").status([])


# -- whom a kernel trusts: Jupyter's runtime folder and the hub's token (issue items 12, 13) --

HUB_TOKEN = "hub-secret"
REPO = Path(__file__).resolve().parents[2]


def kernel_env(**extra: str) -> dict[str, str]:
    """A kernel's environment for a subprocess: this repository's package first on the path
    (a subprocess in another folder would import the installed copy)."""
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


@pytest.fixture
def recorder() -> Iterator[RecordingServer]:
    with recording_server() as server:
        yield server


@pytest.fixture
def on_hub(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """The environment a kernel of a JupyterHub single-user server inherits from it, the hub
    having told the server to listen at `service_url`."""
    for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)

    def started_by(service_url: str) -> None:
        monkeypatch.setenv("JUPYTERHUB_API_TOKEN", HUB_TOKEN)
        monkeypatch.setenv("JUPYTERHUB_SERVICE_URL", service_url)
        monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/alice/")

    return started_by


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Document:
    """out/report.docx in the folder a server serves (tmp_path/work), as a kernel working
    there names it."""
    (tmp_path / "work" / "out").mkdir(parents=True)
    (tmp_path / "work" / "out" / "report.docx").write_bytes(b"doc")
    monkeypatch.chdir(tmp_path / "work")
    return Document("out/report.docx")


def plant(runtime: Path, url: str, token: str = "", name: str = "jpserver-9.json") -> None:
    """A runtime file of a server rooted at the `report` fixture's folder."""
    base_url = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
    info = {"root_dir": str(runtime.parent / "work"), "base_url": base_url, "url": url}
    (runtime / name).write_text(json.dumps({**info, "token": token}))


@pytest.fixture
def hub_server(runtime: Path, recorder: RecordingServer, on_hub: Callable[[str], None]) -> str:
    """The recorder is this user's single-user server on the hub, whose runtime file has no
    token (as jupyterhub-singleuser may write it); its URL."""
    service_url = f"http://127.0.0.1:{recorder.port}/user/alice/"
    on_hub(service_url)
    plant(runtime, service_url)
    return service_url


def test_a_tokenless_runtime_file_elsewhere_never_gets_the_hub_token(
    runtime: Path, recorder: RecordingServer, on_hub: Callable[[str], None], report: Document
) -> None:
    on_hub("http://127.0.0.1:45123/user/alice/")  # the user's server is not the recorder
    plant(runtime, recorder.url)
    assert report.status()["lock"] is None
    assert [seen.authorization for seen in recorder.seen] == [None]


def test_without_a_service_url_the_hub_token_goes_nowhere(
    runtime: Path,
    recorder: RecordingServer,
    on_hub: Callable[[str], None],
    report: Document,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    on_hub(recorder.url)
    monkeypatch.delenv("JUPYTERHUB_SERVICE_URL")  # a token alone says nothing of whose server
    plant(runtime, recorder.url)
    report.status()
    assert [seen.authorization for seen in recorder.seen] == [None]


def test_the_hub_token_goes_to_this_users_single_user_server(
    hub_server: str, recorder: RecordingServer, report: Document
) -> None:
    report.status()
    assert [(seen.target, seen.authorization) for seen in recorder.seen] == [
        ("/user/alice/api/wopi/files?path=out/report.docx", f"token {HUB_TOKEN}")
    ]


def test_a_server_with_its_own_token_gets_its_own(
    runtime: Path, recorder: RecordingServer, on_hub: Callable[[str], None], report: Document
) -> None:
    service_url = f"http://127.0.0.1:{recorder.port}/user/alice/"
    on_hub(service_url)
    plant(runtime, service_url, token="its-own")
    report.status()
    assert [seen.authorization for seen in recorder.seen] == ["token its-own"]


def test_the_token_does_not_follow_a_redirect(
    hub_server: str, recorder: RecordingServer, report: Document
) -> None:
    with recording_server() as elsewhere:
        recorder.answer = Answer(code=302, body=b"", headers={"Location": elsewhere.url})
        with pytest.raises(RuntimeError, match="answered HTTP 302"):
            report.status()
        assert [seen.authorization for seen in elsewhere.seen] == []
    assert [seen.authorization for seen in recorder.seen] == [f"token {HUB_TOKEN}"]


def test_the_token_never_goes_through_a_proxy(
    hub_server: str,
    recorder: RecordingServer,
    report: Document,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server runs on this machine: asked directly, never through `$http_proxy`."""
    with recording_server() as proxy:
        monkeypatch.setenv("http_proxy", proxy.url)
        # urlopen keeps the opener of its first call, proxies read then: as in a new kernel.
        monkeypatch.setattr(urllib.request, "_opener", None)
        report.status()
        assert proxy.seen == []
    assert [seen.authorization for seen in recorder.seen] == [f"token {HUB_TOKEN}"]


# What jupyterhub-singleuser writes as its runtime file's "url": jupyter_server's
# connection_url, for the ip, port and base_url the single-user app takes from the hub's
# JUPYTERHUB_SERVICE_URL and JUPYTERHUB_SERVICE_PREFIX (a wildcard address becomes the
# machine's name, no address "localhost").
SINGLEUSER_URLS = """
import json, os, sys, warnings
warnings.simplefilter("ignore")
from jupyter_server.serverapp import ServerApp
from jupyterhub.singleuser.mixins import make_singleuser_app
app_class = make_singleuser_app(ServerApp)
urls = []
for service_url in json.loads(sys.argv[1]):
    os.environ["JUPYTERHUB_SERVICE_URL"] = service_url
    urls.append(app_class().connection_url)
print(json.dumps(urls))
"""


def test_the_hub_token_matches_what_jupyterhub_singleuser_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jupyter_wopi import document

    bound = [
        "http://127.0.0.1:45123/user/alice/",
        "http://0.0.0.0:45123/user/alice/",
        "http://:45123/user/alice/",
        "http://[::1]:45123/user/alice/",
        "http://[::]:45123/user/alice/",
    ]
    written = json.loads(
        subprocess.run(
            [sys.executable, "-c", SINGLEUSER_URLS, json.dumps(bound)],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
            env={**os.environ, "JUPYTERHUB_SERVICE_PREFIX": "/user/alice/"},
        ).stdout
    )
    assert len(written) == len(bound)
    for service_url, url in zip(bound, written, strict=True):
        monkeypatch.setenv("JUPYTERHUB_SERVICE_URL", service_url)
        assert document.is_hub_server(url), (service_url, url)
        # Another server of the same machine: another port, user, scheme or host.
        for other in (
            url.replace(":45123/", ":45124/"),
            url.replace("/user/alice/", "/user/bob/"),
            url.replace("/user/alice/", "/user/alice/sub/"),
            url.replace("/user/alice/", "/"),
            url.replace("http://", "https://"),
            url.replace("http://", "http+unix://"),
        ):
            assert not document.is_hub_server(other), (service_url, other)
    monkeypatch.setenv("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:45123/user/alice/")
    for same in ("http://127.0.0.1:45123/user/alice", "HTTP://127.0.0.1:45123/user/alice/"):
        assert document.is_hub_server(same), same
    assert not document.is_hub_server("http://127.0.0.2:45123/user/alice/")
    monkeypatch.setenv("JUPYTERHUB_SERVICE_URL", "https://jupyter.example/user/alice/")
    assert document.is_hub_server("https://jupyter.example:443/user/alice/")
    assert not document.is_hub_server("http://jupyter.example:443/user/alice/")


NOT_A_SERVER = ["symlink", "huge", "other user"]


@pytest.mark.parametrize("kind", NOT_A_SERVER)
def test_what_is_not_the_users_own_small_file_is_no_server(
    kind: str, tmp_path: Path, runtime: Path
) -> None:
    (tmp_path / "work").mkdir()
    plant(runtime, "http://127.0.0.1:45123/", name="jpserver-2.json")  # the real one
    genuine = running_servers()
    assert len(genuine) == 1
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps({"root_dir": "/", "url": "http://127.0.0.1:9/"}))
    planted = runtime / "jpserver-1.json"  # sorts first
    if kind == "symlink":
        planted.symlink_to(elsewhere)
    elif kind == "huge":
        planted.write_text(elsewhere.read_text() + " " * (1 << 20))
    else:
        if os.getuid() != 0:
            pytest.skip("giving a file to another user needs root")
        import pwd

        planted.write_text(elsewhere.read_text())
        os.chown(planted, pwd.getpwnam("nobody").pw_uid, -1)
    assert running_servers() == genuine


FIFO_KERNEL = """
import json, time
from jupyter_wopi import Document
started = time.monotonic()
bundle = Document("report.docx")._repr_mimebundle_()
try:
    Document("report.docx").status()
    error = None
except RuntimeError as err:
    error = str(err)
print(json.dumps({"seconds": time.monotonic() - started, "html": bundle["text/html"],
                  "error": error}))
"""


def test_a_fifo_in_the_runtime_folder_does_not_hang_the_display(
    tmp_path: Path, runtime: Path
) -> None:
    """A FIFO named like a runtime file waits forever for a writer when opened for reading:
    the kernel (a subprocess here, killed when it hangs) must skip it at once."""
    os.mkfifo(runtime / "jpserver-1.json")
    (tmp_path / "report.docx").write_bytes(b"doc")
    try:
        printed = subprocess.run(
            [sys.executable, "-c", FIFO_KERNEL],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
            cwd=tmp_path,
            env=kernel_env(JUPYTER_RUNTIME_DIR=str(runtime)),
        ).stdout
    except subprocess.TimeoutExpired:
        pytest.fail("Document hung on a FIFO in Jupyter's runtime folder")
    shown = json.loads(printed)
    assert shown["seconds"] < 2
    assert "open it from JupyterLab's file browser" in shown["html"]
    assert shown["error"].startswith("No running Jupyter server of this user serves report.docx")


def test_a_server_that_does_not_answer_in_time_is_a_sentence(
    runtime: Path,
    recorder: RecordingServer,
    report: Document,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jupyter_wopi import document

    monkeypatch.setattr(document, "REQUEST_TIMEOUT", 0.5)
    recorder.answer = Answer(stall=3)
    plant(runtime, recorder.url)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=r"did not answer within 0\.5 s when asked about out/"):
        report.status()
    assert time.monotonic() - started < 2.5


def lock_held(recorder: RecordingServer) -> None:
    recorder.answer_json(200, {"lock": {"holder_name": "Ada"}, "last_save": None})


# Each way asking the server fails: how the test server is made to, and the message's start.
FAILURES: dict[str, tuple[Callable[[RecordingServer], Any], str]] = {
    "no server": (lambda _: None, "No running Jupyter server of this user serves out/report"),
    "refused": (
        lambda rec: rec.answer_json(403, {"message": "Forbidden", "reason": None}),
        "The Jupyter server at http://127.0.0.1:",
    ),
    "not found": (
        lambda rec: rec.answer_json(404, {"message": "There is no file at out/report.docx."}),
        "The Jupyter server at http://127.0.0.1:",
    ),
    "not json": (
        lambda rec: setattr(rec, "answer", Answer(body=b"<html>")),
        "The Jupyter server at http://127.0.0.1:",
    ),
    "unreachable": (lambda _: None, "The Jupyter server at http://127.0.0.1:9/ cannot be asked"),
    "not http": (lambda _: None, "The Jupyter server that serves out/report.docx is at http+"),
    "not saved in time": (lock_held, "out/report.docx is open in ONLYOFFICE (Ada)"),
}


ASKED = ["status", "saved_at", "locked_by", "wait_saved", "versions", "read", "restore"]


@pytest.mark.parametrize(
    ("failure", "asked"),
    [(f, a) for f in FAILURES for a in ASKED if f != "not saved in time" or a == "wait_saved"],
)
def test_errors_name_the_file_as_written_never_its_absolute_path(
    failure: str,
    asked: str,
    tmp_path: Path,
    runtime: Path,
    recorder: RecordingServer,
    report: Document,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Their messages end up in notebook outputs, which are shared: no path of the kernel's
    machine (the file's, the runtime folder's), the file as the code named it instead."""
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    prepare, start = FAILURES[failure]
    prepare(recorder)
    url = {"unreachable": "http://127.0.0.1:9/", "not http": "http+unix://%2Ftmp%2Fj.sock/"}
    if failure != "no server":
        plant(runtime, url.get(failure, recorder.url))
    ask = {
        "status": report.status,
        "saved_at": lambda: report.saved_at,
        "locked_by": lambda: report.locked_by,
        "wait_saved": lambda: report.wait_saved(timeout=0.2, poll=0.05),
        "versions": lambda: report.versions,
        "read": lambda: report.read("1"),
        "restore": lambda: report.restore("1"),
    }[asked]
    with pytest.raises((RuntimeError, TimeoutError)) as raised:
        ask()
    message = str(raised.value)
    assert message.startswith(start), message
    if failure == "refused":  # what to do about it
        assert "This kernel has no token that server accepts" in message
    assert str(tmp_path) not in message
    assert "out/report.docx" in message
    assert message.endswith("."), message


# -- version history (issue 21, kernel side) ---------------------------------------------------


def version_json(version_id: str, created_at: float, **fields: Any) -> dict[str, Any]:
    """One entry of `versions` as the server sends it (jupyter_wopi.wire.VersionJson)."""
    return {
        "id": version_id,
        "file_id": "17",
        "created_at": created_at,
        "kept_at": created_at + 60,
        "size": 12_400,
        "sha256": "ab" * 32,
        "kind": "save",
        "author": "Ada",
        "co_editors": [],
        **fields,
    }


def version_list(*versions: dict[str, Any]) -> dict[str, Any]:
    """`GET api/wopi/versions?path=out/report.docx` (jupyter_wopi.wire.VersionListJson)."""
    return {
        "file_id": "17",
        "path": "out/report.docx",
        "name": "report.docx",
        "size": 3,
        "modified_at": 1.8e9,
        "author": "",
        "kind": "external",
        "can_restore": True,
        "locked_by": "",
        "versions": list(versions),
    }


def json_answer(body: Any, code: int = 200) -> Answer:
    return Answer(code=code, body=json.dumps(body).encode())


def test_a_version_reads_as_what_made_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyter_wopi import Version

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        made = datetime(2026, 12, 7, 14, 3, tzinfo=timezone.utc)
        saved = Version("3", made, 12_400, "ab" * 32, "save", "Ada", (), "17", "report.docx")
        assert repr(saved) == "<Version 3 of report.docx, 2026-12-07 14:03, 12.4 kB, saved by Ada>"
        together = replace(saved, co_editors=("Bob", "Cy"), size=999)
        assert repr(together).endswith(", 999 bytes, saved by Ada with Bob, Cy>")
        outside = replace(saved, kind="external", author="", size=3_400_000_000)
        assert repr(outside).endswith(", 3.4 GB, changed outside the editor>")
        assert replace(saved, kind="restore").made_by == "restored by Ada"
        assert replace(saved, kind="loaded", size=1).made_by == "as opened by Ada"
        assert repr(replace(saved, kind="someday", size=1)).endswith(", 1 byte, someday by Ada>")
    finally:
        monkeypatch.undo()
        time.tzset()


def test_versions_read_and_restore_ask_the_lab_api(
    hub_server: str, recorder: RecordingServer, report: Document
) -> None:
    """What a kernel sends for each call and makes of the answers (the routes' contract),
    against a stand-in server: versions newest first with aware times, a version's bytes
    by its id, a restore as a POST whose answer's `kept` becomes a Version."""
    listed = version_list(
        version_json("2", 1_796_652_180.0, co_editors=["Bob"]),
        version_json("1", 1_796_600_000.0, kind="external", author=""),
    )
    recorder.queued = [json_answer(listed)]
    versions = report.versions
    assert [v.id for v in versions] == ["2", "1"]
    newest = versions[0]
    assert newest.created_at == datetime.fromtimestamp(1_796_652_180.0, timezone.utc)
    assert newest.created_at.tzinfo is not None
    assert (newest.size, newest.kind, newest.author, newest.co_editors) == (
        12_400,
        "save",
        "Ada",
        ("Bob",),
    )
    assert (newest.file_id, newest.name) == ("17", "report.docx")

    recorder.queued = [json_answer(listed), Answer(body=b"PK\x03\x04 old bytes", headers={})]
    assert report.read(newest) == b"PK\x03\x04 old bytes"
    recorder.queued = [json_answer(listed), Answer(body=b"oldest", headers={})]
    assert report.read("1") == b"oldest"

    kept = version_json("3", 1_796_660_000.0, kind="save", author="Cy")
    restored = {"path": "out/report.docx", "restored": "1", "kept": kept, "editors_told": False}
    recorder.queued = [json_answer(listed), json_answer(restored)]
    new = report.restore(versions[1])
    assert new is not None and (new.id, new.author, new.name) == ("3", "Cy", "report.docx")
    recorder.queued = [json_answer(listed), json_answer({**restored, "kept": None})]
    assert report.restore(1) is None

    asked = [(seen.method, seen.target, seen.body) for seen in recorder.seen]
    listing = ("GET", "/user/alice/api/wopi/versions?path=out/report.docx", b"")
    assert asked == [
        listing,
        listing,
        ("GET", "/user/alice/api/wopi/versions/17/2", b""),
        listing,
        ("GET", "/user/alice/api/wopi/versions/17/1", b""),
        listing,
        ("POST", "/user/alice/api/wopi/versions/17/1/restore", b"{}"),
        listing,
        ("POST", "/user/alice/api/wopi/versions/17/1/restore", b"{}"),
    ]
    assert {seen.authorization for seen in recorder.seen} == {f"token {HUB_TOKEN}"}


def test_ids_are_sent_quoted_and_a_version_of_another_file_is_refused(
    hub_server: str, recorder: RecordingServer, report: Document
) -> None:
    listed = version_list(version_json("a/b c", 1.8e9, file_id="team-4/x"))
    recorder.queued = [json_answer({**listed, "file_id": "team-4/x"}), Answer(body=b"x")]
    [odd] = report.versions
    recorder.queued = [json_answer({**listed, "file_id": "team-4/x"}), Answer(body=b"x")]
    assert report.read(odd) == b"x"
    assert recorder.seen[-1].target == "/user/alice/api/wopi/versions/team-4%2Fx/a%2Fb%20c"

    recorder.queued = [json_answer(version_list())]  # this document is file 17
    with pytest.raises(
        ValueError, match=r"^<Version a/b c of report\.docx, .*another file, not of"
    ):
        report.read(odd)
    for wrong in (2.5, True, None):
        with pytest.raises(TypeError, match="version must be a Version or its id"):
            report.read(wrong)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "answer",
    [
        {"file_id": "17"},  # no name
        version_list({"id": "1"}),  # a version without its fields
        version_list({**version_json("1", 1.8e9), "created_at": "yesterday"}),
        [1, 2],
    ],
)
def test_an_answer_that_is_no_version_list_is_a_sentence(
    answer: Any, hub_server: str, recorder: RecordingServer, report: Document
) -> None:
    recorder.answer_json(200, answer)
    with pytest.raises(RuntimeError, match=r"answered with something other than a list of ver"):
        _ = report.versions


def test_a_server_without_version_history_says_so(
    hub_server: str, recorder: RecordingServer, report: Document
) -> None:
    """An older jupyter_wopi answers the versions routes with tornado's page for an unknown
    address, not a sentence."""
    recorder.answer = Answer(code=404, body=b"<html><title>404: Not Found</title></html>")
    with pytest.raises(RuntimeError) as raised:
        _ = report.versions
    assert str(raised.value).endswith(
        "answered HTTP 404 when asked about out/report.docx: no such address (its jupyter_wopi "
        "may be older than this kernel's, or not enabled)."
    )


async def kernel_on(served: list[ServerInfo], runtime: Path) -> None:
    """The test's server, as a kernel finds it: its runtime file (url, token, root)."""
    [server] = served
    (runtime / "jpserver-1.json").write_text(
        json.dumps({"root_dir": server.root_dir, "url": server.url, "token": server.token})
    )


async def test_a_notebook_lists_reads_and_restores_versions(
    open_session: Any,
    wopi: WopiClient,
    jp_root_dir: Path,
    served: list[ServerInfo],
    monkeypatch: pytest.MonkeyPatch,
    runtime: Path,
) -> None:
    """Against the real routes: two editor saves keep the bytes they replaced, newest first;
    `read` returns them; `restore` puts them back and keeps what it replaced as a version."""
    (jp_root_dir / "out").mkdir()
    session, stamp = await locked_session(open_session, wopi, "out/report.docx", b"v1")
    for body in (b"v2", b"v3"):
        stamp = await saved(wopi, session, body, stamp)
    await kernel_on(served, runtime)
    monkeypatch.chdir(jp_root_dir / "out")
    document = Document("report.docx")

    versions = await asyncio.to_thread(lambda: document.versions)
    assert [await asyncio.to_thread(document.read, v) for v in versions[:2]] == [b"v2", b"v1"]
    newest = versions[0]
    holder = session_holder(await wopi.check_file_info(session["file_id"], session["access_token"]))
    assert (newest.kind, newest.author, newest.size, newest.name) == (
        "save",
        holder,
        2,
        "report.docx",
    )
    assert newest.sha256 == hashlib.sha256(b"v2").hexdigest()
    assert newest.created_at.tzinfo is not None
    assert abs(newest.created_at.timestamp() - time.time()) < 60
    assert repr(newest).startswith(f"<Version {newest.id} of report.docx, ")
    assert repr(newest).endswith(f", 2 bytes, saved by {holder}>")
    assert [v.created_at for v in versions] == sorted(
        (v.created_at for v in versions), reverse=True
    )
    assert await asyncio.to_thread(document.read, newest.id) == b"v2"  # by its id

    unlocked = await wopi.override(
        session["file_id"], session["access_token"], "UNLOCK", X_WOPI_Lock=session["file_id"]
    )
    assert unlocked.code == 200
    oldest = next(v for v in versions if v.sha256 == hashlib.sha256(b"v1").hexdigest())
    kept = await asyncio.to_thread(document.restore, oldest)
    assert (jp_root_dir / "out" / "report.docx").read_bytes() == b"v1"
    assert kept is not None and kept.sha256 == hashlib.sha256(b"v3").hexdigest()
    assert await asyncio.to_thread(document.read, kept) == b"v3"
    after = await asyncio.to_thread(lambda: document.versions)
    assert after[0] == kept
    assert {v.id for v in versions} <= {v.id for v in after}  # a restore loses no version


async def test_an_unknown_version_is_the_servers_sentence(
    jp_root_dir: Path, served: list[ServerInfo], runtime: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (jp_root_dir / "report.docx").write_bytes(b"v1")
    await kernel_on(served, runtime)
    monkeypatch.chdir(jp_root_dir)
    document = Document("report.docx")
    for ask in (document.read, document.restore):
        with pytest.raises(RuntimeError) as raised:
            await asyncio.to_thread(ask, "999999")
        message = str(raised.value)
        assert message.startswith(f"The Jupyter server at {served[0].url} answered HTTP 404 ")
        assert "when asked about report.docx: " in message
        detail = message.partition("when asked about report.docx: ")[2]
        assert detail and "<" not in detail and "no such address" not in detail  # a sentence
        assert str(jp_root_dir) not in message
    # An id the server's routes do not take: its 404 is a page, not a sentence.
    with pytest.raises(RuntimeError) as raised:
        await asyncio.to_thread(document.read, "not-an-id")
    assert str(raised.value).endswith(
        "answered HTTP 404 when asked about report.docx: it has no version 'not-an-id'."
    )
    assert (jp_root_dir / "report.docx").read_bytes() == b"v1"


def test_a_refused_restore_is_the_servers_sentence_not_a_token_hint(
    hub_server: str, recorder: RecordingServer, report: Document
) -> None:
    """jupyter_wopi's 403 (the file read-only on disk, a team folder this user may only
    read) says why; only Jupyter's own refusal of the token gets the hint about tokens."""
    listed = version_list(version_json("1", 1.8e9))
    why = (
        "report.docx cannot be restored: the file or its folder is read-only on disk (its "
        "permissions were changed, or Jupyter's user may not write there)."
    )
    recorder.queued = [json_answer(listed), json_answer({"status": 403, "message": why}, 403)]
    with pytest.raises(RuntimeError) as raised:
        report.restore("1")
    assert str(raised.value).endswith(f"answered HTTP 403 when asked about out/report.docx: {why}")
    recorder.queued = [json_answer(listed), json_answer({"message": "Forbidden"}, 403)]
    with pytest.raises(RuntimeError) as raised:
        report.restore("1")
    assert str(raised.value).endswith(
        "out/report.docx: Forbidden. This kernel has no token that server accepts: run it in a "
        "kernel of the Jupyter server that serves the file."
    )


async def test_versions_of_a_file_the_server_does_not_serve_are_a_sentence(
    jp_root_dir: Path, served: list[ServerInfo], runtime: Path, tmp_path: Path
) -> None:
    await kernel_on(served, runtime)
    elsewhere = tmp_path / "elsewhere.docx"
    elsewhere.write_bytes(b"doc")
    with pytest.raises(RuntimeError, match=r"^No running Jupyter server of this user serves "):
        await asyncio.to_thread(lambda: Document(elsewhere).versions)
    missing = Document(jp_root_dir / "missing.docx")
    with pytest.raises(RuntimeError, match=r"answered HTTP 404 when asked about .*missing\.docx: "):
        await asyncio.to_thread(lambda: missing.versions)

"""`Document("report.docx").insert_image(...)` in a kernel (issue 22, item 3), against a real
Jupyter server: the kernel asks its server for an image URL and displays a one-time request
the lab carries out (then a record without the URL); a document no editor has open is a
sentence, and nothing is issued or displayed."""

from __future__ import annotations

import asyncio
import io
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.images import JPEG, held, png
from support.wopi_client import WopiClient, lock, unlock
from tornado.httpclient import AsyncHTTPClient

from jupyter_wopi import Document, NotOpenWarning
from jupyter_wopi import document as document_module
from jupyter_wopi.document import INSERT_IMAGE_MIME_TYPE, ServerInfo
from jupyter_wopi.figures import FIGURE_DPI, image_to_insert
from jupyter_wopi.host.services import WopiHost

Shown = list[tuple[str, dict[str, Any]]]


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Iterator[Shown]:
    """What IPython displays (and updates) while the test runs, as the kernel would send."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    published: Shown = []
    monkeypatch.setattr(
        shell.display_pub,
        "publish",
        lambda data, metadata=None, *, transient=None, update=False, **_: published.append(
            ("update" if update else "display", data)
        ),
    )
    yield published
    InteractiveShell.clear_instance()


@pytest.fixture
def served(
    jp_fetch: Any, jp_serverapp: Any, jp_root_dir: Path, jp_http_port: int, jp_base_url: str
) -> list[ServerInfo]:
    url = f"http://localhost:{jp_http_port}{jp_base_url}"
    return [ServerInfo(str(jp_root_dir), jp_base_url, url, jp_serverapp.identity_provider.token)]


@pytest.fixture(autouse=True)
def no_open_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document_module, "_OPEN_REQUESTS", {})


def host_of(jp_serverapp: Any) -> WopiHost:
    return jp_serverapp.web_app.settings["jupyter_wopi"]  # type: ignore[no-any-return]


async def editing(open_session: Any, wopi: WopiClient, path: str) -> dict[str, Any]:
    """The file open in an editor: ONLYOFFICE took its lock."""
    doc: dict[str, Any] = await open_session(path, b"doc")
    assert await lock(wopi, doc) == 200
    return doc


async def test_an_image_goes_to_the_lab_once_then_stays_a_record(
    open_session: Any,
    wopi: WopiClient,
    jp_root_dir: Path,
    jp_serverapp: Any,
    served: list[ServerInfo],
    shown: Shown,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (jp_root_dir / "out").mkdir()
    await editing(open_session, wopi, "out/report.docx")
    monkeypatch.chdir(jp_root_dir / "out")
    figure = png(b"a figure")
    await asyncio.to_thread(Document("report.docx").insert_image, figure, servers=served)
    assert [kind for kind, _ in shown] == ["display", "update"]
    request, record = (data[INSERT_IMAGE_MIME_TYPE] for _, data in shown)
    assert request["path"] == "report.docx" and request["server_path"] == "out/report.docx"
    assert len(request["request"]) == 32
    assert request["image"]["name"] == "image" and request["image"]["size"] == len(figure)
    assert request["image"]["content_type"] == "image/png"
    url = request["image"]["url"]
    downloaded = await AsyncHTTPClient().fetch(url)  # as ONLYOFFICE will, without a login
    assert downloaded.body == figure
    assert record["request"] is None and "url" not in record["image"]
    assert record["image"]["name"] == "image"
    assert "sent to the ONLYOFFICE editor of report.docx" in shown[1][1]["text/plain"]
    assert url not in json.dumps(shown[1][1])  # the saved notebook keeps no capability


async def test_no_editor_is_a_sentence_and_nothing_is_issued(
    jp_root_dir: Path, jp_serverapp: Any, served: list[ServerInfo], shown: Shown
) -> None:
    (jp_root_dir / "report.docx").write_bytes(b"doc")
    document = Document(jp_root_dir / "report.docx")
    with pytest.raises(RuntimeError) as err:
        await asyncio.to_thread(document.insert_image, png(), servers=served)
    assert str(err.value) == (
        f"{jp_root_dir / 'report.docx'} is not open for editing in ONLYOFFICE, so the image "
        f"cannot be inserted: open it first (Document('{jp_root_dir / 'report.docx'}').open() "
        "or a double-click in the file browser), then insert the image again."
    )
    assert shown == [] and len(held(host_of(jp_serverapp).images)) == 0


async def test_right_after_open_it_waits_for_the_editor(
    open_session: Any,
    wopi: WopiClient,
    jp_root_dir: Path,
    served: list[ServerInfo],
    shown: Shown,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = await open_session("report.docx", b"doc")
    monkeypatch.chdir(jp_root_dir)
    document = Document("report.docx")
    document.open()  # the lab is asked to open it: its editor is on its way
    del shown[:]
    with pytest.raises(RuntimeError, match=r"was asked to open, but no editor had it open within"):
        await asyncio.to_thread(document.insert_image, png(), timeout=0.3, servers=served)

    async def editor_arrives() -> None:
        await asyncio.sleep(0.5)
        assert await lock(wopi, doc) == 200

    arriving = asyncio.ensure_future(editor_arrives())
    await asyncio.to_thread(document.insert_image, png(), timeout=10, servers=served)
    await arriving
    assert [kind for kind, _ in shown] == ["display", "update"]


async def test_a_served_file_is_named_by_its_path_any_other_is_sent(
    open_session: Any,
    wopi: WopiClient,
    jp_root_dir: Path,
    jp_serverapp: Any,
    served: list[ServerInfo],
    shown: Shown,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    await editing(open_session, wopi, "report.docx")
    (jp_root_dir / "plots").mkdir()
    (jp_root_dir / "plots" / "photo.jpg").write_bytes(JPEG)
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "chart.png"
    elsewhere.write_bytes(png(b"elsewhere"))
    document = Document(jp_root_dir / "report.docx")
    await asyncio.to_thread(
        document.insert_image, jp_root_dir / "plots" / "photo.jpg", servers=served
    )
    await asyncio.to_thread(document.insert_image, str(elsewhere), servers=served)
    kept = list(held(host_of(jp_serverapp).images)._held.values())
    assert [(c.api_path, c.data) for c in kept] == [
        ("plots/photo.jpg", None),  # streamed from the workspace at download time
        (None, png(b"elsewhere")),  # outside the root: its bytes were sent
    ]
    names = [data[INSERT_IMAGE_MIME_TYPE]["image"]["name"] for kind, data in shown]
    assert names == ["photo.jpg", "photo.jpg", "chart.png", "chart.png"]


async def test_the_servers_refusal_reaches_the_notebook(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, served: list[ServerInfo], shown: Shown
) -> None:
    await editing(open_session, wopi, "report.docx")
    document = Document(jp_root_dir / "report.docx")
    with pytest.raises(RuntimeError, match=r"answered HTTP 415 .*Only PNG, JPEG, GIF and BMP"):
        await asyncio.to_thread(document.insert_image, b"%PDF-1.7", servers=served)
    assert shown == []


def test_outside_a_notebook_it_says_where_to_run_it(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="insert_image needs a notebook in JupyterLab"):
        Document(tmp_path / "report.docx").insert_image(png())


# -- what the kernel sends for each kind of image ----------------------------------------------


def test_a_matplotlib_figure_becomes_a_png_at_print_resolution() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 1))
    figure.subplots().plot([1, 2, 3])
    figure.set_label("growth")
    sent = image_to_insert(figure)
    assert sent.name == "growth"
    import base64

    data = base64.b64decode(sent.body["data"])
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(data[16:20], "big")
    assert 300 < width <= 2 * FIGURE_DPI  # 2 in at 200 dpi, the tight box a little less


def test_what_renders_as_png_is_taken_and_anything_else_refused(tmp_path: Path) -> None:
    class Rendered:
        def _repr_png_(self) -> bytes:
            return png(b"rendered")

    assert image_to_insert(Rendered()).body["name"] == "image"
    with pytest.raises(TypeError, match="insert_image takes a matplotlib figure, PNG"):
        image_to_insert(42)
    with pytest.raises(FileNotFoundError, match="no such image file"):
        image_to_insert(tmp_path / "missing.png")
    buffer = io.BytesIO(JPEG)
    assert image_to_insert(buffer.getbuffer()).body["data"]


# -- wait_saved right after .open(): a notebook under Run All (issue 23, item 6) ----------------


async def test_wait_saved_right_after_open_waits_for_the_editor_then_its_save(
    open_session: Any,
    wopi: WopiClient,
    jp_root_dir: Path,
    served: list[ServerInfo],
    shown: Shown,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = await open_session("report.docx", b"v1")
    monkeypatch.chdir(jp_root_dir)
    document = Document("report.docx")
    document.open()  # the next cell runs at once: no editor yet
    with pytest.raises(TimeoutError, match=r"report\.docx was asked to open, but no editor had"):
        await asyncio.to_thread(document.wait_saved, 0.3, served, 0.1)

    async def edit_and_save() -> None:
        await asyncio.sleep(0.4)
        assert await lock(wopi, doc) == 200  # the editor opens
        await asyncio.sleep(0.4)
        put = await wopi.put_file(doc["file_id"], doc["access_token"], b"v2", lock=doc["file_id"])
        assert put.code == 200  # the user's save

    editing_task = asyncio.ensure_future(edit_and_save())
    saved = await asyncio.to_thread(document.wait_saved, 10, served, 0.1)
    await editing_task
    assert saved is not None and (jp_root_dir / "report.docx").read_bytes() == b"v2"
    printed = capsys.readouterr().out
    assert printed.count("Waiting for the editor's save of report.docx (up to 10 s)") == 1
    # Saved and closed since it was asked to open: the save, and nothing to warn about.
    assert await unlock(wopi, doc) == 200
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert await asyncio.to_thread(document.wait_saved, 5, served) == saved


async def test_an_editor_that_leaves_without_saving_ends_the_wait(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, served: list[ServerInfo], shown: Shown
) -> None:
    doc = await open_session("report.docx", b"v1")
    document = Document(jp_root_dir / "report.docx")
    document.open()

    async def open_then_close() -> None:
        await asyncio.sleep(0.3)
        assert await lock(wopi, doc) == 200
        await asyncio.sleep(0.3)
        assert await unlock(wopi, doc) == 200

    visit = asyncio.ensure_future(open_then_close())
    with pytest.warns(NotOpenWarning, match="no save to wait for"):
        assert await asyncio.to_thread(document.wait_saved, 10, served, 0.1) is None
    await visit


async def test_the_blank_template_is_not_the_editors_save_in_a_notebook(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path, served: list[ServerInfo]
) -> None:
    doc = await open_session("Untitled.docx", b"")
    assert (await wopi.put_file(doc["file_id"], doc["access_token"], b"blank")).code == 200
    document = Document(jp_root_dir / "Untitled.docx")
    status = await asyncio.to_thread(document.status, served)
    assert status["last_save"]["reason"] == "template"
    assert await asyncio.to_thread(lambda: document_module._saved_at(status)) is None
    assert await lock(wopi, doc) == 200
    put = await wopi.put_file(doc["file_id"], doc["access_token"], b"words", lock=doc["file_id"])
    assert put.code == 200
    status = await asyncio.to_thread(document.status, served)
    assert document_module._saved_at(status) is not None

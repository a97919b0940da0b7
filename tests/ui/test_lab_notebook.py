"""Office documents in notebooks (issue 12) in a real browser, with a real kernel: a cell's
`Document(...)` shows the file inline in ONLYOFFICE's embedded viewer (no lock taken), views
follow the disk when a cell rewrites the file (the inline view and a view-mode tab reload by
themselves, an editor with unsaved changes asks), the inline output's buttons open a tab and
switch to editing, `Document(...).open()` opens a tab once and never again from the saved
notebook, the editor's saves reach a tab through the server's events (not a poll), and the
HTML that nbconvert exports links to the standalone editor page."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import nbformat
import pytest
import requests
from lab_harness import (
    FACTORY,
    FRAME,
    NOTICE,
    PANEL,
    PLUGIN_ID,
    UI_MS,
    DoubleRunner,
    EditorFrame,
    LabPage,
    LabServer,
    artifacts_dir,
    notebook_outputs,
    page_editor,
    panel_editor,
    wait_until,
    write_notebook,
)
from nbconvert import HTMLExporter
from support.documents import office_file

if TYPE_CHECKING:
    from onlyoffice_double.opening import EditorPage
    from onlyoffice_double.wopi_calls import Call
    from playwright.sync_api import Locator, Request

pytestmark = pytest.mark.timeout(150)

DOCUMENT_MIME = "application/vnd.jupyter-wopi.document+json"
OPEN_MIME = "application/vnd.jupyter-wopi.open+json"
INLINE = ".jp-wopi-inline"
INLINE_HEADER = ".jp-wopi-inline-header"
OPEN_REQUEST = ".jp-wopi-open-request"
SESSIONS_API = "/api/wopi/sessions"
FILE_STATUS_API = "/api/wopi/files/"
RELOAD_S = 20.0  # a poll (3 s) and a new editor session

Settings = Callable[[dict[str, Any]], None]


# -- helpers --------------------------------------------------------------------------------


def show_cell(name: str, call: str = "") -> str:
    """A cell that shows the file with Document (and calls `call` on it, e.g. ".open()")."""
    return f'from jupyter_wopi import Document\nDocument("{name}"){call}'


def run_notebook(lab: LabPage, server: LabServer, notebook: str, *sources: str) -> str:
    """Write a notebook of these cells, open it in the lab, run its first cell: its panel."""
    panel_id = lab.open_notebook(write_notebook(server, notebook, *sources))
    lab.run_cell(panel_id, 0)
    return panel_id


def pages_of(double: DoubleRunner, name: str) -> list[EditorPage]:
    """The double's editor pages (host-page POSTs) of a file, oldest first."""
    return [
        page
        for page in list(double.double.pages)
        if page.user is not None and page.user.file_info.get("BaseFileName") == name
    ]


def calls_of(double: DoubleRunner, page: EditorPage) -> list[Call]:
    """The WOPI calls the double made for the file of `page` (any session of it)."""
    assert page.user is not None
    return [call for call in double.double.calls if call.url.startswith(page.user.wopi_src)]


def loaded_page(double: DoubleRunner, name: str, index: int) -> EditorPage:
    """The `index`-th editor page of a file, once its document is loaded (GetFile)."""

    def find() -> EditorPage | None:
        found = pages_of(double, name)
        if len(found) <= index:
            return None
        page = found[index]
        return page if page.session is not None and page.session.loaded else None

    return wait_until(find, timeout=RELOAD_S, what=f"editor page #{index + 1} of {name} loaded")


def inline_view(lab: LabPage, panel_id: str) -> Locator:
    """The inline document output of a notebook (there is one per notebook here)."""
    return lab.notebook(panel_id).locator(INLINE)


def inline_frame(view: Locator, after: EditorFrame | None = None) -> EditorFrame:
    """The inline view's editor, once loaded (in another frame than `after`)."""
    return panel_editor(view.page, view.locator(PANEL), after=after)


def open_tab(lab: LabPage, name: str, split: bool = False) -> EditorFrame:
    """Open `name` in an ONLYOFFICE tab (beside the notebook with `split`), and its editor."""
    args: dict[str, Any] = {"path": name, "factory": FACTORY}
    if split:
        args["options"] = {"mode": "split-right"}
    lab.command("docmanager:open", args)
    return lab.editor_frame(name=name)


def put_settings(server: LabServer, settings: dict[str, Any]) -> None:
    """The user's settings of the plugin, through the lab's settings API."""
    answer = requests.put(
        server.url(f"lab/api/settings/{PLUGIN_ID}"),
        headers=server.auth(),
        json={"raw": json.dumps(settings)},
        timeout=10,
    )
    assert answer.status_code == 204, answer.text


@pytest.fixture
def lab_settings(lab: LabPage, lab_server: LabServer) -> Iterator[Settings]:
    """Set the plugin's settings and reload the lab to read them; back to the defaults after."""

    def apply(settings: dict[str, Any]) -> None:
        put_settings(lab_server, settings)
        lab.open()

    try:
        yield apply
    finally:
        put_settings(lab_server, {})


# -- 1. inline ------------------------------------------------------------------------------


def test_a_document_output_shows_the_file_in_the_embedded_viewer(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    name = "inline.xlsx"
    original = office_file("xlsx", "Inline figures")
    (lab_server.root / name).write_bytes(original)
    panel_id = lab.open_notebook(write_notebook(lab_server, "inline.ipynb", show_cell(name)))

    def opens_session(request: Request) -> bool:
        return SESSIONS_API in request.url and request.method == "POST"

    with lab.page.expect_request(opens_session, timeout=60_000) as asked:
        lab.run_cell(panel_id, 0)
    view = inline_view(lab, panel_id)
    frame = inline_frame(view)
    assert view.locator(".jp-wopi-inline-name").inner_text() == name
    asked_for = asked.value.post_data_json
    assert asked_for is not None and asked_for["action"] == "embed"
    answer = asked.value.response()
    assert answer is not None and answer.ok
    session_info = answer.json()
    assert (session_info["mode"], session_info["action"]) == ("view", "embedview")

    [page] = pages_of(double, name)
    assert page.ok and page.user is not None and page.session is not None
    assert page.config is not None and page.config["type"] == "embedded"
    assert page.config["editorConfig"]["mode"] == "view"
    assert page.user.mode == "view" and page.session.is_view
    assert page.query.get("embed") == "1"
    # The token came in the form POST's body, never in a URL.
    assert page.user.access_token
    assert "access_token" not in page.query
    assert "access_token" not in frame.url
    assert "access_token" not in (view.locator(FRAME).get_attribute("src") or "")
    wait_until(lambda: page.session is not None and page.session.loaded, what="GetFile")
    assert page.session.content == original
    # A preview takes no lock: the file stays free for an editor.
    operations = [call.operation for call in calls_of(double, page)]
    assert operations == ["CheckFileInfo", "GetFile"]
    assert lab_server.file_status(name)["lock"] is None

    lab.screenshot("notebook-inline", doc_image="notebook-inline.png")
    assert lab.page_errors == []


# -- 2., 3. following the disk --------------------------------------------------------------


def rewrite_cell(name: str, source: str) -> str:
    """A cell that rewrites `name` in place with the bytes of `source` (as pandas would)."""
    return f'import shutil\nshutil.copyfile("{source}", "{name}")\n"rewritten"'


def test_a_cell_rewriting_the_file_reloads_the_inline_view_and_a_view_tab(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner, lab_settings: Settings
) -> None:
    lab_settings({"defaultMode": {"spreadsheet": "view"}})
    name = "sales.xlsx"
    first, second = office_file("xlsx", "Sales v1"), office_file("xlsx", "Sales v2")
    (lab_server.root / name).write_bytes(first)
    (lab_server.root / "sales-v2.bin").write_bytes(second)
    panel_id = run_notebook(
        lab, lab_server, "sales.ipynb", show_cell(name), rewrite_cell(name, "sales-v2.bin")
    )
    view = inline_view(lab, panel_id)
    inline_first = inline_frame(view)
    inline_page = loaded_page(double, name, 0)
    assert inline_page.query.get("embed") == "1" and inline_page.session is not None
    assert inline_page.session.content == first
    # The same file in a tab beside the notebook, for viewing (the user's setting).
    tab_first = open_tab(lab, name, split=True)
    tab_page = loaded_page(double, name, 1)
    assert tab_page.user is not None and tab_page.user.mode == "view"
    assert "embed" not in tab_page.query
    assert len(pages_of(double, name)) == 2

    lab.run_cell(panel_id, 1)
    assert (lab_server.root / name).read_bytes() == second
    # Both views open the new version by themselves: two new editor sessions, no click.
    wait_until(lambda: len(pages_of(double, name)) >= 4, timeout=RELOAD_S, what="two reloads")
    new_pages = pages_of(double, name)[2:]
    assert len(new_pages) == 2
    assert sorted(page.query.get("embed", "") for page in new_pages) == ["", "1"]
    for index in (2, 3):
        page = loaded_page(double, name, index)
        assert page.ok and page.user is not None and page.user.mode == "view"
        assert page.session is not None and page.session.content == second
    assert inline_page.session is not new_pages[0].session  # a new version: a new key
    # Each view shows its new editor, in a new frame.
    inline_frame(view, after=inline_first)
    lab.editor_frame(name=name, after=tab_first)
    assert lab.page.locator(f'{NOTICE}[data-notice="disk"]').count() == 0  # nothing asked
    lab.screenshot("reloaded-after-the-cell")
    assert lab.page_errors == []


def test_an_editor_with_unsaved_changes_asks_when_a_cell_rewrites_the_file(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    name = "plan.xlsx"
    first, second = office_file("xlsx", "Plan v1"), office_file("xlsx", "Plan v2")
    target = lab_server.root / name
    target.write_bytes(first)
    (lab_server.root / "plan-v2.bin").write_bytes(second)
    notebook = write_notebook(lab_server, "plan.ipynb", rewrite_cell(name, "plan-v2.bin"))
    panel_id = lab.open_notebook(notebook)
    frame = open_tab(lab, name, split=True)
    [page] = pages_of(double, name)
    assert page.user is not None and page.user.mode == "edit" and page.session is not None
    session = page.session
    frame.locator("#double-type").click()
    wait_until(lambda: session.changed, what="the double recorded the edit")

    lab.run_cell(panel_id, 0)
    assert target.read_bytes() == second
    disk = lab.document_panel(name).locator(f'{NOTICE}[data-notice="disk"]')
    disk.wait_for(timeout=UI_MS)
    assert f"{name} changed on disk" in disk.inner_text()
    lab.screenshot("editor-asks")
    # It stays asking: no reload (no new session), the editor's work still in the frame,
    # after the tab looked at the file again twice (a poll starts when the last one ended).
    for _ in range(2):
        lab.page.wait_for_event(
            "response", lambda r: FILE_STATUS_API in r.url, timeout=RELOAD_S * 1000
        )
    assert disk.is_visible()
    assert len(pages_of(double, name)) == 1
    assert frame.evaluate("() => window.__onlyofficeDouble.ready")
    assert not session.ended

    # Closing the tab ends the editor: its final save keeps the work as a copy, the
    # cell's bytes stay. (Dismissed, so later tests' labs do not announce it.)
    lab.tab(name).locator(".lm-TabBar-tabCloseIcon").click()
    wait_until(lambda: session.ended, what="the double's final save and Unlock")
    assert target.read_bytes() == second
    [copy] = [p for p in lab_server.root.iterdir() if p.name.startswith("plan (conflict ")]
    assert copy.read_bytes() == session.content
    dismiss_conflicts(lab_server)
    assert lab.page_errors == []


def dismiss_conflicts(server: LabServer) -> None:
    """Forget the server's conflict events (`DELETE api/wopi/conflicts/{id}`)."""
    answer = requests.get(server.url("api/wopi/conflicts"), headers=server.auth(), timeout=10)
    for event in answer.json()["conflicts"]:
        requests.delete(
            server.url(f"api/wopi/conflicts/{event['id']}"), headers=server.auth(), timeout=10
        ).raise_for_status()


# -- 4., 5. opening tabs from a notebook ----------------------------------------------------


def test_the_inline_outputs_buttons_edit_in_place_and_open_a_tab(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    name = "budget-q4.xlsx"
    (lab_server.root / name).write_bytes(office_file("xlsx", "Budget"))
    panel_id = run_notebook(lab, lab_server, "buttons.ipynb", show_cell(name))
    view = inline_view(lab, panel_id)
    preview_frame = inline_frame(view)
    preview = loaded_page(double, name, 0)
    header = view.locator(INLINE_HEADER)
    assert "Lock" not in [call.operation for call in calls_of(double, preview)]

    # Edit: the same output becomes an editor of the file (an edit session, a lock).
    header.get_by_role("button", name="Edit", exact=True).click()
    editing = loaded_page(double, name, 1)
    assert editing.user is not None and editing.user.mode == "edit"
    assert editing.config is not None and editing.config["type"] == "desktop"
    assert "embed" not in editing.query
    wait_until(
        lambda: "Lock" in [call.operation for call in calls_of(double, editing)],
        what="the editor's Lock",
    )
    header.get_by_role("button", name="View", exact=True).wait_for(timeout=UI_MS)
    assert header.get_by_role("button", name="Edit", exact=True).count() == 0
    inline_frame(view, after=preview_frame)
    lab.screenshot("inline-editing")

    # Open in Tab: the file in an ONLYOFFICE tab, its editor loaded.
    header.get_by_role("button", name="Open in Tab").click()
    lab.editor_frame(name=name)
    tab_page = loaded_page(double, name, 2)
    assert tab_page.user is not None and tab_page.user.mode == "edit"  # the default mode
    assert len(pages_of(double, name)) == 3
    assert lab.page_errors == []


def test_document_open_opens_a_tab_once_and_never_from_the_saved_notebook(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    name = "report.docx"
    (lab_server.root / name).write_bytes(office_file("docx", "Report"))
    notebook = "report.ipynb"
    panel_id = run_notebook(lab, lab_server, notebook, show_cell(name, ".open()"))
    lab.editor_frame(name=name)
    assert lab.tab(name).count() == 1
    # Beside the notebook, which stays current: a Run All goes on where the user watches.
    current = lab.page.evaluate("() => window.jupyterapp.shell.currentWidget.id")
    assert current == panel_id
    notebook_box = lab.notebook(panel_id).bounding_box()
    editor_box = lab.document_panel(name).bounding_box()
    assert (
        notebook_box
        and editor_box
        and editor_box["x"] >= notebook_box["x"] + notebook_box["width"] - 1
    )
    output = lab.notebook(panel_id).locator(OPEN_REQUEST)
    assert f"Opened {name} in an ONLYOFFICE tab." in output.inner_text()
    # The kernel replaced its request at once: the model keeps a plain record.
    [record] = [o for o in notebook_outputs(lab, panel_id, 0) if OPEN_MIME in o.get("data", {})]
    assert "request" not in record["data"][OPEN_MIME]
    assert record["data"][OPEN_MIME]["server_path"] == name

    lab.tab(notebook).click()
    lab.command("docmanager:save")
    saved = nbformat.read(str(lab_server.root / notebook), as_version=4)
    [saved_record] = [o for o in saved.cells[0].outputs if OPEN_MIME in o.get("data", {})]
    assert saved_record["data"][OPEN_MIME] == record["data"][OPEN_MIME]
    assert "request" not in saved_record["data"][OPEN_MIME]

    # A new lab (no request carried out yet in the page), the document's tab closed: the
    # saved notebook opens without opening the document.
    lab.tab(name).locator(".lm-TabBar-tabCloseIcon").click()
    lab.tab(name).wait_for(state="detached", timeout=UI_MS)
    pages_before = len(pages_of(double, name))
    lab.open()
    lab.command("docmanager:open", {"path": notebook})
    # The output is there before it has looked for the file; its words come after it
    # decided whether to open the tab ("Opened …" when it did: inline.ts).
    output = lab.page.locator(OPEN_REQUEST).filter(has_text=f"{name} in ONLYOFFICE Docs")
    output.wait_for(timeout=UI_MS)
    assert "Opened" not in output.inner_text()
    trusted = lab.page.evaluate(
        """(path) => Array.from(window.jupyterapp.shell.widgets('main'))
            .find(w => w.context && w.context.path === path).content.model.cells.get(0).trusted""",
        notebook,
    )
    assert trusted  # signed when saved: a request in it would be carried out
    assert lab.tab(name).count() == 0
    assert len(pages_of(double, name)) == pages_before
    output.get_by_role("button", name="Open in Tab").click()  # on request only
    lab.tab(name).wait_for(timeout=UI_MS)
    assert lab.page_errors == []


# -- 6. the push channel --------------------------------------------------------------------


def test_the_editors_save_reaches_the_tab_through_the_servers_events(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner, lab_settings: Settings
) -> None:
    sockets: list[str] = []
    status_fetches: list[float] = []
    lab.page.on("websocket", lambda socket: sockets.append(socket.url))
    lab.page.on(
        "request",
        lambda request: (
            status_fetches.append(time.monotonic()) if FILE_STATUS_API in request.url else None
        ),
    )
    lab_settings({"diskCheckSeconds": 600})  # open panels poll every 10 minutes
    assert any("/api/events/subscribe" in url for url in sockets), sockets
    name = "pushed.docx"
    target = lab_server.root / name
    original = office_file("docx", "Pushed")
    target.write_bytes(original)
    frame = open_tab(lab, name)
    session, _user = double.session_for(name)
    wait_until(lambda: session.loaded, what="GetFile")
    status = lab.save_status()
    frame.locator("#double-type").click()
    status.and_(lab.page.locator('[data-status="unsaved"]')).wait_for(timeout=UI_MS)
    wait_until(lambda: session.changed, what="the double recorded the edit")
    # No poll runs now (it would every 3 s by default): the tab looks only when told to.
    time.sleep(4)
    quiet_since = time.monotonic() - 3.5
    assert [t for t in status_fetches if t > quiet_since] == []

    frame.locator("#double-save").click()  # ONLYOFFICE's Save button: a force-save
    saved_at = time.monotonic()
    wait_until(lambda: target.read_bytes() != original, what="the save on disk")
    status.and_(lab.page.locator('[data-status="saved"]')).wait_for(timeout=5_000)
    assert status.inner_text().startswith("Saved to disk at ")
    assert "jp-mod-dirty" not in (lab.tab(name).get_attribute("class") or "")
    # The tab asked for the file's status once the server's event came, not on a timer.
    assert [t for t in status_fetches if t > saved_at]
    answer = lab_server.file_status(name)
    assert answer["last_save"] is not None and not answer["last_save"]["kept_as"]
    assert target.read_bytes() == session.content
    assert lab.page_errors == []


# -- 7. other frontends ---------------------------------------------------------------------


def test_the_exported_html_links_to_the_standalone_editor_page(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    name = "fallback.xlsx"
    (lab_server.root / name).write_bytes(office_file("xlsx", "Fallback"))
    notebook = "fallback.ipynb"
    panel_id = run_notebook(lab, lab_server, notebook, show_cell(name))
    inline_frame(inline_view(lab, panel_id))
    lab.command("docmanager:save")
    executed = nbformat.read(str(lab_server.root / notebook), as_version=4)
    [output] = executed.cells[0].outputs
    assert set(output["data"]) == {DOCUMENT_MIME, "text/html", "text/plain"}
    html, _resources = HTMLExporter().from_notebook_node(executed)
    # nbconvert shows the HTML output, a link to the editor page; not the lab's MIME type.
    link_text = f"View {name} in ONLYOFFICE Docs"
    assert link_text in html
    assert "jupyter-wopi.document" not in html and "server_path" not in html

    # The exported page, served from the server's origin (as a shared file would be).
    exported = lab.page.context.new_page()
    try:
        exported.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(lab_server.base)
                else route.abort()
            ),
        )
        exported.goto(lab_server.url("api/status"))
        exported.set_content(html, wait_until="domcontentloaded")
        link = exported.get_by_role("link", name=link_text)
        exported.screenshot(path=str(artifacts_dir() / f"{lab.name}--exported.png"))
        assert link.get_attribute("target") == "_blank"
        assert link.get_attribute("href") == (
            f"/{lab_server.base.split('/', 3)[3]}wopi/open/{name}?action=view"
        )
        pages_before = len(pages_of(double, name))
        with exported.context.expect_page(timeout=UI_MS) as opened:
            link.click()
        host = opened.value
        try:
            host.wait_for_url(lab_server.url(f"wopi/open/{name}?action=view"), timeout=UI_MS)
            page_editor(host)  # the double's editor loaded in the host page's frame
            page = loaded_page(double, name, pages_before)
            assert page.ok and page.user is not None and page.user.mode == "view"
            assert page.config is not None and page.config["type"] == "desktop"
            host.screenshot(path=str(artifacts_dir() / f"{lab.name}--host-page.png"))
        finally:
            host.close()
    finally:
        exported.close()
    assert lab.page_errors == []

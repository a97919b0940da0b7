"""The same lab extension in Jupyter Notebook 7 (issue 4 §1): a document opened from the
Notebook file browser loads in ONLYOFFICE (the double) in Notebook's editor page, and its
edits reach the disk; the file browser's New menu creates office documents and the Help menu
checks the connection (issue 11 items 4, 11)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
import requests
from lab_harness import (
    CHECK_CONNECTION,
    DOCUMENT,
    PANEL,
    UI_MS,
    DoubleRunner,
    LabServer,
    artifacts_dir,
    panel_editor,
    running_lab_server,
    save_doc_image,
    wait_until,
)
from support.documents import office_file
from support.images import png

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def notebook_server(
    double: DoubleRunner, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LabServer]:
    workdir = tmp_path_factory.mktemp("notebook")
    with running_lab_server(workdir, double.url + "/", notebook=True) as server:
        yield server


def test_a_docx_opens_and_saves_in_notebook_7(
    browser: Browser, notebook_server: LabServer, double: DoubleRunner
) -> None:
    target = notebook_server.root / "memo.docx"
    target.write_bytes(office_file("docx", "Memo"))
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(notebook_server.url(f"tree?token={notebook_server.token}"))
        item = page.locator(".jp-DirListing-item").filter(has_text="memo.docx")
        item.wait_for(timeout=30_000)
        # Notebook opens documents in a new browser tab, on its editor page.
        with context.expect_page(timeout=UI_MS) as opened:
            item.dblclick()
        editor_page = opened.value
        frame = panel_editor(editor_page, editor_page.locator(f"{DOCUMENT} {PANEL}"))
        assert "/edit/memo.docx" in editor_page.url
        editor_page.screenshot(path=str(artifacts_dir() / "notebook7--editor.png"))

        session, user = double.session_for("memo.docx")
        frame.locator("#double-type").click()
        wait_until(lambda: session.changed, what="the double recorded the edit")
        assert double.run(session.force_save(user)), session.errors
        assert target.read_bytes() == session.content
    finally:
        context.close()


def test_the_editors_close_returns_to_the_documents_folder(
    browser: Browser, notebook_server: LabServer, double: DoubleRunner
) -> None:
    """Notebook's editor page holds one document: the editor's Close (UI_Close) goes to the
    file tree of the document's folder instead of leaving an empty page, and the editor
    leaving saves the change, as in the lab."""
    folder = notebook_server.root / "team notes"
    folder.mkdir(exist_ok=True)
    target = folder / "minutes.docx"
    target.write_bytes(office_file("docx", "Minutes"))
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(
            notebook_server.url(f"edit/team%20notes/minutes.docx?token={notebook_server.token}")
        )
        frame = panel_editor(page, page.locator(f"{DOCUMENT} {PANEL}"))
        session, _user = double.session_for("minutes.docx")
        frame.locator("#double-type").click()
        wait_until(lambda: session.changed, what="the double recorded the edit")
        frame.locator("#double-close").click()
        page.wait_for_url(notebook_server.url("tree/team%20notes"), timeout=UI_MS)
        page.locator(".jp-DirListing-item").filter(has_text="minutes.docx").wait_for(timeout=UI_MS)
        assert page.locator(f"{DOCUMENT}").count() == 0
        page.screenshot(path=str(artifacts_dir() / "notebook7--closed-to-folder.png"))
        save_doc_image(page, "notebook-close-to-folder.png")
        wait_until(lambda: session.ended, what="the session ended (final save, Unlock)")
        assert target.read_bytes() == session.content
    finally:
        context.close()


def test_a_document_output_shows_inline_in_notebook_7(
    browser: Browser, notebook_server: LabServer, double: DoubleRunner
) -> None:
    """The rendermime factory is registered in Notebook 7 too: a cell's Document() shows the
    file in the embedded viewer."""
    import nbformat

    (notebook_server.root / "figures.xlsx").write_bytes(office_file("xlsx", "Figures"))
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [
        nbformat.v4.new_code_cell('from jupyter_wopi import Document\nDocument("figures.xlsx")')
    ]
    nbformat.write(notebook, str(notebook_server.root / "figures.ipynb"))
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(notebook_server.url(f"notebooks/figures.ipynb?token={notebook_server.token}"))
        # The page is connected to an idle kernel (keys pressed before would run nothing).
        wait_until(
            lambda: any(
                kernel["connections"] > 0 and kernel["execution_state"] == "idle"
                for kernel in running_kernels(notebook_server)
            ),
            what="the notebook's kernel, connected and idle",
            timeout=60,
        )
        page.locator(".jp-Cell .jp-InputArea-editor").first.click()
        page.keyboard.press("Shift+Enter")
        try:
            page.locator(f".jp-wopi-inline {PANEL}.jp-mod-ready").wait_for(timeout=60_000)
        except Exception:
            page.screenshot(path=str(artifacts_dir() / "notebook7--inline-failed.png"))
            raise
        assert page.locator(".jp-wopi-inline-name").inner_text() == "figures.xlsx"
        session, user = double.session_for("figures.xlsx")
        assert user.mode == "view" and session.is_view
        page.screenshot(path=str(artifacts_dir() / "notebook7--inline.png"))
    finally:
        context.close()


@pytest.fixture
def tree(browser: Browser, notebook_server: LabServer) -> Iterator[Page]:
    """Notebook's file browser (the tree view) in a new browser context."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(notebook_server.url(f"tree?token={notebook_server.token}"))
        page.locator(".jp-DirListing-content").wait_for(timeout=30_000)
        yield page
    finally:
        context.close()


def editor_page(context: BrowserContext, opened: Page) -> Page:
    """Notebook's editor page (a new browser tab) once ONLYOFFICE loaded the file in it."""
    panel_editor(opened, opened.locator(f"{DOCUMENT} {PANEL}"))
    return opened


def test_the_new_menu_creates_an_office_document(
    tree: Page, notebook_server: LabServer, double: DoubleRunner
) -> None:
    tree.locator(".jp-DropdownMenu .lm-MenuBar-itemLabel").get_by_text("New").click()
    item = tree.locator(".lm-Menu-itemLabel").get_by_text("Document", exact=True)
    item.wait_for(timeout=UI_MS)
    for kind in ("Spreadsheet", "Presentation"):
        assert tree.locator(".lm-Menu-itemLabel").get_by_text(kind, exact=True).is_visible()
    tree.screenshot(path=str(artifacts_dir() / "notebook7--new-menu.png"))
    save_doc_image(tree, "notebook-new-menu.png")
    with tree.context.expect_page(timeout=UI_MS) as opened:
        item.click()
    page = editor_page(tree.context, opened.value)
    assert "/edit/untitled" in page.url and page.url.endswith(".docx")
    name = page.url.rsplit("/", 1)[1]
    target = notebook_server.root / name
    session, _user = double.session_for(name)
    # An empty file: ONLYOFFICE wrote its blank template before locking (editnew).
    assert double.operations(session.key)[:3] == ["CheckFileInfo", "PutFile", "Lock"]
    wait_until(lambda: target.stat().st_size > 0, what=f"{name}: the blank template on disk")


def test_the_help_menu_checks_the_connection(tree: Page) -> None:
    tree.locator(".lm-MenuBar-itemLabel").get_by_text("Help", exact=True).click()
    tree.locator(".lm-Menu-itemLabel").get_by_text(CHECK_CONNECTION, exact=True).click()
    report = tree.locator(".jp-Dialog .jp-wopi-report")
    report.wait_for(timeout=15_000)
    assert report.locator("li").count() > 0
    tree.screenshot(path=str(artifacts_dir() / "notebook7--connection-report.png"))


def running_kernels(server: LabServer) -> list[dict[str, Any]]:
    """The server's kernels; none while it cannot list them: jupyter_server answers 500 while a
    kernel is half-started (its execution state is not set yet), which CI once hit."""
    response = requests.get(server.url("api/kernels"), headers=server.auth(), timeout=10)
    return response.json() if response.status_code == 200 else []


def test_version_history_opens_the_servers_page_in_notebook_7(
    tree: Page, notebook_server: LabServer, double: DoubleRunner
) -> None:
    """Notebook keeps one document per browser tab: Version History (the editor's button, the
    file browser's menu) opens the server's Version History page in a new browser tab."""
    (notebook_server.root / "agenda.docx").write_bytes(office_file("docx", "Agenda"))
    item = tree.locator(".jp-DirListing-item").filter(has_text="agenda.docx")
    tree.locator(".jp-ToolbarButtonComponent[data-command='filebrowser:refresh']").click()
    item.wait_for(timeout=UI_MS)
    item.click(button="right")
    with tree.context.expect_page(timeout=UI_MS) as opened:
        tree.locator(".lm-Menu-itemLabel").get_by_text("Version History…", exact=True).click()
    history = opened.value
    history.wait_for_url(notebook_server.url("wopi/versions/agenda.docx"), timeout=UI_MS)
    history.close()

    with tree.context.expect_page(timeout=UI_MS) as opened:
        item.dblclick()
    page = editor_page(tree.context, opened.value)
    frame = panel_editor(page, page.locator(f"{DOCUMENT} {PANEL}"))
    with tree.context.expect_page(timeout=UI_MS) as opened:
        frame.locator("#double-history").click()
    history = opened.value
    history.wait_for_url(notebook_server.url("wopi/versions/agenda.docx"), timeout=UI_MS)
    assert page.locator(".jp-wopi-versions").count() == 0  # no panel the shell would not show


def test_image_from_storage_offers_the_workspace_images_in_notebook_7(
    browser: Browser, notebook_server: LabServer, double: DoubleRunner
) -> None:
    """Notebook 7's editor page answers ONLYOFFICE's Image → From Storage with the same
    picker (no notebook is open there: the workspace's images), and the image goes in."""
    (notebook_server.root / "brief.docx").write_bytes(office_file("docx", "Brief"))
    chart = png(b"a chart for notebook 7")
    (notebook_server.root / "chart.png").write_bytes(chart)
    before = len(double.double.inserted_images)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(notebook_server.url(f"edit/brief.docx?token={notebook_server.token}"))
        frame = panel_editor(page, page.locator(f"{DOCUMENT} {PANEL}"))
        frame.locator("#double-insert-image").click()
        item = page.locator('.jp-wopi-picker-item[data-path="chart.png"]')
        item.wait_for(timeout=UI_MS)
        item.click()
        page.locator(".jp-wopi-picker").get_by_role("button", name="Insert", exact=True).click()
        image = wait_until(
            lambda: double.double.inserted_images[before:], what="the double's download"
        )[0]
        assert image.data == chart
        page.locator(".jp-wopi-picker").wait_for(state="detached", timeout=UI_MS)
    finally:
        context.close()

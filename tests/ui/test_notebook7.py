"""The same lab extension in Jupyter Notebook 7 (issue 4 §1): a document opened from the
Notebook file browser loads in ONLYOFFICE (the double) in Notebook's editor page, and its
edits reach the disk."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from lab_harness import (
    DOCUMENT,
    EDITOR_MS,
    FRAME,
    PANEL,
    UI_MS,
    DoubleRunner,
    LabServer,
    artifacts_dir,
    running_lab_server,
    wait_until,
)
from test_flows import office_file

if TYPE_CHECKING:
    from playwright.sync_api import Browser

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
        editor_page.locator(f"{DOCUMENT} {PANEL}.jp-mod-ready").wait_for(timeout=EDITOR_MS)
        assert "/edit/memo.docx" in editor_page.url
        frame = editor_page.locator(FRAME).element_handle().content_frame()
        assert frame is not None
        frame.wait_for_function("() => window.__onlyofficeDouble?.ready", timeout=EDITOR_MS)
        editor_page.screenshot(path=str(artifacts_dir() / "notebook7--editor.png"))

        session, user = double.session_for("memo.docx")
        frame.locator("#double-type").click()
        wait_until(lambda: session.changed, what="the double recorded the edit")
        assert double.run(session.force_save(user)), session.errors
        assert target.read_bytes() == session.content
    finally:
        context.close()

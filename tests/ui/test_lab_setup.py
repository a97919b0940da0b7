"""The first minutes without ONLYOFFICE configured (issue 11 items 2, 5), in a real browser:
New and Convert explain instead of making a file nobody can open; an office tab offers
ONLYOFFICE Settings instead of a Retry that cannot help; the address typed there is checked,
applied without a restart, and the document opens."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lab_harness import (
    ERROR_BOX,
    FRAME,
    UI_MS,
    DoubleRunner,
    LabPage,
    LabServer,
    running_lab_server,
)
from support.documents import office_file

pytestmark = pytest.mark.timeout(120)

DIALOG = ".jp-Dialog"


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab with no ONLYOFFICE address at all (tests in this module run in order: the
    last one sets it)."""
    with running_lab_server(tmp_path_factory.mktemp("lab-unset"), "") as server:
        yield server


def test_new_and_convert_explain_instead_of_making_useless_files(
    lab: LabPage, lab_server: LabServer
) -> None:
    before = {path.name for path in lab_server.root.iterdir()}
    lab.open_main_menu("File")
    lab.menu_item("New").hover()
    lab.menu_item("Spreadsheet").click()
    dialog = lab.page.locator(DIALOG)
    dialog.wait_for(timeout=UI_MS)
    text = dialog.inner_text()
    assert "ONLYOFFICE Docs is not set up" in text
    assert "A new spreadsheet is created and edited in ONLYOFFICE Docs." in text
    assert "ONLYOFFICE Docs is not configured" in text
    lab.screenshot("new-without-onlyoffice", doc_image="new-without-onlyoffice.png")
    dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="detached", timeout=UI_MS)
    assert {path.name for path in lab_server.root.iterdir()} == before  # no 0-byte file

    (lab_server.root / "budget.xlsx").write_bytes(office_file("xlsx", "Budget"))
    lab.command("filebrowser:refresh")
    lab.file_menu("budget.xlsx", "Convert to…")
    dialog.wait_for(timeout=UI_MS)
    assert "ONLYOFFICE Docs converts budget.xlsx." in dialog.inner_text()
    dialog.get_by_role("button", name="Cancel").click()
    assert lab.page_errors == []


def test_the_settings_dialog_sets_onlyoffice_without_a_restart(
    lab: LabPage, lab_server: LabServer
) -> None:
    (lab_server.root / "plan.docx").write_bytes(office_file("docx", "Plan"))
    lab.double_click_file("plan.docx")
    error = lab.panel().locator(ERROR_BOX)
    error.wait_for(timeout=UI_MS)
    assert "ONLYOFFICE Docs is not set up" in error.inner_text()
    assert "ONLYOFFICE Settings" in error.inner_text()  # the server's sentence says where
    buttons = error.get_by_role("button").all_inner_texts()
    assert buttons == ["ONLYOFFICE Settings…", "How to Get ONLYOFFICE Docs"]  # no Retry
    assert lab.panel().locator(FRAME).count() == 0  # never a blank frame
    lab.screenshot("not-set-up", doc_image="not-set-up.png")

    double = DoubleRunner()
    try:
        error.get_by_role("button", name="ONLYOFFICE Settings…").click()
        dialog = lab.page.locator(DIALOG)
        field = dialog.locator('input[name="onlyoffice_url"]')
        field.wait_for(timeout=UI_MS)
        field.fill("localhost:1")  # no scheme: offered corrected, nothing sent yet
        dialog.get_by_role("button", name="Save and Check").click()
        dialog.get_by_role("button", name="Use http://localhost:1/").wait_for(timeout=UI_MS)
        field = dialog.locator('input[name="onlyoffice_url"]')
        assert field.input_value() == "localhost:1"  # what was typed is kept
        field.fill(double.url + "/")
        lab.screenshot("settings-dialog")
        dialog.get_by_role("button", name="Save and Check").click()
        # The doctor runs on the new address, in its own dialog.
        verdict = lab.page.locator(f"{DIALOG} .jp-wopi-report-verdict[data-ok]")
        verdict.wait_for(timeout=30_000)
        assert verdict.inner_text() == "The connection to ONLYOFFICE Docs works."
        lab.page.locator(DIALOG).get_by_role("button", name="Ok").click()
        # The waiting tab tried again by itself: the editor is there, no restart.
        frame = lab.editor_frame()
        assert frame.url.startswith(double.url + "/hosting/wopi/word/edit?")
        session, _user = double.session_for("plan.docx")
        assert double.operations(session.key)[:2] == ["CheckFileInfo", "Lock"]
    finally:
        double.close()
    assert lab.page_errors == []


def test_onlyoffice_settings_is_in_the_settings_menu(lab: LabPage) -> None:
    lab.open_main_menu("Settings")
    lab.menu_item("ONLYOFFICE Settings…").click()
    dialog = lab.page.locator(DIALOG)
    dialog.wait_for(timeout=UI_MS)
    assert dialog.locator('input[name="onlyoffice_url"]').input_value().startswith("http://")
    assert "the same as the first address" in (
        dialog.locator('input[name="onlyoffice_internal_url"]').get_attribute("placeholder") or ""
    )
    dialog.get_by_role("button", name="Cancel").click()

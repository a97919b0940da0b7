"""A wrong ONLYOFFICE address (issue 11 item 3) does not disable the extension: the server
starts, and the office tab says exactly what is wrong and where it was set."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lab_harness import (
    ERROR_BOX,
    UI_MS,
    LabPage,
    LabServer,
    assert_accessible,
    axe_missing,
    running_lab_server,
)
from support.documents import office_file

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab whose config gives an address without a scheme, the commonest slip."""
    with running_lab_server(tmp_path_factory.mktemp("lab-bad-url"), "office:8000") as server:
        yield server


def test_the_tab_names_the_wrong_address_and_its_source(
    lab: LabPage, lab_server: LabServer
) -> None:
    assert lab.plugin_activated("jupyter-wopi:plugin")
    (lab_server.root / "memo.docx").write_bytes(office_file("docx", "Memo"))
    lab.double_click_file("memo.docx")
    error = lab.panel().locator(ERROR_BOX)
    error.wait_for(timeout=UI_MS)
    text = error.inner_text()
    # Named where it was set (issue 23 item 2), with what it most likely means.
    assert "c.JupyterWopi.onlyoffice_url in Jupyter's configuration must be an absolute" in text
    assert "got 'office:8000'. Did you mean http://office:8000/?" in text
    lab.screenshot("invalid-url", doc_image="invalid-url.png")

    # The settings dialog shows it read-only, as given, with where to change it.
    error.get_by_role("button", name="ONLYOFFICE Settings…").click()
    dialog = lab.page.locator(".jp-Dialog")
    field = dialog.locator('input[name="onlyoffice_url"]')
    field.wait_for(timeout=UI_MS)
    assert field.input_value() == "office:8000"
    assert field.get_attribute("readonly") is not None
    assert "c.JupyterWopi.onlyoffice_url" in dialog.inner_text()
    if axe_missing() is None:  # test_accessibility.py fails the run without axe-core
        # A read-only field stays readable (issue 23 item 11).
        assert_accessible(lab.page, ".jp-Dialog-content", "Settings with a read-only field")
    dialog.get_by_role("button", name="Cancel").click()
    assert lab.page_errors == []

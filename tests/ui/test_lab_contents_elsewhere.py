"""A Jupyter server whose contents manager keeps files elsewhere (S3, a database): the lab
still lists the files, and an office file's tab says why ONLYOFFICE cannot open it, in the
server's words (issue 23 §10)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from lab_harness import ERROR_BOX, FRAME, LabPage, LabServer
from support.documents import office_file

pytestmark = pytest.mark.timeout(120)

# As the server subprocess imports it: the repository is on its PYTHONPATH.
MANAGER = "tests.support.contents_elsewhere.ElsewhereContentsManager"


class ElsewhereLabServer(LabServer):
    """The browser tests' lab server with a contents manager that is not a file manager."""

    def __init__(self, workdir: Path, onlyoffice_url: str) -> None:
        super().__init__(workdir, onlyoffice_url)
        config_file = workdir / "config" / "jupyter_server_config.json"
        config = json.loads(config_file.read_text())
        config["ServerApp"]["contents_manager_class"] = MANAGER
        config_file.write_text(json.dumps(config))


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    server = ElsewhereLabServer(tmp_path_factory.mktemp("lab-elsewhere"), "http://127.0.0.1:9/")
    server.start(timeout=60)
    try:
        yield server
    finally:
        server.stop()


def test_an_office_tab_says_the_server_keeps_files_elsewhere(
    lab: LabPage, lab_server: LabServer
) -> None:
    (lab_server.root / "report.docx").write_bytes(office_file("docx", "Report"))
    lab.double_click_file("report.docx")  # listed: the contents manager serves the lab
    lab.tab("report.docx").wait_for(timeout=10_000)

    error = lab.panel().locator(ERROR_BOX)
    error.wait_for(timeout=15_000)
    text = error.inner_text()
    assert (
        f"This Jupyter server keeps files in {MANAGER}; jupyter_wopi needs files on disk" in text
    ), text
    assert "c.ServerApp.contents_manager_class" in text
    assert "not running" not in text  # not blamed on an extension that failed to load
    assert lab.panel().locator(FRAME).count() == 0
    lab.screenshot("contents-elsewhere", "contents-elsewhere.png")

    log = lab_server.log_path.read_text()
    assert log.count(f"jupyter_wopi: this Jupyter server keeps files in {MANAGER}") == 1

"""The example notebook `binder/office-documents-from-code.ipynb` as a newcomer runs it in a
plain clone: opened in the lab and run with **Run All** (issue 23, item 6). Part 3's `.open()`
opens the report beside the notebook, which stays current, and the next cell waits for the
editor's save (saying so) instead of returning at once: after a save in the editor, it reads
back the saved file. No cell fails."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from lab_harness import (
    DoubleRunner,
    LabPage,
    LabServer,
    notebook_outputs,
    wait_until,
)
from support.server_process import REPO

pytest.importorskip("pandas", reason="the example notebook needs pandas (test extras)")
pytest.importorskip("docx", reason="the example writes .docx with python-docx (test extras)")

pytestmark = pytest.mark.timeout(240)

NOTEBOOK = "office-documents-from-code.ipynb"
RUN_ALL_MS = 120_000


def cell_index(lab: LabPage, panel_id: str, cell_id: str) -> int:
    index: int = lab.page.evaluate(
        """([id, cellId]) => {
            const panel = Array.from(window.jupyterapp.shell.widgets('main'))
                .find(w => w.id === id);
            const cells = panel.content.model.cells;
            for (let i = 0; i < cells.length; i++) {
                if (cells.get(i).id === cellId) return i;
            }
            return -1;
        }""",
        [panel_id, cell_id],
    )
    assert index >= 0, cell_id
    return index


def text_of(outputs: list[dict[str, Any]]) -> str:
    return "".join(
        "".join(o["text"]) if isinstance(o.get("text"), list) else o.get("text", "")
        for o in outputs
        if o.get("output_type") == "stream"
    )


def test_run_all_opens_the_report_beside_and_waits_for_its_save(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    shutil.copy(REPO / "binder" / NOTEBOOK, lab_server.root / NOTEBOOK)
    panel_id = lab.open_notebook(NOTEBOOK)
    read_back = cell_index(lab, panel_id, "read-back")
    lab.page.evaluate(  # not awaited: Run All ends only after part 3's wait
        """(id) => { window.jupyterapp.commands.execute(
            'notebook:run-all-cells', { semanticWidget: id }); }""",
        panel_id,
    )
    # Part 3: the report opens beside the notebook, and the next cell waits, saying why.
    frame = lab.editor_frame(name="report.docx", mode="edit", timeout=RUN_ALL_MS)
    waiting = wait_until(
        lambda: text_of(notebook_outputs(lab, panel_id, read_back)),
        timeout=RUN_ALL_MS / 1000,
        what="the read-back cell's waiting line",
    )
    assert waiting.startswith("Waiting for the editor's save of report.docx (up to 300 s)")
    current = lab.page.evaluate("() => window.jupyterapp.shell.currentWidget.id")
    assert current == panel_id  # the notebook stayed where the user watches it run
    lab.screenshot("binder-run-all-waiting", "binder-run-all-waiting.png")

    # The user edits and saves in the editor: the wait ends, the saved file is read back.
    session, _ = double.session_for("report.docx")
    frame.locator("#double-type").click()
    wait_until(lambda: session.changed, what="the double recorded the edit")
    frame.locator("#double-save").click()
    printed = wait_until(
        lambda: (
            text
            if "Its paragraphs now:"
            in (text := text_of(notebook_outputs(lab, panel_id, read_back)))
            else None
        ),
        timeout=60,
        what="the read-back after the save",
    )
    assert "The editor saved report.docx at " in printed
    assert "Sales report" in printed  # python-docx read the saved file
    errors = lab.page.evaluate(
        """(id) => {
            const panel = Array.from(window.jupyterapp.shell.widgets('main'))
                .find(w => w.id === id);
            const found = [];
            for (const cell of panel.content.model.cells) {
                if (cell.type !== 'code') continue;
                for (const output of cell.outputs.toJSON()) {
                    if (output.output_type === 'error') found.push(output.evalue);
                }
            }
            return found;
        }""",
        panel_id,
    )
    assert errors == []
    assert lab.page_errors == []

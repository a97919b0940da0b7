"""The Binder example notebook `binder/office-documents-from-code.ipynb`, run the way a reader
runs it: a copy, executed by nbclient in the `python3` kernel in a temporary folder (its cwd),
with no Jupyter server running (its own runtime folder), so the cells that ask the server take
their "no server" path. Checked: every cell runs, the files it writes are valid and hold what the
kernel computed, the `Document` outputs carry jupyter_wopi's MIME type, and a new parameter
value rewrites the files."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from jupyter_wopi.document import DEFAULT_HEIGHT, MIME_TYPE, OPEN_MIME_TYPE

# The notebook's own dependencies (binder/environment.yml); the kernel imports them too.
pytest.importorskip("pandas", reason="the example notebook needs pandas (test extras)")
openpyxl = pytest.importorskip("openpyxl", reason="the example writes .xlsx with openpyxl")
docx = pytest.importorskip("docx", reason="the example writes .docx with python-docx")

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "binder" / "office-documents-from-code.ipynb"
FACTS = "facts: "
# Appended to the executed copy only: what the kernel computed, to compare with the files.
FACTS_CELL = (
    "import json\n"
    f"print({FACTS!r} + json.dumps({{'growth': growth, 'months': list(sales.index), "
    "'total': [int(v) for v in sales['Total']], 'summary': summary}))"
)


def read_notebook() -> Any:
    return nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]


def execute(folder: Path, growth: str | None = None) -> tuple[Any, dict[str, Any]]:
    """Run a copy of the notebook in `folder` (the kernel's working folder; `growth`: new
    source for the parameter's value); returns the executed notebook and the kernel's figures.
    A cell's error fails the test (nbclient's CellExecutionError)."""
    nb = read_notebook()
    cells = {cell.id: cell for cell in nb.cells}
    if growth is not None:
        source, count = re.subn(
            r"^growth = [^ #]+", f"growth = {growth}", cells["parameters"].source, flags=re.M
        )
        assert count == 1, "the parameter cell has no `growth = ...` line"
        cells["parameters"].source = source
    nb.cells.append(nbformat.v4.new_code_cell(FACTS_CELL))  # type: ignore[no-untyped-call]
    with pytest.MonkeyPatch.context() as env:
        # The kernel imports jupyter_wopi from this checkout, and finds no running server.
        env.setenv("PYTHONPATH", str(REPO), prepend=os.pathsep)
        env.setenv("JUPYTER_RUNTIME_DIR", str(folder / ".runtime"))
        NotebookClient(
            nb,
            kernel_name="python3",
            timeout=120,
            startup_timeout=60,
            resources={"metadata": {"path": str(folder)}},
        ).execute()
    facts_output = stdout(nb.cells[-1])
    assert facts_output.startswith(FACTS)
    return nb, json.loads(facts_output[len(FACTS) :])


def stdout(cell: Any) -> str:
    return "".join(out.text for out in cell.outputs if out.output_type == "stream")


def spreadsheet(path: Path) -> list[list[Any]]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [list(row) for row in book["Sales"].iter_rows(values_only=True)]
    book.close()
    return rows


def word(path: Path) -> tuple[list[str], list[list[str]]]:
    """A .docx's paragraphs and its first table's cells."""
    document = docx.Document(str(path))
    table = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    return [p.text for p in document.paragraphs], table


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("example")
    nb, facts = execute(folder)
    return folder, nb, facts


def test_the_notebook_is_stored_clean() -> None:
    nb = read_notebook()
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert set(nb.metadata) <= {"kernelspec", "language_info"}
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.id
        assert set(cell.metadata) <= {"tags"}, cell.id


def test_it_runs_and_writes_the_files_it_shows(
    first_run: tuple[Path, Any, dict[str, Any]],
) -> None:
    folder, nb, facts = first_run
    rows = spreadsheet(folder / "results.xlsx")
    header, body = rows[0], rows[1:]
    assert header[0] == "Month" and header[-1] == "Total"
    assert [row[0] for row in body] == facts["months"]
    assert [row[-1] for row in body] == facts["total"]
    assert all(row[-1] == sum(row[1:-1]) for row in body)

    paragraphs, table = word(folder / "report.docx")
    assert paragraphs[0] == "Sales report"
    assert facts["summary"] in paragraphs
    assert f"{facts['total'][-1]} units" in facts["summary"]
    assert table == [[str(value) for value in row] for row in rows]

    cells = {cell.id: cell for cell in nb.cells}
    for cell_id, path, height in [
        ("spreadsheet", "results.xlsx", DEFAULT_HEIGHT),
        ("report", "report.docx", 600),
    ]:
        [shown] = [out.data for out in cells[cell_id].outputs if "data" in out]
        expected = {"path": path, "height": height, "mode": "view", "exists": True}
        assert {key: shown[MIME_TYPE].get(key) for key in expected} == expected
        assert shown["text/plain"].startswith(f"Document('{path}'")
    # open(): what the notebook keeps is the record, never the request (it would reopen tabs).
    [opened] = [out.data for out in cells["open"].outputs if "data" in out]
    assert opened[OPEN_MIME_TYPE]["path"] == "report.docx"
    assert "request" not in opened[OPEN_MIME_TYPE]
    # Without a Jupyter server wait_saved says why, and the file is read back as it is.
    read_back = stdout(cells["read-back"])
    assert "No running Jupyter server" in read_back
    assert facts["summary"] in read_back


def test_a_new_parameter_rewrites_the_files(
    first_run: tuple[Path, Any, dict[str, Any]], tmp_path: Path
) -> None:
    folder, _, before = first_run
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".*"))
    old_rows = spreadsheet(tmp_path / "results.xlsx")
    old_paragraphs, _ = word(tmp_path / "report.docx")

    _, after = execute(tmp_path, growth="0.25")
    assert after["growth"] == 0.25 != before["growth"]
    rows = spreadsheet(tmp_path / "results.xlsx")
    assert rows != old_rows
    assert [row[-1] for row in rows[1:]] == after["total"] != before["total"]
    paragraphs, table = word(tmp_path / "report.docx")
    assert after["summary"] in paragraphs and after["summary"] not in old_paragraphs
    assert "25%" in after["summary"]
    assert table == [[str(value) for value in row] for row in rows]

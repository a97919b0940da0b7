"""Figures from notebooks into documents (issue 22), in a real browser with a real kernel,
against the ONLYOFFICE double: its editor's Image → From Storage (`#double-insert-image`,
UI_InsertGraphic) opens the lab's picker, whose notebook figures and workspace images go into
the document through Action_InsertGraphic; an output's figure dragged onto the editor goes in
the same way; `Document(...).insert_image(fig)` in a cell inserts into the open editor, and
says why not when none has the document open. The double downloads each image server side,
as ONLYOFFICE does, so every test compares the bytes that arrived."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from lab_harness import (
    FACTORY,
    UI_MS,
    DoubleRunner,
    EditorFrame,
    LabPage,
    LabServer,
    notebook_outputs,
    page_editor,
    wait_until,
    write_notebook,
)
from onlyoffice_double.images import InsertedImage
from support.documents import office_file
from support.images import png

pytestmark = pytest.mark.timeout(180)

INSERT_IMAGE_MIME = "application/vnd.jupyter-wopi.insert-image+json"
PICKER = ".jp-wopi-picker"
ITEM = ".jp-wopi-picker-item"
DROPZONE = ".jp-wopi-dropzone"
INSERT_OUTPUT = ".jp-wopi-insert-request"

# A matplotlib figure shown as a PNG output (the Agg backend: no display needed).
FIGURE_CELL = """\
import io
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from IPython.display import Image, display
fig, ax = plt.subplots(figsize=(3, 2))
ax.plot([1, 3, 2, 4])
ax.set_title("Sales")
buffer = io.BytesIO()
fig.savefig(buffer, format="png")
display(Image(buffer.getvalue()))
fig.savefig("sales-chart.png")  # a workspace image too"""


# -- helpers --------------------------------------------------------------------------------


def figure_png(lab: LabPage, panel_id: str, index: int = 0) -> bytes:
    """The PNG bytes of the (one) image output of a cell, from the notebook's model."""
    [data] = [
        o["data"]["image/png"]
        for o in notebook_outputs(lab, panel_id, index)
        if "image/png" in o.get("data", {})
    ]
    raw = "".join(data) if isinstance(data, list) else data
    return base64.b64decode(raw)


def draw_figure(lab: LabPage, server: LabServer, notebook: str = "analysis.ipynb") -> str:
    """Open a notebook whose first cell draws a figure, and run it: its panel's id."""
    panel_id = lab.open_notebook(write_notebook(server, notebook, FIGURE_CELL))
    lab.run_cell(panel_id, 0)
    lab.notebook(panel_id).locator(".jp-OutputArea-output img").wait_for(timeout=UI_MS)
    return panel_id


def open_beside(lab: LabPage, path: str) -> EditorFrame:
    """Open `path` in an ONLYOFFICE tab to the right of what is shown, and its editor."""
    lab.command(
        "docmanager:open",
        {"path": path, "factory": FACTORY, "options": {"mode": "split-right"}},
    )
    return lab.editor_frame(name=path.rsplit("/", 1)[-1], mode="edit")


def next_image(double: DoubleRunner, before: int) -> InsertedImage:
    """The image the double received after the first `before` ones."""
    images = double.double.inserted_images
    return wait_until(
        lambda: images[before] if len(images) > before else None,
        what="the double's download of the image",
    )


def editor_says_inserted(frame: EditorFrame, data: bytes, content_type: str) -> None:
    """The double's editor reports the image went into the document."""
    status = frame.locator("#double-status")
    expected = f"Image inserted ({len(data)} bytes, {content_type})"
    wait_until(lambda: status.text_content() == expected, what=f"'{expected}' in the editor")


def open_picker(lab: LabPage, frame: EditorFrame) -> Any:
    """Press the double's Image → From Storage: the lab's picker, once shown."""
    frame.locator("#double-insert-image").click()
    picker = lab.page.locator(PICKER)
    picker.wait_for(timeout=UI_MS)
    return picker


# -- the picker -----------------------------------------------------------------------------


def test_a_notebook_figure_goes_into_the_document_through_the_picker(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    (lab_server.root / "report.docx").write_bytes(office_file("docx", "Report"))
    panel_id = draw_figure(lab, lab_server)
    frame = open_beside(lab, "report.docx")
    _session, user = double.session_for("report.docx")
    assert user.file_info["EnableInsertRemoteImage"] is True
    before = len(double.double.inserted_images)

    picker = open_picker(lab, frame)
    figure = picker.locator(ITEM).filter(has_text="analysis.ipynb [1]")
    assert figure.count() == 1
    picker.locator(ITEM).filter(has_text="sales-chart.png").wait_for(timeout=UI_MS)
    # The newest figure has the keyboard: Enter inserts it.
    wait_until(
        lambda: lab.page.evaluate(
            "() => document.activeElement?.textContent === 'analysis.ipynb [1]'"
        ),
        what="the focus on the figure",
    )
    lab.screenshot("image-picker", doc_image="image-picker.png")
    lab.page.keyboard.press("Enter")

    image = next_image(double, before)
    expected = figure_png(lab, panel_id)
    assert expected.startswith(b"\x89PNG")
    assert image.data == expected
    assert (image.content_type, image.status) == ("image/png", 200)
    assert image.user_id == user.user_id
    editor_says_inserted(frame, expected, "image/png")
    picker.wait_for(state="detached", timeout=UI_MS)
    # The keyboard is back in the editor it came from.
    assert lab.page.evaluate("(name) => document.activeElement?.name === name", frame.name)
    assert len(double.double.inserted_images) == before + 1
    assert lab.page_errors == []


def test_a_workspace_image_goes_into_the_document_through_the_picker(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    root = lab_server.root
    (root / "reports" / "figs").mkdir(parents=True)
    (root / "reports" / "summary.docx").write_bytes(office_file("docx", "Summary"))
    chart = png(b"chart" * 300)
    (root / "reports" / "figs" / "chart.png").write_bytes(chart)
    (root / "logo-outside.png").write_bytes(png(b"logo"))  # not in the document's folder
    frame = open_beside(lab, "reports/summary.docx")
    before = len(double.double.inserted_images)

    picker = open_picker(lab, frame)
    workspace = picker.locator(".jp-wopi-picker-section").nth(1)
    items = workspace.locator(ITEM)
    items.first.wait_for(timeout=UI_MS)
    assert items.count() == 1
    assert workspace.locator(".jp-wopi-picker-folder").inner_text() == (
        "In reports and its subfolders"
    )
    chart_item = workspace.locator(f'{ITEM}[data-path="reports/figs/chart.png"]')
    assert "reports/figs · 1.5 KB" in chart_item.inner_text()
    # The whole workspace: the other image too, and a way back.
    workspace.get_by_role("button", name="Whole Workspace").click()
    items.filter(has_text="logo-outside.png").wait_for(timeout=UI_MS)  # the whole workspace
    assert workspace.locator(".jp-wopi-picker-folder").inner_text() == "In the whole workspace"
    workspace.get_by_role("button", name="Document’s Folder").wait_for(timeout=UI_MS)
    workspace.locator(f'{ITEM}[data-path="reports/figs/chart.png"]').click()
    picker.get_by_role("button", name="Insert", exact=True).click()

    image = next_image(double, before)
    assert image.data == chart
    assert image.content_type == "image/png"
    editor_says_inserted(frame, chart, "image/png")
    picker.wait_for(state="detached", timeout=UI_MS)
    assert lab.page_errors == []


def test_the_picker_says_the_servers_sentence_when_it_refuses_an_image(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    root = lab_server.root
    (root / "refusal").mkdir()
    (root / "refusal" / "memo.docx").write_bytes(office_file("docx", "Memo"))
    (root / "refusal" / "fake.png").write_bytes(b"not an image at all" * 10)
    frame = open_beside(lab, "refusal/memo.docx")
    before = len(double.double.inserted_images)
    picker = open_picker(lab, frame)
    item = picker.locator(ITEM).filter(has_text="fake.png")
    item.wait_for(timeout=UI_MS)
    item.dblclick()
    status = picker.locator(".jp-wopi-picker-status[role=alert]")
    status.wait_for(timeout=UI_MS)
    message = status.locator(".jp-wopi-picker-message").inner_text()
    # The server's sentence (415), as it said it.
    assert message.startswith(
        "Only PNG, JPEG, GIF and BMP images can be inserted into ONLYOFFICE documents"
    ), message
    assert status.get_by_role("button", name="Retry").is_visible()
    assert picker.is_visible()  # the dialog stays: another image can be chosen
    assert len(double.double.inserted_images) == before
    lab.page.keyboard.press("Escape")
    picker.wait_for(state="detached", timeout=UI_MS)


# -- drag and drop --------------------------------------------------------------------------


def drag(lab: LabPage, source: Any, target: Any, during: Any = None) -> None:
    """Drag `source` onto `target` with the mouse (HTML5 or lumino drags alike); `during`
    runs while the pointer is over the target, before the drop."""
    page = lab.page
    box = source.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 12, box["y"] + box["height"] / 2 + 12, steps=4)
    end = target.bounding_box()
    assert end is not None
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=10)
    if during is not None:
        during()
    page.mouse.up()


def test_a_figure_dragged_onto_the_editor_goes_into_the_document(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    (lab_server.root / "dropped.docx").write_bytes(office_file("docx", "Dropped"))
    panel_id = draw_figure(lab, lab_server, "drag.ipynb")
    frame = open_beside(lab, "dropped.docx")
    before = len(double.double.inserted_images)
    assert lab.page.locator(DROPZONE).count() == 0  # no drag, no zone

    zone = lab.document_panel("dropped.docx").locator(DROPZONE)

    def zone_shown() -> None:
        zone.wait_for(timeout=UI_MS)
        assert zone.inner_text() == "Drop to insert into dropped.docx"
        lab.screenshot("drop-zone")

    image = lab.notebook(panel_id).locator(".jp-OutputArea-output img")
    drag(lab, image, frame.element, during=zone_shown)

    inserted = next_image(double, before)
    expected = figure_png(lab, panel_id)
    assert inserted.data == expected
    assert inserted.content_type == "image/png"
    editor_says_inserted(frame, expected, "image/png")
    lab.page.locator(DROPZONE).wait_for(state="detached", timeout=UI_MS)
    lab.wait_for_toast("Inserted drag.ipynb [1].png into dropped.docx.")
    assert lab.page_errors == []


def test_files_dragged_from_the_file_browser(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    root = lab_server.root
    (root / "browser.docx").write_bytes(office_file("docx", "Browser"))
    photo = png(b"photo" * 100)
    (root / "photo.png").write_bytes(photo)
    (root / "notes.txt").write_text("not an image")
    frame = open_beside(lab, "browser.docx")
    lab.command("filebrowser:refresh")
    before = len(double.double.inserted_images)
    zone = lab.document_panel("browser.docx").locator(DROPZONE)

    drag(lab, lab.file_item("photo.png"), frame.element, during=lambda: zone.wait_for())
    inserted = next_image(double, before)
    assert inserted.data == photo
    editor_says_inserted(frame, photo, "image/png")
    zone.wait_for(state="detached", timeout=UI_MS)
    assert (root / "photo.png").read_bytes() == photo  # nothing moved

    # A file that is no image: a sentence, nothing inserted.
    drag(lab, lab.file_item("notes.txt"), frame.element, during=lambda: zone.wait_for())
    lab.wait_for_toast("notes.txt is not an image ONLYOFFICE can insert")
    assert len(double.double.inserted_images) == before + 1
    assert (root / "notes.txt").exists()
    assert lab.page_errors == []


# -- from code ------------------------------------------------------------------------------


INSERT_CELL = """\
import io
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from jupyter_wopi import Document
from jupyter_wopi.figures import FIGURE_DPI
fig, ax = plt.subplots(figsize=(3, 2))
ax.bar(["a", "b", "c"], [3, 1, 2])
buffer = io.BytesIO()
fig.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight")
open("expected-figure.png", "wb").write(buffer.getvalue())
Document("{name}").insert_image(fig)"""


def test_insert_image_from_a_cell_goes_into_the_open_editor(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    name = "coded.docx"
    (lab_server.root / name).write_bytes(office_file("docx", "Coded"))
    panel_id = lab.open_notebook(
        write_notebook(lab_server, "coded.ipynb", INSERT_CELL.format(name=name))
    )
    frame = open_beside(lab, name)
    before = len(double.double.inserted_images)

    lab.run_cell(panel_id, 0)
    inserted = next_image(double, before)
    expected = (lab_server.root / "expected-figure.png").read_bytes()
    assert inserted.data == expected
    assert inserted.content_type == "image/png"
    editor_says_inserted(frame, expected, "image/png")
    output = lab.notebook(panel_id).locator(INSERT_OUTPUT)
    wait_until(
        lambda: (
            output.inner_text().startswith("Inserted ")
            and output.inner_text().endswith(f" into {name}.")
        ),
        what="the output's sentence",
    )
    # The kernel replaced its request at once: the model keeps no URL to insert again.
    [record] = [
        o for o in notebook_outputs(lab, panel_id, 0) if INSERT_IMAGE_MIME in o.get("data", {})
    ]
    data = record["data"][INSERT_IMAGE_MIME]
    assert data["request"] is None and "url" not in data["image"]
    assert data["server_path"] == name
    assert len(double.double.inserted_images) == before + 1
    assert lab.page_errors == []


OPEN_AND_INSERT_CELL = """\
from jupyter_wopi import Document
report = Document("{name}")
report.open()
report.insert_image("chart.png")"""


def test_open_and_insert_image_in_one_cell(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    """The usual cell: `.open()` asks the lab for a tab, `insert_image` waits for its editor
    (the kernel for the lock, the lab for the editor to load), then the image goes in."""
    name = "fresh.docx"
    (lab_server.root / name).write_bytes(office_file("docx", "Fresh"))
    chart = png(b"a chart on disk")
    (lab_server.root / "chart.png").write_bytes(chart)
    cell = OPEN_AND_INSERT_CELL.format(name=name)
    panel_id = lab.open_notebook(write_notebook(lab_server, "fresh.ipynb", cell))
    before = len(double.double.inserted_images)
    # As the real editor: the lock at the page's POST, the document loaded seconds later.
    settings = double.double.settings
    quick, settings.app_ready_delay_ms = settings.app_ready_delay_ms, 2_000
    try:
        lab.run_cell(panel_id, 0)
        inserted = next_image(double, before)
    finally:
        settings.app_ready_delay_ms = quick
    assert inserted.data == chart  # the workspace file, streamed by its path
    frame = lab.editor_frame(name=name, mode="edit")
    editor_says_inserted(frame, chart, "image/png")
    output = lab.notebook(panel_id).locator(INSERT_OUTPUT)
    wait_until(
        lambda: output.inner_text() == f"Inserted chart.png into {name}.",
        what="the output's sentence",
    )
    assert lab.page_errors == []


def test_insert_image_says_so_when_no_editor_has_the_document(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    name = "closed.docx"
    (lab_server.root / name).write_bytes(office_file("docx", "Closed"))
    cell = f'from jupyter_wopi import Document\nDocument("{name}").insert_image({png(b"x")!r})'
    panel_id = lab.open_notebook(write_notebook(lab_server, "closed.ipynb", cell, cell))
    before = len(double.double.inserted_images)

    # Open nowhere: the kernel refuses with the sentence.
    lab.run_cell(panel_id, 0)
    [error] = [o for o in notebook_outputs(lab, panel_id, 0) if o["output_type"] == "error"]
    assert error["ename"] == "RuntimeError"
    assert error["evalue"].startswith(f"{name} is not open for editing in ONLYOFFICE")
    assert "open it first" in error["evalue"]

    # Open for editing, but in another page (the standalone host page): this lab has no
    # editor of it, and its output says so.
    host = lab.page.context.new_page()
    try:
        host.goto(lab_server.url(f"wopi/open/{name}"))
        page_editor(host)
        wait_until(lambda: lab_server.file_status(name)["lock"], what="the host page's lock")
        lab.run_cell(panel_id, 1)
        output = lab.notebook(panel_id).locator(INSERT_OUTPUT)
        output.wait_for(timeout=UI_MS)
        wait_until(
            lambda: "not open for editing in this lab" in output.inner_text(),
            what="the lab's sentence",
        )
        assert output.inner_text() == (
            f"{name} is not open for editing in this lab: open it "
            f'(Document("{name}").open() or a double-click) and insert the image again.'
        )
        assert len(double.double.inserted_images) == before
    finally:
        host.close()
    assert lab.page_errors == []

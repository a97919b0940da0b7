"""The standalone host page (`wopi/open/…`, templates/host.html) answers ONLYOFFICE's Image →
From Storage with the workspace's images (issue 22, item 5): the double's editor posts
UI_InsertGraphic, the page lists the images of the document's folder (or all of Jupyter),
and the chosen one reaches the double, downloaded server side, byte for byte."""

from __future__ import annotations

import pytest
from lab_harness import DoubleRunner, LabPage, LabServer, page_editor, wait_until
from support.documents import office_file
from support.images import JPEG, png

pytestmark = pytest.mark.timeout(120)


def test_the_host_page_inserts_a_workspace_image(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    root = lab_server.root
    (root / "reports" / "figs").mkdir(parents=True)
    (root / "reports" / "report.docx").write_bytes(office_file("docx", "Report"))
    chart = png(b"chart" * 200)
    (root / "reports" / "figs" / "chart.png").write_bytes(chart)
    (root / "logo.jpg").write_bytes(JPEG)  # outside the document's folder
    host = lab.page.context.new_page()  # signed in by the lab's cookie
    try:
        host.goto(lab_server.url("wopi/open/reports/report.docx"))
        frame = page_editor(host)
        frame.locator("#double-insert-image").click()  # Image → From Storage
        picker = host.locator("#image_picker")
        picker.wait_for(state="visible", timeout=10_000)
        where = host.locator("#image_picker_where")
        assert where.text_content() == "Images in reports and its subfolders"
        choices = host.locator("#image_picker_list button")
        choices.first.wait_for(timeout=10_000)
        assert choices.all_text_contents() == ["chart.png · reports/figs · 1 KB"]
        assert host.evaluate("() => document.activeElement.textContent").startswith("chart.png")
        host.locator("#image_picker_all").click()
        wait_until(lambda: choices.count() == 2, what="the images of all of Jupyter")
        assert host.locator("#image_picker_where").text_content() == "Images in all of Jupyter"
        choices.filter(has_text="chart.png").click()
        image = wait_until(lambda: double.double.inserted_images[:1], what="the double's download")[
            0
        ]
        assert image.data == chart and image.content_type == "image/png"
        picker.wait_for(state="hidden", timeout=10_000)
        status = frame.locator("#double-status")
        wait_until(
            lambda: status.text_content() == f"Image inserted ({len(chart)} bytes, image/png)",
            what="the editor's status",
        )
    finally:
        host.close()


def test_the_host_page_says_why_when_there_is_nothing_to_insert(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    root = lab_server.root
    (root / "empty").mkdir()
    (root / "empty" / "notes.docx").write_bytes(office_file("docx", "Notes"))
    host = lab.page.context.new_page()
    inserted = len(double.double.inserted_images)  # one double for the module's tests
    try:
        host.goto(lab_server.url("wopi/open/empty/notes.docx"))
        frame = page_editor(host)
        frame.locator("#double-insert-image").click()
        message = host.locator("#image_picker_message")
        wait_until(
            lambda: (
                "There are no PNG, JPEG, GIF or BMP images in empty"
                in (message.text_content() or "")
            ),
            what="the empty state",
        )
        host.keyboard.press("Escape")  # a dialog closes on Escape; the editor gets the keys
        host.locator("#image_picker").wait_for(state="hidden", timeout=10_000)
        assert len(double.double.inserted_images) == inserted
    finally:
        host.close()

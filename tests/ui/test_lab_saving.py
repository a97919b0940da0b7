"""Saving is visible (issue 11 item 6) in a real browser, against the ONLYOFFICE double: the
document's toolbar says whether ONLYOFFICE has unsaved changes or when it last saved to disk;
Ctrl+S outside the editor frame gives the editor the keyboard and says how to save there; the
lab's Save As points to ONLYOFFICE's own; "Open in New Browser Tab" opens the standalone host
page instead of downloading the file."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from lab_harness import (
    FRAME,
    UI_MS,
    DoubleRunner,
    LabPage,
    LabServer,
    open_in_editor,
    page_editor,
    wait_until,
)
from support.documents import office_file

pytestmark = pytest.mark.timeout(120)

FRAME_HAS_FOCUS = f"() => document.activeElement === document.querySelector('{FRAME}')"


def test_the_toolbar_says_whether_changes_reached_the_disk(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    target = lab_server.root / "minutes-q3.docx"
    original = office_file("docx", "Minutes")
    frame, session, _user = open_in_editor(lab, double, target.name, original)
    status = lab.save_status()
    assert status.inner_text() == "No unsaved changes"
    # How saving works, one hover away.
    assert "when the last editor of the file closes it" in (status.get_attribute("title") or "")
    # The panel turned on ONLYOFFICE's force-save: its Save button writes to Jupyter.
    config = frame.evaluate("() => window.__onlyofficeDouble.config.editorConfig")
    assert config["customization"]["forcesave"] is True

    frame.locator("#double-type").click()
    unsaved = status.and_(lab.page.locator('[data-status="unsaved"]'))
    unsaved.wait_for(timeout=UI_MS)
    assert status.inner_text() == "Unsaved changes in ONLYOFFICE"
    assert "Save button" in (status.get_attribute("title") or "")
    tab = lab.tab(target.name)
    assert "jp-mod-dirty" in (tab.get_attribute("class") or "")
    lab.screenshot("unsaved-changes", doc_image="unsaved-changes.png")

    wait_until(lambda: session.changed, what="the double recorded the edit")
    frame.locator("#double-save").click()  # ONLYOFFICE's Save button: a force-save
    wait_until(lambda: target.read_bytes() != original, what="the save on disk")
    saved = status.and_(lab.page.locator('[data-status="saved"]'))
    saved.wait_for(timeout=UI_MS)
    assert re.fullmatch(r"Saved to disk at \d\d:\d\d( [AP]M)?", status.inner_text())
    assert "jp-mod-dirty" not in (tab.get_attribute("class") or "")
    lab.screenshot("saved-to-disk", doc_image="saved-to-disk.png")
    assert lab.page_errors == []


def test_ctrl_s_outside_the_editor_gives_it_the_keyboard(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    target = lab_server.root / "letter.docx"
    original = office_file("docx", "Letter")
    frame, session, _user = open_in_editor(lab, double, target.name, original)
    frame.locator("#double-type").click()
    wait_until(lambda: session.changed, what="the double recorded the edit")
    lab.save_status().and_(lab.page.locator('[data-status="unsaved"]')).wait_for(timeout=UI_MS)
    # The focus in the tab but outside the frame (as after a notice's button, a dialog):
    # a click would activate the tab, which gives the frame the focus.
    lab.panel().focus()
    lab.page.wait_for_function(f"() => !({FRAME_HAS_FOCUS})()", timeout=UI_MS)
    frame.wait_for_function("() => window.__onlyofficeDouble.focus === 'blurred'")

    lab.page.keyboard.press("Control+s")
    lab.wait_for_toast("press Ctrl+S again to save letter.docx to disk")
    lab.page.wait_for_function(FRAME_HAS_FOCUS, timeout=UI_MS)
    frame.wait_for_function("() => window.__onlyofficeDouble.focus === 'grabbed'")
    lab.screenshot("ctrl-s-guidance", doc_image="ctrl-s.png")
    # The lab's own save did not run: no empty file written, no checkpoint copied.
    assert target.read_bytes() == original
    assert not (lab_server.root / ".ipynb_checkpoints").exists()

    # As the notice says: Ctrl+S again, now in the editor, is ONLYOFFICE's save (a force-save,
    # since the lab sends customization.forcesave), and the status line follows.
    lab.page.keyboard.press("Control+s")
    wait_until(lambda: target.read_bytes() == session.content, what="the editor's save on disk")
    assert frame.evaluate("() => window.__onlyofficeDouble.saveKeys") == 1
    lab.save_status().and_(lab.page.locator('[data-status="saved"]')).wait_for(timeout=UI_MS)
    assert "jp-mod-dirty" not in (lab.tab(target.name).get_attribute("class") or "")

    # File → Save As: ONLYOFFICE's Save Copy As keeps the changes not saved yet.
    lab.command("docmanager:save-as")
    lab.toast("use Save Copy As in the File menu of ONLYOFFICE Docs").wait_for(timeout=UI_MS)
    assert sorted(p.name for p in lab_server.root.iterdir() if p.stem.startswith("letter")) == [
        "letter.docx"
    ]
    assert lab.page_errors == []


def test_open_in_new_browser_tab_opens_the_host_page(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    name = "Q3 plan #2.docx"
    (lab_server.root / name).write_bytes(office_file("docx", "Plan"))
    (lab_server.root / "notes.txt").write_text("plain text")
    lab.command("filebrowser:refresh")
    lab.file_item(name).click(button="right", timeout=UI_MS)
    item = lab.menu_item("Open in New Browser Tab")
    assert item.count() == 1  # ours, in place of the lab's (which downloads office files)
    with lab.page.context.expect_page(timeout=UI_MS) as opened:
        item.click()
    host = opened.value
    try:
        host.wait_for_url(lab_server.url(f"wopi/open/{quote(name)}"), timeout=UI_MS)
        page_editor(host)  # the double's editor loaded in the host page's frame
        lab.screenshot("host-page-opened")
    finally:
        host.close()

    # Other files still open as the lab opens them: their file URL.
    lab.file_item("notes.txt").click(button="right", timeout=UI_MS)
    with lab.page.context.expect_page(timeout=UI_MS) as opened:
        lab.menu_item("Open in New Browser Tab").click()
    other = opened.value
    try:
        other.wait_for_url(re.compile(r".*/files/notes\.txt(\?.*)?$"), timeout=UI_MS)
    finally:
        other.close()
    assert lab.page_errors == []


def test_new_view_is_a_second_editor_of_the_same_document(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    _frame, session, _user = open_in_editor(
        lab, double, "budget-2027.xlsx", office_file("xlsx", "Budget")
    )
    lab.command("docmanager:clone")  # New View for the current tab
    frames = lab.page.locator(f".jp-wopi-document {FRAME}")
    wait_until(lambda: frames.count() == 2, what="a second editor frame")
    # ONLYOFFICE co-edits: the new view joins the document's session.
    wait_until(lambda: len(session.connected_users) == 2, what="two editors in the session")
    # Closing one view leaves the other editing: the session goes on.
    lab.tab("budget-2027.xlsx").first.locator(".lm-TabBar-tabCloseIcon").click()
    wait_until(lambda: len(session.connected_users) == 1, what="one editor left")
    assert not session.ended
    assert lab.page_errors == []

"""Saving is visible (issue 11 item 6) in a real browser, against the ONLYOFFICE double: the
document's toolbar says whether ONLYOFFICE has unsaved changes or when it last saved to disk;
Ctrl+S outside the editor frame gives the editor the keyboard and says how to save there, and
Ctrl+S in the editor saves (issue 23 item 7); the lab's Save As points to ONLYOFFICE's own;
"Open in New Browser Tab" opens the standalone host page instead of downloading the file. A
new document says so until the user's first save, and every view of a document (New View, the
lab in a second browser tab) agrees on unsaved changes (issue 23 item 8)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from lab_harness import (
    FRAME,
    SAVE_STATUS,
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


def statuses(lab: LabPage) -> list[str]:
    """The data-status of every ONLYOFFICE tab's save status line in the page."""
    return [str(node.get_attribute("data-status")) for node in lab.page.locator(SAVE_STATUS).all()]


def test_a_new_document_is_new_until_the_first_save(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    lab.command("jupyter-wopi:new-document", {"cwd": ""})
    frame = lab.editor_frame()
    status = lab.save_status()
    status.and_(lab.page.locator('[data-status="new"]')).wait_for(timeout=UI_MS)
    assert status.inner_text() == "New document"
    assert "blank document" in (status.get_attribute("title") or "")
    key = frame.evaluate("() => window.__onlyofficeDouble.config.document.key")
    [session] = [s for s in double.double.sessions.values() if s.key == key]
    # ONLYOFFICE's blank template went into the empty file, before its Lock (editnew)...
    assert double.operations(session.key)[:3] == ["CheckFileInfo", "PutFile", "Lock"]
    # ...and is nobody's save: the line stays, look after look (every 3 s by default).
    lab.page.wait_for_timeout(3500)
    assert status.get_attribute("data-status") == "new"
    lab.screenshot("new-document", doc_image="new-document.png")

    frame.locator("#double-type").click()
    status.and_(lab.page.locator('[data-status="unsaved"]')).wait_for(timeout=UI_MS)
    wait_until(lambda: session.changed, what="the double recorded the edit")
    frame.locator("#double-save").click()
    status.and_(lab.page.locator('[data-status="saved"]')).wait_for(timeout=UI_MS)
    assert re.fullmatch(r"Saved to disk at \d\d:\d\d( [AP]M)?", status.inner_text())
    assert lab.page_errors == []


def test_two_views_agree_on_unsaved_changes(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    """ONLYOFFICE tells only the editor the user typed in (Edit_Notification); the other
    views of the document, New View and the lab in another browser tab, show the unsaved
    changes too, and the save clears them everywhere."""
    target = lab_server.root / "forecast.xlsx"
    frame, session, _user = open_in_editor(lab, double, target.name, office_file("xlsx", "F"))
    lab.command("docmanager:clone")  # New View, beside the first
    wait_until(lambda: len(session.connected_users) == 2, what="two editors in the session")
    lab.page.locator(f'{SAVE_STATUS}[data-status="clean"]').nth(1).wait_for(timeout=UI_MS)

    # The lab in a second browser tab of the same browser, on the same document.
    other = LabPage(lab.page.context.new_page(), lab_server, f"{lab.name}-other")
    other.open()
    other.double_click_file(target.name)
    other.editor_frame(name=target.name)
    wait_until(lambda: len(session.connected_users) == 3, what="three editors in the session")
    other.save_status().and_(other.page.locator('[data-status="clean"]')).wait_for(timeout=UI_MS)

    frame.locator("#double-type").click()  # typed in the first view only
    wait_until(lambda: statuses(lab) == ["unsaved", "unsaved"], what="both views: unsaved")
    wait_until(lambda: statuses(other) == ["unsaved"], what="the other browser tab: unsaved")
    assert "jp-mod-dirty" in (other.tab(target.name).get_attribute("class") or "")
    sent = frame.evaluate("() => window.__onlyofficeDouble.sent.map((m) => m.MessageId)")
    assert "Edit_Notification" in sent
    lab.screenshot("new-view-unsaved", doc_image="new-view-unsaved.png")

    # A view opened now learns of the changes from those open.
    lab.command("docmanager:clone")
    wait_until(lambda: statuses(lab).count("unsaved") == 3, what="the third view: unsaved")

    wait_until(lambda: session.changed, what="the double recorded the edit")
    frame.locator("#double-save").click()
    wait_until(lambda: statuses(lab) == ["saved"] * 3, what="every view here: saved")
    wait_until(lambda: statuses(other) == ["saved"], what="the other browser tab: saved")
    assert lab.page_errors == [] and other.page_errors == []

"""The lab and the disk stay in step (issue 4 §4, §7, §8) in a real browser: a change made on
disk while a document is open, the conflict copy that keeps the editor's work (announced lab-wide,
also after its tab closed: issue 11 item 7), "Convert to…" in the file browser, and editing
locks shown (and released) in the file browser, "you" for the user's own (issue 11 item 8)."""

from __future__ import annotations

import pytest
import requests
from lab_harness import (
    EDITOR_MS,
    NOTICE,
    UI_MS,
    DoubleRunner,
    LabPage,
    LabServer,
    open_in_editor,
    wait_until,
)
from onlyoffice_double.formats import convert_bytes
from onlyoffice_double.operations import lock_operation
from support.documents import office_file

pytestmark = pytest.mark.timeout(120)

LOCK_BADGE = ".jp-wopi-lock-badge"
LOCKS_MS = 20_000  # the file browser looks at locks every 10 s
CONFLICTS_MS = 20_000  # the lab looks at conflict events every 7 s


def test_a_change_on_disk_is_announced_and_the_editors_work_kept_as_a_copy(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    target = lab_server.root / "results.xlsx"
    frame, session, user = open_in_editor(lab, double, "results.xlsx", office_file("xlsx", "R"))
    frame.locator("#double-type").click()
    wait_until(lambda: session.changed, what="the double recorded the edit")

    # A kernel rewrites the file while it is open.
    target.write_bytes(b"written by pandas")
    disk = lab.panel().locator(f'{NOTICE}[data-notice="disk"]')
    disk.wait_for(timeout=UI_MS)
    assert "results.xlsx changed on disk" in disk.inner_text()
    lab.screenshot("changed-on-disk")

    # ONLYOFFICE saves what the user typed: it goes to a copy, the kernel's bytes stay.
    assert double.run(session.force_save(user)), session.errors
    assert target.read_bytes() == b"written by pandas"
    [copy] = [p for p in lab_server.root.iterdir() if "(conflict " in p.name]
    assert copy.read_bytes() == session.content
    conflict = lab.panel().locator(f'{NOTICE}[data-notice="conflict"]')
    conflict.wait_for(timeout=UI_MS)
    assert copy.name in conflict.inner_text()
    assert lab.panel().locator(f'{NOTICE}[data-notice="disk"]').count() == 0  # superseded
    lab.file_item(copy.name).wait_for(timeout=UI_MS)  # the file browser shows it
    assert "jp-mod-dirty" not in (lab.tab("results.xlsx").get_attribute("class") or "")
    # Announced lab-wide too, whichever tab is in front.
    lab.wait_for_toast(copy.name, timeout=CONFLICTS_MS)
    lab.screenshot("conflict-copy")

    conflict.get_by_role("button", name="Open the Copy").click()
    lab.tab(copy.name).wait_for(timeout=UI_MS)
    lab.dismiss_notifications()  # seen: later tests' labs do not announce it again
    wait_until(lambda: not conflict_events(lab_server), what="the event dismissed")
    assert lab.page_errors == []


def conflict_events(server: LabServer) -> list[dict[str, object]]:
    """The conflict events the server still announces (`GET api/wopi/conflicts`)."""
    answer = requests.get(server.url("api/wopi/conflicts"), headers=server.auth(), timeout=10)
    answer.raise_for_status()
    events: list[dict[str, object]] = answer.json()["conflicts"]
    return events


def test_a_conflict_copy_is_announced_after_its_tab_closed(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    target = lab_server.root / "forecast.docx"
    frame, session, _user = open_in_editor(lab, double, target.name, office_file("docx", "F"))
    frame.locator("#double-type").click()
    wait_until(lambda: session.changed, what="the double recorded the edit")
    target.write_bytes(b"rewritten by a notebook")
    # Closing the tab ends the editor: ONLYOFFICE's final save meets the changed file.
    lab.tab(target.name).locator(".lm-TabBar-tabCloseIcon").click()
    lab.tab(target.name).wait_for(state="detached", timeout=UI_MS)
    wait_until(lambda: session.ended, what="the double's final save and Unlock")
    [copy] = [p for p in lab_server.root.iterdir() if p.name.startswith("forecast (conflict ")]
    assert target.read_bytes() == b"rewritten by a notebook"

    toast = lab.wait_for_toast(copy.name, timeout=CONFLICTS_MS)
    assert "forecast.docx had changed on disk" in toast.inner_text()
    lab.file_item(copy.name).wait_for(timeout=UI_MS)  # listed without a refresh
    lab.screenshot("conflict-after-close", doc_image="conflict-notification.png")

    toast.get_by_role("button", name="Open").click()
    lab.tab(copy.name).wait_for(timeout=UI_MS)
    lab.editor_frame()
    # Acting on it is seeing it: the server forgets the event, other labs stay quiet.
    wait_until(lambda: not conflict_events(lab_server), what="the event dismissed")
    assert lab.page_errors == []


def test_convert_to_pdf_from_the_file_browser(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    original = office_file("docx", "Quarterly report")
    (lab_server.root / "quarterly.docx").write_bytes(original)
    lab.command("filebrowser:refresh")
    lab.file_menu("quarterly.docx", "Convert to…")
    dialog = lab.page.locator(".jp-Dialog")
    dialog.locator("select").select_option("pdf")
    lab.screenshot("convert-dialog")
    dialog.get_by_role("button", name="Convert").click()

    target = lab_server.root / "quarterly.pdf"
    wait_until(target.exists, what="quarterly.pdf on disk")
    assert target.read_bytes() == convert_bytes(original, "docx", "pdf")
    lab.page.locator(".Toastify__toast").filter(has_text="Saved quarterly.pdf").wait_for(
        timeout=UI_MS
    )
    # The new file is selected in the file browser.
    lab.file_item("quarterly.pdf").and_(lab.page.locator(".jp-mod-selected")).wait_for(
        timeout=UI_MS
    )
    lab.screenshot("converted")
    assert lab.page_errors == []


def test_locks_show_in_the_file_browser_and_a_stale_one_can_be_released(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    _frame, session, _user = open_in_editor(lab, double, "budget.xlsx", office_file("xlsx", "B"))
    wait_until(lambda: "Lock" in double.operations(session.key), what="the editor's Lock")
    badge = lab.file_item("budget.xlsx").locator(LOCK_BADGE)
    badge.wait_for(timeout=LOCKS_MS)
    # The user's own lock (a token login: the server's OS user) says so.
    assert (badge.get_attribute("title") or "").startswith("Being edited by you (locked ")
    lab.screenshot("locked-in-file-browser")
    # Offered for the locked file only.
    (lab_server.root / "notes.txt").write_text("not locked")
    lab.command("filebrowser:refresh")
    lab.file_item("notes.txt").click(button="right", timeout=UI_MS)
    lab.menu_item("Rename").wait_for(timeout=UI_MS)
    assert not lab.menu_item("Release Editing Lock…").is_visible()
    lab.page.keyboard.press("Escape")

    lab.file_menu("budget.xlsx", "Release Editing Lock…")
    dialog = lab.page.locator(".jp-Dialog")
    assert "their changes are not lost" in dialog.inner_text()
    dialog.get_by_role("button", name="Release Lock").click()
    badge.wait_for(state="detached", timeout=UI_MS)
    assert lab.page_errors == []


def test_another_applications_lock_is_released_from_the_tab_which_then_edits(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    name = "minutes.docx"
    _frame, session, user = open_in_editor(lab, double, name, office_file("docx", "M"))
    wait_until(lambda: "Lock" in double.operations(session.key), what="the editor's Lock")
    lab.command("application:close-all")
    wait_until(lambda: session.ended, what="the editor's exit (Unlock)")
    # Another WOPI client (its own lock id) locks the file with a token of its own.
    foreign = double.run(
        lock_operation(
            double.double.client,
            double.double.settings,
            "LOCK",
            wopi_src=user.wopi_src,
            token=user.access_token,
            lock_id="other-app-lock-1",
            session_id=None,
            document_key=None,
        )
    )
    assert foreign.ok, foreign.status
    lab.double_click_file(name)
    notice = lab.panel().locator(f'{NOTICE}[data-notice="read-only"]')
    notice.wait_for(timeout=EDITOR_MS)
    assert "locked for editing" in notice.inner_text()
    notice.get_by_role("button", name="Release Editing Lock…").click()
    dialog = lab.page.locator(".jp-Dialog")
    assert "their changes are not lost" in dialog.inner_text()
    dialog.get_by_role("button", name="Release Lock").click()
    # Reopened for editing: ONLYOFFICE's own lock now, the notice gone. (The read-only
    # editor stays ready until the panel replaces it: wait for an editor in edit mode.)
    lab.editor_frame(mode="edit")
    wait_until(
        lambda: double.session_for(name)[1].mode == "edit", what="an edit session after the release"
    )
    assert lab.panel().locator(f'{NOTICE}[data-notice="read-only"]').count() == 0
    assert lab.page_errors == []


def test_a_copy_saved_from_the_editor_shows_in_the_file_browser(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    _frame, session, user = open_in_editor(lab, double, "slides.pptx", office_file("pptx", "S"))
    answer = double.run(session.save_as(user, ".pdf"))
    assert answer is not None and answer["Name"] == "slides.pdf", session.errors
    # The lab's own listing refresh runs every 10 s; the panel announces the copy sooner.
    lab.file_item("slides.pdf").wait_for(timeout=7_000)
    assert lab.page_errors == []

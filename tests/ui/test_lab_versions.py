"""Version history in a real browser (issue 21), against the ONLYOFFICE double: the editor's
Version History button (UI_FileVersions) opens the panel beside the document, the file
browser's Version History… opens it for a file that is not open, a version previews read-only
in ONLYOFFICE, a restore puts a version's bytes back (the replaced ones become a version),
and an editor open on the file meanwhile is told the file changed on disk."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import unquote

import pytest
import requests
from lab_harness import (
    EDITOR_MS,
    NOTICE,
    UI_MS,
    DoubleRunner,
    EditorFrame,
    LabPage,
    LabServer,
    open_in_editor,
    wait_until,
)
from onlyoffice_double import DocumentSession
from support.documents import office_file

pytestmark = pytest.mark.timeout(180)

# The panel's DOM (labextension/src/versions.ts, versionPreview.ts).
HISTORY = ".jp-wopi-versions"
ROWS = f"{HISTORY} tbody tr.jp-wopi-version"
PREVIEW = ".jp-wopi-versions-preview"


def versions_of(server: LabServer, path: str) -> dict[str, Any]:
    """`GET api/wopi/versions?path=`: the file now and its versions, newest first."""
    answer = requests.get(
        server.url("api/wopi/versions"), params={"path": path}, headers=server.auth(), timeout=10
    )
    answer.raise_for_status()
    return dict(answer.json())


def type_and_save(frame: EditorFrame, session: DocumentSession, target: Any) -> bytes:
    """Type in the double's editor and press its Save: the new bytes once on disk."""
    before = target.read_bytes()
    frame.locator("#double-type").click()
    wait_until(lambda: session.changed, what="the double recorded the edit")
    frame.locator("#double-save").click()  # a force-save: PutFile now
    return wait_until(
        lambda: (data := target.read_bytes()) != before and data, what="the save on disk"
    )


def history_panel(lab: LabPage, name: str) -> Any:
    """The Version History panel of `name`, once it lists what the server has."""
    tab = lab.tab(f"Versions: {name}")
    tab.wait_for(timeout=UI_MS)
    panel_id = tab.get_attribute("data-id", timeout=UI_MS)
    panel = lab.page.locator(f'[id="{panel_id}"] {HISTORY}')
    panel.and_(lab.page.locator(".jp-mod-ready")).wait_for(timeout=UI_MS)
    return panel


def test_the_editors_version_history_button_opens_the_panel_beside_it(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    target = lab_server.root / "report.docx"
    frame, session, user = open_in_editor(lab, double, target.name, office_file("docx", "R"))
    # The server offers Version History to ONLYOFFICE: its button posts UI_FileVersions.
    assert user.file_info["FileVersionPostMessage"] is True
    first = type_and_save(frame, session, target)
    type_and_save(frame, session, target)
    wait_until(
        lambda: len(versions_of(lab_server, target.name)["versions"]) >= 2,
        what="two versions kept",
    )

    frame.locator("#double-history").click()
    panel = history_panel(lab, target.name)
    assert panel.locator("h2").inner_text() == "report.docx"
    now = panel.locator(".jp-wopi-versions-now").inner_text()
    author = user.file_info["UserFriendlyName"]
    assert now.startswith("Now: ") and now.endswith(f"· by {author}")
    # The viewer's own editor holds the lock: the restore rule is said, to them.
    rule = panel.locator("[role=note]").inner_text()
    assert rule == (
        "Being edited by you. Restoring replaces it for everyone: open "
        "editors are asked to reload, and anything they save before reloading "
        "is kept as a conflict copy beside the file."
    )
    listed = versions_of(lab_server, target.name)["versions"]
    rows = lab.page.locator(ROWS)
    assert rows.count() == len(listed) >= 2
    newest = rows.first
    assert newest.get_attribute("data-version-id") == listed[0]["id"]
    assert newest.locator(".jp-wopi-version-author").inner_text() == author
    assert newest.locator(".jp-wopi-version-kind").inner_text() == "Saved in the editor"
    assert listed[0]["sha256"] == hashlib.sha256(first).hexdigest()
    # Beside the document, both in view.
    assert lab.panel().is_visible()
    assert panel.is_visible()
    lab.screenshot("version-history", doc_image="version-history.png")

    # Again: the same panel comes to the front, no second one.
    frame.locator("#double-history").click()
    lab.page.wait_for_timeout(300)
    assert lab.tab(f"Versions: {target.name}").count() == 1
    assert lab.page_errors == []


def test_version_history_from_the_file_browser_for_a_file_not_open(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    name = "budget-2027.xlsx"
    (lab_server.root / name).write_bytes(office_file("xlsx", "Budget"))
    (lab_server.root / "notes.txt").write_text("not an office file")
    lab.command("filebrowser:refresh")
    # Offered for office files only.
    lab.file_item("notes.txt").click(button="right", timeout=UI_MS)
    lab.menu_item("Rename").wait_for(timeout=UI_MS)
    assert not lab.menu_item("Version History…").is_visible()
    lab.page.keyboard.press("Escape")

    lab.file_menu(name, "Version History…")
    panel = history_panel(lab, name)
    assert panel.locator(".jp-wopi-versions-now").inner_text().startswith("Now: ")
    assert (
        panel.locator(".jp-wopi-versions-empty").inner_text().startswith("No earlier versions yet.")
    )
    assert lab.page.locator(".jp-wopi-document").count() == 0  # the file was not opened
    assert lab.page_errors == []


def test_a_version_previews_read_only_in_onlyoffice(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    target = lab_server.root / "minutes.docx"
    frame, session, _user = open_in_editor(lab, double, target.name, office_file("docx", "M"))
    type_and_save(frame, session, target)
    file_id = versions_of(lab_server, target.name)["file_id"]
    frame.locator("#double-history").click()
    history_panel(lab, target.name)
    row = lab.page.locator(ROWS).first
    version_id = row.get_attribute("data-version-id")
    when = row.locator("time").inner_text()
    row.get_by_role("button", name="Preview").click()

    pane = lab.page.locator(PREVIEW)
    assert pane.locator("h3").inner_text() == f"Version of {when} (read-only)"
    pane.and_(lab.page.locator(".jp-mod-ready")).wait_for(timeout=EDITOR_MS)
    iframe = pane.locator("iframe")
    assert (iframe.get_attribute("title") or "").endswith(f"version of {when} (read-only)")
    preview = EditorFrame(lab.page, iframe.get_attribute("name") or "")
    preview.wait_for_function("() => window.__onlyofficeDouble?.ready")
    # The double's view page of the version: its own file id, read-only.
    assert f"/wopi/files/{file_id}_v{version_id}" in unquote(preview.url)
    assert preview.evaluate("() => window.__onlyofficeDouble.config.editorConfig.mode") == "view"
    assert row.get_attribute("aria-current") == "true"
    lab.screenshot("version-preview", doc_image="version-preview.png")

    pane.get_by_role("button", name="Close Preview").click()
    pane.wait_for(state="hidden", timeout=UI_MS)
    assert lab.page_errors == []


def test_restore_puts_a_version_back_and_keeps_the_replaced_content(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    target = lab_server.root / "plan.docx"
    frame, session, _user = open_in_editor(lab, double, target.name, office_file("docx", "P"))
    first = type_and_save(frame, session, target)
    second = type_and_save(frame, session, target)
    # The editor goes away (its tab closed): nobody edits the file any more.
    lab.command("application:close-all")
    wait_until(lambda: session.ended, what="the editor's exit")
    before = versions_of(lab_server, target.name)
    assert before["locked_by"] == ""
    [kept] = [v for v in before["versions"] if v["sha256"] == hashlib.sha256(first).hexdigest()]

    lab.command("filebrowser:refresh")
    lab.file_menu(target.name, "Version History…")
    panel = history_panel(lab, target.name)
    assert panel.locator("[role=note]").count() == 0
    rows = lab.page.locator(ROWS)
    count = rows.count()
    row = rows.and_(lab.page.locator(f'[data-version-id="{kept["id"]}"]'))
    when = row.locator("time").inner_text()
    row.get_by_role("button", name="Restore").click()
    dialog = lab.page.locator(".jp-Dialog")
    assert f"Restore the version of {when}?" in dialog.inner_text()
    assert "Its current content is kept as a version first" in dialog.inner_text()
    dialog.get_by_role("button", name="Restore").click()

    lab.wait_for_toast(
        f"Restored the version of {when}; the previous content is kept as a version."
    )
    wait_until(lambda: target.read_bytes() == first, what="the version's bytes back on disk")
    # The list gains the replaced content, newest first.
    wait_until(lambda: rows.count() == count + 1, what="the replaced content listed")
    after = versions_of(lab_server, target.name)
    assert after["versions"][0]["sha256"] == hashlib.sha256(second).hexdigest()
    assert rows.first.get_attribute("data-version-id") == after["versions"][0]["id"]
    assert after["kind"] == "restore"
    lab.dismiss_notifications()
    assert lab.page_errors == []


def test_an_open_editor_is_told_when_someone_else_restores(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    target = lab_server.root / "contract.docx"
    original = office_file("docx", "C")
    frame, session, _user = open_in_editor(lab, double, target.name, original)
    type_and_save(frame, session, target)
    listed = versions_of(lab_server, target.name)
    oldest = listed["versions"][-1]
    # Someone else (another lab, a notebook) restores the oldest version.
    answer = requests.post(
        lab_server.url(f"api/wopi/versions/{listed['file_id']}/{oldest['id']}/restore"),
        headers=lab_server.auth(),
        data="{}",
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["editors_told"] is True
    wait_until(lambda: target.read_bytes() == original, what="the restored bytes on disk")

    disk = lab.panel().locator(f'{NOTICE}[data-notice="disk"]')
    disk.wait_for(timeout=UI_MS)
    assert "contract.docx changed on disk" in disk.inner_text()
    disk.get_by_role("button", name="Reload").click()
    lab.editor_frame(after=frame)  # a new editor, on the restored bytes
    assert lab.page_errors == []

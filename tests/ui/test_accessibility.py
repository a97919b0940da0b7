"""Accessibility (issue 23 item 11), in a real browser: every state of the ONLYOFFICE panel,
the ONLYOFFICE Settings and connection dialogs, the inline notebook output, the lock badges,
the Version History panel and the image picker pass an axe-core audit with no serious or
critical violations (lab_harness.audit, scoped to jupyter_wopi's own elements), and can be
reached and operated by keyboard alone: focus moves into a dialog and back to where it was.

The module's server starts with no ONLYOFFICE address, so that the lab may set one: each
test puts the addresses it needs through `PUT api/wopi/connection`, as the Settings dialog
does, and the tests do not depend on each other's order."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from lab_harness import (
    EDITOR_MS,
    ERROR_BOX,
    LOADING,
    NOTICE,
    PANEL,
    SAVE_STATUS,
    UI_MS,
    DoubleRunner,
    LabPage,
    LabServer,
    assert_accessible,
    axe_missing,
    open_in_editor,
    running_lab_server,
    wait_until,
    write_notebook,
)
from support.documents import office_file
from support.images import png
from support.server_process import free_port

pytestmark = pytest.mark.timeout(180)

DIALOG = ".jp-Dialog"
# The dialog's own window (title, body, buttons), without the backdrop around it.
DIALOG_CONTENT = ".jp-Dialog-content"
LOCK_BADGE = ".jp-wopi-lock-badge"
INLINE = ".jp-wopi-inline"
HISTORY = ".jp-wopi-versions"
PICKER = ".jp-wopi-picker"
PICKER_ITEM = ".jp-wopi-picker-item"

# What has the keyboard: the focused element, described for assertions and messages.
FOCUSED = """() => {
    const node = document.activeElement;
    if (!node || node === document.body) return null;
    return {
        tag: node.tagName.toLowerCase(),
        text: (node.innerText || '').trim(),
        name: node.getAttribute('name') || node.getAttribute('aria-label') || '',
        inDialog: !!node.closest('.jp-Dialog'),
        classes: node.className && node.className.baseVal === undefined ? node.className : '',
    };
}"""


@pytest.fixture(scope="module", autouse=True)
def axe_available() -> None:
    """Without axe-core there is no audit: a skip saying why, a failure in CI."""
    reason = axe_missing()
    if reason is None:
        return
    if os.environ.get("JUPYTER_WOPI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"JUPYTER_WOPI_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab with no ONLYOFFICE address: the lab may set every one."""
    with running_lab_server(tmp_path_factory.mktemp("lab-a11y"), "") as server:
        yield server


def set_addresses(server: LabServer, **addresses: str) -> None:
    """The addresses in force, as the Settings dialog sets them ("" forgets one)."""
    values = {"onlyoffice_url": "", "onlyoffice_internal_url": "", "base_url": ""}
    values.update(addresses)
    answer = requests.put(
        server.url("api/wopi/connection"), headers=server.auth(), json=values, timeout=10
    )
    assert answer.ok, answer.text


def focused(lab: LabPage) -> dict[str, Any] | None:
    value: dict[str, Any] | None = lab.page.evaluate(FOCUSED)
    return value


def focused_text(lab: LabPage) -> str:
    now = focused(lab)
    return now["text"] if now else "(nothing)"


def open_palette_command(lab: LabPage, label: str) -> None:
    """Run a command from the command palette by keyboard alone."""
    lab.page.keyboard.press("Control+Shift+C")
    lab.page.locator(".lm-CommandPalette-input").wait_for(timeout=UI_MS)
    lab.page.keyboard.type(label)
    lab.page.locator(".lm-CommandPalette-item.lm-mod-active").filter(has_text=label).wait_for(
        timeout=UI_MS
    )
    lab.page.keyboard.press("Enter")


@contextmanager
def theme(lab: LabPage, name: str) -> Iterator[None]:
    """The lab in theme `name`, back to the light one after (it is a user setting: the
    module's other tests would inherit it)."""
    lab.command("apputils:change-theme", {"theme": name})
    lab.page.locator(f'body[data-jp-theme-name="{name}"]').wait_for(timeout=UI_MS)
    try:
        yield
    finally:
        lab.command("apputils:change-theme", {"theme": "JupyterLab Light"})


def tab_to(lab: LabPage, text: str, limit: int = 15, back: bool = False) -> dict[str, Any]:
    """Press Tab (Shift+Tab with `back`) until the focused element's text is `text`."""
    seen = []
    for _ in range(limit):
        lab.page.keyboard.press("Shift+Tab" if back else "Tab")
        now = focused(lab)
        if now and now["text"] == text:
            return now
        seen.append(now and (now["text"] or now["name"] or now["tag"]))
    raise AssertionError(f"Tab never reached {text!r}; it went through {seen}")


def test_not_set_up_and_the_settings_dialog_by_keyboard(
    lab: LabPage, lab_server: LabServer
) -> None:
    set_addresses(lab_server)
    (lab_server.root / "plan.docx").write_bytes(office_file("docx", "Plan"))
    lab.double_click_file("plan.docx")
    error = lab.panel().locator(ERROR_BOX)
    error.wait_for(timeout=UI_MS)
    assert_accessible(lab.page, PANEL, "the 'not set up' panel")
    # The tab had the keyboard while it loaded: its first way out takes it.
    assert focused_text(lab) == "ONLYOFFICE Settings…"
    assert tab_to(lab, "How to Get ONLYOFFICE Docs")["tag"] == "button"
    tab_to(lab, "ONLYOFFICE Settings…", back=True)

    # Enter opens the dialog, with the keyboard in its first field.
    lab.page.keyboard.press("Enter")
    dialog = lab.page.locator(DIALOG)
    dialog.locator(".jp-wopi-configure").wait_for(timeout=UI_MS)
    now = focused(lab)
    assert now and now["inDialog"] and now["name"] == "onlyoffice_url", now
    assert_accessible(lab.page, DIALOG_CONTENT, "ONLYOFFICE Settings")
    # Typed and saved with the keyboard: the refusal shows in the dialog, which keeps it.
    lab.page.keyboard.type("ftp://office.example/")
    lab.page.keyboard.press("Enter")
    dialog.locator(".jp-wopi-configure-error").wait_for(timeout=UI_MS)
    now = focused(lab)
    assert now and now["inDialog"] and now["name"] == "onlyoffice_url", now
    assert_accessible(lab.page, DIALOG_CONTENT, "ONLYOFFICE Settings with a refusal")
    # Escape closes it, and the keyboard is back on the button that opened it.
    lab.page.keyboard.press("Escape")
    dialog.wait_for(state="detached", timeout=UI_MS)
    assert focused_text(lab) == "ONLYOFFICE Settings…"

    # New Spreadsheet says first that ONLYOFFICE is not set up.
    lab.open_main_menu("File")
    lab.menu_item("New").hover()
    lab.menu_item("Spreadsheet").click()
    dialog.wait_for(timeout=UI_MS)
    assert_accessible(lab.page, DIALOG_CONTENT, "New without ONLYOFFICE")
    lab.page.keyboard.press("Escape")
    assert lab.page_errors == []


def test_settings_from_the_command_palette_and_focus_back(lab: LabPage) -> None:
    open_palette_command(lab, "ONLYOFFICE Settings…")
    dialog = lab.page.locator(DIALOG)
    dialog.locator(".jp-wopi-configure").wait_for(timeout=UI_MS)
    now = focused(lab)
    assert now and now["inDialog"] and now["name"] == "onlyoffice_url", now
    assert tab_to(lab, "Cancel")["inDialog"]
    lab.page.keyboard.press("Enter")
    dialog.wait_for(state="detached", timeout=UI_MS)
    # The palette hands the keyboard to the current tab; the dialog gives it back there.
    back = lab.page.evaluate(
        "() => !!document.activeElement?.closest('#jp-main-dock-panel .lm-DockPanel-widget')"
    )
    assert back, focused(lab)


def test_connection_error_and_the_doctor_by_keyboard(lab: LabPage, lab_server: LabServer) -> None:
    set_addresses(lab_server, onlyoffice_url=f"http://127.0.0.1:{free_port()}/")
    (lab_server.root / "memo.docx").write_bytes(office_file("docx", "Memo"))
    lab.double_click_file("memo.docx")
    error = lab.panel().locator(ERROR_BOX)
    error.get_by_role("button", name="Check the connection").wait_for(timeout=20_000)
    assert_accessible(lab.page, PANEL, "the panel's connection error")
    assert focused_text(lab) == "Check the connection"
    assert tab_to(lab, "Retry")["tag"] == "button"
    tab_to(lab, "Check the connection", back=True)

    lab.page.keyboard.press("Enter")
    dialog = lab.page.locator(DIALOG)
    dialog.locator(".jp-wopi-report").wait_for(timeout=20_000)
    now = focused(lab)
    assert now and now["inDialog"], now
    assert_accessible(lab.page, DIALOG_CONTENT, "the connection check's report")
    lab.page.keyboard.press("Escape")
    dialog.wait_for(state="detached", timeout=UI_MS)
    assert focused_text(lab) == "Check the connection"
    assert lab.page_errors == []


def test_loading_the_editor_save_status_notices_and_lock_badge(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    set_addresses(lab_server, onlyoffice_url=double.url + "/")
    name = "budget.xlsx"
    target = lab_server.root / name
    target.write_bytes(office_file("xlsx", "Budget"))
    # Loading: the session's answer held back while the audit runs.
    held: list[Any] = []
    sessions = re.compile(r"/api/wopi/sessions")
    lab.page.route(sessions, lambda route: held.append(route))
    lab.double_click_file(name)
    lab.panel().locator(LOADING).wait_for(timeout=UI_MS)
    assert_accessible(lab.page, PANEL, "the loading panel")
    for _ in range(200):  # routes are handled while Playwright waits
        if held:
            break
        lab.page.wait_for_timeout(50)
    assert held, "the lab asked for no session"
    held[0].continue_()
    lab.page.unroute(sessions)

    frame = lab.editor_frame()
    now = focused(lab)
    assert now and now["tag"] == "iframe" and now["name"] == frame.name, now  # the editor's
    session, user = double.session_for(name)
    assert_accessible(lab.page, [PANEL, SAVE_STATUS], "the editor's panel and save status")
    frame.locator("#double-type").click()
    wait_until(lambda: session.changed, what="the double recorded the edit")
    lab.save_status().filter(has_text="Unsaved changes").wait_for(timeout=UI_MS)
    assert_accessible(lab.page, SAVE_STATUS, "'Unsaved changes'")

    # A kernel rewrites the file: a notice; the editor's save goes to a copy.
    target.write_bytes(b"written by a kernel")
    lab.panel().locator(f'{NOTICE}[data-notice="disk"]').wait_for(timeout=UI_MS)
    assert_accessible(lab.page, PANEL, "the 'changed on disk' notice")
    assert double.run(session.force_save(user)), session.errors
    conflict = lab.panel().locator(f'{NOTICE}[data-notice="conflict"]')
    conflict.wait_for(timeout=UI_MS)
    lab.save_status().filter(has_text="Saved as a copy").wait_for(timeout=UI_MS)
    assert_accessible(lab.page, [PANEL, SAVE_STATUS], "the conflict notice and 'Saved as a copy'")

    # From the editor, Shift+Tab reaches the notice's buttons; Enter dismisses it.
    frame.element.focus()
    tab_to(lab, "Open the Copy", back=True)
    dismiss = tab_to(lab, "×")
    assert dismiss["name"] == "Dismiss"
    lab.page.keyboard.press("Enter")
    conflict.wait_for(state="detached", timeout=UI_MS)

    lab.command("filebrowser:refresh")
    lab.file_item(name).locator(LOCK_BADGE).wait_for(timeout=20_000)  # polled every 10 s
    assert_accessible(lab.page, LOCK_BADGE, "the lock badge")

    # The dark theme: its colours, and the notice offering to reload.
    with theme(lab, "JupyterLab Dark"):
        lab.panel().locator(f'{NOTICE}[data-notice="theme"]').wait_for(timeout=UI_MS)
        assert_accessible(lab.page, [PANEL, SAVE_STATUS, LOCK_BADGE], "the panel in the dark theme")
    assert lab.page_errors == []


def test_the_inline_output_by_keyboard(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    set_addresses(lab_server, onlyoffice_url=double.url + "/")
    (lab_server.root / "figures.xlsx").write_bytes(office_file("xlsx", "Figures"))
    notebook = write_notebook(
        lab_server,
        "outputs.ipynb",
        'from jupyter_wopi import Document\nDocument("figures.xlsx")',
        'from jupyter_wopi import Document\nDocument("missing.docx")',
    )
    panel_id = lab.open_notebook(notebook)
    lab.run_cell(panel_id, 0)
    lab.run_cell(panel_id, 1)
    outputs = lab.notebook(panel_id).locator(INLINE)
    outputs.locator(f"{PANEL}.jp-mod-ready").wait_for(timeout=30_000)
    outputs.locator(".jp-wopi-inline-problem").wait_for(timeout=UI_MS)
    assert_accessible(lab.page, INLINE, "the inline outputs (a document, a missing one)")
    # Its buttons work from the keyboard: Edit reopens it for editing, in place.
    header = outputs.first.locator(".jp-wopi-inline-header")
    header.get_by_role("button", name="Edit").focus()
    lab.page.keyboard.press("Enter")
    header.get_by_role("button", name="View").wait_for(timeout=UI_MS)
    outputs.first.locator(f"{PANEL}.jp-mod-ready").wait_for(timeout=EDITOR_MS)
    assert_accessible(lab.page, INLINE, "the inline output, editing")
    assert lab.page_errors == []


def test_the_image_picker_and_version_history_by_keyboard(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    set_addresses(lab_server, onlyoffice_url=double.url + "/")
    for image in ("chart.png", "map.png"):
        (lab_server.root / image).write_bytes(png())
    name = "report.docx"
    frame, session, _user = open_in_editor(lab, double, name, office_file("docx", "Report"))
    frame.locator("#double-type").click()
    wait_until(lambda: session.changed, what="the double recorded the edit")
    before = (lab_server.root / name).read_bytes()
    frame.locator("#double-save").click()
    wait_until(lambda: (lab_server.root / name).read_bytes() != before, what="the save")

    # The editor's Image > From Storage, pressed with the keyboard: the picker.
    frame.locator("#double-insert-image").press("Enter")
    picker = lab.page.locator(PICKER)
    picker.locator(PICKER_ITEM).first.wait_for(timeout=UI_MS)
    # No notebook figures: the first workspace image takes the keyboard once listed.
    first = lab.page.locator(f"{PICKER_ITEM}[aria-selected=true]")
    first.wait_for(timeout=UI_MS)
    assert first.evaluate("(node) => node === document.activeElement")
    assert_accessible(lab.page, DIALOG_CONTENT, "the image picker")
    lab.page.keyboard.press("ArrowDown")
    second = picker.locator(PICKER_ITEM).nth(1)
    assert second.get_attribute("aria-selected") == "true"
    assert second.evaluate("(node) => node === document.activeElement")
    assert_accessible(lab.page, DIALOG_CONTENT, "the image picker, an image chosen")
    lab.page.keyboard.press("Escape")
    picker.wait_for(state="detached", timeout=UI_MS)
    now = focused(lab)
    assert now and now["tag"] == "iframe" and now["name"] == frame.name, now  # back in the editor

    # The editor's Version History button, pressed with the keyboard: the panel opens
    # beside the document, and its first Preview has the keyboard once listed.
    frame.locator("#double-history").press("Enter")
    history = lab.page.locator(f"{HISTORY}.jp-mod-ready")
    history.locator("tbody tr").first.wait_for(timeout=UI_MS)
    assert focused_text(lab) == "Preview", focused(lab)
    assert_accessible(lab.page, HISTORY, "Version History")
    lab.page.keyboard.press("Enter")
    lab.page.locator(f"{HISTORY}.jp-mod-previewing").wait_for(timeout=UI_MS)
    lab.page.locator(f"{HISTORY} .jp-wopi-versions-preview.jp-mod-ready").wait_for(
        timeout=EDITOR_MS
    )
    assert_accessible(lab.page, HISTORY, "Version History, previewing a version")
    # Restore asks first: the keyboard goes into the question and back to Restore.
    restore = history.locator("button[data-action=restore]").first
    restore.focus()
    lab.page.keyboard.press("Enter")
    dialog = lab.page.locator(DIALOG)
    dialog.wait_for(timeout=UI_MS)
    now = focused(lab)
    assert now and now["inDialog"], now
    assert_accessible(lab.page, DIALOG_CONTENT, "the restore question")
    lab.page.keyboard.press("Escape")
    dialog.wait_for(state="detached", timeout=UI_MS)
    assert restore.evaluate("(node) => node === document.activeElement")
    with theme(lab, "JupyterLab Dark"):
        assert_accessible(lab.page, HISTORY, "Version History in the dark theme")
    assert lab.page_errors == []

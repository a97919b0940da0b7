"""The lab extension in a real browser (issue 4 §10): Debian's Chromium driven by Playwright,
against a JupyterLab server running this extension with the ONLYOFFICE client double as its
ONLYOFFICE Docs. Screenshots of the main states go to the artifacts folder
(JUPYTER_WOPI_ARTIFACTS, default tests/ui/artifacts/)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from lab_harness import (
    EXTENSION_NAME,
    FRAME,
    LAB_LOAD_MS,
    LOADING,
    NOTICE,
    PLUGIN_ID,
    DoubleRunner,
    LabPage,
    LabServer,
    wait_until,
)
from onlyoffice_double.formats import blank_template
from support.documents import office_file

pytestmark = pytest.mark.timeout(120)

LIGHT, DARK = "JupyterLab Light", "JupyterLab Dark"


def test_lab_loads_with_the_extension_activated(lab: LabPage, lab_server: LabServer) -> None:
    loaded = {ext["name"]: ext for ext in lab_server.federated_extensions()}
    assert EXTENSION_NAME in loaded
    # This repository's build (the harness's snapshot of it), not another copy, such as a
    # stale one that `pip install .` left under sys.prefix.
    built = json.loads((lab_server.extension_dir / "package.json").read_text())
    assert loaded[EXTENSION_NAME]["load"] == built["jupyterlab"]["_build"]["load"], (
        f"the lab serves another jupyter-wopi than the snapshot in {lab_server.extension_dir}"
    )
    assert lab.plugin_activated(PLUGIN_ID)
    # The factory is registered and is the default for office formats.
    factory = lab.page.evaluate(
        "() => window.jupyterapp.docRegistry.defaultWidgetFactory('report.docx').name"
    )
    assert factory == "ONLYOFFICE"
    (lab_server.root / "smoke.docx").write_bytes(office_file("docx", "Smoke"))
    lab.command("filebrowser:refresh")
    lab.file_item("smoke.docx").wait_for(timeout=10_000)
    lab.screenshot("lab-loaded")
    assert lab.page_errors == []
    assert lab.unexpected_failures() == []


def test_open_edit_and_close_a_docx(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    original = office_file("docx", "Quarterly report")
    target = lab_server.root / "report.docx"
    target.write_bytes(original)
    # The editor takes a moment to report App_LoadingStatus: the panel shows that it loads.
    double.double.settings.app_ready_delay_ms = 1_500
    try:
        lab.double_click_file("report.docx")
        tab = lab.tab("report.docx")
        tab.wait_for(timeout=10_000)
        loading = lab.panel().locator(LOADING)
        loading.wait_for(timeout=5_000)
        assert "Opening report.docx" in loading.inner_text()
        assert lab.panel().locator(FRAME).is_hidden()
        lab.screenshot("editor-loading")
        frame = lab.editor_frame()
    finally:
        double.double.settings.app_ready_delay_ms = 50
    assert frame.url.startswith(double.url + "/hosting/wopi/word/edit?")
    assert lab.panel().locator(LOADING).count() == 0  # gone after App_LoadingStatus
    assert lab.panel().locator(FRAME).is_visible()
    state = frame.evaluate("() => window.__onlyofficeDouble.config.editorConfig.mode")
    assert state == "edit"
    session, _user = double.session_for("report.docx")
    wait_until(lambda: session.loaded, what="the double loaded report.docx (GetFile)")
    assert double.operations(session.key)[:3] == ["CheckFileInfo", "Lock", "GetFile"]
    # The panel answered App_LoadingStatus with Host_PostmessageReady.
    frame.wait_for_function(
        """() => window.__onlyofficeDouble.received.some(
            m => m.MessageId === 'Host_PostmessageReady')""",
        timeout=5_000,
    )
    assert "jp-mod-dirty" not in (tab.get_attribute("class") or "")
    lab.screenshot("editor-loaded")

    # Typing in the editor: ONLYOFFICE posts Edit_Notification, the tab shows unsaved changes.
    frame.locator("#double-type").click()
    tab.and_(lab.page.locator(".jp-mod-dirty")).wait_for(timeout=5_000)
    wait_until(lambda: session.changed, what="the double recorded the edit")
    lab.screenshot("editor-dirty")

    # The editor's Close button: UI_Close closes the tab; ONLYOFFICE then saves and unlocks.
    frame.locator("#double-close").click()
    tab.wait_for(state="detached", timeout=5_000)
    # The frame's unload tells ONLYOFFICE the editor left: final save, then Unlock.
    wait_until(lambda: session.ended, what="the double ended the session")
    assert double.operations(session.key)[-2:] == ["PutFile", "Unlock"]
    assert [c.status for c in session.calls] == [200] * len(session.calls)
    assert session.errors == []
    assert session.content is not None and session.content != original
    assert target.read_bytes() == session.content  # the bytes on disk changed
    lab.screenshot("editor-closed")
    assert lab.page_errors == []


def test_file_new_spreadsheet_creates_and_opens_untitled_xlsx(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    target = lab_server.root / "untitled.xlsx"
    assert not target.exists()
    lab.open_main_menu("File")
    lab.menu_item("New").hover()
    item = lab.menu_item("Spreadsheet")
    item.wait_for(timeout=5_000)
    lab.screenshot("file-new-menu")
    item.click()

    lab.tab("untitled.xlsx").wait_for(timeout=10_000)
    frame = lab.editor_frame()
    assert frame.url.startswith(double.url + "/hosting/wopi/cell/edit?")
    assert target.exists()
    session, _user = double.session_for("untitled.xlsx")
    # An empty file: ONLYOFFICE wrote its blank template before locking (the editnew flow).
    assert double.operations(session.key)[:3] == ["CheckFileInfo", "PutFile", "Lock"]
    wait_until(lambda: target.stat().st_size > 0, what="the blank template on disk")
    assert target.read_bytes() == blank_template("xlsx")
    lab.file_item("untitled.xlsx").wait_for(timeout=5_000)
    lab.screenshot("new-spreadsheet")
    assert lab.page_errors == []


def set_theme(lab: LabPage, theme: str) -> None:
    lab.command("apputils:change-theme", {"theme": theme})
    light = "true" if theme == LIGHT else "false"
    selector = f'body[data-jp-theme-name="{theme}"][data-jp-theme-light="{light}"]'
    lab.page.locator(selector).wait_for(state="attached", timeout=10_000)
    # The lab shows its splash screen while it swaps the theme.
    lab.page.locator("#jupyterlab-splash").wait_for(state="detached", timeout=10_000)


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_dark_theme_opens_the_editor_dark(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    (lab_server.root / "dark.docx").write_bytes(office_file("docx", "Dark"))
    set_theme(lab, DARK)
    try:
        lab.double_click_file("dark.docx")
        frame = lab.editor_frame()
        assert query_of(frame.url)["thm"] == ["2"]
        config = frame.evaluate("() => window.__onlyofficeDouble.config")
        assert config["editorConfig"]["customization"]["uiTheme"] == "default-dark"
        lab.screenshot("dark-theme")
    finally:
        set_theme(lab, LIGHT)
    assert lab.page_errors == []


def test_theme_change_offers_to_reload_the_editor(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    (lab_server.root / "theme.docx").write_bytes(office_file("docx", "Theme"))
    set_theme(lab, LIGHT)
    lab.double_click_file("theme.docx")
    light = lab.editor_frame()
    assert query_of(light.url)["thm"] == ["1"]
    notice = lab.panel().locator(f'{NOTICE}[data-notice="theme"]')
    assert notice.count() == 0
    set_theme(lab, DARK)
    try:
        notice.wait_for(timeout=5_000)
        lab.screenshot("theme-changed-notice")
        notice.get_by_role("button", name="Reload editor with the new theme").click()
        notice.wait_for(state="detached", timeout=5_000)
        # A new frame loads with the dark theme; the old one is gone.
        dark = lab.editor_frame(after=light)
        assert query_of(dark.url)["thm"] == ["2"]
        assert light.element.count() == 0
    finally:
        set_theme(lab, LIGHT)
    assert lab.page_errors == []


def test_rename_while_open_updates_the_tab(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    (lab_server.root / "draft.docx").write_bytes(office_file("docx", "Draft"))
    lab.double_click_file("draft.docx")
    lab.editor_frame()
    lab.tab("draft.docx").wait_for(timeout=5_000)
    # What the file browser's Rename does, through the lab's contents service.
    lab.page.evaluate(
        "() => window.jupyterapp.serviceManager.contents.rename('draft.docx', 'final.docx')"
    )
    lab.tab("final.docx").wait_for(timeout=5_000)
    assert lab.tab("draft.docx").count() == 0
    assert (lab_server.root / "final.docx").exists()
    lab.screenshot("renamed")
    assert lab.page_errors == []


def test_a_save_clears_the_dirty_mark(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    original = office_file("docx", "Minutes")
    target = lab_server.root / "minutes.docx"
    target.write_bytes(original)
    lab.double_click_file("minutes.docx")
    frame = lab.editor_frame()
    session, user = double.session_for("minutes.docx")
    wait_until(lambda: session.loaded, what="the double loaded minutes.docx (GetFile)")
    tab = lab.tab("minutes.docx")
    frame.locator("#double-type").click()
    tab.and_(lab.page.locator(".jp-mod-dirty")).wait_for(timeout=5_000)
    wait_until(lambda: session.changed, what="the double recorded the edit")

    # ONLYOFFICE's force-save (its Save button, or the autosave timer) while the tab stays open.
    assert double.run(session.force_save(user)), session.errors
    assert target.read_bytes() != original
    tab.and_(lab.page.locator(".jp-mod-dirty")).wait_for(state="detached", timeout=10_000)
    lab.screenshot("saved")
    assert lab.page_errors == []


def test_command_palette_takes_the_keyboard_from_the_editor(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    (lab_server.root / "focus.docx").write_bytes(office_file("docx", "Focus"))
    lab.double_click_file("focus.docx")
    frame = lab.editor_frame()
    focus = "() => window.__onlyofficeDouble.focus"
    received = "() => window.__onlyofficeDouble.received.map(m => m.MessageId)"
    frame_is_active = f"() => document.activeElement === document.querySelector('{FRAME}')"
    lab.page.wait_for_function(frame_is_active, timeout=5_000)
    # The panel gave the loaded editor the keyboard (a Grab_Focus may still be on its way).
    frame.wait_for_function(f"() => ({focus})() === 'grabbed'", timeout=5_000)

    lab.command("apputils:activate-command-palette")
    palette = lab.page.locator("#command-palette")
    palette.wait_for(timeout=5_000)
    frame.wait_for_function(f"() => ({focus})() === 'blurred'", timeout=5_000)
    assert frame.evaluate(received)[-1] == "Blur_Focus"
    lab.screenshot("palette-over-editor")

    lab.page.keyboard.press("Escape")
    palette.wait_for(state="hidden", timeout=5_000)
    frame.locator("#double-editor .title").click()
    frame.wait_for_function(f"() => ({focus})() === 'grabbed'", timeout=5_000)
    assert frame.evaluate(received)[-1] == "Grab_Focus"
    assert lab.page_errors == []


def test_rename_in_the_editor_updates_the_tab(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    (lab_server.root / "agenda.docx").write_bytes(office_file("docx", "Agenda"))
    lab.double_click_file("agenda.docx")
    lab.editor_frame()
    session, user = double.session_for("agenda.docx")
    # ONLYOFFICE's rename box: RenameFile with the new name (without its extension).
    assert double.run(session.rename(user, "agenda-final")) == "agenda-final", session.errors
    assert (lab_server.root / "agenda-final.docx").exists()
    lab.tab("agenda-final.docx").wait_for(timeout=10_000)
    lab.file_item("agenda-final.docx").wait_for(timeout=10_000)
    lab.screenshot("renamed-in-editor")
    assert lab.page_errors == []


# A legacy Word file (OLE2 header), which ONLYOFFICE only views; its editable copy is a .docx.
LEGACY_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Word 97 binary".ljust(504, b"\0")


def test_convert_and_edit_navigates_the_lab_only_on_a_click(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    """The editor frame's sandbox has allow-top-navigation-by-user-activation, not
    allow-top-navigation: the convert-and-edit page's button (a click) still opens the
    converted file in the whole lab (spec §7.1, client-behavior §11), while a script of the
    frame cannot navigate the lab on its own."""
    (lab_server.root / "ledger-1997.doc").write_bytes(LEGACY_DOC)
    lab.double_click_file("ledger-1997.doc")
    notice = lab.panel().locator(f'{NOTICE}[data-notice="legacy"]')
    notice.get_by_role("button", name="Convert to editable copy").click()
    lab.page.locator(".jp-Dialog").get_by_role("button", name="Convert to editable copy").click()
    button = lab.panel().frame_locator(FRAME).locator("#btn_end button")
    button.wait_for(timeout=15_000)  # converted, and saved beside the original
    assert (lab_server.root / "ledger-1997.docx").is_file()
    frame = lab.current_frame()  # the convert page's, once it shows its button
    assert "/hosting/wopi/convert-and-edit/" in frame.url
    sandbox = (frame.element.get_attribute("sandbox") or "").split()
    assert "allow-top-navigation-by-user-activation" in sandbox
    assert "allow-top-navigation" not in sandbox
    lab.screenshot("convert-and-edit")

    # Playwright's evaluate counts as a user gesture, which lasts 5 s in Chromium: the
    # frame's own attempt runs after that (nothing is evaluated in the frame meanwhile: it
    # would be a new gesture), must leave the lab where it is, and posts how it ended.
    lab_url = lab.page.evaluate(
        """() => {
            window.addEventListener('message', (event) => {
                if (event.data && event.data.topNavigation) {
                    window.__topNavigation = event.data.topNavigation;
                }
            });
            return location.href;
        }"""
    )
    frame.evaluate(
        """(url) => setTimeout(() => {
            let outcome = 'done';
            try { window.top.location.replace(url); } catch (err) { outcome = String(err); }
            window.parent.postMessage({ topNavigation: outcome }, '*');
        }, 6000)""",
        lab_server.url("lab/tree/ledger-1997.doc"),
    )
    outcome = lab.page.wait_for_function("() => window.__topNavigation", timeout=30_000)
    assert lab.page.evaluate("() => location.href") == lab_url, "the frame's script moved the lab"
    assert str(outcome.json_value()).startswith("SecurityError"), outcome.json_value()

    button.click()  # ONLYOFFICE's button: window.top.location.replace(HostEditUrl)
    lab.page.wait_for_url(lab_server.url("lab/tree/ledger-1997.docx"), timeout=LAB_LOAD_MS)
    lab.tab("ledger-1997.docx").wait_for(timeout=LAB_LOAD_MS)
    assert lab.page_errors == []


def test_the_host_page_frame_has_the_panels_sandbox(lab: LabPage, lab_server: LabServer) -> None:
    """The standalone host page (`wopi/open/…`, templates/host.html) builds the same frame as
    the panel (frame.ts): both let the editor navigate the top window only on a click."""
    (lab_server.root / "standalone.docx").write_bytes(office_file("docx", "Standalone"))
    lab.double_click_file("standalone.docx")
    lab.editor_frame()
    panel_flags = (lab.panel().locator(FRAME).get_attribute("sandbox") or "").split()
    host = lab.page.context.new_page()  # signed in by the lab's cookie
    try:
        host.goto(lab_server.url("wopi/open/standalone.docx"))
        host_flags = (host.locator("#office_frame").get_attribute("sandbox") or "").split()
    finally:
        host.close()
    assert sorted(host_flags) == sorted(panel_flags)
    assert "allow-top-navigation-by-user-activation" in host_flags
    assert "allow-top-navigation" not in host_flags

"""A well-formed address that fails its check has a way back (issue 23 items 1, 2, 4), in a
real browser: the check offers Change Address…, which returns to ONLYOFFICE Settings with the
failing field marked by its verdict, kept across reopenings; the tab's error offers Settings;
messages name the address by the dialog's words; a wrong address of this Jupyter server is
told in one sentence with the address ONLYOFFICE does reach, the other causes behind More."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from lab_harness import (
    CHECK_CONNECTION,
    ERROR_BOX,
    UI_MS,
    DoubleRunner,
    LabPage,
    LabServer,
    running_lab_server,
)
from support.documents import office_file
from support.server_process import free_port

pytestmark = pytest.mark.timeout(150)

DIALOG = ".jp-Dialog"
CHECK_MS = 40_000  # the doctor, trying other addresses when one fails
VERDICT = f"{DIALOG} .jp-wopi-report-verdict[data-ok]"


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab with no ONLYOFFICE address: the tests set them in the lab, in order."""
    with running_lab_server(tmp_path_factory.mktemp("lab-wrong-address"), "") as server:
        yield server


def connection(server: LabServer) -> dict[str, dict[str, object]]:
    answer = requests.get(server.url("api/wopi/connection"), headers=server.auth(), timeout=10)
    answer.raise_for_status()
    return {address["name"]: address for address in answer.json()["addresses"]}


def focused_field(lab: LabPage) -> str:
    return str(lab.page.evaluate("() => document.activeElement?.getAttribute('name') ?? ''"))


def test_a_wrong_port_leads_back_to_the_field_with_its_verdict(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    wrong = f"http://127.0.0.1:{free_port()}/"
    lab.open_main_menu("Settings")
    lab.menu_item("ONLYOFFICE Settings…").click()
    dialog = lab.page.locator(DIALOG)
    field = dialog.locator('input[name="onlyoffice_url"]')
    field.wait_for(timeout=UI_MS)
    assert focused_field(lab) == "onlyoffice_url"  # the keyboard is in the dialog
    assert "ONLYOFFICE Settings" not in dialog.locator(".jp-Dialog-body").inner_text()
    field.fill(wrong)
    dialog.get_by_role("button", name="Save and Check").click()

    verdict = lab.page.locator(VERDICT)
    verdict.wait_for(timeout=CHECK_MS)
    assert verdict.inner_text() == "The connection to ONLYOFFICE Docs has a problem."
    failing = lab.page.locator(f"{DIALOG} .jp-wopi-report li[data-verdict=error]").first
    text = failing.inner_text()
    assert f"Cannot reach ONLYOFFICE at {wrong}hosting/discovery" in text
    assert "the ONLYOFFICE Docs address is its address" in text  # the dialog's words
    assert "JUPYTER_WOPI" not in text  # the value came from the lab, not a variable
    change = failing.get_by_role("button", name="Change Address…")
    lab.screenshot("wrong-address-check", doc_image="wrong-address-check.png")
    change.click()

    # Back in ONLYOFFICE Settings: the field that failed is marked, with the verdict.
    field = lab.page.locator(f'{DIALOG} input[name="onlyoffice_url"]')
    field.wait_for(timeout=UI_MS)
    lab.page.wait_for_function(
        "() => document.activeElement?.getAttribute('name') === 'onlyoffice_url'",
        timeout=UI_MS,
    )
    assert field.input_value() == wrong
    assert field.get_attribute("aria-invalid") == "true"
    note = lab.page.locator(f"#{field.get_attribute('aria-describedby')}")
    assert "At the last check:" in note.inner_text()
    assert f"Cannot reach ONLYOFFICE at {wrong}" in note.inner_text()
    lab.screenshot("wrong-address-settings", doc_image="wrong-address-settings.png")
    lab.page.locator(DIALOG).get_by_role("button", name="Cancel").click()
    lab.page.locator(DIALOG).wait_for(state="detached", timeout=UI_MS)

    # Reopened later, the dialog still shows that the saved address fails.
    lab.open_main_menu("Settings")
    lab.menu_item("ONLYOFFICE Settings…").click()
    field = lab.page.locator(f'{DIALOG} input[name="onlyoffice_url"]')
    field.wait_for(timeout=UI_MS)
    assert field.get_attribute("aria-invalid") == "true"
    lab.page.locator(DIALOG).get_by_role("button", name="Cancel").click()
    lab.page.locator(DIALOG).wait_for(state="detached", timeout=UI_MS)

    # The tab's error offers Settings, since the lab may set this address; fixing it there
    # opens the document.
    (lab_server.root / "memo.docx").write_bytes(office_file("docx", "Memo"))
    lab.double_click_file("memo.docx")
    error = lab.panel().locator(ERROR_BOX)
    error.wait_for(timeout=UI_MS)
    assert "JUPYTER_WOPI" not in error.inner_text()
    buttons = error.get_by_role("button").all_inner_texts()
    assert buttons == ["Check the connection", "ONLYOFFICE Settings…", "Retry"]
    error.get_by_role("button", name="ONLYOFFICE Settings…").click()
    field = lab.page.locator(f'{DIALOG} input[name="onlyoffice_url"]')
    field.wait_for(timeout=UI_MS)
    field.fill(double.url + "/")
    lab.page.locator(DIALOG).get_by_role("button", name="Save and Check").click()
    verdict.wait_for(timeout=CHECK_MS)
    assert verdict.inner_text() == "The connection to ONLYOFFICE Docs works."
    lab.page.locator(DIALOG).get_by_role("button", name="Ok").click()
    frame = lab.editor_frame()
    assert frame.url.startswith(double.url + "/hosting/wopi/word/edit?")
    assert connection(lab_server)["onlyoffice_url"]["last_check"]["verdict"] == "ok"  # type: ignore[index]
    assert lab.page_errors == []


def test_an_address_without_http_is_offered_corrected_in_one_click(
    lab: LabPage, double: DoubleRunner
) -> None:
    lab.open_main_menu("Settings")
    lab.menu_item("ONLYOFFICE Settings…").click()
    dialog = lab.page.locator(DIALOG)
    field = dialog.locator('input[name="onlyoffice_url"]')
    field.wait_for(timeout=UI_MS)
    typed = double.url.removeprefix("http://")  # 127.0.0.1:<port>, as people type it
    field.fill(typed)
    dialog.get_by_role("button", name="Save and Check").click()
    use = lab.page.locator(DIALOG).get_by_role("button", name=f"Use {double.url}/")
    use.wait_for(timeout=UI_MS)
    field = lab.page.locator(f'{DIALOG} input[name="onlyoffice_url"]')
    assert field.input_value() == typed  # what was typed stays until the user chooses
    assert "did you mean" in lab.page.locator(DIALOG).inner_text()
    lab.screenshot("settings-dialog", doc_image="settings-dialog.png")
    use.click()  # one click: corrected, saved and checked
    verdict = lab.page.locator(VERDICT)
    verdict.wait_for(timeout=CHECK_MS)
    assert verdict.inner_text() == "The connection to ONLYOFFICE Docs works."
    lab.page.locator(DIALOG).get_by_role("button", name="Ok").click()
    assert lab.page_errors == []


def test_a_wrong_jupyter_address_is_one_sentence_with_the_address_that_works(
    lab: LabPage, lab_server: LabServer, double: DoubleRunner
) -> None:
    wrong = f"http://127.0.0.1:{free_port()}/"
    answer = requests.put(
        lab_server.url("api/wopi/connection"),
        headers=lab_server.auth(),
        json={"onlyoffice_url": double.url + "/", "base_url": wrong},
        timeout=10,
    )
    answer.raise_for_status()
    own = answer.json()["default_base_url"]  # this server's own address: the double reaches it

    lab.open_main_menu("Help")
    lab.menu_item(CHECK_CONNECTION).click()
    verdict = lab.page.locator(VERDICT)
    verdict.wait_for(timeout=CHECK_MS)
    failing = lab.page.locator(f"{DIALOG} .jp-wopi-report li[data-verdict=error]")
    assert failing.locator(".jp-wopi-verdict-message").inner_text() == (
        f"onlyoffice → jupyter: ONLYOFFICE cannot reach this Jupyter server at {wrong}."
    )
    assert failing.locator(".jp-wopi-verdict-fix").inner_text() == (
        f"ONLYOFFICE reaches it at {own}: set this Jupyter server's address for ONLYOFFICE to that."
    )
    more = failing.locator("details")
    assert not more.locator("li").first.is_visible()  # the other causes wait behind More
    lab.screenshot("base-url-verdict", doc_image="base-url-verdict.png")
    more.locator("summary").click()
    assert more.locator("li", has_text="ALLOW_PRIVATE_IP_ADDRESS=true").is_visible()
    failing.get_by_role("button", name="Change Address…").click()

    field = lab.page.locator(f'{DIALOG} input[name="base_url"]')
    field.wait_for(timeout=UI_MS)
    lab.page.wait_for_function(
        "() => document.activeElement?.getAttribute('name') === 'base_url'", timeout=UI_MS
    )
    assert field.get_attribute("aria-invalid") == "true"
    lab.screenshot("base-url-settings", doc_image="base-url-settings.png")
    lab.page.locator(DIALOG).get_by_role("button", name=f"Use {own}").click()
    verdict.wait_for(timeout=CHECK_MS)
    assert verdict.inner_text() == "The connection to ONLYOFFICE Docs works."
    lab.page.locator(DIALOG).get_by_role("button", name="Ok").click()
    assert connection(lab_server)["base_url"]["value"] == own
    assert lab.page_errors == []

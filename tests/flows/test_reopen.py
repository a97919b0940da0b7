"""Retry after a failed load really retries (issue 11 §10): ONLYOFFICE remembers a failed
open per document until the file's Version or LastModifiedTime changes (client-behavior
§17), so the lab's Retry counts a reopen, which changes Version and not the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from onlyoffice_double import OnlyOfficeDouble
from support.editing import (  # noqa: F401 (fixtures)
    editor,
    jp_server_config,
    open_in_editor,
    server_onlyoffice,
    signed_call,
    wopi_settings,
)

pytest_plugins = ("onlyoffice_double.fixtures",)


async def open_and_load(
    double: OnlyOfficeDouble, jp_fetch: Any, retry: bool = False
) -> tuple[bytes | None, list[str]]:
    """Open report.docx in the double's editor, load it, close it; what loaded, and the
    WOPI operations that took."""
    body = {"path": "report.docx", "action": "edit", "retry": retry}
    session = json.loads(
        (await jp_fetch("api", "wopi", "sessions", method="POST", body=json.dumps(body))).body
    )
    double.clear_calls()
    page = await open_in_editor(double, session)
    document, user = editor(page)
    loaded = await document.load(user)
    await document.close(user)
    return loaded, double.operations()


async def test_retry_after_a_failed_load_loads_again(
    onlyoffice: OnlyOfficeDouble, jp_fetch: Any, jp_root_dir: Path
) -> None:
    (jp_root_dir / "report.docx").write_bytes(b"a document of 30 bytes, or so")
    mtime = (jp_root_dir / "report.docx").stat().st_mtime_ns
    onlyoffice.settings.max_download_bytes = 4  # the load fails ("limits")
    loaded, operations = await open_and_load(onlyoffice, jp_fetch)
    assert loaded is None and "GetFile" in operations

    onlyoffice.settings.max_download_bytes = 1 << 20  # the cause is mended...
    loaded, operations = await open_and_load(onlyoffice, jp_fetch)
    assert loaded is None and "GetFile" not in operations  # ...but ONLYOFFICE remembers

    loaded, operations = await open_and_load(onlyoffice, jp_fetch, retry=True)
    assert loaded == b"a document of 30 bytes, or so" and "GetFile" in operations
    # The file itself was not touched: same bytes, same modification time.
    assert (jp_root_dir / "report.docx").read_bytes() == loaded
    assert (jp_root_dir / "report.docx").stat().st_mtime_ns == mtime


async def test_a_reopen_changes_version_only(
    onlyoffice: OnlyOfficeDouble, open_session: Any, jp_fetch: Any
) -> None:
    async def info(session: dict[str, Any]) -> dict[str, Any]:
        call = await signed_call(
            onlyoffice, "CheckFileInfo", session["wopi_src"], session["access_token"]
        )
        return call.json()  # type: ignore[no-any-return]

    first = await info(await open_session("report.docx", b"v1"))
    body = json.dumps({"path": "report.docx", "action": "edit", "retry": True})
    retried = json.loads((await jp_fetch("api", "wopi", "sessions", method="POST", body=body)).body)
    second = await info(retried)
    assert second["Version"] != first["Version"]
    assert {k: v for k, v in second.items() if k != "Version"} == {
        k: v for k, v in first.items() if k != "Version"
    }
    again = await info(retried)
    assert again["Version"] == second["Version"]  # stable until the next retry

"""ONLYOFFICE's view of a failed save stays sane (issue 9 §3): with the double as ONLYOFFICE,
a final save that meets a full disk is answered 507, ONLYOFFICE keeps the document as a
"forgotten" file and still unlocks, the file on disk is untouched, and once there is room
again the next opening of the document brings the forgotten edit back and saves it."""

from __future__ import annotations

from pathlib import Path

from onlyoffice_double import OnlyOfficeDouble
from support.disks import resize_disk
from support.documents import office_file
from support.editing import (  # noqa: F401 (fixtures)
    OpenSession,
    editor,
    jp_server_config,
    open_for_editing,
    server_onlyoffice,
    statuses,
    wopi_settings,
)

pytest_plugins = ("onlyoffice_double.fixtures",)


async def test_a_final_save_on_a_full_disk_is_kept_by_onlyoffice_and_saved_later(
    onlyoffice: OnlyOfficeDouble, open_session: OpenSession, small_disk: Path
) -> None:
    original = office_file("docx", "Draft")
    edited = office_file("docx", "Final") + b"\0" * (512 * 1024)  # more than the disk holds
    doc = await open_session("small/report.docx", original)
    session, user = editor(await open_for_editing(onlyoffice, doc))
    await session.load(user)
    session.edit(user, edited)
    await session.close(user)
    assert statuses(onlyoffice.calls)[-2:] == [("PutFile", 507), ("Unlock", 200)]
    assert onlyoffice.forgotten == {doc["file_id"]: edited}
    assert (small_disk / "report.docx").read_bytes() == original
    assert sorted(p.name for p in small_disk.iterdir()) == ["report.docx"]

    resize_disk(small_disk, "4m")
    again = await open_session("small/report.docx")
    session, user = editor(await open_for_editing(onlyoffice, again))
    assert await session.load(user) == edited  # DS serves its forgotten copy
    await session.close(user)
    assert statuses(onlyoffice.calls)[-2:] == [("PutFile", 200), ("Unlock", 200)]
    assert (small_disk / "report.docx").read_bytes() == edited
    assert onlyoffice.forgotten == {}

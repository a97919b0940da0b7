"""CheckFileInfo's properties (spec §5.2), every flag pinned for each kind of token and file:
what ONLYOFFICE offers the user follows from them."""

from __future__ import annotations

from typing import Any

import pytest

from jupyter_wopi.wopi.file_info import check_file_info
from jupyter_wopi.wopi.file_state import FileState
from jupyter_wopi.wopi.tokens import TokenClaims

STATE = FileState(
    size=7, version="v1", last_modified="2026-11-27T10:00:00.0000000Z", content_stamp="s"
)


def info(can_write: bool, file_writable: bool, folder_writable: bool) -> dict[str, Any]:
    claims = TokenClaims("id-1", "alice", "Alice", can_write, 0, "https://lab.example")
    return check_file_info(
        name="Q3 report.docx",
        folder_name="reports",
        state=STATE,
        claims=claims,
        file_writable=file_writable,
        folder_writable=folder_writable,
        owner_id="jovyan",
        user_info="{}",
        host_edit_url="https://lab.example/lab/tree/reports/Q3%20report.docx",
        host_view_url="https://lab.example/lab/tree/reports/Q3%20report.docx",
        folder_url="https://lab.example/lab/tree/reports",
    )


def test_the_fixed_properties() -> None:
    got = info(True, True, True)
    assert {k: got[k] for k in FIXED} == FIXED
    assert got["BaseFileName"] == "Q3 report.docx" and got["FileExtension"] == ".docx"
    assert (got["Size"], got["Version"]) == (7, "v1")
    assert got["LastModifiedTime"] == "2026-11-27T10:00:00.0000000Z"
    assert (got["UserId"], got["UserFriendlyName"], got["OwnerId"]) == ("alice", "Alice", "jovyan")
    assert got["PostMessageOrigin"] == "https://lab.example"
    assert got["BreadcrumbFolderName"] == "reports"
    assert got["BreadcrumbFolderUrl"] == "https://lab.example/lab/tree/reports"
    assert got["UserInfo"] == "{}"


FIXED = {
    "IsAnonymousUser": False,
    "SupportsUserInfo": True,
    "SupportsLocks": True,
    "SupportsGetLock": True,
    "SupportsExtendedLockLength": True,
    "SupportsRename": True,
    "SupportsDeleteFile": True,
    "FileNameMaxLength": 250,
    "ClosePostMessage": True,
    "EditModePostMessage": True,
    "EditNotificationPostMessage": True,
    "BreadcrumbBrandName": "Jupyter",
}


@pytest.mark.parametrize(
    ("can_write", "file_writable", "folder_writable", "expected"),
    [
        # UserCanWrite, ReadOnly, UserCanRename, UserCanNotWriteRelative, SupportsUpdate
        (True, True, True, (True, False, True, False, True)),
        (True, False, True, (False, True, False, False, True)),
        (True, True, False, (True, False, False, True, True)),
        (True, False, False, (False, True, False, True, True)),
        (False, True, True, (False, True, False, True, False)),
        (False, False, False, (False, True, False, True, False)),
    ],
)
def test_permissions_follow_the_token_and_the_disk(
    can_write: bool, file_writable: bool, folder_writable: bool, expected: tuple[bool, ...]
) -> None:
    got = info(can_write, file_writable, folder_writable)
    names = (
        "UserCanWrite",
        "ReadOnly",
        "UserCanRename",
        "UserCanNotWriteRelative",
        "SupportsUpdate",
    )
    assert tuple(got[name] for name in names) == expected

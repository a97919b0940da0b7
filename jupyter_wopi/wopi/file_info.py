"""CheckFileInfo's response (spec §5.2): every property ONLYOFFICE reads, plus the ones
Microsoft's validator requires."""

from __future__ import annotations

import functools
import json
import os
from typing import Any

from .file_state import FileState
from .names import MAX_NAME_LENGTH
from .tokens import TokenClaims


@functools.lru_cache(maxsize=512)
def check_file_info_json(**fields: Any) -> bytes:
    """The response body, remembered: an open editor asks again and again for a file whose
    state, permissions and user have not changed (the arguments are all that it depends on)."""
    return json.dumps(check_file_info(**fields), ensure_ascii=False).encode("utf-8")


def version(state: FileState, reopened: int) -> str:
    """The file's Version for ONLYOFFICE. It remembers a failed load per document until
    Version or LastModifiedTime changes (client-behavior §17), so a Retry the user asks for
    counts a reopen, which changes Version and nothing of the file."""
    return f"{state.version}.r{reopened}" if reopened else state.version


def check_file_info(
    *,
    name: str,
    folder_name: str,
    state: FileState,
    claims: TokenClaims,
    file_writable: bool,
    folder_writable: bool,
    owner_id: str,
    user_info: str,
    host_edit_url: str,
    reopened: int = 0,
    host_view_url: str,
    folder_url: str,
    version_history: bool = False,
    version_history_url: str = "",
    of_version: bool = False,
) -> dict[str, Any]:
    """`version_history`: the host keeps versions of this file (its page: the url);
    `of_version`: the file is a kept version, shown read-only: no Edit, no history of its
    own."""
    can_write = claims.can_write and file_writable
    can_create = claims.can_write and folder_writable
    return {
        "BaseFileName": name,
        "FileExtension": os.path.splitext(name)[1],
        "OwnerId": owner_id,
        "Size": state.size,
        "Version": version(state, reopened),
        "LastModifiedTime": state.last_modified,
        "UserId": claims.user_id,
        "UserFriendlyName": claims.user_name,
        "IsAnonymousUser": False,
        "UserInfo": user_info,
        "SupportsUserInfo": True,
        # Permissions: the token's and the file system's (spec §5.2, issue #2 §6).
        "UserCanWrite": can_write,
        "ReadOnly": not can_write,
        "UserCanRename": can_write and folder_writable,
        "UserCanNotWriteRelative": not can_create,
        "SupportsLocks": True,
        "SupportsGetLock": True,
        "SupportsExtendedLockLength": True,
        # A view token must not make ONLYOFFICE try to save (it sends PutFile whenever
        # SupportsUpdate is true, e.g. its blank template for an empty file).
        "SupportsUpdate": claims.can_write,
        "SupportsRename": True,
        "SupportsDeleteFile": True,
        "FileNameMaxLength": MAX_NAME_LENGTH,
        # Lab integration: ONLYOFFICE talks to the lab panel through PostMessage (spec §6).
        "PostMessageOrigin": claims.origin,
        "ClosePostMessage": True,
        "EditModePostMessage": not of_version,
        "EditNotificationPostMessage": True,
        **({} if of_version else {"HostEditUrl": host_edit_url}),
        "HostViewUrl": host_view_url,
        "BreadcrumbBrandName": "Jupyter",
        "BreadcrumbFolderName": folder_name,
        "BreadcrumbFolderUrl": folder_url,
        # Version History: the host keeps versions; the lab answers UI_FileVersions, a page
        # without PostMessage handling opens FileVersionUrl (client-behavior §10).
        "FileVersionPostMessage": version_history and not of_version,
        **(
            {"FileVersionUrl": version_history_url}
            if version_history_url and not of_version
            else {}
        ),
        # Image → From Storage posts UI_InsertGraphic; the lab (or the host page) answers
        # Action_InsertGraphic with an image capability URL (client-behavior §10).
        "EnableInsertRemoteImage": can_write and not of_version,
    }

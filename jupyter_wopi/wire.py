"""The JSON the lab receives, one TypedDict per shape: the server builds these and
labextension/src declares the same interfaces (tests compare their field names, so neither
side can add, drop or rename a field alone). Optional keys are those older servers did not
send; the lab treats them as absent."""

from __future__ import annotations

from typing import Literal, TypedDict


class SessionResponse(TypedDict):
    """`POST api/wopi/sessions` (TS: ISessionResponse)."""

    file_id: str
    file_name: str
    path: str
    mode: str
    action: str | None
    action_url: str | None
    favicon_url: str | None
    onlyoffice_origin: str | None
    problem: str | None
    notice: str | None
    locked_elsewhere: bool
    wopi_src: str
    access_token: str
    access_token_ttl: int


class StoredLockJson(TypedDict):
    """A file's editing lock as the state has it."""

    holder_name: str
    locked_at: float
    expires_at: float


class LockJson(StoredLockJson, total=False):
    """A file's editing lock (TS: ILockInfo); `you` and `others` as the viewer reads it."""

    you: bool
    others: str


class LockedFileJson(LockJson):
    """One entry of `GET api/wopi/locks` (TS: ILockedFile)."""

    file_id: str
    path: str


class SaveJson(TypedDict):
    """The editor's last save of a file (TS: ISaveRecord)."""

    content_stamp: str
    user_name: str
    saved_at: float
    kept_as: str
    reason: str


class _Conflict(TypedDict):
    # The lab's fields in the order the lab declares them, then those it passes on unread.
    id: str
    path: str
    conflict_path: str
    user_name: str
    created_at: float
    updated_at: float
    reason: str
    user_id: str
    base_stamp: str


class ConflictJson(_Conflict, total=False):
    """A save kept as a conflict copy (TS: IConflictEvent); `file_id` only in lists."""

    file_id: str


class CopyJson(TypedDict):
    """A copy saved under another name (Save As)."""

    path: str
    created_at: float


class FileStatusJson(TypedDict):
    """`GET api/wopi/files/{id}` (TS: IFileStatus)."""

    file_id: str
    path: str
    name: str
    size: int
    content_stamp: str
    lock: LockJson | None
    last_save: SaveJson | None
    conflicts: list[ConflictJson]
    copies: list[CopyJson]


class ConnectionCheck(TypedDict):
    """One hop of the connection doctor (TS: IConnectionCheck)."""

    hop: str
    verdict: Literal["ok", "warning", "error", "skipped"]
    message: str


class ConnectionReport(TypedDict):
    """`GET api/wopi/status` (TS: IConnectionReport)."""

    ok: bool
    checks: list[ConnectionCheck]


class AddressJson(TypedDict):
    """One address as the server has it (TS: IAddress)."""

    name: str
    value: str
    source: str
    given: str
    error: str
    variable: str
    editable: bool


class ConnectionSettings(TypedDict):
    """`GET api/wopi/connection` (TS: IConnectionSettings)."""

    lab_may_change: bool
    why_not: str
    addresses: list[AddressJson]
    configured: bool
    problem: str
    default_base_url: str

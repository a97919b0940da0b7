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
    reason: str  # why it went to a copy; "template": ONLYOFFICE's blank new document


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
    """One hop of the connection doctor (TS: IConnectionCheck): `message` is one headline
    sentence; `setting` the address it is about ("" for none); `fix` a sentence saying what to
    set, `suggestion` the likely right value (both "" when the server cannot tell); `more`
    the other likely causes, one sentence each."""

    hop: str
    verdict: Literal["ok", "warning", "error", "skipped"]
    message: str
    setting: str
    fix: str
    suggestion: str
    more: list[str]


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
    last_check: ConnectionCheck | None  # its last verdict (doctor or discovery), None: none


class ConnectionSettings(TypedDict):
    """`GET api/wopi/connection` (TS: IConnectionSettings)."""

    lab_may_change: bool
    why_not: str
    addresses: list[AddressJson]
    configured: bool
    problem: str
    default_base_url: str


VersionKind = Literal["save", "restore", "conflict", "loaded", "external"]


class VersionJson(TypedDict):
    """One kept version of a file (TS: IVersion): bytes the file held before a save or a
    restore replaced them, or that an editor loaded. `kind` says what made them: an editor's
    save, a restore, a save kept as a conflict copy, bytes first seen when an editor loaded
    them, or a change made outside the editor. `author` is the person whose change the bytes
    carry ("" when unknown), `co_editors` everyone else the editing session's lock named."""

    id: str
    file_id: str
    created_at: float  # when these bytes were made (saved, restored, first seen)
    kept_at: float  # when they became a version
    size: int
    sha256: str
    kind: VersionKind
    author: str
    co_editors: list[str]


class VersionListJson(TypedDict):
    """`GET api/wopi/versions?path=` or `api/wopi/versions/{file_id}` (TS: IVersionList):
    the file now and its versions, newest first."""

    file_id: str
    path: str
    name: str
    size: int
    modified_at: float
    author: str  # of the bytes the file holds now, "" when unknown
    kind: VersionKind  # what made the bytes the file holds now
    can_restore: bool
    locked_by: str  # who is editing the file now, as the viewer reads it ("you and Ada"; "")
    versions: list[VersionJson]


class RestoreJson(TypedDict):
    """`POST api/wopi/versions/{file_id}/{version_id}/restore` (TS: IRestoreResult)."""

    path: str
    restored: str  # the id of the version whose bytes the file holds again
    kept: VersionJson | None  # the bytes the restore replaced, now a version
    editors_told: bool  # an editor had the file open: it is asked to reload


class ImageUrlJson(TypedDict):
    """`POST api/wopi/images` (TS: IImageUrl): a URL ONLYOFFICE downloads one image from
    (Action_InsertGraphic), without any login, until it expires or is used up."""

    url: str
    expires_at: float  # seconds since the epoch
    downloads: int  # downloads it allows
    content_type: str  # as the bytes say (image/png, image/jpeg, image/gif, image/bmp)
    size: int


class WorkspaceImageJson(TypedDict):
    """One image file of the workspace that ONLYOFFICE can insert (TS: IWorkspaceImage)."""

    path: str  # from the server's root, as the Contents API names it
    name: str
    size: int
    modified_at: float  # seconds since the epoch
    content_type: str  # as its extension says; the bytes are checked when a URL is issued


class ImageListJson(TypedDict):
    """`GET api/wopi/images?folder=` (TS: IImageList): the workspace's image files in and
    below a folder, newest first, at most `limit` of them."""

    folder: str
    images: list[WorkspaceImageJson]
    truncated: bool  # there are more (older ones, or a folder too large to look through)

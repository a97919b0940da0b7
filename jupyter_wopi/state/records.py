"""What the state database holds, as plain records."""

from __future__ import annotations

from dataclasses import dataclass

RELEASED_LOCK_MEMORY_SECONDS = 7 * 24 * 3600  # an editor left open over a week still saves
HOLDER_SEPARATOR = ", "  # a lock held for several co-editors names them all: "Ada, Grace"


def holder_names(holder_name: str) -> list[str]:
    """The people a lock's holder_name names."""
    return [name for name in holder_name.split(HOLDER_SEPARATOR) if name]


@dataclass(frozen=True)
class LockInfo:
    """Who holds a file's lock, for people (never the lock id: that is the editor's)."""

    file_id: str
    holder_name: str
    locked_at: float
    expires_at: float


@dataclass(frozen=True)
class SaveRecord:
    """The last save the editor made of a file: the content it left on disk (`content_stamp`)
    and, when the save went to a conflict copy, that copy's path (`kept_as`)."""

    file_id: str
    content_stamp: str
    user_name: str
    saved_at: float
    kept_as: str
    reason: str = ""  # why it went to a copy (saving.DIVERT_REASONS), "" when it did not


@dataclass(frozen=True)
class ConflictEvent:
    """The editor saved over a file that had changed on disk; its bytes went to a copy."""

    id: int
    file_id: str
    path: str
    conflict_path: str
    user_id: str
    user_name: str
    base_stamp: str
    created_at: float
    updated_at: float
    reason: str = "changed"  # saving.DIVERT_REASONS


@dataclass(frozen=True)
class FileRecord:
    """Where a file id's file was last seen: its API path and what identifies the file there
    (device relative to the served root, inode, modification time, size), to follow it when
    it is renamed behind Jupyter's back, and the identity the host gave the file (an
    extended attribute, fileindex.Tree.identity), which tells a moved file from a new file
    that was given a freed inode. -1 and "": not known."""

    file_id: str
    path: str
    dev: int
    ino: int
    mtime_ns: int
    size: int = -1
    identity: str = ""


@dataclass(frozen=True)
class FileBytes:
    """What the host knows of the bytes a file holds now (it wrote them, or an editor loaded
    them): the file's content stamp then, what made them and who."""

    file_id: str
    stamp: str
    kind: str  # wire.VersionKind
    author: str
    co_editors: str  # names joined by HOLDER_SEPARATOR
    made_at: float


@dataclass(frozen=True)
class VersionRecord:
    """Bytes a file held once, kept in a blob of the versions folder (files.version_blobs).
    `stamp` is the file's content stamp while it held them ("" for a conflict copy's);
    `sha256` is "" until hashed (host.versions.tidy); id 0 until stored."""

    id: int
    file_id: str
    blob: str
    size: int
    sha256: str
    stamp: str
    kind: str
    author: str
    co_editors: str
    created_at: float
    kept_at: float


@dataclass
class ImageUrlRecord:
    """What one image URL's secret opens: bytes held here (a notebook output's), or a
    workspace file read at each download (`api_path`); how long and how many times more."""

    content_type: str
    name: str  # for Content-Disposition
    size: int
    expires_at: float  # seconds since the epoch
    downloads_left: int
    data: bytes | None = None
    api_path: str | None = None

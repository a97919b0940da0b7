"""WOPI lock rules (spec §5.4) as pure functions.

Locks belong to the file, not to the user: ONLYOFFICE uses one deterministic lock id per
document (the file id) and any co-editor's token may refresh or release it.
"""

from __future__ import annotations

from dataclasses import dataclass

LOCK_TTL_SECONDS = 30 * 60  # spec §5.4: 30 minutes after the last Lock/RefreshLock
MAX_LOCK_ID_LENGTH = 1024  # spec §5.4: up to 1024 ASCII characters


@dataclass(frozen=True)
class Lock:
    lock_id: str
    expires_at: float  # seconds since the epoch


class LockConflict(Exception):
    """The request does not match the file's lock: answer 409 with `X-WOPI-Lock: current`."""

    def __init__(self, current: str, reason: str) -> None:
        super().__init__(reason)
        self.current = current
        self.reason = reason


class InvalidLockId(ValueError):
    """A lock header is missing, empty or not a valid lock id: answer 400."""


def validate_lock_id(value: str | None, header: str = "X-WOPI-Lock") -> str:
    if not value:
        raise InvalidLockId(f"The {header} header is required for this operation.")
    if len(value) > MAX_LOCK_ID_LENGTH or not value.isascii():
        raise InvalidLockId(
            f"The {header} header must be at most {MAX_LOCK_ID_LENGTH} ASCII characters."
        )
    return value


def _current(lock: Lock | None) -> str:
    return lock.lock_id if lock else ""


def check_lock(lock: Lock | None, requested: str) -> None:
    """LOCK: allowed on an unlocked file or to refresh the same id."""
    if lock is not None and lock.lock_id != requested:
        raise LockConflict(lock.lock_id, "The file is locked by another editing session.")


def check_refresh_or_unlock(lock: Lock | None, requested: str) -> None:
    """REFRESH_LOCK and UNLOCK need the file locked with exactly this id."""
    if lock is None:
        raise LockConflict("", "The file is not locked.")
    if lock.lock_id != requested:
        raise LockConflict(lock.lock_id, "The file is locked with a different lock id.")


def check_unlock_and_relock(lock: Lock | None, old: str) -> None:
    """LOCK with X-WOPI-OldLock: the current lock must be the old id."""
    check_refresh_or_unlock(lock, old)


def check_put(lock: Lock | None, provided: str | None, file_size: int) -> None:
    """PutFile: a locked file needs its lock id; an unlocked file may be written only while
    it is 0 bytes (spec §5.3.2; ONLYOFFICE writes its blank template that way)."""
    if lock is None:
        if file_size == 0:
            return
        raise LockConflict("", "The file is not locked and is not empty.")
    if lock.lock_id != provided:
        raise LockConflict(lock.lock_id, "The file is locked with a different lock id.")


def check_change(lock: Lock | None, provided: str | None) -> None:
    """RenameFile, DeleteFile, overwriting a PutRelativeFile target: unlocked files are free,
    locked ones need the matching id (DeleteFile is never sent one, so a lock blocks it)."""
    if lock is not None and lock.lock_id != provided:
        raise LockConflict(_current(lock), "The file is locked.")

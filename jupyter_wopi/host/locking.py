"""The WOPI lock operations as transactions: each reads the file's lock, applies the rule
(lock_rules.py) and changes the lock in one transaction, taking turns per file with every other
request and process (spec §5.4 under concurrency: two editors racing for one file never
both get a lock)."""

from __future__ import annotations

import time

from ..state import Store
from ..wopi import lock_rules


def _take(store: Store, file_id: str, lock_id: str, holder_name: str) -> None:
    expires = time.time() + lock_rules.LOCK_TTL_SECONDS
    store.set_lock(file_id, lock_rules.Lock(lock_id, expires), holder_name)


def lock(
    store: Store, file_id: str, requested: str, holder_name: str, old: str | None = None
) -> None:
    """LOCK, or UnlockAndRelock when `old` is given (X-WOPI-OldLock)."""
    store.serialize(file_id)
    current = store.get_lock(file_id)
    if old is not None:
        lock_rules.check_unlock_and_relock(current, old)
    else:
        lock_rules.check_lock(current, requested)
    _take(store, file_id, requested, holder_name)
    if current is not None and current.lock_id == requested:
        # A co-editor joining the session (client-behavior §17: each opener locks with the
        # session's lock id): the lock is now held for them too.
        store.add_lock_holder(file_id, holder_name)


def refresh(store: Store, file_id: str, requested: str, holder_name: str) -> None:
    store.serialize(file_id)
    lock_rules.check_refresh_or_unlock(store.get_lock(file_id), requested)
    _take(store, file_id, requested, holder_name)


def unlock(store: Store, file_id: str, requested: str) -> None:
    store.serialize(file_id)
    lock_rules.check_refresh_or_unlock(store.get_lock(file_id), requested)
    store.clear_lock(file_id)


def check_change(store: Store, file_id: str, provided: str | None) -> None:
    """RenameFile and DeleteFile: refused while the file is locked under another id."""
    lock_rules.check_change(store.get_lock(file_id), provided)

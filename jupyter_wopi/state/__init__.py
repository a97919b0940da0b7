"""The WOPI host's persistent state: locks, file ids, saves, conflict events, user info and
the token secret, in SQLite (one server, the default) or PostgreSQL (several processes)."""

from __future__ import annotations

from pathlib import Path

from .database import Database, StateUnavailable
from .records import ConflictEvent, FileBytes, FileRecord, LockInfo, SaveRecord, VersionRecord
from .store import Store
from .threads import State

__all__ = [
    "ConflictEvent",
    "Database",
    "FileBytes",
    "FileRecord",
    "LockInfo",
    "SaveRecord",
    "State",
    "StateUnavailable",
    "Store",
    "VersionRecord",
    "open_database",
]


def open_database(state_dir: str | Path, state_url: str = "", scope: str = "") -> Database:
    """PostgreSQL when `state_url` is set, else SQLite in `state_dir`, seeing the files, locks
    and conflicts of the served folder `scope`. Raises StateError with a sentence when it
    cannot be used."""
    if state_url:
        from .postgres import PostgresDatabase  # the driver is needed only then

        return PostgresDatabase(state_url, scope)
    from .sqlite import SqliteDatabase

    return SqliteDatabase(state_dir, scope)

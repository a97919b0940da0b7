"""Persistent state of the WOPI host: locks, saves, user info, conflict events, token secret.

Kept in one SQLite database in the state directory, so it survives a server restart
(spec §5.4: a restart must not turn the next PutFile into a 409 and a lost save).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import astuple, dataclass
from pathlib import Path

from .locks import Lock
from .statedir import opening_database, prepare_state_dir, private_file, token_secret

_SCHEMA = """
CREATE TABLE IF NOT EXISTS locks (
    file_id TEXT PRIMARY KEY, lock_id TEXT NOT NULL, expires_at REAL NOT NULL,
    holder_name TEXT NOT NULL DEFAULT '', locked_at REAL NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS released_locks (
    file_id TEXT NOT NULL, lock_id TEXT NOT NULL, released_at REAL NOT NULL,
    PRIMARY KEY (file_id, lock_id));
CREATE TABLE IF NOT EXISTS last_paths (file_id TEXT PRIMARY KEY, path TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS copies (
    file_id TEXT NOT NULL, path TEXT NOT NULL, created_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS copies_by_file ON copies (file_id, created_at);
CREATE TABLE IF NOT EXISTS saves (
    file_id TEXT PRIMARY KEY, content_stamp TEXT NOT NULL, user_name TEXT NOT NULL,
    saved_at REAL NOT NULL, kept_as TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS user_info (user_id TEXT PRIMARY KEY, info TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS conflicts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, file_id TEXT NOT NULL, path TEXT NOT NULL,
    conflict_path TEXT NOT NULL, user_id TEXT NOT NULL, user_name TEXT NOT NULL,
    base_stamp TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
    reason TEXT NOT NULL DEFAULT '');
"""


# Columns added after the first release, for state directories made by it.
_MIGRATIONS = (
    ("locks", "holder_name", "TEXT NOT NULL DEFAULT ''"),
    ("locks", "locked_at", "REAL NOT NULL DEFAULT 0"),
    ("saves", "reason", "TEXT NOT NULL DEFAULT ''"),
    ("conflicts", "reason", "TEXT NOT NULL DEFAULT ''"),
)
RELEASED_LOCK_MEMORY_SECONDS = 7 * 24 * 3600  # an editor left open over a week still saves


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


class StateStore:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        prepare_state_dir(self.directory)
        path = self.directory / "state.sqlite3"
        private_file(path)
        with opening_database(path):
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(_SCHEMA)
            for table, column, declaration in _MIGRATIONS:
                columns = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
                if column not in columns:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
        private_file(path)  # the journal files SQLite has just made

    def close(self) -> None:
        self._db.close()

    def token_secret(self) -> bytes:
        """The signing secret, created once with owner-only permissions."""
        return token_secret(self.directory / "token_secret")

    # locks -------------------------------------------------------------------------------

    def get_lock(self, file_id: str, now: float | None = None) -> Lock | None:
        """The live lock of a file; expired locks read as no lock."""
        row = self._db.execute(
            "SELECT lock_id, expires_at FROM locks WHERE file_id = ?", (file_id,)
        ).fetchone()
        if row is None or row[1] <= (time.time() if now is None else now):
            return None
        return Lock(row[0], row[1])

    def set_lock(self, file_id: str, lock: Lock, holder_name: str = "") -> None:
        """Take or refresh a lock. Refreshing the same live lock keeps its holder and start
        time: ONLYOFFICE refreshes on behalf of whichever co-editor is connected."""
        now = time.time()
        self._db.execute(
            "INSERT INTO locks (file_id, lock_id, expires_at, holder_name, locked_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (file_id) DO UPDATE SET"
            " expires_at = excluded.expires_at,"
            " holder_name = CASE WHEN lock_id = excluded.lock_id AND expires_at > ?"
            "   THEN holder_name ELSE excluded.holder_name END,"
            " locked_at = CASE WHEN lock_id = excluded.lock_id AND expires_at > ?"
            "   THEN locked_at ELSE excluded.locked_at END,"
            " lock_id = excluded.lock_id",
            (file_id, lock.lock_id, lock.expires_at, holder_name, now, now, now),
        )

    def clear_lock(self, file_id: str) -> None:
        self._db.execute("DELETE FROM locks WHERE file_id = ?", (file_id,))

    def list_locks(self, file_id: str | None = None) -> list[LockInfo]:
        """Live locks: all of them, or the one of `file_id`."""
        rows = self._db.execute(
            "SELECT file_id, holder_name, locked_at, expires_at FROM locks"
            " WHERE expires_at > ? AND (? IS NULL OR file_id = ?) ORDER BY locked_at",
            (time.time(), file_id, file_id),
        ).fetchall()
        return [LockInfo(*row) for row in rows]

    def release_lock(self, file_id: str) -> bool:
        """A person released the lock: remember its id, so the editor that held it can still
        save (the save is kept safe instead of refused). False when it was not locked."""
        lock = self.get_lock(file_id)
        if lock is None:
            return False
        now = time.time()
        self._db.execute(
            "DELETE FROM released_locks WHERE released_at < ?",
            (now - RELEASED_LOCK_MEMORY_SECONDS,),
        )
        self._db.execute(
            "INSERT OR REPLACE INTO released_locks (file_id, lock_id, released_at)"
            " VALUES (?, ?, ?)",
            (file_id, lock.lock_id, now),
        )
        self.clear_lock(file_id)
        return True

    def was_released(self, file_id: str, lock_id: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM released_locks WHERE file_id = ? AND lock_id = ?", (file_id, lock_id)
        ).fetchone()
        return row is not None

    # where files were ------------------------------------------------------------------

    def remember_path(self, file_id: str, path: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO last_paths (file_id, path) VALUES (?, ?)", (file_id, path)
        )

    def last_path(self, file_id: str) -> str | None:
        row = self._db.execute(
            "SELECT path FROM last_paths WHERE file_id = ?", (file_id,)
        ).fetchone()
        return str(row[0]) if row else None

    # saves -------------------------------------------------------------------------------

    def record_save(self, save: SaveRecord) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO saves"
            " (file_id, content_stamp, user_name, saved_at, kept_as, reason)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            astuple(save),
        )

    def record_copy(self, file_id: str, path: str) -> None:
        """The editor saved a copy of the file under another name (PutRelativeFile)."""
        self._db.execute(
            "INSERT INTO copies (file_id, path, created_at) VALUES (?, ?, ?)",
            (file_id, path, time.time()),
        )

    def recent_copies(self, file_id: str, limit: int = 20) -> list[tuple[str, float]]:
        """The newest copies of a file first, as (path when made, created_at)."""
        rows = self._db.execute(
            "SELECT path, created_at FROM copies WHERE file_id = ?"
            " ORDER BY created_at DESC LIMIT ?",
            (file_id, limit),
        ).fetchall()
        return [(str(path), float(at)) for path, at in rows]

    def last_save(self, file_id: str) -> SaveRecord | None:
        row = self._db.execute("SELECT * FROM saves WHERE file_id = ?", (file_id,)).fetchone()
        return SaveRecord(*row) if row else None

    # user info (PutUserInfo) -------------------------------------------------------------

    def get_user_info(self, user_id: str) -> str:
        row = self._db.execute(
            "SELECT info FROM user_info WHERE user_id = ?", (user_id,)
        ).fetchone()
        return str(row[0]) if row else ""

    def set_user_info(self, user_id: str, info: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO user_info (user_id, info) VALUES (?, ?)", (user_id, info)
        )

    # conflict events ---------------------------------------------------------------------

    def find_conflict(self, file_id: str, base_stamp: str) -> ConflictEvent | None:
        """The event already recorded for this editing session (same loaded version)."""
        row = self._db.execute(
            "SELECT * FROM conflicts WHERE file_id = ? AND base_stamp = ? ORDER BY id DESC",
            (file_id, base_stamp),
        ).fetchone()
        return ConflictEvent(*row) if row else None

    def record_conflict(self, event: ConflictEvent) -> ConflictEvent:
        """Insert a new event (id 0) or update an existing one; return it as stored."""
        if event.id:
            self._db.execute(
                "UPDATE conflicts SET path = ?, updated_at = ? WHERE id = ?",
                (event.path, event.updated_at, event.id),
            )
            return event
        cursor = self._db.execute(
            "INSERT INTO conflicts (file_id, path, conflict_path, user_id, user_name,"
            " base_stamp, created_at, updated_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            astuple(event)[1:],
        )
        return ConflictEvent(cursor.lastrowid or 0, *astuple(event)[1:])

    def list_conflicts(self, file_id: str | None = None) -> list[ConflictEvent]:
        if file_id is None:
            rows = self._db.execute("SELECT * FROM conflicts ORDER BY id").fetchall()
        else:
            rows = self._db.execute(
                "SELECT * FROM conflicts WHERE file_id = ? ORDER BY id", (file_id,)
            ).fetchall()
        return [ConflictEvent(*row) for row in rows]

    def dismiss_conflict(self, event_id: int) -> bool:
        cursor = self._db.execute("DELETE FROM conflicts WHERE id = ?", (event_id,))
        return cursor.rowcount > 0

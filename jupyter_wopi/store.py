"""Persistent state of the WOPI host: locks, user info, conflict events, token secret.

Kept in one SQLite database in the state directory, so it survives a server restart
(spec §5.4: a restart must not turn the next PutFile into a 409 and a lost save).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import time
from dataclasses import astuple, dataclass
from pathlib import Path

from .locks import Lock

_SCHEMA = """
CREATE TABLE IF NOT EXISTS locks (
    file_id TEXT PRIMARY KEY, lock_id TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS user_info (user_id TEXT PRIMARY KEY, info TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS conflicts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, file_id TEXT NOT NULL, path TEXT NOT NULL,
    conflict_path TEXT NOT NULL, user_id TEXT NOT NULL, user_name TEXT NOT NULL,
    base_stamp TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL);
"""


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


class StateStore:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._db = sqlite3.connect(
            self.directory / "state.sqlite3", isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def token_secret(self) -> bytes:
        """The signing secret, created once with owner-only permissions."""
        path = self.directory / "token_secret"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes()
        secret = secrets.token_bytes(32)
        with os.fdopen(fd, "wb") as file:
            file.write(secret)
            file.flush()
            os.fsync(file.fileno())
        return secret

    # locks -------------------------------------------------------------------------------

    def get_lock(self, file_id: str, now: float | None = None) -> Lock | None:
        """The live lock of a file; expired locks read as no lock."""
        row = self._db.execute(
            "SELECT lock_id, expires_at FROM locks WHERE file_id = ?", (file_id,)
        ).fetchone()
        if row is None or row[1] <= (time.time() if now is None else now):
            return None
        return Lock(row[0], row[1])

    def set_lock(self, file_id: str, lock: Lock) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO locks (file_id, lock_id, expires_at) VALUES (?, ?, ?)",
            (file_id, lock.lock_id, lock.expires_at),
        )

    def clear_lock(self, file_id: str) -> None:
        self._db.execute("DELETE FROM locks WHERE file_id = ?", (file_id,))

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
            " base_stamp, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            astuple(event)[1:],
        )
        return ConflictEvent(cursor.lastrowid or 0, *astuple(event)[1:])

    def list_conflicts(self) -> list[ConflictEvent]:
        rows = self._db.execute("SELECT * FROM conflicts ORDER BY id").fetchall()
        return [ConflictEvent(*row) for row in rows]

    def dismiss_conflict(self, event_id: int) -> bool:
        cursor = self._db.execute("DELETE FROM conflicts WHERE id = ?", (event_id,))
        return cursor.rowcount > 0

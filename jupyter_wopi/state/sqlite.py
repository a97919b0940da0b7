"""The state in SQLite files in the state folder: the zero-configuration default for one
Jupyter server. Each worker thread has its own connection; write transactions take SQLite's
write lock at once (BEGIN IMMEDIATE), so concurrent changes take turns, even between
processes sharing the folder."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .database import Database, T, WouldWait
from .folder import opening_database, prepare_state_dir, private_file, token_secret
from .schema import Dialect, create_or_upgrade
from .store import Store

BUSY_TIMEOUT_MS = 5000


class SqliteSql:
    dialect: Dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.connection.execute(sql, params).fetchall()

    def count(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.connection.execute(sql, params).rowcount


class SqliteDatabase(Database):
    dialect: Dialect = "sqlite"

    def __init__(self, directory: str | Path, scope: str = "") -> None:
        self.scope = scope
        self.directory = Path(directory)
        self.path = self.directory / "state.sqlite3"
        self.description = f"SQLite, {self.path}"
        self.remedy = (
            f"Check that the disk holding {self.directory} has room and works, and that no "
            "other program keeps the database locked (JUPYTER_WOPI_STATE_DIR names the folder)."
        )
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._reader: sqlite3.Connection | None = None  # for read_without_waiting
        prepare_state_dir(self.directory)
        private_file(self.path)  # before SQLite opens it: see private_file
        with opening_database(self.path):
            self._create_schema()

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA journal_mode=WAL")
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def _create_schema(self) -> None:
        sql = SqliteSql(self._connection())
        sql.execute("BEGIN IMMEDIATE")  # two servers starting at once take turns
        try:
            create_or_upgrade(sql)
        except BaseException:
            sql.execute("ROLLBACK")
            raise
        sql.execute("COMMIT")

    @contextlib.contextmanager
    def transaction(self, write: bool = False) -> Iterator[Store]:
        with self.unavailable_as_sentence(sqlite3.OperationalError):
            connection = self._connection()
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield Store(SqliteSql(connection), self.scope)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def read_without_waiting(self, work: Callable[[Store], T]) -> T:
        """For `work` that runs one statement. In WAL mode a reader never waits for
        writers; this connection also never waits for a lock (busy_timeout 0): the rare read
        that would wait raises WouldWait at once and is run in a worker thread instead."""
        try:  # no BEGIN: one statement, which SQLite runs in a transaction of its own
            return work(Store(SqliteSql(self._loop_connection()), self.scope))
        except sqlite3.OperationalError as err:
            raise WouldWait from err

    async def change_version(self) -> int | None:
        """SQLite's data_version on the event loop's connection, which changes whenever
        another connection (a worker thread here, another process) commits: memory only."""
        try:
            row = self._loop_connection().execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return None
        return int(row[0])

    def _loop_connection(self) -> sqlite3.Connection:
        if self._reader is None:
            self._reader = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._reader.execute("PRAGMA query_only=1")
            with self._lock:
                self._connections.append(self._reader)
        return self._reader

    def token_secret(self) -> bytes:
        return token_secret(self.directory / "token_secret")

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()

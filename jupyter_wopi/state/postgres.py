"""The state in PostgreSQL (`state_url`): for several processes serving WOPI for the same
files, such as a JupyterHub service with replicas, or servers sharing team folders. Tables
live in their own schema, `jupyter_wopi`, so the database may be shared (with ONLYOFFICE
Docs' own, for instance). Changes of one file take turns through a transaction-scoped
advisory lock (Store.serialize), whichever process they arrive at.

Driver: psycopg 3 (the maintained successor of psycopg2, by the same authors) with its
connection pool: blocking calls in our worker threads, typed, binary wheels on PyPI."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator, Sequence
from typing import Any

from ..statedir import SECRET_BYTES, StateError
from .database import Database
from .schema import Dialect, create_or_upgrade
from .store import Store

SCHEMA = "jupyter_wopi"
CONNECT_TIMEOUT = 10  # seconds, at start-up
_SCHEMA_LOCK = 0x6A7570_7779  # advisory lock id: creating the schema, one process at a time
_SETTING = "JUPYTER_WOPI_STATE_URL"

try:
    import psycopg
    import psycopg.conninfo
    from psycopg_pool import ConnectionPool, PoolTimeout
except ImportError:  # pragma: no cover - told as a sentence when PostgreSQL is configured
    psycopg = None  # type: ignore[assignment]


class PostgresSql:
    dialect: Dialect = "postgresql"

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self.connection.execute(_placeholders(sql), params)
        return cursor.fetchall() if cursor.description else []

    def count(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.connection.execute(_placeholders(sql), params).rowcount


def _placeholders(sql: str) -> str:
    assert "%" not in sql, "pass LIKE patterns and percent signs as parameters"
    return sql.replace("?", "%s")


def describe(url: str) -> str:
    """Where a PostgreSQL URL or DSN points, without its password."""
    try:
        parts = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as err:
        raise StateError(f"{_SETTING} is not a PostgreSQL URL or DSN: {err}") from err
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"PostgreSQL, {user}{parts.get('host', 'localhost')}{port}/{parts.get('dbname', '')}"


def _use_schema(connection: psycopg.Connection[Any]) -> None:
    connection.execute(f"SET search_path TO {SCHEMA}")
    connection.commit()


class PostgresDatabase(Database):
    dialect: Dialect = "postgresql"

    def __init__(self, url: str, scope: str = "", pool_size: int = 4) -> None:
        self.scope = scope
        if psycopg is None:
            raise StateError(
                f"{_SETTING} is set, but the PostgreSQL driver is not installed: "
                "pip install 'jupyter_wopi[postgresql]'."
            )
        self.description = describe(url)
        self._errors = (psycopg.OperationalError, PoolTimeout)
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            open=False,
            configure=_use_schema,
            kwargs={"connect_timeout": CONNECT_TIMEOUT, "application_name": "jupyter_wopi"},
        )
        try:
            self._create_schema(url)
            self.pool.open(wait=True, timeout=CONNECT_TIMEOUT)
        except (psycopg.Error, PoolTimeout) as err:
            self.pool.close()
            raise StateError(
                f"Cannot use the jupyter_wopi state database ({self.description}): "
                f"{str(err).strip()}. Check {_SETTING} (host, port, database, user and "
                "password) and that PostgreSQL accepts connections from this server."
            ) from err

    def _create_schema(self, url: str) -> None:
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT) as connection:
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            connection.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            connection.execute(f"SET LOCAL search_path TO {SCHEMA}")
            create_or_upgrade(PostgresSql(connection))

    @contextlib.contextmanager
    def transaction(self, write: bool = False) -> Iterator[Store]:
        with (
            self.unavailable_as_sentence(*self._errors),
            self.pool.connection() as connection,
            connection.transaction(),
        ):
            yield Store(PostgresSql(connection), self.scope)

    def token_secret(self) -> bytes:
        with self.transaction(write=True) as store:
            secret = store.set_meta_once("token_secret", secrets.token_hex(SECRET_BYTES))
        return bytes.fromhex(secret)

    def close(self) -> None:
        self.pool.close()

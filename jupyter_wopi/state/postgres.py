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

from .changes import ChangeFeed
from .database import Database
from .folder import SECRET_BYTES, StateError
from .schema import Dialect, create_or_upgrade
from .store import Store

SCHEMA = "jupyter_wopi"
CONNECT_TIMEOUT = 10  # seconds, at start-up
# Seconds a transaction waits for a connection before its request is answered 503: a
# connection is made in milliseconds when PostgreSQL is up (psycopg_pool's 30 s kept the
# lab's requests waiting that long while it was down).
WAIT_FOR_CONNECTION = 2.0
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
        self.remedy = (
            "Check that PostgreSQL runs and accepts connections from this server, and the "
            f"setting {_SETTING} (host, port, database, user and password)."
        )
        self.pool = ConnectionPool(
            url,
            name="jupyter_wopi",  # in the pool's own log lines ("error connecting in ...")
            min_size=1,
            max_size=pool_size,
            open=False,
            configure=_use_schema,
            timeout=WAIT_FOR_CONNECTION,
            # Reconnection gives up that soon too, and the next request tries again at once:
            # with the default (5 min of ever longer pauses) a database back after an outage
            # went unused for minutes.
            reconnect_timeout=WAIT_FOR_CONNECTION,
            kwargs={"connect_timeout": CONNECT_TIMEOUT, "application_name": "jupyter_wopi"},
        )
        self.changes = ChangeFeed(url, CONNECT_TIMEOUT)
        try:
            self._create_schema(url)
            self.pool.open(wait=True, timeout=CONNECT_TIMEOUT)
            self.changes.start()
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
        try:
            with contextlib.ExitStack() as stack:
                store = Store(PostgresSql(self._begin(stack)), self.scope)
                yield store
            if store.announced:  # committed: this process knows at once, the others soon
                self.changes.changed()
        except PoolTimeout as err:
            raise self.unavailable(f"no connection to it within {WAIT_FOR_CONNECTION:g} s") from err
        except psycopg.OperationalError as err:
            raise self.unavailable(str(err)) from err

    def _begin(self, stack: contextlib.ExitStack) -> psycopg.Connection[Any]:
        """A pooled connection in a new transaction, both left on `stack`. A connection that
        a PostgreSQL restart ended fails its BEGIN, before any work ran: it is dropped (the
        pool makes a new one) and the next one is used, so a restart costs no request and
        no round trip is spent checking connections that work."""
        attempts = self.pool.max_size + 1  # every pooled connection may be dead
        for attempt in range(attempts):
            with contextlib.ExitStack() as trying:
                connection = trying.enter_context(self.pool.connection())
                try:
                    trying.enter_context(connection.transaction())
                except psycopg.OperationalError:
                    if not connection.broken or attempt == attempts - 1:
                        raise
                    continue  # leaving `trying` hands the dead connection back
                stack.enter_context(trying.pop_all())
                return connection
        raise AssertionError("unreachable: the last attempt returns or raises")

    def token_secret(self) -> bytes:
        with self.transaction(write=True) as store:
            secret = store.set_meta_once("token_secret", secrets.token_hex(SECRET_BYTES))
        return bytes.fromhex(secret)

    async def change_version(self) -> int | None:
        return await self.changes.version()

    def close(self) -> None:
        self.changes.close()
        self.pool.close()

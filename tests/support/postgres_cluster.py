"""A throwaway PostgreSQL cluster for the tests: Debian's `postgresql` binaries, a cluster made
by initdb in a temporary folder, served on 127.0.0.1 only, as the `postgres` user when the
tests run as root (PostgreSQL refuses to run as root). Each test gets a database of its own.

The tests that need it skip, saying why, when PostgreSQL is not installed, unless
JUPYTER_WOPI_REQUIRE_POSTGRES=1 (CI installs it), where they fail instead."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .server_process import free_port

INSTALL = "apt-get install -y postgresql"


def find_binaries() -> Path | None:
    """The folder of initdb/pg_ctl: Debian keeps them off PATH, per major version."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_major, reverse=True)
    return Path(versions[0]).parent if versions else None


def _major(path: str) -> int:
    part = Path(path).parts[-3]
    return int(part) if part.isdigit() else 0


def missing_prerequisite() -> str | None:
    if find_binaries() is None:
        return f"PostgreSQL is not installed ({INSTALL})"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "the tests run as root and there is no `postgres` user to run PostgreSQL as"
    return None


class PostgresCluster:
    def __init__(self) -> None:
        binaries = find_binaries()
        assert binaries is not None
        self.bin = binaries
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="jupyter-wopi-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self._databases = 0
        self._user: list[str] = []
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
            self._user = [
                "setpriv",
                f"--reuid={entry.pw_uid}",
                f"--regid={entry.pw_gid}",
                "--init-groups",
            ]

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self._user, *args],
            check=True,
            capture_output=True,
            text=True,
            cwd=self.folder,
            timeout=120,
        )

    def start(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        )
        self.serve()

    def _pg_ctl(self, *args: str) -> None:
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            *args,
        )

    def _options(self) -> str:
        return (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c fsync=off -c synchronous_commit=off -c max_connections=200"
        )

    def serve(self) -> None:
        """Start serving the cluster (again, after halt)."""
        self._pg_ctl("-o", self._options(), "start")

    def halt(self) -> None:
        """Stop serving, as an admin's `pg_ctl stop` does (sessions are ended), keeping the
        data for serve()."""
        self._pg_ctl("-m", "fast", "stop")

    def restart(self) -> None:
        """`pg_ctl restart`: every client's connection is ended."""
        self._pg_ctl("-m", "fast", "-o", self._options(), "restart")

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run(
                [
                    *self._user,
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                capture_output=True,
                cwd=self.folder,
                check=False,
                timeout=60,
            )
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database's URL."""
        import psycopg

        self._databases += 1
        name = f"wopi_{self._databases}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)


def throwaway_cluster() -> Iterator[PostgresCluster]:
    """A cluster of one's own, for tests that stop or restart it (a pytest fixture's body):
    skips, saying why, without PostgreSQL, or fails under JUPYTER_WOPI_REQUIRE_POSTGRES=1."""
    import pytest

    reason = missing_prerequisite()
    if reason is not None:
        if os.environ.get("JUPYTER_WOPI_REQUIRE_POSTGRES") == "1":  # CI: never skip silently
            pytest.fail(f"JUPYTER_WOPI_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(f"PostgreSQL tests: {reason}")
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()

"""The state folder (locks, file ids, the token-signing secret): private to the user running
Jupyter, and every way it can fail at start-up told as a sentence that names the file and
the fix."""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

from ..errors import StartupError

SECRET_BYTES = 32
_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
_SETTING = "JUPYTER_WOPI_STATE_DIR"


class StateError(StartupError):
    """The state cannot be used; the message says which file or database and what to do."""


def prepare_state_dir(directory: Path) -> None:
    """Create the folder 0700, or make an existing one private; refuse one we may not use."""
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        mode = stat.S_IMODE(directory.stat().st_mode)
        if mode & 0o077:
            os.chmod(directory, 0o700)  # it holds the secret that signs every access token
    except OSError as err:
        raise StateError(
            f"The jupyter_wopi state folder {directory} cannot be created or made private "
            f"(mode 0700): {err.strerror or err}. Give the user running Jupyter ownership of "
            f"it, or set {_SETTING} to a folder of that user's."
        ) from err
    if not os.access(directory, os.R_OK | os.W_OK | os.X_OK):
        raise StateError(
            f"The jupyter_wopi state folder {directory} is not writable by the user running "
            f"Jupyter. Make it writable (chmod 700, chown), or set {_SETTING} to another folder."
        )


def private_file(path: Path) -> None:
    """Make `path` (created empty if missing) readable and writable by its owner only, with
    any SQLite journal beside it. Call it before SQLite opens the database: the journals
    SQLite makes later get the database file's mode. It never opens an existing file, as
    closing any descriptor of a file drops every POSIX lock this process holds on it
    (SQLite's among them: another process would then delete the WAL under this one)."""
    try:
        with contextlib.suppress(FileExistsError):  # a new file: no lock of ours on it yet
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        for candidate in (path, *_companions(path)):
            _owner_only(candidate)
    except OSError as err:
        raise StateError(
            f"Cannot use {path}: {err.strerror or err}. Make it readable and writable by the "
            f"user running Jupyter (chown, chmod 600), or set {_SETTING} to another folder."
        ) from err


def _owner_only(path: Path) -> None:
    if stat.S_IMODE(path.stat().st_mode) != 0o600:
        os.chmod(path, 0o600)


def _companions(path: Path) -> Iterator[Path]:
    for suffix in _SQLITE_COMPANIONS:
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            yield candidate


@contextlib.contextmanager
def opening_database(path: Path) -> Iterator[None]:
    """Turn SQLite's errors while opening a state database into a sentence."""
    try:
        yield
    except sqlite3.DatabaseError as err:
        raise StateError(
            f"The jupyter_wopi database {path} cannot be used: {err}. If it is damaged, move "
            f"it aside (mv {path} {path}.broken) and restart Jupyter: a new one is made, and "
            "documents open in ONLYOFFICE now must be reopened."
        ) from err


def token_secret(path: Path) -> bytes:
    """The signing secret, made once. It appears complete or not at all (written aside, then
    linked into place), so a crash never leaves an empty secret behind."""
    if not path.exists():
        _create_secret(path)
    try:
        secret = path.read_bytes()
        _owner_only(path)
    except OSError as err:
        raise StateError(
            f"Cannot read the token-signing secret {path}: {err.strerror or err}. Make it "
            "readable by the user running Jupyter (chown, chmod 600), or delete it to make a "
            "new one (documents open in ONLYOFFICE must then be reopened)."
        ) from err
    if len(secret) < SECRET_BYTES:
        raise StateError(
            f"The token-signing secret {path} is damaged ({len(secret)} bytes, expected "
            f"{SECRET_BYTES}). Delete it and restart Jupyter to make a new one (documents open "
            "in ONLYOFFICE must then be reopened)."
        )
    return secret


def _create_secret(path: Path) -> None:
    temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(secrets.token_bytes(SECRET_BYTES))
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):  # another server made it first: use theirs
            os.link(temp, path)
    except OSError as err:
        raise StateError(
            f"Cannot create the token-signing secret {path}: {err.strerror or err}. Make "
            f"{path.parent} writable by the user running Jupyter, or set {_SETTING}."
        ) from err
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)

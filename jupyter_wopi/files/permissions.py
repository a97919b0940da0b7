"""The one place that decides what the file system lets Jupyter do with a file, checked at
the moment of each request (a file made read-only while open must stay untouched)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable

from ..errors import Refused

_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def _allows(path: str, access: int, is_kind: Callable[[int], bool]) -> bool:
    """`path` exists, is of the kind wanted (stat.S_ISREG, stat.S_ISDIR) and allows `access`.
    os.access is the real test, but it always says yes to root, who ignores permission bits:
    a file or folder nobody may write (no write bit at all) is read-only for root too."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return is_kind(mode) and bool(mode & _WRITE_BITS) and os.access(path, access)


def can_create_in(folder: str) -> bool:
    """New files (and renames, replacements) may be made in this folder."""
    return _allows(folder, os.W_OK | os.X_OK, stat.S_ISDIR)


def is_writable(path: str) -> bool:
    """Jupyter may change this file now: a regular file with a write bit that we may
    write, in a folder where we may replace it (atomic saves rename over it). A link is
    judged by the file it points to, which is what a save changes."""
    # Only a link needs resolving: a file's own path already names its folder.
    real = os.path.realpath(path) if os.path.islink(path) else path
    return _allows(real, os.W_OK, stat.S_ISREG) and can_create_in(os.path.dirname(real))


def write_access(path: str) -> tuple[bool, bool]:
    """(is_writable(path), can_create_in(its folder)), asking each question once."""
    folder_writable = can_create_in(os.path.dirname(path))
    if os.path.islink(path):
        return is_writable(path), folder_writable
    return folder_writable and _allows(path, os.W_OK, stat.S_ISREG), folder_writable


def is_replaceable(path: str) -> bool:
    """An existing file that an upload may replace: writable and not a symbolic link
    (replacing a link would cut it, and its target may be anything)."""
    return not os.path.islink(path) and is_writable(path)


def require_writable(path: str, name: str, change: str) -> None:
    """Refuse `change` (a verb phrase: "renamed", "deleted") of a read-only file."""
    if not is_writable(path):
        raise Refused(
            403,
            f"{name} cannot be {change}: the file or its folder is read-only on disk "
            "(its permissions were changed, or Jupyter's user may not write there).",
        )

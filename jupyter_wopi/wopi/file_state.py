"""A file's version as WOPI sees it (spec §5.2), derived from its stat: what CheckFileInfo
reports and what a save compares."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from datetime import datetime, timezone


@dataclass(frozen=True)
class FileState:
    """What WOPI needs to know about a file's current content."""

    size: int
    version: str
    last_modified: str
    content_stamp: str  # like version, but kept by renames and chmod (which change ctime)

    @classmethod
    def from_stat(cls, st: os.stat_result) -> FileState:
        # Version must change on every content change and never repeat (spec §5.2): mtime
        # and size catch in-place writes, inode catches replacements, ctime (which nobody
        # can set back) catches writes that restore an old mtime.
        version = f"{st.st_mtime_ns:x}.{st.st_size:x}.{st.st_ino:x}.{st.st_ctime_ns:x}"
        return cls(
            size=st.st_size,
            version=version,
            last_modified=iso_timestamp(st.st_mtime_ns),
            content_stamp=f"{st.st_mtime_ns:x}.{st.st_size:x}.{st.st_ino:x}",
        )


@functools.lru_cache(maxsize=4096)  # asked again for the same file at every CheckFileInfo
def iso_timestamp(ns: int) -> str:
    """ISO 8601 UTC with 100 ns precision, byte-stable (.NET round-trip format)."""
    seconds, rest = divmod(ns, 1_000_000_000)
    base = datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{base}.{rest // 100:07d}Z"

"""The one place that reads and writes document bytes: streamed reads, atomic streamed
writes, conflict copies."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import os
import secrets
import stat
import time
from collections.abc import AsyncGenerator, Callable
from typing import BinaryIO

CHUNK_SIZE = 1 << 20  # 1 MiB: large enough for throughput, small enough for memory
DOWNLOAD_CHUNK_SIZE = 2 << 20  # GetFile: few chunks in flight keep memory flat
UPLOAD_CHUNK_SIZE = 1 << 20  # PutFile: bytes tornado hands us at a time
TEMP_PREFIX = ".~jupyter_wopi."  # hidden, so Jupyter's file browser does not show it
STALE_TEMP_SECONDS = 3600  # an upload's temp file untouched this long was left by a crash
# The identity the host gives files it indexes (fileindex.Tree.identity): a replacement of the
# file's bytes keeps it, as it keeps the file's mode.
IDENTITY_XATTR = "user.jupyter_wopi.identity"


async def read_chunks(file: BinaryIO, chunk_size: int = CHUNK_SIZE) -> AsyncGenerator[bytes, None]:
    """Read an open file in chunks off the event loop, reading the next chunk while the
    caller sends the current one. Close it (contextlib.aclosing) before closing the file."""
    loop = asyncio.get_running_loop()
    pending = loop.run_in_executor(None, file.read, chunk_size)
    try:
        while chunk := await pending:
            pending = loop.run_in_executor(None, file.read, chunk_size)
            yield chunk
    finally:
        await asyncio.wait([pending])  # never leave a read running on a closed file


def is_disk_full(err: OSError) -> bool:
    return err.errno in (errno.ENOSPC, errno.EDQUOT)


# Asked when the disk is full: free about this many bytes (kept versions); False if it could not.
MakeRoom = Callable[[int], bool]


class AtomicWriter:
    """Streams bytes into a hidden temporary file in the target folder, then renames it into
    place: a crash at any moment leaves either the old file or the complete new one. The
    bytes are hashed as they pass (a kept version records its hash without reading again).
    A full disk first asks `make_room` (which drops the oldest kept versions)."""

    def __init__(self, folder: str, make_room: MakeRoom | None = None) -> None:
        self.folder = folder
        self.make_room = make_room
        remove_stale_temp_files(folder)
        self.temp_path = os.path.join(folder, f"{TEMP_PREFIX}{secrets.token_hex(8)}.tmp")
        self._fd = os.open(self.temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        self._open = True
        self._digest = hashlib.sha256()
        self.size = 0

    def write(self, chunk: bytes) -> None:
        view = memoryview(chunk)
        while view:
            try:
                view = view[os.write(self._fd, view) :]
            except OSError as err:
                if not (is_disk_full(err) and self.make_room and self.make_room(len(view))):
                    raise
        self._digest.update(chunk)
        self.size += len(chunk)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def flush(self) -> None:
        """Make the bytes durable before the rename makes them visible."""
        os.fsync(self._fd)

    def replace(self, target: str) -> os.stat_result:
        """Rename over `target`, keeping its permission bits (and owner, when we may) and
        the identity the host gave it."""
        self._close()
        with contextlib.suppress(FileNotFoundError):
            old = os.stat(target)
            os.chmod(self.temp_path, stat.S_IMODE(old.st_mode))
            if os.geteuid() == 0:
                os.chown(self.temp_path, old.st_uid, old.st_gid)
            _keep_identity(target, self.temp_path)
        os.replace(self.temp_path, target)
        _fsync_folder(self.folder)
        return os.stat(target)

    def create(self, target: str) -> os.stat_result | None:
        """Give the bytes a new name without ever overwriting; None if the name is taken."""
        self._close()
        try:
            os.link(self.temp_path, target)
        except FileExistsError:
            return None
        os.unlink(self.temp_path)
        _fsync_folder(self.folder)
        return os.stat(target)

    def discard(self) -> None:
        self._close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temp_path)

    def _close(self) -> None:
        if self._open:
            self._open = False
            os.close(self._fd)


def _keep_identity(source: str, target: str) -> None:
    # None, or no extended attributes here: the index gives the new inode an identity.
    with contextlib.suppress(OSError):
        os.setxattr(target, IDENTITY_XATTR, os.getxattr(source, IDENTITY_XATTR))


def remove_stale_temp_files(folder: str) -> None:
    """Remove what uploads interrupted by a crash left in this folder."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    with os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):  # gone meanwhile
                if _is_stale_temp(entry, cutoff):
                    os.unlink(entry.path)


def _is_stale_temp(entry: os.DirEntry[str], cutoff: float) -> bool:
    """An upload's temporary file untouched since `cutoff`: a regular file (we never make
    links or folders with these names) named as AtomicWriter names them."""
    return (
        entry.name.startswith(TEMP_PREFIX)
        and entry.name.endswith(".tmp")
        and entry.is_file(follow_symlinks=False)
        and entry.stat().st_mtime < cutoff
    )


def _fsync_folder(folder: str) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

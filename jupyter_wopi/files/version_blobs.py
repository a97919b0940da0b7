"""The bytes of kept versions: one file per version in a private folder. A replaced file's
bytes are kept by a hard link to its inode where the folder is on the same file system (no
copy), else copied; a version being loaded by an editor is copied while it is streamed."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
from collections.abc import Iterable
from dataclasses import dataclass

from .io import CHUNK_SIZE, is_disk_full

BLOB_SUFFIX = ".blob"
PARTIAL_SUFFIX = ".partial"  # a copy being made: removed at start if a crash left it


@dataclass(frozen=True)
class Kept:
    """Bytes kept as a version: the blob's name in the folder, and whether it shares the
    replaced file's inode (True) or is a copy."""

    name: str
    linked: bool


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


class VersionBlobs:
    """The folder of version bytes, private to the account serving the files (0700 folder,
    0600 files): versions hold what users replaced, including what they meant to remove."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        os.makedirs(folder, mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)
        self._device = os.stat(folder).st_dev
        for entry in os.scandir(folder):
            if entry.name.endswith(PARTIAL_SUFFIX):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)

    def path(self, name: str) -> str:
        if os.sep in name or not name.endswith(BLOB_SUFFIX):
            raise ValueError(f"not a version blob name: {name!r}")
        return os.path.join(self.folder, name)

    def _new_name(self) -> str:
        return secrets.token_hex(16) + BLOB_SUFFIX

    def keep(self, path: str) -> Kept:
        """Keep the bytes now at `path`, about to be replaced by a rename over it: by a hard
        link when that is safe (same file system, and no other name of the inode that a
        program could later write into), else by a copy. The caller replaces `path` next;
        from then on the blob is the only name of the kept inode."""
        name = self._new_name()
        target = os.path.join(self.folder, name)
        st = os.stat(path)
        if st.st_dev == self._device and st.st_nlink == 1:
            try:
                os.link(path, target, follow_symlinks=True)
                return Kept(name, linked=True)
            except OSError as err:
                if is_disk_full(err):
                    raise
                # EPERM (protected hard links), EXDEV (a bind mount): copy instead
        self._copy(path, target)
        return Kept(name, linked=False)

    def copy_in(self, path: str) -> Kept:
        """Keep a copy of the bytes at `path` (a file that stays where it is)."""
        name = self._new_name()
        self._copy(path, os.path.join(self.folder, name))
        return Kept(name, linked=False)

    def _copy(self, source: str, target: str) -> None:
        partial = target + PARTIAL_SUFFIX
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
                shutil.copyfileobj(src, dst, CHUNK_SIZE)
            os.rename(partial, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(partial)
            raise

    def seal(self, name: str) -> None:
        """A linked blob, once the file it came from was replaced: private like a copy."""
        with contextlib.suppress(OSError):
            os.chmod(self.path(name), 0o600)

    def writer(self) -> BlobWriter:
        return BlobWriter(self.folder, self._new_name())

    def remove(self, names: Iterable[str]) -> None:
        for name in names:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path(name))

    def disk_usage(self) -> shutil._ntuple_diskusage:
        return shutil.disk_usage(self.folder)


class BlobWriter:
    """A copy made while the bytes stream past (GetFile): hashed as written, renamed into
    place by `commit`, removed by `discard`."""

    def __init__(self, folder: str, name: str) -> None:
        self.name = name
        self._target = os.path.join(folder, name)
        self._partial = self._target + PARTIAL_SUFFIX
        self._fd = os.open(self._partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._digest = hashlib.sha256()
        self.size = 0
        self.failed = False  # a write failed (disk full): the copy is abandoned

    def write(self, chunk: bytes) -> None:
        if self.failed:
            return
        try:
            view = memoryview(chunk)
            while view:
                view = view[os.write(self._fd, view) :]
        except OSError:
            self.failed = True  # the download goes on; only the copy is given up
            return
        self._digest.update(chunk)
        self.size += len(chunk)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def commit(self) -> None:
        os.close(self._fd)
        self._fd = -1
        os.rename(self._partial, self._target)

    def discard(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._partial)

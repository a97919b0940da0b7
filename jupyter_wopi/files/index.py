"""File ids ↔ paths, kept in the state database (spec §11.4).

An id is a UUID4 (URL-safe, 36 characters, globally unique: two Jupyter servers sharing one
ONLYOFFICE never share a document key by accident) given to a file when it is first opened.
Nothing is indexed ahead of time: start-up costs nothing however large the tree is. An id
follows its file

* through renames and deletions made in Jupyter (contents events, `follow_contents_events`);
* through a file replaced at its path by a new inode (atomic saves, `git checkout`): the
  path keeps its id;
* through renames behind Jupyter's back (`mv`, while Jupyter was stopped too): when the
  recorded path no longer holds the file, the tree is searched for its inode, on the same
  device and with the same modification time, and taken only with evidence that it is the
  same file and not a new one given the freed inode (`Tree.same_file`): the identity the
  host wrote on the file, or, where a file cannot keep one, its name and size. Without
  that evidence the id is gone: reads answer 404, a save becomes a conflict copy.

Ids belong to the served folder (the state database's scope): two servers of one user on
two folders never share an id, two on the same folder share them all. Several processes
may share the index (PostgreSQL): two of them giving the same new file an id at once agree
on one, and each checks what the database says against the disk.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, NamedTuple

from ..state import Database, FileRecord, State, Store
from ..state.store import int64
from .io import IDENTITY_XATTR

CONTENTS_EVENTS = "https://events.jupyter.org/jupyter_server/contents_service/v1"
SEARCH_AGAIN_AFTER = 30.0  # seconds before a file searched for in vain is searched for again


class Sighting(NamedTuple):  # a tuple: made at every request, so made cheaply
    """What identifies a regular file where it was seen."""

    dev: int  # 0: the served root's own device (stable across hosts sharing one volume)
    ino: int
    mtime_ns: int
    size: int

    def same_inode(self, record: FileRecord) -> bool:
        return (self.dev, self.ino) == (record.dev, record.ino)

    def unchanged(self, record: FileRecord) -> bool:
        """The same inode, not written since: what was recorded still holds."""
        return (
            self.same_inode(record)
            and self.mtime_ns == record.mtime_ns
            and self.size == record.size
        )

    def record(self, file_id: str, api_path: str, identity: str) -> FileRecord:
        return FileRecord(file_id, api_path, *self, identity)


class Tree:
    """The served folder as the index sees it: API paths, sightings of files, walks."""

    def __init__(self, root_dir: str) -> None:
        self.root = os.path.realpath(root_dir)
        self._root_dev = os.stat(self.root).st_dev

    def os_path(self, api_path: str) -> str:
        return os.path.join(self.root, *api_path.split("/")) if api_path else self.root

    def api_path(self, os_path: str) -> str | None:
        """The API path of a path under the root, None for one outside it."""
        relative = os.path.relpath(os.path.realpath(os_path), self.root)
        if relative == os.curdir or relative.split(os.sep)[0] == os.pardir:
            return None
        return relative.replace(os.sep, "/")

    def sighting(self, api_path: str) -> Sighting | None:
        try:
            st = os.stat(self.os_path(api_path))
        except (OSError, ValueError):
            return None
        return self.sighting_of(st) if stat.S_ISREG(st.st_mode) else None

    def plain_sighting(self, api_path: str) -> Sighting | None:
        """The file at `api_path` if it is a regular file reached without a symbolic link
        (so it is inside the root, and is what its path says), else None."""
        st: os.stat_result | None = None
        path = self.root
        for part in api_path.split("/"):
            path = os.path.join(path, part)
            try:
                st = os.lstat(path)
            except (OSError, ValueError):
                return None
            if stat.S_ISLNK(st.st_mode):
                return None
        return self.sighting_of(st) if st is not None and stat.S_ISREG(st.st_mode) else None

    def sighting_of(self, st: os.stat_result) -> Sighting:
        dev = 0 if st.st_dev == self._root_dev else st.st_dev
        return Sighting(int64(dev), int64(st.st_ino), st.st_mtime_ns, st.st_size)

    def identity(self, api_path: str, *, create: bool = False) -> str:
        """The identity the host gave the file at `api_path`: an extended attribute, which
        moves with the file (renames keep it) and which a new file given a freed inode does
        not have. Given now when `create` and it has none. "" where the file system keeps
        no extended attributes, the file may not be changed, or a link leads out of the
        root (nothing is written there)."""
        path = self.os_path(api_path)
        try:
            return os.getxattr(path, IDENTITY_XATTR).decode("ascii", "replace")
        except OSError as err:
            if not create or err.errno != errno.ENODATA or self.api_path(path) is None:
                return ""
        value = uuid.uuid4().hex
        try:
            os.setxattr(path, IDENTITY_XATTR, value.encode("ascii"), os.XATTR_CREATE)
        except FileExistsError:  # another process gave it one first: theirs stands
            return self.identity(api_path)
        except OSError:
            return ""  # no extended attributes here, or a read-only file
        return value

    def same_file(self, record: FileRecord, api_path: str, seen: Sighting) -> bool:
        """Whether the file seen at `api_path`, on `record`'s inode and with its modification
        time, is `record`'s file moved there, rather than a new file that was given the inode
        `record`'s file freed (tar, unzip, cp -p and rsync -t set whole-second times, so a
        reused inode may well show the same time). The evidence: the identity the host gave
        the file; for a file that could keep none, the same name and size."""
        if not seen.same_inode(record) or seen.mtime_ns != record.mtime_ns:
            return False
        if record.identity:
            return self.identity(api_path) == record.identity
        same_name = api_path.rpartition("/")[2] == record.path.rpartition("/")[2]
        return same_name and record.size in (seen.size, -1)  # -1: recorded before sizes were

    def walk(self, starts: list[str]) -> Iterator[tuple[str, os.DirEntry[str]]]:
        """Entries other than folders under the given folders (API paths), breadth first,
        each folder once; symbolic links to folders are not followed."""
        visited: set[str] = set()
        queue = deque(starts)
        while queue:
            folder = queue.popleft()
            if folder in visited:
                continue
            visited.add(folder)
            try:
                entries = list(os.scandir(self.os_path(folder)))
            except OSError:
                continue
            for entry in entries:
                api_path = f"{folder}/{entry.name}" if folder else entry.name
                try:
                    is_folder = entry.is_dir(follow_symlinks=False)
                except OSError:
                    continue
                if is_folder:
                    queue.append(api_path)
                else:
                    yield api_path, entry


class FileIndex:
    def __init__(self, tree: Tree, state: State) -> None:
        self.tree = tree
        self.state = state
        self._seen: dict[str, FileRecord] = {}  # checked against the disk before each use
        self._searched: dict[str, float] = {}  # ids searched for in vain, and when

    # -- what the event loop calls -------------------------------------------------------

    async def path_of(self, file_id: str) -> str | None:
        """The API path of the file with this id now, None when it is gone."""
        record = self._seen.get(file_id)
        if record is not None and self._matches(record):
            return self._remember(record).path  # the common case: no database call at all
        return await self.state.run(lambda database: self._locate(database, file_id))

    async def id_of(self, api_path: str) -> str | None:
        """The id of the regular file at `api_path`, given now if it has none."""
        return await self.state.write(lambda store: self.identify(store, api_path, create=True))

    async def known_id(self, api_path: str) -> str | None:
        """The id of the file at `api_path` if it has one."""
        return await self.state.write(lambda store: self.identify(store, api_path, create=False))

    def follow_contents_events(self, event_logger: Any) -> None:
        """Keep ids in step with renames and deletions made through Jupyter."""

        async def listener(logger: Any, schema_id: str, data: dict[str, Any]) -> None:
            await self.follow(data)

        event_logger.add_listener(schema_id=CONTENTS_EVENTS, listener=listener)

    async def follow(self, event: dict[str, Any]) -> None:
        """A contents event (`action`, `path`, `source_path`): renames and deletions move
        or drop the ids of the files (and folders' files) concerned."""
        path = str(event.get("path", "")).strip("/")
        if event.get("action") == "rename":
            old = str(event.get("source_path", "")).strip("/")
            await self.state.write(lambda store: self._renamed(store, old, path))
        elif event.get("action") == "delete":
            await self.state.write(lambda store: store.forget_files(path))

    # -- inside a write transaction --------------------------------------------------------

    def _renamed(self, store: Store, old: str, new: str) -> None:
        """jupyter_server tells its listeners of a rename after it answered: a lookup in
        between (the lab polls its open files) may have found a file at its new path by its
        inode already. Records whose path holds their file keep their ids."""
        found = [r.path for r in store.files_under(new) if self._holds(r)]
        store.move_files(old, new, keep=found)

    def _holds(self, record: FileRecord) -> bool:
        seen = self.tree.sighting(record.path)
        return seen is not None and seen.same_inode(record)

    def identify(self, store: Store, api_path: str, *, create: bool) -> str | None:
        seen = self.tree.sighting(api_path)
        if seen is None:
            return None
        at_path = store.file_at(api_path)
        if at_path is not None and seen.unchanged(at_path):
            return self._remember(at_path).file_id
        moved_here = self._moved_here(store, api_path, seen)
        if moved_here is not None:
            return self._claim(store, moved_here, api_path, seen).file_id
        if at_path is not None:  # the same path, new content or a new inode: same document
            return self._claim(store, at_path, api_path, seen).file_id
        if not create:
            return None
        identity = self.tree.identity(api_path, create=True)
        return self._remember(store.add_file(seen.record("", api_path, identity))).file_id

    def rebind(self, store: Store, file_id: str, api_path: str) -> None:
        """After replacing a file's bytes (a new inode at the same path): the id stays."""
        seen = self.tree.sighting(api_path)
        record = store.file_record(file_id)
        if seen is not None and record is not None:
            self._claim(store, record, api_path, seen)

    def _matches(self, record: FileRecord) -> bool:
        seen = self.tree.sighting(record.path)
        return seen is not None and seen.unchanged(record)

    # -- keeping ids true --------------------------------------------------------------------

    def _locate(self, database: Database, file_id: str) -> str | None:
        with database.transaction() as store:
            record = store.file_record(file_id)
        if record is None:
            return None
        seen = self.tree.sighting(record.path)
        if seen is not None and seen.unchanged(record):
            return self._remember(record).path
        if seen is None:
            found = self._search(record)
            if found is None:
                return None
            record, seen = found
        with database.transaction(write=True) as store:
            current = store.file_record(file_id)
            if current is None:  # deleted through Jupyter meanwhile
                return None
            return self._claim(store, current, record.path, seen).path

    def _claim(self, store: Store, record: FileRecord, api_path: str, seen: Sighting) -> FileRecord:
        """Record `record`'s id at `api_path` as the file seen there (which gets an identity
        if it has none: a file replaced at its path by a new inode). Another id recorded for
        that file at a path that no longer holds it is stale (the file was renamed over its
        path) and is forgotten; one whose path still holds it (a symbolic or hard link to the
        same file) keeps its id."""
        claimed = seen.record(record.file_id, api_path, self.tree.identity(api_path, create=True))
        for other in store.files_with_inode(seen.dev, seen.ino):
            if other.file_id == record.file_id:
                continue
            there = self.tree.sighting(other.path)
            if there is None or not there.same_inode(other):
                store.forget_file(other.file_id)
                self._seen.pop(other.file_id, None)
        store.update_file(claimed)
        return self._remember(claimed)

    def _remember(self, record: FileRecord) -> FileRecord:
        self._seen[record.file_id] = record
        self._searched.pop(record.file_id, None)
        return record

    def _moved_here(self, store: Store, api_path: str, seen: Sighting) -> FileRecord | None:
        """An id recorded for this very file at another path it has left (a rename behind
        Jupyter's back)."""
        for other in store.files_with_inode(seen.dev, seen.ino):
            if other.path != api_path and self.tree.same_file(other, api_path, seen):
                elsewhere = self.tree.sighting(other.path)
                if elsewhere is None or not elsewhere.same_inode(other):
                    return other
        return None

    def _search(self, record: FileRecord) -> tuple[FileRecord, Sighting] | None:
        """Where the file went: the tree is walked for its inode, its old folder first."""
        searched_at = self._searched.get(record.file_id)
        if searched_at is not None and time.monotonic() - searched_at < SEARCH_AGAIN_AFTER:
            return None
        old_folder = record.path.rpartition("/")[0]
        for api_path, entry in self.tree.walk([old_folder, ""]):
            if entry.inode() != _uint64(record.ino):
                continue  # no stat for the others: the walk stays cheap on large trees
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            seen = self.tree.sighting_of(st)
            if stat.S_ISREG(st.st_mode) and self.tree.same_file(record, api_path, seen):
                return replace(record, path=api_path), seen
        self._searched[record.file_id] = time.monotonic()
        return None


def _uint64(value: int) -> int:
    """The inode number as the system gives it (the database stores it signed)."""
    return value + (1 << 64) if value < 0 else value


def claim_unscoped_rows(database: Database, tree: Tree) -> int:
    """Rows of releases that recorded no served folder (schema version 1) belong to this
    folder when their file is here: at the recorded path, on the recorded inode. Claimed
    once, at start; rows of another folder's files stay for that folder's server. Returns
    how many were claimed."""
    with database.transaction() as store:
        unscoped = store.unscoped_files()
    ours = []
    for record in unscoped:
        seen = tree.sighting(record.path)
        if seen is not None and seen.same_inode(record):
            ours.append(record.file_id)
    if ours:
        with database.transaction(write=True) as store:
            store.claim_unscoped(ours)
    return len(ours)


LEGACY_INDEX = "file_ids.sqlite3"  # jupyter_server_fileid's LocalFileIdManager, before 0.2
_IMPORTED = "imported " + LEGACY_INDEX


def import_legacy_ids(database: Database, state_dir: str, tree: Tree) -> int:
    """Carry the ids of the index older releases kept (jupyter_server_fileid's table Files,
    absolute paths) into the state database, once: editors opened before an upgrade keep
    saving into their files. Returns how many ids were taken."""
    legacy = os.path.join(state_dir, LEGACY_INDEX)
    with database.transaction() as store:
        if not os.path.isfile(legacy) or store.meta(_IMPORTED):
            return 0
    records = []
    with contextlib.closing(sqlite3.connect(f"file:{legacy}?mode=ro", uri=True)) as old:
        rows = old.execute("SELECT id, path, ino, mtime FROM Files WHERE is_dir = 0").fetchall()
    for file_id, path, ino, mtime in rows:
        api_path = tree.api_path(path)
        if api_path is None:
            continue  # another root's file
        seen = tree.sighting(api_path)
        dev = seen.dev if seen is not None and seen.ino == int64(ino) else 0
        records.append(FileRecord(str(file_id), api_path, dev, int64(ino), int(mtime)))
    with database.transaction(write=True) as store:
        for record in records:
            store.import_file(record)
        store.set_meta_once(_IMPORTED, str(len(records)))
    return len(records)

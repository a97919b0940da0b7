"""The queries of the WOPI host's state, run inside one transaction of either database.

Every method is synchronous and runs in a worker thread (state.threads.State): the event loop
never waits for the database. SQL is written once with `?` placeholders for both SQLite and
PostgreSQL.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Collection, Sequence
from dataclasses import astuple, replace
from typing import Any

from ..wopi.lock_rules import Lock
from .records import (
    HOLDER_SEPARATOR,
    RELEASED_LOCK_MEMORY_SECONDS,
    ConflictEvent,
    FileBytes,
    FileRecord,
    ImageUrlRecord,
    LockInfo,
    SaveRecord,
    VersionRecord,
    holder_names,
)
from .schema import Sql

CHANGES_CHANNEL = "jupyter_wopi_file_info"  # state.changes.CHANNEL
REOPENED = "reopened."  # meta rows: reopens of a file after a failed load, by file id

_INT64 = 1 << 64


def int64(value: int) -> int:
    """An unsigned 64-bit number (inode, device) as the signed integer both databases store."""
    return value - _INT64 if value >= _INT64 >> 1 else value


class Store:
    """The state queries over one transaction (`Sql`), for the files of one served folder
    (`scope`): file ids, and the lists of locks and conflicts, are that folder's only."""

    def __init__(self, sql: Sql, scope: str = "") -> None:
        self.sql = sql
        self.scope = scope
        self.announced = False  # changed what CheckFileInfo reads (state.changes)

    def _one(self, query: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self.sql.execute(query, params)
        return rows[0] if rows else None

    def serialize(self, file_id: str) -> None:
        """Make concurrent changes of one file's lock and content, from any process, take
        turns until this transaction ends (PostgreSQL; a SQLite write transaction already
        excludes every other writer)."""
        if self.sql.dialect == "postgresql":
            self.sql.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (file_id,))

    # settings kept in the database --------------------------------------------------------

    def meta(self, name: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE name = ?", (name,))
        return str(row[0]) if row else None

    def set_meta_once(self, name: str, value: str) -> str:
        """Store `value` unless a value is there already; return the stored one."""
        self.sql.execute(
            "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            (name, value),
        )
        return self.meta(name) or value

    def set_meta(self, name: str, value: str) -> None:
        """Store `value`, replacing what was there; "" forgets the setting."""
        if not value:
            self.sql.execute("DELETE FROM meta WHERE name = ?", (name,))
            return
        self.sql.execute(
            "INSERT INTO meta (name, value) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    def meta_with_prefix(self, prefix: str) -> dict[str, str]:
        """Every setting whose name starts with `prefix`, by the rest of its name."""
        rows = self.sql.execute(
            "SELECT name, value FROM meta WHERE substr(name, 1, ?) = ?", (len(prefix), prefix)
        )
        return {str(name)[len(prefix) :]: str(value) for name, value in rows}

    # locks -------------------------------------------------------------------------------

    def get_lock(self, file_id: str, now: float | None = None) -> Lock | None:
        """The live lock of a file; expired locks read as no lock."""
        row = self._one("SELECT lock_id, expires_at FROM locks WHERE file_id = ?", (file_id,))
        if row is None or row[1] <= (time.time() if now is None else now):
            return None
        return Lock(row[0], row[1])

    def set_lock(self, file_id: str, lock: Lock, holder_name: str = "") -> None:
        """Take or refresh a lock. Refreshing the same live lock keeps its holder and start
        time: ONLYOFFICE refreshes on behalf of whichever co-editor is connected."""
        now = time.time()
        self.sql.execute(
            "INSERT INTO locks (file_id, lock_id, expires_at, holder_name, locked_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (file_id) DO UPDATE SET"
            " expires_at = excluded.expires_at,"
            " holder_name = CASE WHEN locks.lock_id = excluded.lock_id"
            "   AND locks.expires_at > ? THEN locks.holder_name ELSE excluded.holder_name END,"
            " locked_at = CASE WHEN locks.lock_id = excluded.lock_id"
            "   AND locks.expires_at > ? THEN locks.locked_at ELSE excluded.locked_at END,"
            " lock_id = excluded.lock_id",
            (file_id, lock.lock_id, lock.expires_at, holder_name, now, now, now),
        )

    def add_lock_holder(self, file_id: str, holder_name: str) -> None:
        """Name one more person the lock is held for ("Ada, Grace"), once."""
        row = self._one("SELECT holder_name FROM locks WHERE file_id = ?", (file_id,))
        names = holder_names(str(row[0])) if row else []
        if row is not None and holder_name and holder_name not in names:
            self.sql.execute(
                "UPDATE locks SET holder_name = ? WHERE file_id = ?",
                (HOLDER_SEPARATOR.join([*names, holder_name]), file_id),
            )

    def clear_lock(self, file_id: str) -> None:
        self.sql.execute("DELETE FROM locks WHERE file_id = ?", (file_id,))

    def list_locks(self, file_id: str | None = None) -> list[LockInfo]:
        """Live locks: all of them, or the one of `file_id`."""
        query = "SELECT file_id, holder_name, locked_at, expires_at FROM locks WHERE expires_at > ?"
        params: tuple[Any, ...] = (time.time(),)
        if file_id is not None:
            query, params = query + " AND file_id = ?", (*params, file_id)
        else:
            query += " AND file_id IN (SELECT file_id FROM file_ids WHERE root = ?)"
            params = (*params, self.scope)
        rows = self.sql.execute(query + " ORDER BY locked_at", params)
        return [LockInfo(*row) for row in rows]

    def release_lock(self, file_id: str) -> bool:
        """A person released the lock: remember its id, so the editor that held it can still
        save (the save is kept safe instead of refused). False when it was not locked, or
        is not a file of this folder."""
        self.serialize(file_id)
        lock = self.get_lock(file_id)
        if lock is None or self.file_record(file_id) is None:
            return False
        now = time.time()
        self.sql.execute(
            "DELETE FROM released_locks WHERE released_at < ?",
            (now - RELEASED_LOCK_MEMORY_SECONDS,),
        )
        self.sql.execute(
            "INSERT INTO released_locks (file_id, lock_id, released_at) VALUES (?, ?, ?)"
            " ON CONFLICT (file_id, lock_id) DO UPDATE SET released_at = excluded.released_at",
            (file_id, lock.lock_id, now),
        )
        self.clear_lock(file_id)
        return True

    def was_released(self, file_id: str, lock_id: str) -> bool:
        row = self._one(
            "SELECT 1 FROM released_locks WHERE file_id = ? AND lock_id = ?", (file_id, lock_id)
        )
        return row is not None

    # where files were ------------------------------------------------------------------

    def last_path(self, file_id: str) -> str | None:
        """Where a file was last known to be, also after it was deleted (its save is then
        kept near there): its index entry, or the one kept when the entry was dropped."""
        row = self._one(
            "SELECT path, 0 AS kept FROM file_ids WHERE file_id = ? AND root = ?"
            " UNION ALL SELECT path, 1 AS kept FROM last_paths WHERE file_id = ? AND root = ?"
            " ORDER BY kept LIMIT 1",
            (file_id, self.scope, file_id, self.scope),
        )
        return str(row[0]) if row else None

    def _keep_last_paths(self, where: str, params: Sequence[Any]) -> None:
        """Keep the paths of index entries about to be dropped (`where` selects them)."""
        self.sql.execute(
            f"INSERT INTO last_paths (file_id, path, root) SELECT file_id, path, root"
            f" FROM file_ids WHERE root = ? AND {where}"
            " ON CONFLICT (file_id) DO UPDATE SET path = excluded.path, root = excluded.root",
            (self.scope, *params),
        )

    # saves -------------------------------------------------------------------------------

    def record_save(self, save: SaveRecord) -> None:
        self.sql.execute(
            "INSERT INTO saves (file_id, content_stamp, user_name, saved_at, kept_as, reason)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (file_id) DO UPDATE SET"
            " content_stamp = excluded.content_stamp, user_name = excluded.user_name,"
            " saved_at = excluded.saved_at, kept_as = excluded.kept_as,"
            " reason = excluded.reason",
            astuple(save),
        )

    def record_copy(self, file_id: str, path: str) -> None:
        """The editor saved a copy of the file under another name (PutRelativeFile)."""
        self.sql.execute(
            "INSERT INTO copies (file_id, path, created_at) VALUES (?, ?, ?)",
            (file_id, path, time.time()),
        )

    def recent_copies(self, file_id: str, limit: int = 20) -> list[tuple[str, float]]:
        """The newest copies of a file first, as (path when made, created_at)."""
        rows = self.sql.execute(
            "SELECT path, created_at FROM copies WHERE file_id = ?"
            " ORDER BY created_at DESC LIMIT ?",
            (file_id, limit),
        )
        return [(str(path), float(at)) for path, at in rows]

    def last_save(self, file_id: str) -> SaveRecord | None:
        row = self._one(
            "SELECT file_id, content_stamp, user_name, saved_at, kept_as, reason FROM saves"
            " WHERE file_id = ?",
            (file_id,),
        )
        return SaveRecord(*row) if row else None

    # user info (PutUserInfo) -------------------------------------------------------------

    def file_info_extras(self, user_id: str, file_id: str) -> tuple[str, int]:
        """What CheckFileInfo reads from the state, in one statement (`read_soon`): the
        user's UserInfo and how often the file was reopened after a failed load."""
        row = self._one(
            "SELECT (SELECT info FROM user_info WHERE user_id = ?),"
            " (SELECT value FROM meta WHERE name = ?)",
            (user_id, REOPENED + file_id),
        )
        info, reopened = row if row else (None, None)
        return str(info or ""), int(reopened or 0)

    def count_reopen(self, file_id: str) -> int:
        """A failed load is retried: one more reopen of the file (see fileinfo.version)."""
        count = int(self.meta(REOPENED + file_id) or 0) + 1
        self.set_meta(REOPENED + file_id, str(count))
        self.announce_file_info_change()
        return count

    def set_user_info(self, user_id: str, info: str) -> None:
        self.sql.execute(
            "INSERT INTO user_info (user_id, info) VALUES (?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET info = excluded.info",
            (user_id, info),
        )
        self.announce_file_info_change()

    def announce_file_info_change(self) -> None:
        """Tell every process, when this transaction commits, that what CheckFileInfo reads
        changed (PostgreSQL: NOTIFY; see state.changes)."""
        self.announced = True
        if self.sql.dialect == "postgresql":
            self.sql.execute("SELECT pg_notify(?, '')", (CHANGES_CHANNEL,))

    # conflict events ---------------------------------------------------------------------

    _CONFLICT_COLUMNS = (
        "id, file_id, path, conflict_path, user_id, user_name, base_stamp, created_at,"
        " updated_at, reason"
    )  # and root: this store's scope

    def find_conflict(self, file_id: str, base_stamp: str) -> ConflictEvent | None:
        """The event already recorded for this editing session (same loaded version)."""
        row = self._one(
            f"SELECT {self._CONFLICT_COLUMNS} FROM conflicts"
            " WHERE file_id = ? AND base_stamp = ? ORDER BY id DESC",
            (file_id, base_stamp),
        )
        return ConflictEvent(*row) if row else None

    def record_conflict(self, event: ConflictEvent) -> ConflictEvent:
        """Insert a new event (id 0) or update an existing one; return it as stored."""
        if event.id:
            self.sql.execute(
                "UPDATE conflicts SET path = ?, updated_at = ? WHERE id = ?",
                (event.path, event.updated_at, event.id),
            )
            return event
        [(new_id,)] = self.sql.execute(
            "INSERT INTO conflicts (file_id, path, conflict_path, user_id, user_name,"
            " base_stamp, created_at, updated_at, reason, root)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (*astuple(event)[1:], self.scope),
        )
        return ConflictEvent(int(new_id), *astuple(event)[1:])

    def list_conflicts(self, file_id: str | None = None) -> list[ConflictEvent]:
        query = f"SELECT {self._CONFLICT_COLUMNS} FROM conflicts WHERE root = ?"
        params: tuple[str, ...] = (self.scope,)
        if file_id is not None:
            query, params = query + " AND file_id = ?", (*params, file_id)
        return [ConflictEvent(*row) for row in self.sql.execute(query + " ORDER BY id", params)]

    def conflict(self, event_id: int) -> ConflictEvent | None:
        row = self._one(
            f"SELECT {self._CONFLICT_COLUMNS} FROM conflicts WHERE id = ? AND root = ?",
            (event_id, self.scope),
        )
        return ConflictEvent(*row) if row else None

    def dismiss_conflict_for(self, event_id: int, user_id: str) -> bool:
        """One user has seen a conflict event that several users are shown (team folders):
        it is no longer listed for them, and still is for the others. False when they had
        dismissed it already."""
        dismissal = (
            "INSERT INTO conflict_dismissals (event_id, user_id) VALUES (?, ?)"
            " ON CONFLICT (event_id, user_id) DO NOTHING"
        )
        return self.sql.count(dismissal, (event_id, user_id)) > 0

    def conflicts_dismissed_by(self, user_id: str) -> set[int]:
        rows = self.sql.execute(
            "SELECT event_id FROM conflict_dismissals WHERE user_id = ?", (user_id,)
        )
        return {int(row[0]) for row in rows}

    def dismiss_conflict(self, event_id: int) -> bool:
        deleted = "DELETE FROM conflicts WHERE id = ? AND root = ?"
        return self.sql.count(deleted, (event_id, self.scope)) > 0

    # file ids (fileindex.FileIndex keeps them true to the disk) ---------------------------

    _FILE_COLUMNS = "file_id, path, dev, ino, mtime_ns, size, identity"

    def _file(self, where: str, params: Sequence[Any]) -> FileRecord | None:
        row = self._one(
            f"SELECT {self._FILE_COLUMNS} FROM file_ids WHERE root = ? AND {where}",
            (self.scope, *params),
        )
        return FileRecord(*row) if row else None

    def file_record(self, file_id: str) -> FileRecord | None:
        return self._file("file_id = ?", (file_id,))

    def file_at(self, path: str) -> FileRecord | None:
        return self._file("path = ?", (path,))

    def files_with_inode(self, dev: int, ino: int) -> list[FileRecord]:
        rows = self.sql.execute(
            f"SELECT {self._FILE_COLUMNS} FROM file_ids WHERE root = ? AND ino = ? AND dev = ?",
            (self.scope, int64(ino), int64(dev)),
        )
        return [FileRecord(*row) for row in rows]

    def add_file(self, seen: FileRecord) -> FileRecord:
        """An id for the file `seen` describes (its file_id is ignored): a new one, unless
        another process (or request) gave it one first; two of them indexing the same file
        at once agree on one id."""
        self._insert_file(replace(seen, file_id=str(uuid.uuid4())), "(root, path)")
        record = self.file_at(seen.path)
        assert record is not None  # inserted, or there already, in this transaction
        return record

    def import_file(self, record: FileRecord) -> None:
        """Take an id from an older index, unless the id or the path is known already."""
        self._insert_file(record, "")

    def _insert_file(self, record: FileRecord, conflict: str) -> None:
        self.sql.execute(
            "INSERT INTO file_ids (path, dev, ino, mtime_ns, size, identity, root, file_id)"
            f" VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT {conflict} DO NOTHING",
            self._file_values(record),
        )

    def _file_values(self, record: FileRecord) -> tuple[Any, ...]:
        """path, dev, ino, mtime_ns, size, identity, root, file_id: as the table holds them."""
        return (
            record.path,
            int64(record.dev),
            int64(record.ino),
            record.mtime_ns,
            record.size,
            record.identity,
            self.scope,
            record.file_id,
        )

    def update_file(self, record: FileRecord) -> None:
        """Move an id to `record.path` with what identifies the file there now; a stale id
        that was recorded at that path is forgotten."""
        stale = "path = ? AND file_id <> ?"
        self._keep_last_paths(stale, (record.path, record.file_id))
        self.sql.execute(
            f"DELETE FROM file_ids WHERE root = ? AND {stale}",
            (self.scope, record.path, record.file_id),
        )
        self.sql.execute(
            "UPDATE file_ids SET path = ?, dev = ?, ino = ?, mtime_ns = ?, size = ?,"
            " identity = ? WHERE root = ? AND file_id = ?",
            self._file_values(record),
        )

    def forget_file(self, file_id: str) -> None:
        self._keep_last_paths("file_id = ?", (file_id,))
        self.sql.execute(
            "DELETE FROM file_ids WHERE root = ? AND file_id = ?", (self.scope, file_id)
        )

    def files_under(self, path: str) -> list[FileRecord]:
        """The records at `path` and, for a folder, under it."""
        prefix = path + "/"
        rows = self.sql.execute(
            f"SELECT {self._FILE_COLUMNS} FROM file_ids"
            " WHERE root = ? AND (path = ? OR substr(path, 1, ?) = ?)",
            (self.scope, path, len(prefix), prefix),
        )
        return [FileRecord(*row) for row in rows]

    def move_files(self, old: str, new: str, keep: Collection[str] = ()) -> None:
        """A file or folder was renamed through Jupyter: ids follow (for a folder, every id
        under it). What was recorded where the rename lands is stale and forgotten, but for
        the records at the paths `keep`: already found there (by their inode, before the
        rename's event came), they keep their ids, and what would move onto them goes."""
        old_prefix, new_prefix = old + "/", new + "/"
        for record in self.files_under(new):
            if record.path not in keep:
                self.forget_file(record.file_id)
        for path in keep:
            moved_from = old + path[len(new) :]
            if (stale := self.file_at(moved_from)) is not None:
                self.forget_file(stale.file_id)
        self.sql.execute(
            "UPDATE file_ids SET path = ? WHERE root = ? AND path = ?", (new, self.scope, old)
        )
        self.sql.execute(
            "UPDATE file_ids SET path = CAST(? AS TEXT) || substr(path, ?)"
            " WHERE root = ? AND substr(path, 1, ?) = ?",
            (new_prefix, len(old_prefix) + 1, self.scope, len(old_prefix), old_prefix),
        )

    def forget_files(self, path: str) -> None:
        """A file or folder was deleted through Jupyter: its ids (for a folder, every id
        under it) are gone."""
        prefix = path + "/"
        gone = "(path = ? OR substr(path, 1, ?) = ?)"
        self._keep_last_paths(gone, (path, len(prefix), prefix))
        self.sql.execute(
            f"DELETE FROM file_ids WHERE root = ? AND {gone}",
            (self.scope, path, len(prefix), prefix),
        )

    # versions (host.versions keeps them; their bytes are in files.version_blobs) ---------

    _VERSION_COLUMNS = (
        "id, file_id, blob, size, sha256, stamp, kind, author, co_editors, created_at, kept_at"
    )

    def add_version(self, version: VersionRecord) -> VersionRecord:
        [(new_id,)] = self.sql.execute(
            "INSERT INTO versions (file_id, blob, size, sha256, stamp, kind, author,"
            " co_editors, created_at, kept_at, root) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id",
            (*astuple(version)[1:], self.scope),
        )
        return replace(version, id=int(new_id))

    def versions_of(self, file_id: str) -> list[VersionRecord]:
        """A file's versions, newest first."""
        rows = self.sql.execute(
            f"SELECT {self._VERSION_COLUMNS} FROM versions WHERE root = ? AND file_id = ?"
            " ORDER BY id DESC",
            (self.scope, file_id),
        )
        return [VersionRecord(*row) for row in rows]

    def version(self, file_id: str, version_id: int) -> VersionRecord | None:
        row = self._one(
            f"SELECT {self._VERSION_COLUMNS} FROM versions"
            " WHERE root = ? AND file_id = ? AND id = ?",
            (self.scope, file_id, version_id),
        )
        return VersionRecord(*row) if row else None

    def has_version_of(self, file_id: str, stamp: str, sha256: str = "") -> bool:
        """Whether these bytes are kept already: the file's content stamp while it held them
        (the same bytes, seen before), or its newest version's hash (identical consecutive
        versions are stored once); "" matches neither."""
        where = "FROM versions WHERE root = ? AND file_id = ?"
        if stamp and self._one(f"SELECT 1 {where} AND stamp = ?", (self.scope, file_id, stamp)):
            return True
        newest = self._one(f"SELECT sha256 {where} ORDER BY id DESC LIMIT 1", (self.scope, file_id))
        return bool(sha256) and newest is not None and newest[0] == sha256

    def unhashed_versions(self) -> list[VersionRecord]:
        """Versions whose bytes are not hashed yet, in any served folder, oldest first."""
        rows = self.sql.execute(
            f"SELECT {self._VERSION_COLUMNS} FROM versions WHERE sha256 = '' ORDER BY id"
        )
        return [VersionRecord(*row) for row in rows]

    def hash_version(self, version_id: int, sha256: str) -> list[str]:
        """Record a version's hash. When its bytes are gone (`sha256` ""), or the same as
        the file's version before it, the version is forgotten: its blob's name returned."""
        row = self._one("SELECT file_id, root FROM versions WHERE id = ?", (version_id,))
        if row is None:
            return []
        before = self._one(
            "SELECT sha256 FROM versions WHERE file_id = ? AND root = ? AND id < ?"
            " ORDER BY id DESC LIMIT 1",
            (row[0], row[1], version_id),
        )
        if not sha256 or (before is not None and before[0] == sha256):
            return self.drop_versions([version_id])
        self.sql.execute("UPDATE versions SET sha256 = ? WHERE id = ?", (sha256, version_id))
        return []

    def all_versions(self) -> list[VersionRecord]:
        """Every version in the versions folder, whichever served folder it belongs to
        (the folder's size cap is theirs together), oldest first."""
        rows = self.sql.execute(f"SELECT {self._VERSION_COLUMNS} FROM versions ORDER BY id")
        return [VersionRecord(*row) for row in rows]

    def drop_versions(self, version_ids: Collection[int]) -> list[str]:
        """Forget these versions; their blobs' names, for the caller to remove once the
        transaction committed."""
        blobs: list[str] = []
        for version_id in version_ids:
            rows = self.sql.execute(
                "DELETE FROM versions WHERE id = ? RETURNING blob", (version_id,)
            )
            blobs.extend(str(row[0]) for row in rows)
        return blobs

    def file_bytes(self, file_id: str) -> FileBytes | None:
        row = self._one(
            "SELECT file_id, stamp, kind, author, co_editors, made_at FROM file_bytes"
            " WHERE file_id = ?",
            (file_id,),
        )
        return FileBytes(*row) if row else None

    def set_file_bytes(self, record: FileBytes) -> None:
        self.sql.execute(
            "INSERT INTO file_bytes (file_id, stamp, kind, author, co_editors, made_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (file_id) DO UPDATE SET"
            " stamp = excluded.stamp, kind = excluded.kind,"
            " author = excluded.author, co_editors = excluded.co_editors,"
            " made_at = excluded.made_at",
            astuple(record),
        )

    # people: the names behind user ids (X-WOPI-Editors names a user by id) --------------

    def remember_person(self, user_id: str, name: str) -> None:
        self.sql.execute(
            "INSERT INTO people (user_id, name) VALUES (?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET name = excluded.name",
            (user_id, name),
        )

    def person_name(self, user_id: str) -> str | None:
        row = self._one("SELECT name FROM people WHERE user_id = ?", (user_id,))
        return str(row[0]) if row else None

    # image URLs, when several processes serve the files (host/images.StateLedger) --------

    _IMAGE_COLUMNS = "content_type, name, size, expires_at, downloads_left, data, api_path"

    def put_image_url(
        self, key: str, image: ImageUrlRecord, now: float, max_count: int, max_bytes_held: int
    ) -> None:
        """Keep a new image URL, after dropping the expired ones and, this folder's oldest
        first, those that would leave more than `max_count` URLs or `max_bytes_held` bytes
        held."""
        self.sql.execute("DELETE FROM image_urls WHERE expires_at <= ?", (now,))
        held = self.sql.execute(
            "SELECT key, CASE WHEN data IS NULL THEN 0 ELSE size END FROM image_urls"
            " WHERE root = ? ORDER BY id",
            (self.scope,),
        )
        count, held_bytes = len(held), sum(int(size) for _, size in held)
        adding = len(image.data) if image.data is not None else 0
        for old_key, size in held:  # the oldest first
            too_many = count >= max_count
            too_full = adding > 0 and held_bytes + adding > max_bytes_held
            if not (too_many or too_full):
                break
            if not too_many and not size:
                continue  # a file's URL holds no bytes: dropping it makes no room
            self.sql.execute("DELETE FROM image_urls WHERE key = ?", (old_key,))
            count, held_bytes = count - 1, held_bytes - int(size)
        self.sql.execute(
            f"INSERT INTO image_urls (key, root, {self._IMAGE_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                self.scope,
                image.content_type,
                image.name,
                image.size,
                image.expires_at,
                image.downloads_left,
                image.data,
                image.api_path,
            ),
        )

    def image_url(self, key: str, now: float) -> ImageUrlRecord | None:
        row = self._one(
            f"SELECT {self._IMAGE_COLUMNS} FROM image_urls"
            " WHERE key = ? AND root = ? AND expires_at > ? AND downloads_left > 0",
            (key, self.scope, now),
        )
        return _image_url(row)

    def take_image_url(self, key: str, now: float) -> ImageUrlRecord | None:
        """The image URL, one download counted (by whichever process serves it); the last
        download forgets it."""
        self.sql.execute("DELETE FROM image_urls WHERE expires_at <= ?", (now,))
        row = self._one(
            "UPDATE image_urls SET downloads_left = downloads_left - 1"
            " WHERE key = ? AND root = ? AND expires_at > ? AND downloads_left > 0"
            f" RETURNING {self._IMAGE_COLUMNS}",
            (key, self.scope, now),
        )
        self.sql.execute("DELETE FROM image_urls WHERE key = ? AND downloads_left <= 0", (key,))
        return _image_url(row)

    # rows of releases that kept no folder (schema version 1) -------------------------------

    def unscoped_files(self) -> list[FileRecord]:
        rows = self.sql.execute(f"SELECT {self._FILE_COLUMNS} FROM file_ids WHERE root = ''")
        return [FileRecord(*row) for row in rows]

    def claim_unscoped(self, file_ids: list[str]) -> None:
        """These ids' files are this folder's: so are their rows, last paths and conflicts."""
        for file_id in file_ids:
            for table in ("file_ids", "last_paths", "conflicts"):
                self.sql.execute(
                    f"UPDATE {table} SET root = ? WHERE root = '' AND file_id = ?",
                    (self.scope, file_id),
                )


def _image_url(row: tuple[Any, ...] | None) -> ImageUrlRecord | None:
    if row is None:
        return None
    content_type, name, size, expires_at, downloads_left, data, api_path = row
    return ImageUrlRecord(
        str(content_type),
        str(name),
        int(size),
        float(expires_at),
        int(downloads_left),
        None if data is None else bytes(data),
        None if api_path is None else str(api_path),
    )

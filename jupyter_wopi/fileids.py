"""File ids ↔ paths, on top of jupyter_server_fileid (spec §11.4).

Ids are the fileid manager's UUID4 strings: URL-safe, 36 characters and globally unique, so
two Jupyter servers sharing one ONLYOFFICE never collide on a document key.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, cast

from jupyter_server.services.contents.fileio import FileManagerMixin
from jupyter_server.utils import ensure_async
from jupyter_server_fileid.manager import BaseFileIdManager, LocalFileIdManager

FILE_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class WopiFileIdManager(LocalFileIdManager):
    """LocalFileIdManager that also keeps a file's id when the file at its path is replaced
    by a new inode (our atomic saves, `git checkout`, editors that save by rename).

    LocalFileIdManager follows out-of-band renames through inodes; on its own it would give
    a replaced file a new id. Here the id stays with the path while a regular file is
    there, and only a vanished path falls back to the inode search of the base class.
    """

    def get_path(self, id: str) -> str | None:
        row = self.con.execute("SELECT path, ino FROM Files WHERE id = ?", (id,)).fetchone()
        if row is None:
            return None
        path, ino = row
        st = self._stat(path)
        if st is not None and st.ino != ino and not st.is_dir and not st.is_symlink:
            with self.con:
                # Whatever record held the new inode is stale (inodes are reused) or was
                # moved over this path; the path keeps its identity.
                self.con.execute("DELETE FROM Files WHERE ino = ? AND id != ?", (st.ino, id))
                self.con.execute(
                    "UPDATE Files SET ino = ?, crtime = ?, mtime = ? WHERE id = ?",
                    (st.ino, st.crtime, st.mtime, id),
                )
            return self._from_normalized_path(path)
        return super().get_path(id)

    def _sync_file(self, path: str, stat_info: Any) -> str | None:
        # Without birth times (Linux) the base class takes any indexed inode found at a new
        # path for a moved file, but inodes are reused: a file made after an indexed one was
        # deleted would inherit its id, and an editor still open on the deleted file would
        # save into it. A rename keeps the mtime; a new file does not have the old one.
        if stat_info.crtime is None and not stat_info.is_dir:
            row = self.con.execute(
                "SELECT id, path, mtime FROM Files WHERE ino = ?", (stat_info.ino,)
            ).fetchone()
            if row is not None and row[1] != path and row[2] != stat_info.mtime:
                self.con.execute("DELETE FROM Files WHERE id = ?", (row[0],))
                return None
        return super()._sync_file(path, stat_info)

    def _index_dir_recursively(self, dir_path: str, stat_info: Any) -> None:
        # A folder that appeared while the server was stopped may hold files moved there
        # (`mkdir new; mv a.docx new/`): adopt them before the folder is recorded as
        # clean, or their ids would be lost (the base class never looks inside it again).
        known = self.con.execute("SELECT 1 FROM Files WHERE ino = ?", (stat_info.ino,))
        if known.fetchone() is None:
            self._sync_dir(dir_path)
        super()._index_dir_recursively(dir_path, stat_info)


CONTENTS_EVENTS = "https://events.jupyter.org/jupyter_server/contents_service/v1"


def open_file_ids(root_dir: str, db_path: str, log: Any, event_logger: Any) -> WopiFileIdManager:
    """Our own id index (not the fileid extension's instance, whose class the user may have
    set to one that loses ids on out-of-band renames), kept in step with renames, copies and
    deletes made through Jupyter."""
    ids = WopiFileIdManager(log=log, root_dir=root_dir, db_path=db_path)
    handlers = ids.get_handlers_by_action()

    async def follow(logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        handler = handlers.get(data["action"])
        if handler is not None:
            handler(data)

    if event_logger is not None:
        event_logger.add_listener(schema_id=CONTENTS_EVENTS, listener=follow)
    return ids


class FileNotFound(Exception):
    """No file the WOPI host may serve has this id: answer 404."""


@dataclass(frozen=True)
class FileRef:
    file_id: str
    api_path: str  # relative to the server root, forward slashes
    os_path: str
    deleted: bool = False  # deleted while open: where it was (saving.deleted_file_ref)

    @property
    def name(self) -> str:
        return self.api_path.rsplit("/", 1)[-1]

    @property
    def folder(self) -> str:
        return os.path.dirname(self.os_path)

    @property
    def write_path(self) -> str:
        """Where its bytes are: a save through a symbolic link writes the file it points to
        (as Jupyter's own save does) instead of replacing the link."""
        return os.path.realpath(self.os_path)

    @property
    def folder_api_path(self) -> str:
        return self.api_path.rpartition("/")[0]

    def sibling(self, name: str) -> str:
        """The API path of `name` in this file's folder."""
        return f"{self.folder_api_path}/{name}" if self.folder_api_path else name


class FileResolver:
    """Maps ids to files, refusing anything outside the root, hidden or not a regular file."""

    def __init__(self, contents_manager: Any, id_manager: BaseFileIdManager) -> None:
        if not isinstance(contents_manager, FileManagerMixin):
            raise TypeError(
                "jupyter_wopi needs a file-system contents manager (ServerApp."
                f"contents_manager_class); {type(contents_manager).__name__} is not one."
            )
        self.contents_manager: Any = contents_manager
        self.ids = id_manager
        self._root = os.path.realpath(cast(Any, contents_manager).root_dir)

    def os_path(self, api_path: str) -> str:
        """The file system path of an API path (the contents manager's mapping)."""
        return str(self.contents_manager._get_os_path(api_path))

    def api_path(self, os_path: str) -> str:
        """The API path of a path inside the root ("" for the root itself)."""
        relative = os.path.relpath(os.path.realpath(os_path), self._root)
        return "" if relative == "." else relative.replace(os.sep, "/")

    async def resolve(self, file_id: str) -> FileRef:
        if not FILE_ID_RE.fullmatch(file_id):
            raise FileNotFound("malformed file id")
        api_path = self.ids.get_path(file_id)
        if api_path is None:
            raise FileNotFound("unknown or deleted file id")
        return await self.check(file_id, api_path)

    async def file_id_for(self, api_path: str) -> FileRef:
        """Index a path (creating its id if needed) after checking it may be served."""
        await self.check("", api_path)
        file_id = self.ids.index(api_path.strip("/"))
        if file_id is None:
            raise FileNotFound("file vanished while it was being indexed")
        return await self.check(file_id, api_path)

    async def check(self, file_id: str, api_path: str) -> FileRef:
        api_path = api_path.strip("/")
        parts = api_path.split("/")
        if not api_path or any(part in ("", ".", "..") for part in parts):
            raise FileNotFound("path is not a plain relative path")
        cm = self.contents_manager
        try:
            os_path = cm._get_os_path(api_path)
        except Exception as err:  # the contents manager's 404 for paths outside the root
            raise FileNotFound("path is outside the server root") from err
        real = os.path.realpath(os_path)
        if not real.startswith(self._root + os.sep) or not os.path.isfile(real):
            raise FileNotFound("not a regular file inside the server root")
        if not cm.allow_hidden and await ensure_async(cm.is_hidden(api_path)):
            raise FileNotFound("hidden files are not served")
        return FileRef(file_id, api_path, os_path)

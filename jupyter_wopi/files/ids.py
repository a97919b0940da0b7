"""Files the WOPI host may serve, found by id (fileindex.FileIndex) or path: never outside
the server root, hidden, or anything but a regular file."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, cast

from jupyter_server.services.contents.fileio import FileManagerMixin
from jupyter_server.utils import ensure_async

from ..errors import StartupError
from .index import FileIndex, Sighting

FILE_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def files_not_on_disk(contents_manager: object) -> str | None:
    """Why this contents manager's files cannot be served (None when they can): WOPI streams
    a file's bytes from disk and replaces it atomically there, so a manager keeping files
    elsewhere (S3, a database) would fail on every request. Said once, at start, instead."""
    if isinstance(contents_manager, FileManagerMixin):
        return None
    kind = type(contents_manager)
    return (
        f"this Jupyter server keeps files in {kind.__module__}.{kind.__qualname__}; "
        "jupyter_wopi needs files on disk, so office documents cannot be opened in ONLYOFFICE "
        "here. Set c.ServerApp.contents_manager_class to a file-system contents manager "
        "(Jupyter's default is one), or turn jupyter_wopi off (jupyter server extension "
        "disable jupyter_wopi)."
    )


class FileNotFound(Exception):
    """No file the WOPI host may serve has this id: answer 404."""


@dataclass(frozen=True)
class FileRef:
    file_id: str
    api_path: str  # relative to the server root, forward slashes
    os_path: str
    deleted: bool = False  # deleted while open: where it was (saving.deleted_file_ref)
    of_version: bool = False  # a kept version's bytes, read-only (host.versions.version_ref)

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

    def __init__(self, contents_manager: Any, index: FileIndex) -> None:
        problem = files_not_on_disk(contents_manager)
        if problem is not None:
            raise StartupError(problem[0].upper() + problem[1:])
        self.contents_manager: Any = contents_manager
        self.ids = index
        self._root = os.path.realpath(cast(Any, contents_manager).root_dir)
        # Files found by id and checked, with the file seen then: while that same file (same
        # inode, same modification time) is at that path, reached through no symbolic link
        # (so still inside the root, under the same names), the checks' answer stands.
        self._checked: dict[str, tuple[FileRef, Sighting]] = {}

    def os_path(self, api_path: str) -> str:
        """The file system path of an API path (the contents manager's mapping)."""
        return str(self.contents_manager._get_os_path(api_path))

    def api_path(self, os_path: str) -> str:
        """The API path of a path inside the root ("" for the root itself)."""
        relative = os.path.relpath(os.path.realpath(os_path), self._root)
        return "" if relative == "." else relative.replace(os.sep, "/")

    def real_api_path(self, api_path: str) -> str | None:
        """Where the file at `api_path` really is (after every symbolic link), as an API path;
        None when that is outside the root (or `api_path` is no plain path)."""
        try:
            real = os.path.realpath(self.os_path(api_path.strip("/")))
        except Exception:  # the contents manager's 404 for paths outside the root
            return None
        if real != self._root and not real.startswith(self._root + os.sep):
            return None
        return self.api_path(real)

    async def resolve(self, file_id: str) -> FileRef:
        checked = self._checked.get(file_id)
        tree = self.ids.tree
        if checked is not None and tree.plain_sighting(checked[0].api_path) == checked[1]:
            return checked[0]  # every request of an open editor after the first: one stat
        if not FILE_ID_RE.fullmatch(file_id):
            raise FileNotFound("malformed file id")
        api_path = await self.ids.path_of(file_id)
        if api_path is None:
            self._checked.pop(file_id, None)  # found again, it is found through the index
            raise FileNotFound("unknown or deleted file id")
        file = await self.check(file_id, api_path)
        seen = tree.plain_sighting(file.api_path)
        if seen is not None:
            self._checked[file_id] = (file, seen)
        return file

    async def file_id_for(self, api_path: str) -> FileRef:
        """Index a path (creating its id if needed) after checking it may be served."""
        await self.check("", api_path)
        file_id = await self.ids.id_of(api_path.strip("/"))
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

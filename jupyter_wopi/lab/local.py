"""The lab's questions about this server's own files, answered by the WOPI host here."""

from __future__ import annotations

import logging

from ..files.ids import FileNotFound, FileRef
from ..host.services import Opener, WopiHost
from ..host.sessions import SessionRequest, open_session
from ..host.status import file_status, live_conflicts, locked_files
from ..host.version_history import download_name, find_version, list_versions, restore, send_version
from ..wire import (
    ConflictJson,
    FileStatusJson,
    LockedFileJson,
    RestoreJson,
    SessionResponse,
    VersionListJson,
)
from .source import VersionDownload

log = logging.getLogger("jupyter_wopi")
MAX_EVENT_ID = 2**63 - 1  # SQLite's largest integer


class LocalFiles:
    def __init__(self, host: WopiHost) -> None:
        self.host = host

    async def open_session(
        self, request: SessionRequest, *, opener: Opener, may_write: bool, lab_base: str
    ) -> SessionResponse:
        return await open_session(self.host, request, opener=opener, may_write=may_write)

    async def status_of_path(self, path: str) -> FileStatusJson | None:
        try:
            file = await self.host.files.file_id_for(path)
            return await file_status(self.host, file.file_id)
        except FileNotFound:
            return None

    async def status_of_id(self, file_id: str) -> FileStatusJson | None:
        try:
            return await file_status(self.host, file_id)
        except FileNotFound:
            return None

    async def locks(self) -> list[LockedFileJson]:
        return await locked_files(self.host)

    async def release_lock(self, file_id: str) -> bool:
        released: bool = await self.host.state.write(lambda store: store.release_lock(file_id))
        return released

    async def announce_unlocked(self, file_id: str) -> None:
        """Tell the lab's open tabs at once (team files are left to the lab's polling)."""
        try:
            path = await self.host.files.ids.path_of(file_id)
        except Exception:  # the lock is released: an event must not turn that into an error
            log.warning("jupyter_wopi: no file event for file id %s", file_id, exc_info=True)
            return
        if path is not None:  # a vanished file has no tab to tell
            self.host.events.emit("unlocked", file_id, path)

    async def conflicts(self) -> list[ConflictJson]:
        return await live_conflicts(self.host)

    async def dismiss_conflict(self, event_id: str) -> bool:
        number = int(event_id)
        found: bool = number <= MAX_EVENT_ID and await self.host.state.write(
            lambda store: store.dismiss_conflict(number)
        )
        return found

    async def versions_of_path(self, path: str) -> VersionListJson | None:
        try:
            file = await self.host.files.file_id_for(path)
        except FileNotFound:
            return None
        return await list_versions(self.host, file)

    async def versions_of_id(self, file_id: str) -> VersionListJson | None:
        file = await self._file(file_id)
        return None if file is None else await list_versions(self.host, file)

    async def download_version(
        self, file_id: str, version_id: str, download: VersionDownload
    ) -> bool:
        file = await self._file(file_id)
        if file is None:
            return False
        version = await find_version(self.host, file, version_id)
        download.begin(download_name(file, version), version.size)
        await send_version(self.host, version, download.send)
        return True

    async def restore_version(
        self, file_id: str, version_id: str, restorer: str
    ) -> RestoreJson | None:
        file = await self._file(file_id)
        return None if file is None else await restore(self.host, file, version_id, restorer)

    async def _file(self, file_id: str) -> FileRef | None:
        """This server's file with this id; None when it has none (a team file's id)."""
        try:
            return await self.host.files.resolve(file_id)
        except FileNotFound:
            return None

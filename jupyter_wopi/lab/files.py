"""The one place that decides where a lab's file lives: a path inside a team folder goes to
the team service, any other to this server; an id or a list is asked of both."""

from __future__ import annotations

from ..errors import Refused
from ..host.services import Opener
from ..host.sessions import SessionRequest
from ..wire import (
    ConflictJson,
    FileStatusJson,
    LockedFileJson,
    RestoreJson,
    SessionResponse,
    VersionListJson,
)
from .local import LocalFiles
from .source import FileSource, VersionDownload
from .team_client import TEAM_EVENT, TeamClient

GONE = "The file is gone: it was deleted or moved out of Jupyter's reach."


class LabFiles:
    def __init__(self, local: LocalFiles, team: TeamClient | None = None) -> None:
        self.local = local
        self.team = team

    def _source_of(self, path: str) -> FileSource:
        if self.team is not None and self.team.serves(path):
            return self.team
        return self.local

    async def open_session(
        self, request: SessionRequest, *, opener: Opener, may_write: bool, lab_base: str
    ) -> SessionResponse:
        source = self._source_of(request.path)
        return await source.open_session(
            request, opener=opener, may_write=may_write, lab_base=lab_base
        )

    async def status(self, *, file_id: str | None = None, path: str = "") -> FileStatusJson:
        """A file's status by id, or by its lab path; Refused(404) with a sentence when
        there is none."""
        if file_id is None:
            status = await self._source_of(path).status_of_path(path)
            if status is None:
                raise Refused(404, f"There is no file at {path} that Jupyter may open.")
            return status
        status = await self.local.status_of_id(file_id)
        if status is None and self.team is not None:
            status = await self.team.status_of_id(file_id)
        if status is None:
            raise Refused(404, GONE)
        return status

    @property
    def sources(self) -> list[FileSource]:
        return [self.local] if self.team is None else [self.local, self.team]

    async def versions(self, *, file_id: str | None = None, path: str = "") -> VersionListJson:
        """A file's versions by id, or by its lab path; Refused(404) when there is none."""
        if file_id is None:
            listed = await self._source_of(path).versions_of_path(path)
            if listed is None:
                raise Refused(404, f"There is no file at {path} that Jupyter may open.")
            return listed
        for source in self.sources:
            if (listed := await source.versions_of_id(file_id)) is not None:
                return listed
        raise Refused(404, GONE)

    async def download_version(
        self, file_id: str, version_id: str, download: VersionDownload
    ) -> None:
        for source in self.sources:
            if await source.download_version(file_id, version_id, download):
                return
        raise Refused(404, GONE)

    async def restore_version(self, file_id: str, version_id: str, restorer: str) -> RestoreJson:
        for source in self.sources:
            if (
                restored := await source.restore_version(file_id, version_id, restorer)
            ) is not None:
                return restored
        raise Refused(404, GONE)

    async def locks(self) -> list[LockedFileJson]:
        return [lock for source in self.sources for lock in await source.locks()]

    async def release_lock(self, file_id: str) -> None:
        """Release a lock wherever it is; Refused(404) when there is none."""
        if await self.local.release_lock(file_id):
            await self.local.announce_unlocked(file_id)
        elif self.team is None or not await self.team.release_lock(file_id):
            raise Refused(404, "The file is not locked (any more).")

    async def conflicts(self) -> list[ConflictJson]:
        return [event for source in self.sources for event in await source.conflicts()]

    async def dismiss_conflict(self, event_id: str) -> None:
        """Dismiss a conflict event by the id the lab knows ("<n>" or "team-<n>")."""
        if event_id.startswith(TEAM_EVENT):
            found = self.team is not None and await self.team.dismiss_conflict(event_id)
        else:
            found = await self.local.dismiss_conflict(event_id)
        if not found:
            raise Refused(404, f"There is no conflict event {event_id}.")

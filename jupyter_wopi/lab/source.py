"""What a place that serves the lab's files answers: this server's own files, or a team
service's. Both speak the lab's paths and the lab's JSON."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

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

Send = Callable[[bytes], Awaitable[None]]  # one chunk of a download, sent on (backpressure)


class VersionDownload(Protocol):
    """Where a version's bytes go: told the file name and size first, then sent chunks."""

    def begin(self, name: str, size: int) -> None: ...

    async def send(self, chunk: bytes) -> None: ...


class FileSource(Protocol):
    async def open_session(
        self, request: SessionRequest, *, opener: Opener, may_write: bool, lab_base: str
    ) -> SessionResponse:
        """An editor session for `request.path`, or Refused with a sentence."""

    async def status_of_path(self, path: str) -> FileStatusJson | None:
        """The status of the file at this lab path; None when there is none to open."""

    async def status_of_id(self, file_id: str) -> FileStatusJson | None:
        """The status of the file with this id; None when this source does not know it."""

    async def locks(self) -> list[LockedFileJson]:
        """The live locks of the files this source serves, with their lab paths."""

    async def release_lock(self, file_id: str) -> bool:
        """Release a file's lock; False when this source has no lock of that id."""

    async def conflicts(self) -> list[ConflictJson]:
        """Conflict copies the user may read and has not dismissed, with lab paths."""

    async def dismiss_conflict(self, event_id: str) -> bool:
        """False when this source has no such event (for this user)."""

    async def versions_of_path(self, path: str) -> VersionListJson | None:
        """The versions of the file at this lab path; None when there is none to open."""

    async def versions_of_id(self, file_id: str) -> VersionListJson | None:
        """The versions of the file with this id; None when this source does not know it."""

    async def download_version(
        self, file_id: str, version_id: str, download: VersionDownload
    ) -> bool:
        """Send a version's bytes; False when this source does not know the file."""

    async def restore_version(
        self, file_id: str, version_id: str, restorer: str
    ) -> RestoreJson | None:
        """Put a version back into its file; None when this source does not know the file."""

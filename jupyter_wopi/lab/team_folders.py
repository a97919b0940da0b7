"""Which folders of a user's server are team folders, and where each lies on the team
service: `team_folders = {"<folder in the lab>": "<folder of the service>"}`. Paths are API
paths (forward slashes, relative to a root), so the mapping is plain string work."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Mount:
    lab_folder: str  # e.g. "shared/analytics"
    service_folder: str  # e.g. "analytics" ("" for the service's whole root)

    def service_path(self, lab_path: str) -> str | None:
        return _rebase(lab_path, self.lab_folder, self.service_folder)

    def lab_path(self, service_path: str) -> str | None:
        return _rebase(service_path, self.service_folder, self.lab_folder)


def _rebase(path: str, old: str, new: str) -> str | None:
    """`path` under `old` moved under `new`; None when it is not under `old`."""
    if old and path != old and not path.startswith(old + "/"):
        return None
    rest = path[len(old) :].lstrip("/") if old else path
    return f"{new}/{rest}".strip("/") if new else rest


class TeamFolders:
    """The team folders a user's server shows, most specific first."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        mounts = [Mount(lab.strip("/"), service.strip("/")) for lab, service in mapping.items()]
        if any(not mount.lab_folder for mount in mounts):
            raise ValueError("team_folders: a team folder cannot be the server's root folder")
        self.mounts = sorted(mounts, key=lambda m: m.lab_folder.count("/"), reverse=True)

    def find(self, lab_path: str) -> tuple[Mount, str] | None:
        """The mount holding `lab_path`, and the path on the service."""
        for mount in self.mounts:
            service_path = mount.service_path(lab_path.strip("/"))
            if service_path is not None:
                return mount, service_path
        return None

    def lab_path(self, service_path: str) -> str | None:
        """Where this server shows a file of the service; None if it shows it nowhere."""
        for mount in self.mounts:
            lab_path = mount.lab_path(service_path)
            if lab_path is not None:
                return lab_path
        return None

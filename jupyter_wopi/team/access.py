"""Who may read or write each team folder: the service's `folders` setting, checked on every
request, WOPI calls included, on the real path of the file. Nothing is open to "whoever
reaches the service": a folder lists its users and groups, and a path outside every listed
folder is refused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from ..files.ids import FileRef
from ..host.services import Permission

GROUP_PREFIX = "group:"
EVERY_USER = "*"  # every user JupyterHub knows: given only when written out


class Access(IntEnum):
    NONE = 0
    READ = 1
    WRITE = 2


@dataclass(frozen=True)
class HubUser:
    name: str
    groups: frozenset[str]


@dataclass(frozen=True)
class FolderRule:
    folder: str  # relative to the service's root, "" for the root itself
    readers: frozenset[str]
    writers: frozenset[str]

    def access(self, user: HubUser) -> Access:
        if _admits(self.writers, user):
            return Access.WRITE
        if _admits(self.readers, user):
            return Access.READ
        return Access.NONE

    def describe(self) -> str:
        who = [f"{', '.join(sorted(self.writers))} may write"] if self.writers else []
        who += [f"{', '.join(sorted(self.readers))} may read"] if self.readers else []
        return "; ".join(who) or "nobody is let in"


def _admits(entries: frozenset[str], user: HubUser) -> bool:
    return (
        EVERY_USER in entries
        or user.name in entries
        or any(GROUP_PREFIX + group in entries for group in user.groups)
    )


class InvalidRules(ValueError):
    """The `folders` setting cannot be understood; the message says where."""


def parse_rules(folders: Mapping[str, Any]) -> list[FolderRule]:
    """{"<folder>": {"read": [...], "write": [...]}} → rules, most specific folder first."""
    rules = []
    for folder, entry in folders.items():
        name = str(folder).strip("/")
        if any(part in ("", ".", "..") for part in name.split("/")) and name:
            raise InvalidRules(f"folders: {folder!r} is not a plain folder path")
        if not isinstance(entry, Mapping) or not set(entry) <= {"read", "write"}:
            raise InvalidRules(
                f'folders[{folder!r}] must be {{"read": [...], "write": [...]}}, got {entry!r}'
            )
        rules.append(
            FolderRule(
                name,
                _entries(folder, entry.get("read", ())),
                _entries(folder, entry.get("write", ())),
            )
        )
    return sorted(rules, key=lambda rule: rule.folder.count("/") + bool(rule.folder), reverse=True)


def _entries(folder: str, values: Iterable[Any]) -> frozenset[str]:
    if isinstance(values, str) or not all(isinstance(v, str) and v for v in values):
        raise InvalidRules(
            f"folders[{folder!r}]: list user names, 'group:<name>' or '*', got {values!r}"
        )
    return frozenset(values)


def rule_for(rules: list[FolderRule], path: str) -> FolderRule | None:
    """The most specific rule whose folder holds `path` (relative to the service's root)."""
    for rule in rules:
        if not rule.folder or path == rule.folder or path.startswith(rule.folder + "/"):
            return rule
    return None


def access_to(rules: list[FolderRule], user: HubUser, path: str) -> Access:
    rule = rule_for(rules, path)
    return rule.access(user) if rule is not None else Access.NONE


def refusal(rules: list[FolderRule], user: HubUser, path: str) -> str:
    """Why `user` may not open `path`, for that user to read."""
    rule = rule_for(rules, path)
    if rule is None:
        return (
            f"{path} is not in a team folder of this JupyterHub (c.TeamService.folders lists "
            "them): ask its administrator."
        )
    return (
        f"{user.name} may not open files of the team folder {rule.folder or '(root)'}: "
        f"{rule.describe()} (c.TeamService.folders). Ask the JupyterHub administrator to add "
        "you or one of your groups."
    )


def lesser(*levels: Access) -> Access:
    return min(levels, default=Access.NONE)


RealPath = Callable[[str], "str | None"]  # a path's real path (after every link), None outside
UserLookup = Callable[[str], Awaitable["HubUser | None"]]  # a user as JupyterHub knows them now
_PERMISSIONS: dict[Access, Permission] = {
    Access.NONE: "none",
    Access.READ: "read",
    Access.WRITE: "write",
}


class FolderGuard:
    """The folder rules applied to a file at the moment of a request. A path is judged by the
    rule of the folder it is reached through AND that of the folder its file really is in
    (after every symbolic link): the lesser wins, so a link can never open more than its
    target's folder allows, whoever made it. Users are judged as JupyterHub knows them now
    (their groups, cached a few seconds), so a change of group reaches open editors too."""

    def __init__(self, rules: list[FolderRule], real_path: RealPath, lookup: UserLookup) -> None:
        self.rules = rules
        self.real_path = real_path
        self.lookup = lookup

    def access(self, user: HubUser, path: str) -> Access:
        real = self.real_path(path)
        if real is None:
            return Access.NONE
        return lesser(access_to(self.rules, user, path), access_to(self.rules, user, real))

    def refusal(self, user: HubUser, path: str) -> str:
        """Why `user` may not open `path`, naming the link when a link is the reason."""
        real = self.real_path(path)
        if real is None or real == path or access_to(self.rules, user, path) is Access.NONE:
            return refusal(self.rules, user, path)
        return f"{path} is a link to {real}. " + refusal(self.rules, user, real)

    async def permission(self, user_id: str, file: FileRef) -> Permission:
        """host.FileRules: what the token's user may do with `file` now."""
        user = await self.lookup(user_id)
        return "none" if user is None else _PERMISSIONS[self.access(user, file.api_path)]

"""Opening an editor session: check the file, pick the ONLYOFFICE action, mint the token.
Used by the lab API, the standalone host page, and PutRelativeFile (whose answer carries a
token for the new file, decided by the same rules)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Literal, get_args

from ..errors import Refused
from ..files.ids import FileNotFound, FileRef
from ..files.permissions import is_writable
from ..onlyoffice.actions import EditorLaunch, Requested, UnsupportedFile, choose_action, launch
from ..onlyoffice.discovery_client import OnlyOfficeUnavailable
from ..state import Store
from ..wire import SessionResponse
from .services import Opener, WopiHost
from .version_history import find_version, version_ref


@dataclass(frozen=True)
class SessionRequest:
    path: str
    requested: Requested
    language: str | None = None
    theme: Literal["light", "dark"] | None = None
    retry: bool = False  # the last load failed: make ONLYOFFICE forget it (fileinfo.version)
    version: str | None = None  # a kept version's id: view it read-only (version history)

    @classmethod
    def from_json(cls, body: Any) -> SessionRequest:
        if not isinstance(body, dict):
            raise Refused(400, 'Send a JSON object: {"path": "<file path>", "action": "edit"}.')
        path, requested = body.get("path"), body.get("action", "edit")
        if not isinstance(path, str) or requested not in get_args(Requested):
            raise Refused(
                400,
                'Send {"path": "<file path>", "action": "edit" | "view" | "embed" | "convert"}.',
            )
        theme = body.get("theme") if body.get("theme") in ("light", "dark") else None
        language = body.get("language") if isinstance(body.get("language"), str) else None
        version = body.get("version")
        if version is not None and not isinstance(version, str):
            raise Refused(400, 'Name a version by its id, a string: {"version": "12"}.')
        if version is not None:
            requested = "view"  # a kept version is never edited: restore it instead
        return cls(path, requested, language, theme, body.get("retry") is True, version)


@dataclass(frozen=True)
class SessionAccess:
    """What a session on a file may do, and why it may not write when it may not."""

    can_write: bool
    editor: EditorLaunch | None  # None when no ONLYOFFICE is configured
    problem: str = ""  # why there is no editor
    notice: str = ""  # why an editable file opens read-only
    locked_elsewhere: bool = False  # the reason is another application's lock (releasable)


async def decide_access(
    host: WopiHost, file: FileRef, request: SessionRequest, *, may_write: bool
) -> SessionAccess:
    """The one rule for a token's permission: the request, the Jupyter user (`may_write`),
    the file system now, another application's lock, and what ONLYOFFICE offers."""
    wants_write = request.requested in ("edit", "convert")
    can_write = wants_write and may_write and is_writable(file.os_path)
    notice = read_only_notice(file, may_write=may_write) if wants_write and not can_write else ""
    locked_elsewhere = False
    if can_write and (foreign := await foreign_lock_notice(host, file)):
        can_write, notice, locked_elsewhere = False, foreign, True
    try:
        discovery = await host.discovery.get()
        action = choose_action(
            discovery,
            file.name,
            requested=request.requested,
            can_write=can_write,
            size=os.path.getsize(file.os_path),
        )
        editor = launch(
            discovery,
            action,
            wopi_src=host.wopi_src(file.file_id),
            lab_locale=request.language,
            theme=request.theme,
        )
    except OnlyOfficeUnavailable as err:
        if host.discovery.configured:
            raise Refused(502, str(err)) from err
        return SessionAccess(can_write, None, str(err), notice, locked_elsewhere)
    except UnsupportedFile as err:
        raise Refused(415, str(err)) from err
    return SessionAccess(can_write and editor.mode != "view", editor, "", notice, locked_elsewhere)


def read_only_notice(file: FileRef, *, may_write: bool) -> str:
    """Why a file asked for editing opens read-only, and what the user can do."""
    if not may_write:
        return (
            f"{file.name} opens read-only: your Jupyter account may read files on this "
            "server but not change them. Ask its administrator for write access, or save a "
            "copy elsewhere from the editor's File menu."
        )
    return (
        f"{file.name} opens read-only: it is read-only on disk (its permissions do not let "
        "Jupyter write it). Make it writable (for example chmod u+w in a terminal) and open "
        "it again, or save a copy from the editor's File menu."
    )


async def foreign_lock_notice(host: WopiHost, file: FileRef) -> str:
    """ONLYOFFICE locks a file with its file id; a live lock with another id belongs to
    another application, and ONLYOFFICE would silently open the file read-only."""

    def foreign_holder(store: Store) -> str | None:
        lock = store.get_lock(file.file_id)
        if lock is None or lock.lock_id == file.file_id:
            return None
        return next((info.holder_name for info in store.list_locks(file.file_id)), "")

    holder = await host.state.read(foreign_holder)
    if holder is None:
        return ""
    by = f" by {holder}" if holder else ""
    return (
        f"{file.name} is locked for editing{by} in another application, so it opens "
        "read-only here. It can be edited once that lock is released (Release Editing "
        "Lock… in the file browser) or expires."
    )


async def token_can_write(host: WopiHost, file: FileRef, *, may_write: bool) -> bool:
    """Whether an edit session on `file` would get a writable token (PutRelativeFile)."""
    try:
        request = SessionRequest(file.api_path, "edit")
        access = await decide_access(host, file, request, may_write=may_write)
    except Refused:
        return False  # ONLYOFFICE cannot open it, or cannot be asked: view only
    return access.can_write


async def open_session(
    host: WopiHost,
    request: SessionRequest,
    *,
    opener: Opener,
    may_write: bool,
) -> SessionResponse:
    """The session the browser needs, or Refused with a sentence a person can act on."""
    try:
        file = await host.files.file_id_for(request.path)
    except FileNotFound as err:
        raise Refused(404, f"There is no file at {request.path} that Jupyter may open.") from err
    if request.version is not None:  # a kept version, as a read-only file of its own
        file = version_ref(host, file, await find_version(host, file, request.version))
        may_write = False
    if request.retry:
        await host.state.write(lambda store: store.count_reopen(file.file_id))
    access = await decide_access(host, file, request, may_write=may_write)
    editor = access.editor
    claims = host.mint_token(file, opener, access.can_write)
    return {
        "file_id": file.file_id,
        "file_name": file.name,
        "path": file.api_path,
        "mode": editor.mode if editor else ("edit" if access.can_write else "view"),
        "action": editor.action if editor else None,
        "action_url": editor.action_url if editor else None,
        "favicon_url": editor.favicon_url if editor else None,
        "onlyoffice_origin": editor.onlyoffice_origin if editor else None,
        "problem": access.problem or None,
        "notice": access.notice or None,
        "locked_elsewhere": access.locked_elsewhere,
        "wopi_src": host.wopi_src(file.file_id),
        "access_token": host.signer.mint(claims),
        "access_token_ttl": claims.expires_ms,
    }

"""Committing uploaded bytes: PutFile with lock and conflict rules, PutRelativeFile, and
RenameFile. Handlers parse the request; these functions decide and change the disk."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from jupyter_server.utils import ensure_async

from . import locks
from .errors import Refused
from .fileids import FileNotFound, FileRef
from .files import AtomicWriter, FileState, can_create_in, conflict_copy_name
from .host import WopiHost
from .names import InvalidName, check_name, decode_utf7, encode_utf7, numbered, sanitize_name
from .store import ConflictEvent, SaveRecord
from .tokens import TokenClaims

log = logging.getLogger("jupyter_wopi")
MAX_NUMBERED_NAMES = 1000


@dataclass(frozen=True)
class SaveResult:
    version: str
    last_modified: str


def check_put_lock(host: WopiHost, file: FileRef, lock_id: str | None, size: int) -> bool:
    """Apply PutFile's lock rules; True when the editor's lock was released from the lab
    (its save is then accepted and kept safe rather than refused with 409 and lost)."""
    current = host.store.get_lock(file.file_id)
    if (
        lock_id
        and (current is None or current.lock_id != lock_id)
        and host.store.was_released(file.file_id, lock_id)
    ):
        return True
    locks.check_put(current, lock_id, size)
    return False


def commit_put_file(
    host: WopiHost,
    file: FileRef,
    claims: TokenClaims,
    writer: AtomicWriter,
    *,
    lock_id: str | None,
    loaded_stamp: str | None,
) -> SaveResult:
    """Replace the file with the uploaded bytes, unless it changed on disk since the editor
    loaded it: then the editor's bytes become a conflict copy beside it (nothing is lost)."""
    try:
        if file.deleted:  # even if another file has taken its name since
            return save_deleted_file(host, file, claims, writer)
        before = FileState.from_stat(os.stat(file.os_path))
    except FileNotFoundError:
        return save_deleted_file(host, file, claims, writer)
    released = check_put_lock(host, file, lock_id, before.size)
    # ONLYOFFICE echoes the LastModifiedTime it loaded as X-LOOL-WOPI-Timestamp (spec §5.3.2).
    changed = bool(loaded_stamp) and loaded_stamp != before.last_modified
    # An editor whose lock was released may still replace the file if nobody has locked or
    # changed it since; without its loaded timestamp we cannot tell, so keep a copy.
    relocked = released and host.store.get_lock(file.file_id) is not None
    if changed or relocked or (released and not loaded_stamp):
        session_key = loaded_stamp or f"released {lock_id}"
        event = save_conflict_copy(host, file, claims, writer, session_key)
        record_save(host, file, claims, before, kept_as=event.conflict_path)
        # Keep answering with the loaded stamp, so later saves of this session also divert.
        return SaveResult(before.version, loaded_stamp or before.last_modified)
    after = FileState.from_stat(writer.replace(file.os_path))
    host.files.ids.get_path(file.file_id)  # rebind the id to the new inode right away
    record_save(host, file, claims, after)
    return SaveResult(after.version, after.last_modified)


def deleted_file_ref(host: WopiHost, file_id: str) -> FileRef:
    """Where a file deleted while open in the editor was: its name in its folder, or in the
    nearest folder above that still exists. FileNotFound if it was never served."""
    last = host.store.last_path(file_id)
    if last is None:
        raise FileNotFound("unknown or deleted file id")
    folder, _, name = last.rpartition("/")
    cm: Any = host.files.contents_manager
    while folder and not os.path.isdir(cm._get_os_path(folder)):
        folder = folder.rpartition("/")[0]
    api_path = f"{folder}/{name}" if folder else name
    return FileRef(file_id, api_path, cm._get_os_path(api_path), deleted=True)


def save_deleted_file(
    host: WopiHost, file: FileRef, claims: TokenClaims, writer: AtomicWriter
) -> SaveResult:
    """The file was deleted while the editor had it open: its save becomes a copy where the
    file was (later saves of the session update that copy), recorded like a conflict."""
    event = save_conflict_copy(host, file, claims, writer, "deleted while open", "was deleted")
    cm: Any = host.files.contents_manager
    copy = FileState.from_stat(os.stat(cm._get_os_path(event.conflict_path)))
    record_save(host, file, claims, copy, kept_as=event.conflict_path)
    return SaveResult(copy.version, copy.last_modified)


def record_save(
    host: WopiHost, file: FileRef, claims: TokenClaims, state: FileState, kept_as: str = ""
) -> None:
    """Remember the save, so the lab can tell the editor's saves from other changes."""
    save = SaveRecord(file.file_id, state.content_stamp, claims.user_name, time.time(), kept_as)
    host.store.record_save(save)


def save_conflict_copy(
    host: WopiHost,
    file: FileRef,
    claims: TokenClaims,
    writer: AtomicWriter,
    loaded_stamp: str,
    what_happened: str = "changed on disk",
) -> ConflictEvent:
    now = time.time()
    event = host.store.find_conflict(file.file_id, loaded_stamp)
    cm: Any = host.files.contents_manager
    if event is not None and os.path.isfile(cm._get_os_path(event.conflict_path)):
        writer.replace(cm._get_os_path(event.conflict_path))  # same session: newer bytes
        event = replace(event, path=file.api_path, updated_at=now)
        host.store.record_conflict(event)
    else:
        name = conflict_copy_name(file.name, claims.user_name, datetime.now())
        final_name = create_unique(writer, file.folder, name)
        conflict_api = file.sibling(final_name)
        event = host.store.record_conflict(
            ConflictEvent(
                0,
                file.file_id,
                file.api_path,
                conflict_api,
                claims.user_id,
                claims.user_name,
                loaded_stamp,
                now,
                now,
            )
        )
    log.warning(
        "%s %s while it was open in ONLYOFFICE (file id %s); the editor's save by %s was "
        "kept as %s.",
        file.api_path,
        what_happened,
        file.file_id,
        claims.user_id,
        event.conflict_path,
    )
    return event


def create_unique(writer: AtomicWriter, folder: str, name: str) -> str:
    """Give the uploaded bytes `name`, or `name (2)`, `name (3)`… without overwriting."""
    for n in range(1, MAX_NUMBERED_NAMES + 1):
        candidate = name if n == 1 else numbered(name, n)
        if writer.create(os.path.join(folder, candidate)) is not None:
            return candidate
    raise Refused(409, f"Could not find a free name for {name} in its folder.")


# -- PutRelativeFile (spec §5.5) -----------------------------------------------------------


@dataclass(frozen=True)
class RelativePlan:
    source: FileRef
    claims: TokenClaims
    name: str
    exact: bool  # relative (specific) mode: use `name` exactly
    overwrite: bool


def plan_put_relative(
    source: FileRef, claims: TokenClaims, headers: Mapping[str, str]
) -> RelativePlan:
    """Validate PutRelativeFile's headers before the body is read."""
    if not claims.can_write or not can_create_in(source.folder):
        raise Refused(501, "This user cannot create files in this folder.")
    suggested = headers.get("X-WOPI-SuggestedTarget")
    relative = headers.get("X-WOPI-RelativeTarget")
    if (suggested is None) == (relative is None):
        raise Refused(400, "Send exactly one of X-WOPI-SuggestedTarget and X-WOPI-RelativeTarget.")
    overwrite = headers.get("X-WOPI-OverwriteRelativeTarget", "").lower() == "true"
    stem = os.path.splitext(source.name)[0]
    try:
        if relative is not None:
            name = check_name(decode_utf7(relative))
            return RelativePlan(source, claims, name, exact=True, overwrite=overwrite)
        wanted = decode_utf7(suggested or "")
    except InvalidName as err:
        raise Refused(400, str(err), {"X-WOPI-InvalidFileNameError": str(err)}) from err
    # Suggested mode never fails: "." + ext means "same name, this extension".
    name = sanitize_name(stem + wanted if wanted.startswith(".") else wanted, stem)
    return RelativePlan(source, claims, name, exact=False, overwrite=False)


async def commit_put_relative(
    host: WopiHost, plan: RelativePlan, writer: AtomicWriter
) -> dict[str, str]:
    folder = plan.source.folder
    if not plan.exact:
        name = create_unique(writer, folder, plan.name)
    else:
        name = plan.name
        target = os.path.join(folder, name)
        if writer.create(target) is None:
            _overwrite_existing(host, plan, writer, target)
    new_file = await host.files.file_id_for(plan.source.sibling(name))
    host.store.record_copy(plan.source.file_id, new_file.api_path)
    claims = host.mint_token(
        new_file,
        plan.claims.user_id,
        plan.claims.user_name,
        plan.claims.can_write,
        plan.claims.origin,
    )
    token = host.signer.mint(claims)
    lab_origin = plan.claims.origin
    return {
        "Name": name,
        "Url": f"{host.wopi_src(new_file.file_id)}?access_token={token}",
        "HostViewUrl": host.lab_url(lab_origin, new_file.api_path),
        "HostEditUrl": host.lab_url(lab_origin, new_file.api_path),
    }


def _overwrite_existing(
    host: WopiHost, plan: RelativePlan, writer: AtomicWriter, target: str
) -> None:
    folder = plan.source.folder
    if not plan.overwrite:
        free = next(
            numbered(plan.name, n)
            for n in range(2, MAX_NUMBERED_NAMES)
            if not os.path.exists(os.path.join(folder, numbered(plan.name, n)))
        )
        raise Refused(
            409, f"{plan.name} already exists.", {"X-WOPI-ValidRelativeTarget": encode_utf7(free)}
        )
    target_api = plan.source.sibling(plan.name)
    target_id = host.files.ids.get_id(target_api)
    if target_id is not None:
        try:
            locks.check_change(host.store.get_lock(target_id), None)
        except locks.LockConflict as err:
            raise Refused(
                409, "The existing file is locked.", {"X-WOPI-Lock": err.current}
            ) from err
    if not os.path.isfile(target):
        raise Refused(409, f"{plan.name} exists and is not a file.")
    writer.replace(target)
    if target_id is not None:
        host.files.ids.get_path(target_id)


# -- RenameFile (spec §5.6) ----------------------------------------------------------------


async def rename_in_place(host: WopiHost, file: FileRef, requested_stem: str) -> str:
    """Rename within the folder keeping the extension and the file id; a taken name becomes
    `name (2)`; returns the new file name."""
    ext = os.path.splitext(file.name)[1]
    name = check_name(requested_stem + ext)
    if name == file.name:
        return name
    cm: Any = host.files.contents_manager
    for n in range(1, MAX_NUMBERED_NAMES + 1):
        candidate = name if n == 1 else numbered(name, n)
        if os.path.lexists(os.path.join(file.folder, candidate)):
            continue
        await ensure_async(cm.rename(file.api_path, file.sibling(candidate)))
        return candidate
    raise InvalidName(f"Could not find a free name for {name} in its folder.")

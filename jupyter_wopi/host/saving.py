"""Committing a PutFile upload with the lock and conflict rules: the bytes go into the file,
or, when the file may no longer take them (changed on disk, made read-only, deleted, locked
again after a release), into a conflict copy beside it. Nothing the editor sends is lost."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, replace
from datetime import datetime

from ..errors import Refused
from ..files.ids import FileNotFound, FileRef
from ..files.io import AtomicWriter
from ..files.permissions import can_create_in, is_writable
from ..state import ConflictEvent, SaveRecord, Store
from ..wopi import lock_rules
from ..wopi.file_state import FileState
from ..wopi.names import candidates, conflict_copy_name
from ..wopi.tokens import TokenClaims
from .services import WopiHost
from .version_upkeep import tidy_soon
from .versions import (
    Made,
    Precopy,
    author_of,
    co_editors_of,
    discard,
    keep_conflict,
    replace_keeping_version,
)

log = logging.getLogger("jupyter_wopi")

# Why a save went to a conflict copy (recorded for the lab), and how the log says it.
DIVERT_REASONS = {
    "changed": "changed on disk",
    "read-only": "was made read-only",
    "deleted": "was deleted",
    "relocked": "was locked by another editor after this editor's lock was released",
    "revoked": "may no longer be changed by this editor (the team folder's rules changed)",
}
# The `reason` of a save that was ONLYOFFICE's blank template going into an empty file (an
# unlocked PutFile of a 0-byte file, client-behavior §2.1 step 5): the lab shows "New
# document" until someone's own save, not "Saved".
BLANK_TEMPLATE = "template"


@dataclass(frozen=True)
class SaveResult:
    version: str
    last_modified: str
    kept_as: str = ""  # the conflict copy the bytes went to, "" when they went into the file
    versioned: bool = False  # the bytes replaced (or the conflict copy) became a version


def check_put_lock(store: Store, file_id: str, lock_id: str | None, size: int) -> bool:
    """Apply PutFile's lock rules; True when the editor's lock was released from the lab
    (its save is then accepted and kept safe rather than refused with 409 and lost)."""
    current = store.get_lock(file_id)
    if (
        lock_id
        and (current is None or current.lock_id != lock_id)
        and store.was_released(file_id, lock_id)
    ):
        return True
    lock_rules.check_put(current, lock_id, size)
    return False


def upload_folder(host: WopiHost, file: FileRef, *, revoked: bool = False) -> str:
    """Where a PutFile's bytes are received: beside the file (the one a link points to), or,
    when that folder is read-only, in the nearest writable folder above (they will become
    a conflict copy). A save its user may no longer make (`revoked`) becomes a conflict copy
    beside the path the editor opened, never in the folder a link leads to."""
    if revoked:
        folder = file.folder_api_path
        while folder and host.files.real_api_path(folder) != folder:
            folder = folder.rpartition("/")[0]  # a link to a folder: the one holding the link
    else:
        folder = host.files.api_path(os.path.dirname(file.write_path))
    return host.files.os_path(writable_folder(host, folder))


def writable_folder(host: WopiHost, api_folder: str) -> str:
    """`api_folder`, or the nearest existing folder above it where files may be created."""
    folder = api_folder
    while folder and not can_create_in(host.files.os_path(folder)):
        folder = folder.rpartition("/")[0]
    if not can_create_in(host.files.os_path(folder)):
        raise Refused(
            507,
            f"No folder from {api_folder or 'the server root'} up to the server root is "
            "writable, so the save cannot be kept anywhere Jupyter serves.",
        )
    return folder


async def commit_put_file(
    host: WopiHost,
    file: FileRef,
    claims: TokenClaims,
    writer: AtomicWriter,
    *,
    lock_id: str | None,
    loaded_stamp: str | None,
    editor_id: str | None = None,
    revoked: bool = False,
    copied: Precopy | None = None,
) -> SaveResult:
    """Replace the file with the uploaded bytes, or keep them as a conflict copy when the
    file may no longer take them (`divert_reason`; `revoked`: the editor's user may no longer
    write it). The lock check and the replacement are one transaction: no Lock, Unlock or
    other save of this file, through any process, comes between them. The replaced bytes
    become a version (`copied`: by a copy made while the upload streamed, `precopy`); the new
    ones are the change of `editor_id` (X-WOPI-Editors)."""

    def commit(store: Store) -> SaveResult:
        store.serialize(file.file_id)
        try:
            if file.deleted:  # even if another file has taken its name since
                discard(host, copied)
                return save_deleted_file(host, store, file, claims, writer)
            before = FileState.from_stat(os.stat(file.os_path))
        except FileNotFoundError:
            discard(host, copied)
            return save_deleted_file(host, store, file, claims, writer)
        released = not revoked and check_put_lock(store, file.file_id, lock_id, before.size)
        reason = "revoked" if revoked else ""
        reason = reason or divert_reason(
            store, file, before, released=released, loaded_stamp=loaded_stamp
        )
        if reason:
            discard(host, copied)  # the file keeps its bytes
            session_key = loaded_stamp or f"{reason} {lock_id}"
            event = save_conflict_copy(host, store, file, claims, writer, session_key, reason)
            record_save(store, file, claims, before, kept_as=event.conflict_path, reason=reason)
            made = Made("conflict", author_of(store, editor_id, claims.user_id, claims.user_name))
            copy_path = host.files.os_path(event.conflict_path)
            versioned = keep_conflict(host, store, file.file_id, copy_path, made)
            # Keep answering with the loaded stamp, so later saves of this session divert too.
            return SaveResult(
                before.version, loaded_stamp or before.last_modified, event.conflict_path, versioned
            )
        author = author_of(store, editor_id, claims.user_id, claims.user_name)
        made = Made("save", author, co_editors_of(store, file.file_id))
        replaced, kept = replace_keeping_version(
            host, store, file.file_id, file.write_path, writer, made, copied
        )
        after = FileState.from_stat(replaced)
        host.files.ids.rebind(store, file.file_id, file.api_path)  # the id stays on the inode
        # Only the blank template comes without a lock, and only into an empty file.
        template = lock_id is None and before.size == 0
        record_save(store, file, claims, after, reason=BLANK_TEMPLATE if template else "")
        return SaveResult(after.version, after.last_modified, versioned=kept is not None)

    try:
        result = await host.state.write(commit)
    except BaseException:
        discard(host, copied)  # the transaction was undone: no version refers to it
        raise
    if result.versioned:
        tidy_soon(host)
    return result


def divert_reason(
    store: Store, file: FileRef, before: FileState, *, released: bool, loaded_stamp: str | None
) -> str:
    """Why the file may not take this save now ("" when it may): checked at the moment of
    the save, since permissions and content can change while the editor is open."""
    if not is_writable(file.os_path):
        return "read-only"
    # ONLYOFFICE echoes the LastModifiedTime it loaded as X-LOOL-WOPI-Timestamp (spec §5.3.2).
    if loaded_stamp and loaded_stamp != before.last_modified:
        return "changed"
    # An editor whose lock was released may still replace the file if nobody has locked or
    # changed it since; without its loaded timestamp we cannot tell, so keep a copy.
    if released and (store.get_lock(file.file_id) is not None or not loaded_stamp):
        return "relocked"
    return ""


async def deleted_file_ref(host: WopiHost, file_id: str) -> FileRef:
    """Where a file deleted while open in the editor was: its name in its folder, or in the
    nearest folder above that still exists. FileNotFound if it was never served."""
    last = await host.state.read(lambda store: store.last_path(file_id))
    if last is None:
        raise FileNotFound("unknown or deleted file id")
    folder, _, name = last.rpartition("/")
    while folder and not os.path.isdir(host.files.os_path(folder)):
        folder = folder.rpartition("/")[0]
    api_path = f"{folder}/{name}" if folder else name
    return FileRef(file_id, api_path, host.files.os_path(api_path), deleted=True)


def save_deleted_file(
    host: WopiHost, store: Store, file: FileRef, claims: TokenClaims, writer: AtomicWriter
) -> SaveResult:
    """The file was deleted while the editor had it open: its save becomes a copy where the
    file was (later saves of the session update that copy), recorded like a conflict."""
    event = save_conflict_copy(host, store, file, claims, writer, "deleted while open", "deleted")
    copy = FileState.from_stat(os.stat(host.files.os_path(event.conflict_path)))
    record_save(store, file, claims, copy, kept_as=event.conflict_path, reason="deleted")
    return SaveResult(copy.version, copy.last_modified, event.conflict_path)


def record_save(
    store: Store,
    file: FileRef,
    claims: TokenClaims,
    state: FileState,
    kept_as: str = "",
    reason: str = "",
) -> None:
    """Remember the save, so the lab can tell the editor's saves from other changes;
    `reason`: why it went to a copy (DIVERT_REASONS), or BLANK_TEMPLATE."""
    save = SaveRecord(
        file.file_id, state.content_stamp, claims.user_name, time.time(), kept_as, reason
    )
    store.record_save(save)


def save_conflict_copy(
    host: WopiHost,
    store: Store,
    file: FileRef,
    claims: TokenClaims,
    writer: AtomicWriter,
    loaded_stamp: str,
    reason: str,
) -> ConflictEvent:
    """Give the upload a conflict-copy name in the folder it was received in (the file's,
    or the nearest writable one above); later saves of one editing session update it."""
    now = time.time()
    folder_api = host.files.api_path(writer.folder)
    event = store.find_conflict(file.file_id, loaded_stamp)
    if event is not None and _same_folder_file(host, event.conflict_path, folder_api):
        writer.replace(host.files.os_path(event.conflict_path))  # same session: newer bytes
        event = replace(event, path=file.api_path, updated_at=now)
        store.record_conflict(event)
    else:
        name = conflict_copy_name(file.name, claims.user_name, datetime.now())
        final_name = create_unique(writer, writer.folder, name)
        event = store.record_conflict(
            ConflictEvent(
                0,
                file.file_id,
                file.api_path,
                f"{folder_api}/{final_name}" if folder_api else final_name,
                claims.user_id,
                claims.user_name,
                loaded_stamp,
                now,
                now,
                reason,
            )
        )
    log.warning(
        "%s %s while it was open in ONLYOFFICE (file id %s); the editor's save by %s was "
        "kept as %s.",
        file.api_path,
        DIVERT_REASONS[reason],
        file.file_id,
        claims.user_id,
        event.conflict_path,
    )
    return event


def _same_folder_file(host: WopiHost, api_path: str, folder_api: str) -> bool:
    """An existing copy in the folder the upload was received in (a rename cannot cross
    file systems, and the copy may not move to another folder between saves)."""
    return api_path.rpartition("/")[0] == folder_api and os.path.isfile(
        host.files.os_path(api_path)
    )


def create_unique(writer: AtomicWriter, folder: str, name: str) -> str:
    """Give the uploaded bytes `name`, or `name (2)`, `name (3)`… without overwriting."""
    for candidate in candidates(name):
        if writer.create(os.path.join(folder, candidate)) is not None:
            return candidate
    raise Refused(409, f"Could not find a free name for {name} in its folder.")

"""Version history as people use it: a file's versions listed, one read, previewed (a
version as a read-only file of its own, WOPI file id `<file id>_v<version id>`), downloaded
and restored."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from datetime import datetime

from ..errors import Refused
from ..files.ids import FileRef
from ..files.io import CHUNK_SIZE, AtomicWriter, read_chunks
from ..files.permissions import is_writable, require_writable
from ..state import FileBytes, Store, VersionRecord
from ..state.records import holder_names
from ..wire import RestoreJson, VersionJson, VersionKind, VersionListJson
from ..wopi.file_state import FileState
from .services import WopiHost
from .version_upkeep import tidy_soon
from .versions import Made, discard, make_room_now, precopy, replace_keeping_version

VERSION_MARK = "_v"  # the WOPI file id of a version: "<file id>_v<version id>"
_VERSION_FILE_ID = re.compile(r"(?P<file_id>[A-Za-z0-9-]+)_v(?P<version>[0-9]{1,18})")


def version_file_id(file_id: str, version_id: int) -> str:
    return f"{file_id}{VERSION_MARK}{version_id}"


def split_version_file_id(wopi_id: str) -> tuple[str, int] | None:
    """(file id, version id) of a version's WOPI file id; None for a file's own id."""
    found = _VERSION_FILE_ID.fullmatch(wopi_id)
    return (found["file_id"], int(found["version"])) if found else None


def version_json(version: VersionRecord) -> VersionJson:
    kind: VersionKind = version.kind  # type: ignore[assignment]  # written from VersionKind
    return {
        "id": str(version.id),
        "file_id": version.file_id,
        "created_at": version.created_at,
        "kept_at": version.kept_at,
        "size": version.size,
        "sha256": version.sha256,
        "kind": kind,
        "author": version.author,
        "co_editors": holder_names(version.co_editors),
    }


async def list_versions(host: WopiHost, file: FileRef) -> VersionListJson:
    def read(store: Store) -> tuple[list[VersionRecord], FileBytes | None, str]:
        locks = store.list_locks(file.file_id)
        holder = locks[0].holder_name if locks else ""
        return store.versions_of(file.file_id), store.file_bytes(file.file_id), holder

    await host.upkeep.settled()  # every version hashed, the policy applied
    versions, known, holder = await host.state.read(read)
    stat = os.stat(file.os_path)
    state = FileState.from_stat(stat)
    ours = known if known is not None and known.stamp == state.content_stamp else None
    kind: VersionKind = ours.kind if ours else "external"  # type: ignore[assignment]
    return {
        "file_id": file.file_id,
        "path": file.api_path,
        "name": file.name,
        "size": state.size,
        "modified_at": stat.st_mtime,
        "author": ours.author if ours else "",
        "kind": kind,
        "can_restore": host.versions is not None and is_writable(file.os_path),
        "locked_by": holder,
        "versions": [version_json(version) for version in versions],
    }


async def find_version(host: WopiHost, file: FileRef, version_id: str) -> VersionRecord:
    """The version `version_id` of this file, Refused(404) with a sentence otherwise."""
    number = int(version_id) if version_id.isdigit() and len(version_id) < 19 else -1
    version = await host.state.read(lambda store: store.version(file.file_id, number))
    # A record whose bytes are gone (dropped for room by a transaction undone later) is gone.
    if version is None or not os.path.isfile(version_path(host, version)):
        raise Refused(
            404,
            f"{file.name} has no version {version_id}: it was never kept, or it was dropped "
            "by the versions' retention policy.",
        )
    return version


def version_path(host: WopiHost, version: VersionRecord) -> str:
    if host.versions is None:  # versions were turned off: those kept are not served
        return ""
    return host.versions.path(version.blob)


def version_ref(host: WopiHost, file: FileRef, version: VersionRecord) -> FileRef:
    """The version as a read-only file of its own, for ONLYOFFICE's view (preview)."""
    return FileRef(
        version_file_id(file.file_id, version.id),
        file.api_path,
        version_path(host, version),
        of_version=True,
    )


async def restore_version(
    host: WopiHost, file: FileRef, version: VersionRecord, restorer: str
) -> tuple[VersionRecord | None, bool]:
    """Put a version's bytes back into the file; the bytes it held become a version first.
    Returns that version and whether an editor had the file open (its next save, made over
    bytes it did not load, is kept as a conflict copy: the restore is never undone
    silently). Allowed while the file is locked: open editors are told it changed."""
    require_writable(file.os_path, file.name, "restored")
    loop = asyncio.get_running_loop()
    target = file.write_path
    source = version_path(host, version)

    def copy() -> AtomicWriter:
        writer = AtomicWriter(os.path.dirname(target), lambda need: make_room_now(host, need))
        try:
            with open(source, "rb") as stream:
                while chunk := stream.read(CHUNK_SIZE):
                    writer.write(chunk)
            writer.flush()
        except BaseException:
            writer.discard()
            raise
        return writer

    writer = await loop.run_in_executor(None, copy)
    copied = await precopy(host, file.file_id, target)

    def commit(store: Store) -> tuple[VersionRecord | None, bool]:
        store.serialize(file.file_id)
        made = Made("restore", restorer)
        _, kept = replace_keeping_version(host, store, file.file_id, target, writer, made, copied)
        host.files.ids.rebind(store, file.file_id, file.api_path)
        return kept, store.get_lock(file.file_id) is not None

    try:
        kept, locked = await host.state.write(commit)
    except BaseException:
        writer.discard()
        discard(host, copied)
        raise
    if kept is not None:
        tidy_soon(host)
        await host.upkeep.settled()  # the kept version hashed (or found a repeat and dropped)
        kept_id = kept.id
        kept = await host.state.read(lambda store: store.version(file.file_id, kept_id))
    host.events.emit("restored", file.file_id, file.api_path)
    return kept, locked


async def restore(host: WopiHost, file: FileRef, version_id: str, restorer: str) -> RestoreJson:
    """Restore the version `version_id` of the file (restore_version), answered for the lab."""
    version = await find_version(host, file, version_id)
    kept, locked = await restore_version(host, file, version, restorer)
    return {
        "path": file.api_path,
        "restored": version_id,
        "kept": version_json(kept) if kept else None,
        "editors_told": locked,
    }


def download_name(file: FileRef, version: VersionRecord) -> str:
    """`report (2026-12-07 14.03).docx`: the file's name and the version's local time."""
    stem, ext = os.path.splitext(file.name)
    when = datetime.fromtimestamp(version.created_at).strftime("%Y-%m-%d %H.%M")
    return f"{stem} ({when}){ext}"


async def send_version(
    host: WopiHost, version: VersionRecord, send: Callable[[bytes], Awaitable[None]]
) -> None:
    """Stream a version's bytes to `send`, one chunk in flight."""
    with open(version_path(host, version), "rb") as stream:
        async with aclosing(read_chunks(stream)) as chunks:
            async for chunk in chunks:
                await send(chunk)

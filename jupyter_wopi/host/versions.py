"""Version history: the bytes a WOPI write replaces (PutFile, an overwriting PutRelativeFile,
a restore) and the bytes an editor loads (GetFile) are kept, with who made them and how; old
versions are thinned out (host.retention), capped in size, and dropped before a save could
fail for lack of space. Versions belong to a file id, so they follow renames and moves."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from ..errors import Refused
from ..files.ids import FileRef
from ..files.io import AtomicWriter, is_disk_full, read_chunks
from ..files.permissions import is_writable, require_writable
from ..files.version_blobs import BlobWriter, sha256_of
from ..state import FileBytes, Store, VersionRecord
from ..state.records import HOLDER_SEPARATOR, holder_names
from ..wire import RestoreJson, VersionJson, VersionKind, VersionListJson
from ..wopi.file_state import FileState
from .retention import oldest_first_until, versions_to_drop
from .services import WopiHost

log = logging.getLogger("jupyter_wopi")
T = TypeVar("T")

VERSION_MARK = "_v"  # the WOPI file id of a version: "<file id>_v<version id>"
_VERSION_FILE_ID = re.compile(r"(?P<file_id>[A-Za-z0-9-]+)_v(?P<version>[0-9]{1,18})")


@dataclass(frozen=True)
class Made:
    """What made the bytes a write puts into a file, and who."""

    kind: VersionKind
    author: str
    co_editors: tuple[str, ...] = ()


def version_file_id(file_id: str, version_id: int) -> str:
    return f"{file_id}{VERSION_MARK}{version_id}"


def split_version_file_id(wopi_id: str) -> tuple[str, int] | None:
    """(file id, version id) of a version's WOPI file id; None for a file's own id."""
    found = _VERSION_FILE_ID.fullmatch(wopi_id)
    return (found["file_id"], int(found["version"])) if found else None


# -- taking versions -----------------------------------------------------------------------


def replace_keeping_version(
    host: WopiHost, store: Store, file_id: str, target: str, writer: AtomicWriter, made: Made
) -> tuple[os.stat_result, bool]:
    """Rename the upload over `target`, keeping the bytes it replaces as a version first (in
    the caller's transaction, after `store.serialize(file_id)`), and record what made the new
    bytes. A version that cannot be taken (a full disk) is logged; the save goes on.
    Returns the new file's stat, and whether a version was taken (then `prune`)."""
    kept = _keep_replaced(host, store, file_id, target)
    try:
        stat = writer.replace(target)
    except BaseException:
        if kept is not None and host.versions is not None:
            host.versions.remove([kept.blob])
        raise
    if kept is not None and host.versions is not None:
        host.versions.seal(kept.blob)
        store.add_version(kept)
    co_editors = HOLDER_SEPARATOR.join(name for name in made.co_editors if name != made.author)
    new_bytes = FileBytes(
        file_id,
        FileState.from_stat(stat).content_stamp,
        writer.sha256,
        made.kind,
        made.author,
        co_editors,
        time.time(),
    )
    store.set_file_bytes(new_bytes)
    return stat, kept is not None


def _keep_replaced(host: WopiHost, store: Store, file_id: str, path: str) -> VersionRecord | None:
    """The version the bytes at `path` become (their blob made, its row not yet stored), or
    None: versions are off, there is no file, or these bytes are kept already."""
    blobs = host.versions
    if blobs is None:
        return None
    try:
        record = _describe(store, file_id, path)
        if record is None:
            return None
        kept = _with_room(host, store, lambda: blobs.keep(path))
    except FileNotFoundError:
        return None
    except OSError as err:
        log.warning("jupyter_wopi: no version kept of file id %s: %s", file_id, err)
        return None
    return replace(record, blob=kept.name)


def _describe(store: Store, file_id: str, path: str) -> VersionRecord | None:
    """The version the bytes now at `path` would be, without a blob; None when kept already."""
    stat = os.stat(path)
    stamp = FileState.from_stat(stat).content_stamp
    known = store.file_bytes(file_id)
    if known is not None and known.stamp == stamp:
        sha, kind, author, co_editors, made_at = (
            known.sha256,
            known.kind,
            known.author,
            known.co_editors,
            known.made_at,
        )
    else:  # changed outside the editor since the host last wrote or saw them: read them once
        sha, kind, author, co_editors, made_at = sha256_of(path), "external", "", "", stat.st_mtime
    if store.has_version_of(file_id, stamp, sha):
        return None
    now = time.time()
    return VersionRecord(
        0, file_id, "", stat.st_size, sha, stamp, kind, author, co_editors, made_at, now
    )


def _with_room(host: WopiHost, store: Store, make: Callable[[], T]) -> T:
    """`make()`, once more after dropping old versions (in the caller's transaction) if the
    disk was full."""
    try:
        return make()
    except OSError as err:
        if not is_disk_full(err) or not _drop_oldest(host, store, 1 << 20):
            raise
    return make()


def keep_conflict(
    host: WopiHost, store: Store, file_id: str, copy_path: str, sha: str, made: Made
) -> bool:
    """A save kept as a conflict copy is a version of the file too (its history shows it,
    and it can be restored over the change that diverted it): a copy of the conflict copy,
    which stays a file people may edit."""
    blobs = host.versions
    if blobs is None:
        return False
    try:
        stat = os.stat(copy_path)
        if store.has_version_of(file_id, "", sha):
            return False
        kept = _with_room(host, store, lambda: blobs.copy_in(copy_path))
    except OSError as err:
        log.warning("jupyter_wopi: no version kept of a conflict copy of %s: %s", file_id, err)
        return False
    now = time.time()
    store.add_version(
        VersionRecord(
            0, file_id, kept.name, stat.st_size, sha, "", made.kind, made.author, "", now, now
        )
    )
    return True


def make_room_now(host: WopiHost, needed: int) -> bool:
    """The disk is full while a save's bytes arrive: drop the oldest versions until about
    `needed` bytes are free, in a transaction of its own. False when there was none."""
    with host.state.database.transaction(write=True) as store:
        return _drop_oldest(host, store, needed)


def _drop_oldest(host: WopiHost, store: Store, needed: int) -> bool:
    """Drop the oldest versions, whatever file they belong to, until about `needed` bytes
    are free. Their blobs go at once (the space is needed now): a transaction that then
    fails leaves records without bytes, which read as dropped versions."""
    blobs = host.versions
    if blobs is None:
        return False
    oldest = [(v.id, v.size) for v in store.all_versions()]
    names = store.drop_versions(oldest_first_until(oldest, max(needed, 1)))
    blobs.remove(names)
    if names:
        log.warning(
            "jupyter_wopi: the disk was full; dropped the %d oldest kept versions so that a "
            "save could go on.",
            len(names),
        )
    return bool(names)


async def start_loaded_copy(host: WopiHost, file: FileRef, state: FileState) -> BlobWriter | None:
    """A copy of what an editor is loading, made while it streams, unless it is kept
    already (the bytes were loaded or replaced before)."""
    blobs = host.versions
    if blobs is None:
        return None
    file_id, stamp = file.file_id, state.content_stamp
    if await host.state.read_soon(lambda store: store.has_version_of(file_id, stamp, "")):
        return None
    try:
        return blobs.writer()
    except OSError as err:
        log.warning("jupyter_wopi: no copy kept of %s as loaded: %s", file.api_path, err)
        return None


async def finish_loaded_copy(
    host: WopiHost, file: FileRef, stat: os.stat_result, copy: BlobWriter, *, complete: bool
) -> None:
    """Keep the copy as a version if the whole file was streamed, unchanged meanwhile, and
    not kept since; else drop it."""
    blobs = host.versions
    assert blobs is not None
    state = FileState.from_stat(stat)
    try:
        unchanged = FileState.from_stat(os.stat(file.os_path)).content_stamp == state.content_stamp
    except OSError:
        unchanged = False
    if not complete or copy.failed or not unchanged or copy.size != state.size:
        await asyncio.get_running_loop().run_in_executor(None, copy.discard)
        return
    await asyncio.get_running_loop().run_in_executor(None, copy.commit)

    def keep(store: Store) -> bool:
        store.serialize(file.file_id)
        if store.has_version_of(file.file_id, state.content_stamp, copy.sha256):
            return False
        known = store.file_bytes(file.file_id)
        ours = known is not None and known.stamp == state.content_stamp
        store.add_version(
            VersionRecord(
                0,
                file.file_id,
                copy.name,
                copy.size,
                copy.sha256,
                state.content_stamp,
                known.kind if known and ours else "loaded",
                known.author if known and ours else "",
                known.co_editors if known and ours else "",
                known.made_at if known and ours else stat.st_mtime,
                time.time(),
            )
        )
        return True

    if await host.state.write(keep):
        await prune(host)
    else:
        blobs.remove([copy.name])


async def prune(host: WopiHost) -> None:
    """Thin out old versions (retention), then keep the folder under its size cap and the
    file system above its free-space floor, oldest first."""
    blobs, policy = host.versions, host.settings.versions
    if blobs is None:
        return
    now = time.time()
    usage = await asyncio.get_running_loop().run_in_executor(None, blobs.disk_usage)
    floor = int(usage.total * policy.min_free_fraction)

    def choose(store: Store) -> list[str]:
        versions = store.all_versions()  # oldest first
        by_file: dict[str, list[VersionRecord]] = defaultdict(list)
        for version in reversed(versions):
            by_file[version.file_id].append(version)
        dropped = {
            version_id
            for listed in by_file.values()
            for version_id in versions_to_drop(
                [(v.id, v.created_at) for v in listed], now, policy.retention
            )
        }
        remaining = [(v.id, v.size) for v in versions if v.id not in dropped]
        excess = max(sum(size for _, size in remaining) - policy.max_bytes, floor - usage.free)
        dropped.update(oldest_first_until(remaining, excess))
        return store.drop_versions(sorted(dropped)) if dropped else []

    names = await host.state.write(choose)
    if names:
        await asyncio.get_running_loop().run_in_executor(None, blobs.remove, names)


# -- reading and restoring -----------------------------------------------------------------


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

    versions, known, holder = await host.state.read(read)
    stat = os.stat(file.os_path)
    state = FileState.from_stat(stat)
    ours = known is not None and known.stamp == state.content_stamp
    kind: VersionKind = known.kind if known and ours else "external"  # type: ignore[assignment]
    return {
        "file_id": file.file_id,
        "path": file.api_path,
        "name": file.name,
        "size": state.size,
        "modified_at": stat.st_mtime,
        "author": known.author if known and ours else "",
        "kind": kind,
        "can_restore": host.versions is not None and is_writable(file.os_path),
        "locked_by": holder,
        "versions": [version_json(version) for version in versions],
    }


async def find_version(host: WopiHost, file: FileRef, version_id: str) -> VersionRecord:
    """The version `version_id` of this file, Refused(404) with a sentence otherwise."""
    number = int(version_id) if version_id.isdigit() and len(version_id) < 19 else -1
    version = await host.state.read(lambda store: store.version(file.file_id, number))
    if version is None or host.versions is None:
        raise Refused(
            404,
            f"{file.name} has no version {version_id}: it was never kept, or it was dropped "
            "by the versions' retention policy.",
        )
    return version


def version_path(host: WopiHost, version: VersionRecord) -> str:
    assert host.versions is not None
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
                while chunk := stream.read(1 << 20):
                    writer.write(chunk)
            writer.flush()
        except BaseException:
            writer.discard()
            raise
        return writer

    writer = await loop.run_in_executor(None, copy)

    def commit(store: Store) -> tuple[VersionRecord | None, bool]:
        store.serialize(file.file_id)
        made = Made("restore", restorer)
        _, versioned = replace_keeping_version(host, store, file.file_id, target, writer, made)
        host.files.ids.rebind(store, file.file_id, file.api_path)
        kept = store.versions_of(file.file_id)[0] if versioned else None
        return kept, store.get_lock(file.file_id) is not None

    try:
        kept, locked = await host.state.write(commit)
    except BaseException:
        writer.discard()
        raise
    await prune(host)
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


def co_editors_of(store: Store, file_id: str) -> tuple[str, ...]:
    """Everyone the file's editing lock is held for (ONLYOFFICE's co-editors)."""
    return tuple(
        name for info in store.list_locks(file_id) for name in holder_names(info.holder_name)
    )


def author_of(store: Store, editor_id: str | None, fallback_id: str, fallback_name: str) -> str:
    """The name of the user X-WOPI-Editors names (one UserId: the last changer)."""
    if not editor_id or editor_id == fallback_id:
        return fallback_name
    return store.person_name(editor_id) or editor_id


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

"""Taking versions: the bytes a WOPI write replaces (PutFile, an overwriting PutRelativeFile,
a restore) become a version by a hard link, or by a copy made while the upload streams; the
bytes an editor loads (GetFile) are copied as they stream, the first time they are seen; a
save kept as a conflict copy is a version too. Each records who made the bytes and how. A
full disk drops the oldest versions before a save could fail. Hashing, repeats and the
retention policy are left for after the answer (host.version_upkeep)."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from ..files.ids import FileRef
from ..files.io import AtomicWriter, is_disk_full
from ..files.version_blobs import BlobWriter
from ..state import FileBytes, Store, VersionRecord
from ..state.records import HOLDER_SEPARATOR, holder_names
from ..wire import VersionKind
from ..wopi.file_state import FileState
from .retention import oldest_first_until
from .services import WopiHost
from .version_upkeep import tidy_soon

log = logging.getLogger("jupyter_wopi")
T = TypeVar("T")


@dataclass(frozen=True)
class Made:
    """What made the bytes a write puts into a file, and who."""

    kind: VersionKind
    author: str
    co_editors: tuple[str, ...] = ()


@dataclass
class Precopy:
    """The bytes a write is about to replace, copied before its transaction (they cannot be
    linked: another file system, or other links), and the file's content stamp then.
    `taken` once the replacing transaction used it or let it go: from then on, it is that
    transaction's (a version's bytes, even if the transaction is undone after the file was
    replaced: they are then the only copy of what the file held)."""

    blob: str
    stamp: str
    taken: bool = False


async def precopy(host: WopiHost, file_id: str, path: str) -> Precopy | None:
    """Copy the bytes at `path` now, while the new ones stream in, when keeping them will
    need a copy and they are not kept yet: the replacing transaction then only checks that
    they did not change meanwhile. None when no copy is needed (or could be made)."""
    blobs = host.versions
    if blobs is None:
        return None
    try:
        stamp = FileState.from_stat(os.stat(path)).content_stamp
    except OSError:
        return None
    if await host.state.read_soon(lambda store: store.has_version_of(file_id, stamp)):
        return None

    def copy() -> Precopy | None:
        try:
            if blobs.links(path):
                return None
            kept = blobs.copy_in(path)
        except OSError:
            return None  # the transaction tries again, making room if the disk is full
        return Precopy(kept.name, stamp)

    return await asyncio.get_running_loop().run_in_executor(None, copy)


def discard(host: WopiHost, copied: Precopy | None) -> None:
    """A precopy its write did not take (refused, or failed before the replace)."""
    if copied is not None and not copied.taken and host.versions is not None:
        copied.taken = True
        host.versions.remove([copied.blob])


def replace_keeping_version(
    host: WopiHost,
    store: Store,
    file_id: str,
    target: str,
    writer: AtomicWriter,
    made: Made,
    copied: Precopy | None = None,
) -> tuple[os.stat_result, VersionRecord | None]:
    """Rename the upload over `target`, keeping the bytes it replaces as a version first (in
    the caller's transaction, after `store.serialize(file_id)`), and record what made the new
    bytes. A version that cannot be taken (a full disk) is logged; the save goes on.
    Returns the new file's stat, and the version taken, if any (then `tidy_soon`).
    `copied`: the replaced bytes copied before the transaction (`precopy`), used if the file
    still holds them."""
    blobs = host.versions
    kept = _keep_replaced(host, store, file_id, target, copied) if blobs else None
    try:
        stat = writer.replace(target)
    except BaseException:
        if kept is not None and blobs is not None:
            blobs.remove([kept.blob])
        raise
    if kept is not None and blobs is not None:
        blobs.seal(kept.blob)
        kept = store.add_version(kept)
    co_editors = HOLDER_SEPARATOR.join(name for name in made.co_editors if name != made.author)
    new_bytes = FileBytes(
        file_id,
        FileState.from_stat(stat).content_stamp,
        made.kind,
        made.author,
        co_editors,
        time.time(),
    )
    store.set_file_bytes(new_bytes)
    return stat, kept


def _keep_replaced(
    host: WopiHost, store: Store, file_id: str, path: str, copied: Precopy | None
) -> VersionRecord | None:
    """The version the bytes at `path` become (their blob made, its row not yet stored), or
    None: versions are off, there is no file, or these bytes are kept already."""
    blobs = host.versions
    try:
        record = _describe(store, file_id, path) if blobs is not None else None
    except FileNotFoundError:
        record = None
    if record is not None and copied is not None and copied.stamp == record.stamp:
        copied.taken = True
        return replace(record, blob=copied.blob)
    discard(host, copied)  # unused: the bytes changed since, or need no version
    if record is None or blobs is None:
        return None
    try:
        kept = _with_room(host, store, record.size, lambda: blobs.keep(path))
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
    if store.has_version_of(file_id, stamp):
        return None
    known = store.file_bytes(file_id)
    if known is not None and known.stamp == stamp:
        kind, author, co_editors, made_at = (
            known.kind,
            known.author,
            known.co_editors,
            known.made_at,
        )
    else:  # changed outside the editor since the host last wrote or saw them
        kind, author, co_editors, made_at = "external", "", "", stat.st_mtime
    # Hashed after the answer (tidy), not while the editor waits for its save.
    now = time.time()
    return VersionRecord(
        0, file_id, "", stat.st_size, "", stamp, kind, author, co_editors, made_at, now
    )


def _with_room(host: WopiHost, store: Store, needed: int, make: Callable[[], T]) -> T:
    """`make()`, once more if the disk was full, after dropping old versions (in the
    caller's transaction) until about `needed` bytes are free."""
    try:
        return make()
    except OSError as err:
        if not is_disk_full(err) or not _drop_oldest(host, store, needed):
            raise
    return make()


def keep_conflict(host: WopiHost, store: Store, file_id: str, copy_path: str, made: Made) -> bool:
    """A save kept as a conflict copy is a version of the file too (its history shows it,
    and it can be restored over the change that diverted it): a copy of the conflict copy,
    which stays a file people may edit."""
    blobs = host.versions
    if blobs is None:
        return False
    try:
        stat = os.stat(copy_path)
        kept = _with_room(host, store, stat.st_size, lambda: blobs.copy_in(copy_path))
    except OSError as err:
        log.warning("jupyter_wopi: no version kept of a conflict copy of %s: %s", file_id, err)
        return False
    now = time.time()
    store.add_version(
        VersionRecord(
            0, file_id, kept.name, stat.st_size, "", "", made.kind, made.author, "", now, now
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
    if await host.state.read_soon(lambda store: store.has_version_of(file_id, stamp)):
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
        ours = known if known is not None and known.stamp == state.content_stamp else None
        store.add_version(
            VersionRecord(
                0,
                file.file_id,
                copy.name,
                copy.size,
                copy.sha256,
                state.content_stamp,
                ours.kind if ours else "loaded",
                ours.author if ours else "",
                ours.co_editors if ours else "",
                ours.made_at if ours else stat.st_mtime,
                time.time(),
            )
        )
        return True

    if await host.state.write(keep):
        tidy_soon(host)
    else:
        blobs.remove([copy.name])


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

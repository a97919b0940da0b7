"""Kept versions after the answer: hashing the new ones (a save does not wait for it; the
replaced bytes are usually still in the page cache), forgetting one that repeats the file's
version before it, and the retention policy with the folder's size cap and free-space
floor, oldest first. One run at a time per host (host.upkeep)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict

from ..files.version_blobs import sha256_of
from ..state import Store, VersionRecord
from .retention import oldest_first_until, versions_to_drop
from .services import WopiHost


def tidy_soon(host: WopiHost) -> None:
    """After the answer: hash the new versions, drop repeats, apply the retention policy."""
    if host.versions is not None:
        host.upkeep.request(lambda: tidy(host))


async def tidy(host: WopiHost) -> None:
    """Hash the versions kept without a hash (a save does not wait for it; the replaced bytes
    are usually still in the page cache), forget one that repeats the file's version before
    it (identical consecutive versions are kept once), then `prune`."""
    blobs = host.versions
    if blobs is None:
        return
    loop = asyncio.get_running_loop()
    hashes: list[tuple[int, str]] = []
    for version in await host.state.read(lambda store: store.unhashed_versions()):
        try:
            sha = await loop.run_in_executor(None, sha256_of, blobs.path(version.blob))
        except FileNotFoundError:
            sha = ""  # its bytes were dropped to make room: the record goes too
        hashes.append((version.id, sha))

    def record(store: Store) -> list[str]:
        return [name for version_id, sha in hashes for name in store.hash_version(version_id, sha)]

    if hashes:
        await loop.run_in_executor(None, blobs.remove, await host.state.write(record))
    await prune(host)


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

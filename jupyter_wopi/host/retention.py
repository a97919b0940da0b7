"""Which versions to keep: every version of the last hour, then the newest of each hour for a
day, of each day for a month, of each week after that, and at most a number per file.
Buckets are fixed in time (the hour 14:00–15:00, not "an hour before now"), so a version
kept once as its hour's newest stays kept as time passes, until its week thins it out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

HOUR = 3600.0
DAY = 24 * HOUR
WEEK = 7 * DAY


@dataclass(frozen=True)
class Retention:
    keep_all: float = HOUR  # seconds: every version this young is kept
    hourly: float = DAY  # then the newest of each hour, up to this age
    daily: float = 30 * DAY  # then of each day, up to this age; of each week after
    max_per_file: int = 100


@dataclass(frozen=True)
class VersionPolicy:
    retention: Retention = field(default_factory=Retention)
    max_bytes: int = 2 << 30  # all versions in the folder together
    min_free_fraction: float = 0.05  # of the file system: versions never take the last of it


def _bucket(created_at: float, age: float, policy: Retention) -> tuple[str, int] | None:
    """The time bucket a version of this age competes in; None: kept whatever the others."""
    if age < policy.keep_all:
        return None
    if age < policy.hourly:
        return "hour", int(created_at // HOUR)
    if age < policy.daily:
        return "day", int(created_at // DAY)
    return "week", int(created_at // WEEK)


def versions_to_drop(
    versions: Sequence[tuple[int, float]], now: float, policy: Retention
) -> list[int]:
    """The ids to drop of one file's versions, given as (id, created_at), newest first."""
    seen: set[tuple[str, int]] = set()
    kept: list[int] = []
    dropped: list[int] = []
    for version_id, created_at in versions:
        bucket = _bucket(created_at, max(0.0, now - created_at), policy)
        if bucket is not None and bucket in seen:
            dropped.append(version_id)
            continue
        if bucket is not None:
            seen.add(bucket)
        kept.append(version_id)
    return dropped + kept[policy.max_per_file :]


def oldest_first_until(sizes: Iterable[tuple[int, int]], excess: int) -> list[int]:
    """Ids from (id, size) pairs, oldest first, until their sizes add up to `excess`."""
    dropped: list[int] = []
    for version_id, size in sizes:
        if excess <= 0:
            break
        dropped.append(version_id)
        excess -= size
    return dropped

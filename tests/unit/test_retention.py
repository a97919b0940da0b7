"""Which versions the retention policy keeps (host.retention), without a server."""

from __future__ import annotations

from jupyter_wopi.host.retention import (
    DAY,
    HOUR,
    WEEK,
    Retention,
    oldest_first_until,
    versions_to_drop,
)

NOW = 1_800_000_000.0 - (1_800_000_000.0 % WEEK)  # a week's start: buckets are easy to read


def listed(*ages: float) -> list[tuple[int, float]]:
    """Versions made `ages` seconds before NOW, newest first, with ids 1, 2, 3…"""
    return [(number, NOW - age) for number, age in enumerate(sorted(ages), start=1)]


def test_every_version_of_the_last_hour_is_kept() -> None:
    versions = listed(*(minute * 60 for minute in range(59)))
    assert versions_to_drop(versions, NOW, Retention()) == []


def test_one_per_hour_is_kept_for_a_day_the_newest_of_each() -> None:
    # three versions in the hour that began 5 h ago, one in the hour 6 h ago
    versions = listed(5 * HOUR - 60, 5 * HOUR - 1800, 5 * HOUR - 3000, 6 * HOUR - 60)
    assert versions_to_drop(versions, NOW, Retention()) == [2, 3]


def test_one_per_day_then_one_per_week() -> None:
    day_old = [3 * DAY - 60, 3 * DAY - 7200]  # one day bucket: the newer stays
    months_old = [60 * DAY + 60, 61 * DAY + 60]  # two days of one week: the newer stays
    versions = listed(*day_old, *months_old)
    assert versions_to_drop(versions, NOW, Retention()) == [2, 4]


def test_each_age_limit_belongs_to_the_older_tier() -> None:
    """A version exactly as old as a tier's limit is judged by the next tier. The limits are
    put mid-bucket, so that the version at the limit competes with an older neighbour."""
    half = HOUR / 2
    tiers = (
        Retention(keep_all=half),  # at 30 min: hourly, like the one at 31 min
        Retention(hourly=5 * HOUR + half),  # at 5 h 30: daily, like the one at 5 h 31
        Retention(daily=10 * DAY + half),  # at 10 days 30 min: weekly, like its neighbour
    )
    for policy, limit in zip(tiers, (half, 5 * HOUR + half, 10 * DAY + half), strict=True):
        versions = listed(limit, limit + 60)
        assert versions_to_drop(versions, NOW, policy) == [2], policy


def test_the_default_policy_is_the_documented_one_and_the_settings_default() -> None:
    from jupyter_wopi.host.retention import VersionPolicy
    from jupyter_wopi.settings import WopiHostConfig

    assert (HOUR, DAY, WEEK) == (3600, 86400, 7 * 86400)
    policy = Retention()
    assert (policy.keep_all, policy.hourly, policy.daily) == (HOUR, DAY, 30 * DAY)
    config = WopiHostConfig()
    assert (config.versions_per_file, config.versions_max_bytes) == (100, 2 * 1024**3)
    assert VersionPolicy() == VersionPolicy(
        Retention(max_per_file=config.versions_per_file),
        config.versions_max_bytes,
        config.versions_min_free,
    )


def test_a_kept_version_stays_kept_as_time_passes_within_its_bucket() -> None:
    versions = listed(2 * HOUR - 600, 2 * HOUR - 1200)  # one hour bucket
    first = versions_to_drop(versions, NOW, Retention())
    later = versions_to_drop(versions, NOW + 1800, Retention())
    assert first == later == [2]


def test_at_most_max_per_file_the_oldest_go() -> None:
    versions = listed(*(minute * 60 for minute in range(10)))
    assert versions_to_drop(versions, NOW, Retention(max_per_file=4)) == [5, 6, 7, 8, 9, 10]


def test_oldest_first_until_the_excess_is_covered() -> None:
    sizes = [(1, 100), (2, 50), (3, 10)]
    assert oldest_first_until(sizes, 120) == [1, 2]
    assert oldest_first_until(sizes, 100) == [1]
    assert oldest_first_until(sizes, 1) == [1]
    assert oldest_first_until(sizes, 0) == []
    assert oldest_first_until(sizes, 1000) == [1, 2, 3]

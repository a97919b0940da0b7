"""host.upkeep: one run at a time, requests during a run coalesced, failures logged."""

from __future__ import annotations

import asyncio

import pytest

from jupyter_wopi.host.upkeep import Upkeep


async def test_requests_during_a_run_make_one_more_run() -> None:
    upkeep, runs, gate = Upkeep(), [], asyncio.Event()

    async def job() -> None:
        runs.append(len(runs))
        await gate.wait()

    upkeep.request(job)
    await asyncio.sleep(0)
    for _ in range(5):
        upkeep.request(job)  # while the first run waits
    gate.set()
    await upkeep.settled()
    assert runs == [0, 1]


async def test_a_failing_run_is_logged_and_the_next_request_runs_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    upkeep, calls = Upkeep(), []

    async def job() -> None:
        calls.append(1)
        raise OSError("disk gone")

    upkeep.request(job)
    await upkeep.settled()
    upkeep.request(job)
    await upkeep.settled()
    assert len(calls) == 2
    assert "upkeep of kept versions failed" in caplog.text

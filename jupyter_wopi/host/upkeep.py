"""Work a request leaves for after its answer (hashing and thinning out kept versions): one
run at a time per host, requests made during a run coalesced into one more run, and a way for
readers to wait until it is done."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("jupyter_wopi")

Job = Callable[[], Awaitable[None]]


class Upkeep:
    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self._again = False

    def request(self, job: Job) -> None:
        """Run `job` soon (on the running event loop), or once more after the current run."""
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.ensure_future(self._run(job))

    async def _run(self, job: Job) -> None:
        while True:
            self._again = False
            try:
                await job()
            except Exception:  # the next request runs it again; never fails a request
                log.warning("jupyter_wopi: upkeep of kept versions failed", exc_info=True)
            if not self._again:
                return

    async def settled(self) -> None:
        """Wait until no run is pending."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

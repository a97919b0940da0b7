"""The state as the event loop sees it: every database call runs in a worker thread, so a
busy or slow database never freezes the Jupyter server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from .database import Database, ServerStopping, WouldWait
from .store import Store

T = TypeVar("T")
WORKERS = 4
FILE_INFO_CACHE = 4096  # (user, file) pairs remembered for CheckFileInfo: a few per editor


class State:
    def __init__(self, database: Database, workers: int = WORKERS) -> None:
        self.database = database
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="jupyter_wopi-state")
        self._closed = False
        self._file_info: dict[tuple[str, str], tuple[int, tuple[str, int]]] = {}

    async def run(self, work: Callable[[Database], T]) -> T:
        """`work(database)` in a worker thread: for work that needs several transactions,
        or file system calls between them."""
        if self._closed:  # the server is stopping: a lab's poll may still come in
            raise ServerStopping
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, work, self.database)

    async def read(self, work: Callable[[Store], T]) -> T:
        """`work(store)` in one read transaction, in a worker thread."""
        return await self.run(lambda database: _in_transaction(database, work, write=False))

    async def file_info_extras(self, user_id: str, file_id: str) -> tuple[str, int]:
        """What CheckFileInfo reads from the state (Store.file_info_extras): remembered while
        the database says nothing changed, through any process (Database.change_version),
        so an editor's calls cost no transaction; read every time otherwise."""
        key = (user_id, file_id)
        version = await self.database.change_version()
        if version is not None:
            cached = self._file_info.get(key)
            if cached is not None and cached[0] == version:
                return cached[1]
        extras = await self.read_soon(lambda store: store.file_info_extras(user_id, file_id))
        if version is not None:  # the version from before the read: a change during it counts
            if len(self._file_info) >= FILE_INFO_CACHE:
                self._file_info.clear()
            self._file_info[key] = (version, extras)
        return extras

    async def read_soon(self, work: Callable[[Store], T]) -> T:
        """A short, frequent read (CheckFileInfo's user info): at once when the database can
        answer without waiting for anything, else like `read`."""
        if self._closed:
            raise ServerStopping
        try:
            return self.database.read_without_waiting(work)
        except WouldWait:
            return await self.read(work)

    async def write(self, work: Callable[[Store], T]) -> T:
        """`work(store)` in one write transaction, in a worker thread: it may change the
        state, and it sees no other change until it ends (call `store.serialize(file_id)`
        first to take turns with the other processes changing that file)."""
        return await self.run(lambda database: _in_transaction(database, work, write=True))

    def close(self) -> None:
        self._closed = True
        self._executor.shutdown(wait=True)
        self.database.close()


def _in_transaction(database: Database, work: Callable[[Store], T], *, write: bool) -> T:
    with database.transaction(write=write) as store:
        return work(store)

"""Whether what CheckFileInfo read from PostgreSQL (a user's UserInfo, a file's reopen count)
may have changed since, through any process, without reading it again: LISTEN/NOTIFY.

A process that changes it notifies in the same transaction (Store.announce_file_info_change);
PostgreSQL hands the notification to every listening connection once that transaction
commits. Each process keeps one listening connection, on its event loop. Before it answers
from what it remembered, it makes a sync point: `SELECT 1` on that connection. PostgreSQL
sends a connection every notification committed before a query ends ahead of the query's
own answer, so a change committed before the sync started (a PutUserInfo answered by
another process before this request arrived, say) is always seen. Requests arriving while a
sync is on its way wait for the next one, so under load one tiny query serves many
requests: the answer costs no transaction, no worker thread and no pooled connection.

`version` changes with every notification and any doubt (the connection lost or not yet
made); while the connection is down there is no version, and nothing is remembered."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

from psycopg import conninfo, pq

from .store import CHANGES_CHANNEL

log = logging.getLogger("jupyter_wopi")
RETRY_SECONDS = 1.0  # between attempts to listen again while PostgreSQL cannot be reached
SYNC_TIMEOUT = 2.0  # seconds a sync may take before the database is read instead


class ChangeFeed:
    def __init__(self, url: str, connect_timeout: int) -> None:
        self._conninfo = conninfo.make_conninfo(
            url, connect_timeout=connect_timeout, application_name="jupyter_wopi changes"
        )
        self._connection: pq.abc.PGconn | None = None  # used on the event loop only
        self._fd = -1  # its socket (a lost connection no longer tells it)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()  # `changed` is called from worker threads too
        self._version = 0
        self._sent: asyncio.Future[int | None] | None = None  # the sync on its way
        self._next: asyncio.Future[int | None] | None = None  # for requests since it left
        self._timer: asyncio.TimerHandle | None = None  # gives the sent sync up
        self._next_attempt = 0.0  # monotonic; inf while a thread is connecting

    # -- listening -------------------------------------------------------------------------

    def start(self) -> None:
        """Connect and listen (blocking: at start, or in a thread of its own); on failure,
        say so once and read the database every time until a later attempt works."""
        connection = pq.PGconn.connect(self._conninfo.encode())
        if connection.status == pq.ConnStatus.OK:
            listened = connection.exec_(f"LISTEN {CHANGES_CHANNEL}".encode())
            if listened.status == pq.ExecStatus.COMMAND_OK:
                connection.nonblocking = 1
                self._adopt(connection)
                return
        log.warning(
            "jupyter_wopi: cannot listen for changes of the state (%s); CheckFileInfo reads "
            "the database every time until it can.",
            connection.get_error_message().strip(),
        )
        connection.finish()

    def _adopt(self, connection: pq.abc.PGconn) -> None:
        loop = self._loop
        if loop is None:
            self._connection = connection  # watched from the first sync on
        else:
            loop.call_soon_threadsafe(self._watch, connection)

    def _watch(self, connection: pq.abc.PGconn) -> None:
        self.changed()  # whatever was remembered before listening is in doubt
        self._connection, self._fd = connection, connection.socket
        assert self._loop is not None
        self._loop.add_reader(self._fd, self._readable)

    def changed(self) -> None:
        """What CheckFileInfo remembered may be out of date (a change here, or elsewhere)."""
        with self._lock:
            self._version += 1

    # -- syncs -----------------------------------------------------------------------------

    async def version(self) -> int | None:
        """The version as of now: every change committed before this call is counted. None
        when not listening: then nothing may be remembered."""
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            if self._connection is not None:
                self._watch(self._connection)
        if self._connection is None:
            self._listen_again()
            return None
        if self._sent is None:
            self._sent = waiting = self._loop.create_future()
            self._send()
        else:  # it left before this request came: wait for the next
            self._next = waiting = self._next or self._loop.create_future()
        version: int | None = await waiting
        return version

    def _send(self) -> None:
        """Send a sync (for `self._sent`), which gives up after SYNC_TIMEOUT: a connection
        that slow is dropped, and the database read instead until another is made."""
        connection = self._connection
        assert connection is not None and self._loop is not None
        self._timer = self._loop.call_later(SYNC_TIMEOUT, self._give_up, self._sent)
        try:
            connection.send_query(b"SELECT 1")
            if connection.flush():  # not all sent: the rest when the socket takes it
                self._loop.add_writer(self._fd, self._writable)
        except Exception:
            self._lost()

    def _give_up(self, sync: asyncio.Future[int | None] | None) -> None:
        if sync is not None and self._sent is sync:
            log.warning("jupyter_wopi: PostgreSQL took over %g s to answer a sync", SYNC_TIMEOUT)
            self._lost()

    def _writable(self) -> None:
        connection = self._connection
        if connection is None or self._loop is None:
            return
        try:
            if not connection.flush():
                self._loop.remove_writer(self._fd)
        except Exception:
            self._lost()

    def _readable(self) -> None:
        connection = self._connection
        if connection is None:
            return
        try:
            connection.consume_input()
            while connection.notifies() is not None:
                self.changed()
            while self._sent is not None and not connection.is_busy():
                if connection.get_result() is None:  # the sync's answer is complete
                    self._sync_done()
        except Exception:  # the connection is gone (PostgreSQL restarted, say)
            self._lost()

    def _sync_done(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        done, self._sent = self._sent, None
        if done is not None and not done.done():
            done.set_result(self._version)
        if self._next is not None:
            self._sent, self._next = self._next, None
            self._send()

    def _lost(self) -> None:
        connection, self._connection = self._connection, None
        self.changed()
        for waiting in (self._sent, self._next):
            if waiting is not None and not waiting.done():
                waiting.set_result(None)
        self._sent = self._next = None
        if connection is not None:
            self._unwatch(connection)

    def _unwatch(self, connection: pq.abc.PGconn) -> None:
        if self._loop is not None and not self._loop.is_closed() and self._fd >= 0:
            self._loop.remove_reader(self._fd)
            self._loop.remove_writer(self._fd)
        self._fd = -1
        connection.finish()

    def _listen_again(self) -> None:
        """In a thread of its own (connecting blocks), at most once a second."""
        with self._lock:
            if time.monotonic() < self._next_attempt:
                return
            self._next_attempt = float("inf")

        def connect() -> None:
            try:
                self.start()
            finally:
                self._next_attempt = time.monotonic() + RETRY_SECONDS

        threading.Thread(target=connect, name="jupyter_wopi-listen", daemon=True).start()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            self._unwatch(connection)

"""The base of the WOPI handlers that take a request body: uploads stream into an
AtomicWriter, other operations into a small buffer, and every way a body can go wrong while
it arrives is answered there and then."""

from __future__ import annotations

import copy
from typing import Any

from tornado.ioloop import IOLoop

from ..errors import Refused
from ..files.ids import FileRef
from ..files.io import UPLOAD_CHUNK_SIZE, AtomicWriter
from ..host.versions import make_room_now
from ..wopi.tokens import TokenClaims
from .wopi_base import WopiHandler

SMALL_BODY_LIMIT = 64 * 1024  # bodies of operations other than file uploads
_TOO_LARGE_FOR_OPERATION = (
    f"The request body is larger than the {SMALL_BODY_LIMIT // 1024} KiB this operation accepts."
)
UNBOUNDED = 1 << 62  # tornado's body limit for chunked uploads, which we count ourselves
CLOSE_AFTER_IDLE_ANSWER = 10.0  # seconds


class BodyStreamingHandler(WopiHandler):
    """Receives a request body into an AtomicWriter (uploads) or a small buffer (others).

    Whatever goes wrong while the body arrives (too large, disk full, the client stalls) is
    answered at once with a status and a sentence, the temporary file removed and the
    connection closed; nothing is raised out of `data_received`, where tornado would only
    drop the connection."""

    claims: TokenClaims
    file: FileRef
    writer: AtomicWriter | None = None
    small_body: bytearray | None = None
    body_received = False  # set when the verb method runs, i.e. after the whole body
    _idle_timer: object | None = None

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        if self.request.method == "POST" and not self.body_received:
            # Refused before the whole body arrived: tornado drops the connection after
            # answering, so tell keep-alive clients not to send their next request on it.
            self.set_header("Connection", "close")
        super().write_error(status_code, **kwargs)

    def start_upload(self, folder: str) -> None:
        limit = self.host.settings.max_file_size
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            raise Refused(413, _too_large(limit))
        # A chunked body has no length to check here: data_received counts it and answers
        # 413 itself (tornado's own limit would answer 400 without a word).
        self.request.connection.set_max_body_size(  # type: ignore[union-attr]
            limit + 1 if length is not None else UNBOUNDED
        )
        self._read_in_large_chunks()
        host = self.host
        self.writer = AtomicWriter(folder, lambda needed: make_room_now(host, needed))
        self._watch_idle()

    def start_small_body(self) -> None:
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > SMALL_BODY_LIMIT):
            raise Refused(413, _TOO_LARGE_FOR_OPERATION)
        self.small_body = bytearray()
        self._watch_idle()

    def _read_in_large_chunks(self) -> None:
        """Receive the body in 1 MiB pieces instead of tornado's 64 KiB: a quarter less CPU
        per upload (tornado internals, so best effort; restored in on_finish)."""
        connection: Any = self.request.connection
        try:
            stream = connection.stream
            self._saved_read_chunk_size = stream.read_chunk_size
            connection.params = copy.copy(connection.params)
            connection.params.chunk_size = UPLOAD_CHUNK_SIZE
            stream.read_chunk_size = UPLOAD_CHUNK_SIZE
        except AttributeError:
            pass

    def data_received(self, chunk: bytes) -> None:
        if self._finished:
            return
        self._watch_idle()
        try:
            if self.writer is not None:
                if self.writer.size + len(chunk) > self.host.settings.max_file_size:
                    raise Refused(413, _too_large(self.host.settings.max_file_size))
                self.writer.write(chunk)
            elif self.small_body is not None:
                if len(self.small_body) + len(chunk) > SMALL_BODY_LIMIT:
                    raise Refused(413, _TOO_LARGE_FOR_OPERATION)
                self.small_body.extend(chunk)
        except (Refused, OSError) as err:
            self.refuse_while_receiving(err)

    def refuse_while_receiving(self, error: Exception) -> None:
        """Answer now, before the rest of the body: tornado then discards what still
        arrives and closes the connection once the answer is sent."""
        self.discard_upload()
        self.log_exception(type(error), error, error.__traceback__)
        self.send_error(500, exc_info=(type(error), error, error.__traceback__))

    def _watch_idle(self) -> None:
        """(Re)start the countdown after which a stalled body is abandoned."""
        loop = IOLoop.current()
        if self._idle_timer is not None:
            loop.remove_timeout(self._idle_timer)
        self._idle_timer = loop.call_later(self.host.settings.upload_idle_timeout, self._on_idle)

    def _on_idle(self) -> None:
        self._idle_timer = None
        if self._finished:
            return
        timeout = self.host.settings.upload_idle_timeout
        self.refuse_while_receiving(
            Refused(
                408,
                f"No bytes of the request body arrived for {timeout:g} s, so it was abandoned "
                "and nothing was changed (setting JUPYTER_WOPI_UPLOAD_IDLE_TIMEOUT).",
            )
        )
        # A client that no longer reads would keep the connection: close it regardless.
        connection: Any = self.request.connection
        IOLoop.current().call_later(CLOSE_AFTER_IDLE_ANSWER, connection.close)

    def body_complete(self) -> bool:
        """The verb method starts: the whole body is here, unless it was answered already
        while arriving (then the method must do nothing)."""
        if self._finished:
            return False
        self.body_received = True
        self._stop_watching_idle()  # committing may take longer than the idle timeout
        return True

    def _stop_watching_idle(self) -> None:
        if self._idle_timer is not None:
            IOLoop.current().remove_timeout(self._idle_timer)
            self._idle_timer = None

    async def complete_upload(self) -> AtomicWriter:
        """The complete upload, made durable. It stays registered, so that whatever happens
        next, on_finish removes the temporary file unless a commit renamed it away."""
        assert self.writer is not None
        await self.in_thread(self.writer.flush)
        return self.writer

    def discard_upload(self) -> None:
        if self.writer is not None:
            self.writer.discard()
            self.writer = None

    def on_finish(self) -> None:
        self._stop_watching_idle()
        self.discard_upload()
        saved = getattr(self, "_saved_read_chunk_size", None)
        stream = getattr(self.request.connection, "stream", None)
        if saved is not None and stream is not None:
            stream.read_chunk_size = saved  # keep-alive: later requests read as before

    def on_connection_close(self) -> None:
        # The client gave up mid-upload: leave the file untouched, and let tornado end the
        # request (the base class fails the body future the request is waiting on).
        self._stop_watching_idle()
        self.discard_upload()
        super().on_connection_close()


def _too_large(limit: int) -> str:
    return (
        f"The file is larger than the limit of {limit} bytes (setting JUPYTER_WOPI_MAX_FILE_SIZE)."
    )

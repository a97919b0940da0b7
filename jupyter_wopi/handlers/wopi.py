"""WOPI REST endpoints (spec §5): `wopi/files/{id}` and `wopi/files/{id}/contents`.

Thin handlers: they read headers, call the lock rules, the savers and the file store, and
answer. Bodies are streamed: a document is never held in memory.
"""

from __future__ import annotations

import asyncio
import functools
import os
from contextlib import aclosing

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.utils import ensure_async
from tornado import web
from tornado.iostream import StreamClosedError

from ..errors import Refused
from ..files.io import DOWNLOAD_CHUNK_SIZE, read_chunks
from ..files.permissions import require_writable, write_access
from ..host import locking
from ..host.save_as import (
    RelativePlan,
    check_relative_target,
    commit_put_relative,
    plan_put_relative,
    rename_in_place,
)
from ..host.saving import check_put_lock, commit_put_file, upload_folder
from ..host.versions import Precopy, discard, finish_loaded_copy, precopy, start_loaded_copy
from ..state import Store
from ..wopi import lock_rules
from ..wopi.file_info import check_file_info_json
from ..wopi.file_state import FileState
from ..wopi.names import decode_utf7
from .wopi_body import BodyStreamingHandler

FILE_OVERRIDES = {
    "LOCK",
    "UNLOCK",
    "REFRESH_LOCK",
    "GET_LOCK",
    "PUT_RELATIVE",
    "RENAME_FILE",
    "DELETE",
    "PUT_USER_INFO",
}
SAVE_OVERRIDES = {"UNLOCK", "REFRESH_LOCK"}  # accepted within the save grace period
_OWNER_ID = os.environ.get("USER") or str(os.getuid())  # the account serving the files


@web.stream_request_body
class FileContentsHandler(BodyStreamingHandler):
    """GetFile (GET) and PutFile (POST), spec §5.3."""

    # The bytes the save will replace, copied while the upload streams when keeping them as
    # a version needs a copy (host.versions.precopy); None once handed to the commit.
    precopy: asyncio.Future[Precopy | None] | None = None

    async def prepare(self) -> None:
        if self.request.method != "POST":
            return
        override = self.request.headers.get("X-WOPI-Override", "PUT").upper()
        self.claims, self.file = await self.authorize(
            self.path_kwargs["file_id"], for_save=True, put_file=True
        )
        if override != "PUT":
            raise Refused(501, f"X-WOPI-Override '{override}' is not supported on contents.")
        if self.revoked:  # kept as a conflict copy, whatever the lock
            self.start_upload(upload_folder(self.host, self.file, revoked=True))
            return
        self.require_write(self.claims)
        if not self.file.deleted:
            # Fail fast on a lock mismatch before the body is read; checked again at commit.
            file_id, size = self.file.file_id, os.path.getsize(self.file.os_path)
            lock_id = self.request.headers.get("X-WOPI-Lock") or None
            await self.host.state.read(lambda store: check_put_lock(store, file_id, lock_id, size))
            self.precopy = asyncio.ensure_future(precopy(self.host, file_id, self.file.write_path))
        self.start_upload(upload_folder(self.host, self.file))

    def on_finish(self) -> None:
        super().on_finish()
        self._drop_precopy()

    def on_connection_close(self) -> None:
        super().on_connection_close()
        self._drop_precopy()

    def _drop_precopy(self) -> None:
        """The save never reached its commit: the copy made for its version goes."""
        pending, self.precopy = self.precopy, None
        if pending is not None:
            host = self.host
            pending.add_done_callback(
                lambda done: (
                    None if done.cancelled() or done.exception() else discard(host, done.result())
                )
            )

    @allow_unauthenticated
    async def get(self, file_id: str) -> None:
        claims, file = await self.authorize(file_id)
        with open(file.os_path, "rb") as stream:
            stat = os.fstat(stream.fileno())
            state = FileState.from_stat(stat)
            limit = self.request.headers.get("X-WOPI-MaxExpectedSize", "")
            if limit.isdigit() and state.size > int(limit):
                raise Refused(
                    412,
                    f"The file is {state.size} bytes, more than the "
                    f"X-WOPI-MaxExpectedSize of {limit}.",
                )
            self.set_header("Content-Type", "application/octet-stream")
            self.set_header("Content-Length", str(state.size))
            self.set_header("X-WOPI-ItemVersion", state.version)
            # What an editor loads is kept as a version, copied as it streams (a kernel's
            # overwrite before its next save is then recoverable); a viewer never saves.
            loading = claims.can_write and not file.of_version
            copy = await start_loaded_copy(self.host, file, state) if loading else None
            complete, last = False, b""
            try:
                async with aclosing(read_chunks(stream, DOWNLOAD_CHUNK_SIZE)) as chunks:
                    async for chunk in chunks:
                        if last:
                            self.write(last)
                            await self.flush()  # backpressure: at most one chunk buffered
                        if copy is not None:
                            await self.in_thread(functools.partial(copy.write, chunk))
                        last = chunk
                complete = True
            except StreamClosedError:
                return
            finally:
                if copy is not None:
                    await finish_loaded_copy(self.host, file, stat, copy, complete=complete)
            # The last chunk goes out once the loaded bytes are kept: an editor that has
            # them all finds them in the history, whatever it asks next (a save).
            self.write(last)
        self.finish()

    @allow_unauthenticated
    async def post(self, file_id: str) -> None:
        if not self.body_complete():
            return
        writer = await self.complete_upload()
        copied = None
        if self.precopy is not None:
            pending, self.precopy = self.precopy, None
            copied = await pending
        result = await commit_put_file(
            self.host,
            self.file,
            self.claims,
            writer,
            lock_id=self.request.headers.get("X-WOPI-Lock") or None,
            loaded_stamp=self.request.headers.get("X-LOOL-WOPI-Timestamp"),
            editor_id=self.request.headers.get("X-WOPI-Editors"),
            revoked=self.revoked,
            copied=copied,
        )
        self.set_header("X-WOPI-ItemVersion", result.version)
        self.write_json({"LastModifiedTime": result.last_modified})
        file_id, path = self.file.file_id, self.file.api_path
        if result.kept_as:
            self.host.events.emit("kept-as-copy", file_id, path, copy_path=result.kept_as)
        else:
            self.host.events.emit("saved", file_id, path)


@web.stream_request_body
class FileHandler(BodyStreamingHandler):
    """CheckFileInfo (GET) and the `X-WOPI-Override` operations (POST), spec §5.2–§5.8."""

    override: str
    relative_plan: RelativePlan

    async def prepare(self) -> None:
        if self.request.method != "POST":
            return
        self.override = self.request.headers.get("X-WOPI-Override", "").upper()
        self.claims, self.file = await self.authorize(
            self.path_kwargs["file_id"], for_save=self.override in SAVE_OVERRIDES
        )
        if self.override not in FILE_OVERRIDES:
            raise Refused(501, f"X-WOPI-Override '{self.override}' is not supported.")
        if self.override == "PUT_RELATIVE":
            self.relative_plan = plan_put_relative(self.file, self.claims, self.request.headers)
            await check_relative_target(self.host, self.relative_plan)
            self.start_upload(self.file.folder)
        else:
            self.start_small_body()

    @allow_unauthenticated
    async def get(self, file_id: str) -> None:
        claims, file = await self.authorize(file_id)
        user_info, reopened = await self.host.state.file_info_extras(claims.user_id, file.file_id)
        file_url = self.host.lab_url(claims, file.api_path)
        folder_api = file.folder_api_path
        file_writable, folder_writable = write_access(file.os_path)
        self.write_json_body(
            check_file_info_json(
                name=file.name,
                folder_name=folder_api.rpartition("/")[2] or "Home",
                state=FileState.from_stat(os.stat(file.os_path)),
                claims=claims,
                file_writable=file_writable,
                folder_writable=folder_writable,
                owner_id=_OWNER_ID,
                user_info=user_info,
                reopened=reopened,
                host_edit_url=file_url,
                host_view_url=file_url,
                folder_url=self.host.lab_url(claims, folder_api),
                version_history=self.host.versions is not None,
                version_history_url=self.host.versions_page_url(claims, file.api_path),
                of_version=file.of_version,
            )
        )

    @allow_unauthenticated
    async def post(self, file_id: str) -> None:
        if not self.body_complete():
            return
        await getattr(self, "_" + self.override.lower())()

    # -- locks (spec §5.4) ---------------------------------------------------------------

    def _lock_header(self, name: str = "X-WOPI-Lock") -> str:
        return lock_rules.validate_lock_id(self.request.headers.get(name), name)

    def _finish_with_version(self) -> None:
        state = FileState.from_stat(os.stat(self.file.os_path))
        self.set_header("X-WOPI-ItemVersion", state.version)
        self.finish()

    async def _lock(self) -> None:
        self.require_write(self.claims)
        requested = self._lock_header()
        old = None
        if "X-WOPI-OldLock" in self.request.headers:  # UnlockAndRelock
            old = self._lock_header("X-WOPI-OldLock")
        file_id, holder, user_id = self.file.file_id, self.claims.user_name, self.claims.user_id

        def take(store: Store) -> None:
            locking.lock(store, file_id, requested, holder, old)
            store.remember_person(user_id, holder)  # X-WOPI-Editors names them by id

        await self.host.state.write(take)
        self._finish_with_version()
        self.host.events.emit("locked", file_id, self.file.api_path)

    async def _refresh_lock(self) -> None:
        if not self.revoked:  # a co-editing session outlives one editor's permission
            self.require_write(self.claims)
        requested = self._lock_header()
        file_id, holder = self.file.file_id, self.claims.user_name
        await self.host.state.write(
            lambda store: locking.refresh(store, file_id, requested, holder)
        )
        self.finish()

    async def _unlock(self) -> None:
        if not self.revoked:
            self.require_write(self.claims)
        requested = self._lock_header()
        file_id = self.file.file_id
        await self.host.state.write(lambda store: locking.unlock(store, file_id, requested))
        self._finish_with_version()
        self.host.events.emit("unlocked", file_id, self.file.api_path)

    async def _get_lock(self) -> None:
        file_id = self.file.file_id
        current = await self.host.state.read(lambda store: store.get_lock(file_id))
        self.set_header("X-WOPI-Lock", current.lock_id if current else "")
        self.finish()

    # -- files ---------------------------------------------------------------------------

    async def _put_relative(self) -> None:
        writer = await self.complete_upload()
        self.write_json(await commit_put_relative(self.host, self.relative_plan, writer))

    async def _rename_file(self) -> None:
        self.require_write(self.claims)
        lock_id = self.request.headers.get("X-WOPI-Lock") or None
        file_id = self.file.file_id
        await self.host.state.read(lambda store: locking.check_change(store, file_id, lock_id))
        stem = decode_utf7(self.request.headers.get("X-WOPI-RequestedName", ""))
        new_name = await rename_in_place(self.host, self.file, stem)
        self.write_json({"Name": os.path.splitext(new_name)[0]})
        if new_name != self.file.name:
            self.host.events.emit("renamed", file_id, self.file.sibling(new_name))

    async def _delete(self) -> None:
        self.require_write(self.claims)
        file_id = self.file.file_id
        await self.host.state.read(lambda store: locking.check_change(store, file_id, None))
        require_writable(self.file.os_path, self.file.name, "deleted")
        await ensure_async(self.host.files.contents_manager.delete(self.file.api_path))
        await self.host.state.write(lambda store: store.clear_lock(file_id))
        self.finish()

    async def _put_user_info(self) -> None:
        info = (self.small_body or b"").decode("utf-8", errors="replace")
        if len(info) > 1024:  # Microsoft's limit for UserInfo
            raise Refused(400, "UserInfo is limited to 1024 characters.")
        user_id = self.claims.user_id
        await self.host.state.write(lambda store: store.set_user_info(user_id, info))
        self.finish()

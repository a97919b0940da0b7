"""Document sessions: what DS keeps per document key (common info, lock id, callback list,
cached content) and the Python controls that stand in for the editor (load, edit, save,
close, save as, rename). Failures never raise: they are recorded, as DS only logs them."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from .formats import blank_template, convert_bytes
from .images import InsertedImage, download_image
from .jsutil import truthy
from .operations import (
    get_file,
    json_string,
    lock_operation,
    put_file,
    put_relative_file,
    rename_file,
)
from .settings import Settings
from .users import EditorUser, can_edit
from .wopi_calls import Call, WopiClient

log = logging.getLogger("onlyoffice_double")


@dataclass
class FailedOpen:
    """DS's task row in its error state after an open failed (client-behavior §17), with the
    Version and LastModifiedTime of the CheckFileInfo the session was opened with: a later
    CheckFileInfo that differs in either drops the cache (`EditorOpener.session_for`)."""

    reason: str
    version: Any
    last_modified_time: Any
    at: float = field(default_factory=time.time)

    def expired(self, expiry_s: float) -> bool:
        return time.time() - self.at >= expiry_s


class SessionStore:
    """DS's task table, reduced: sessions by document key, and "forgotten" files."""

    def __init__(self) -> None:
        self.sessions: dict[str, DocumentSession] = {}
        self.forgotten: dict[str, bytes] = {}  # final saves that failed, by document key


class DocumentSession:
    """Everything DS holds for one document key; shared by all users of that key."""

    def __init__(
        self,
        *,
        key: str,
        wopi_src: str,
        file_type: str,
        document_type: str,
        common_info: dict[str, Any],
        client: WopiClient,
        settings: Settings,
        store: SessionStore,
    ) -> None:
        self.key = key
        self.wopi_src = wopi_src  # the first opener's; the key ignores host and base path (§3)
        self.file_type = file_type
        self.document_type = document_type
        self.common_info = common_info  # the first opener's CheckFileInfo (DS "common info")
        self.lock_id = key  # deterministic since 8.1 (client-behavior §3)
        self.users: list[EditorUser] = []  # connections, in joining order
        # DS's callback list (client-behavior §17): each user's WOPISrc + token from their
        # form POST, in joining order; a PutFile answered with LastModifiedTime moves its
        # user to the end (DS appends a "modified marker" carrying that user's userAuth).
        self.callbacks: list[EditorUser] = []
        self.content: bytes | None = None  # DS's cached copy of the document
        self.loaded = False
        self.changed = False  # changes not yet saved to the host
        self.last_change_user: EditorUser | None = None
        self.last_leaver: EditorUser | None = None  # Unlock goes through this user (§17)
        self.from_forgotten = False
        stamp = common_info.get("LastModifiedTime")
        self.last_modified_time: str | None = str(stamp) if truthy(stamp) else None
        self.ended = False  # the last editor left and DS wrote its unlock marker
        self.failed_open: FailedOpen | None = None  # set when loading failed (§17)
        self.errors: list[str] = []
        self.inserted_images: list[InsertedImage] = []  # Action_InsertGraphic, in order
        self._client = client
        self._settings = settings
        self._store = store

    def __repr__(self) -> str:
        return f"<DocumentSession {self.key} users={len(self.users)} ended={self.ended}>"

    # -- users --------------------------------------------------------------------------

    @property
    def is_view(self) -> bool:
        return self.key.startswith("view.")

    @property
    def connected_users(self) -> list[EditorUser]:
        return [u for u in self.users if u.connected]

    @property
    def last_user(self) -> EditorUser:
        """The last entry of the callback list: what DS uses when it has no user index
        (refreshWopiLock, client-behavior §6, §17). May be a user who already left."""
        return self.callbacks[-1]

    def user(self, user_session_id: str) -> EditorUser:
        return next(u for u in self.users if u.user_session_id == user_session_id)

    def add_user(self, user: EditorUser) -> None:
        self.users.append(user)
        self.callbacks.append(user)
        self.ended = False

    def _move_callback_to_end(self, user: EditorUser) -> None:
        """processWopiPutFile's modified marker (client-behavior §17)."""
        if user in self.callbacks:
            self.callbacks.remove(user)
        self.callbacks.append(user)

    def _default_user(self, user: EditorUser | None) -> EditorUser:
        if user is not None:
            return user
        connected = self.connected_users
        if not connected:
            raise RuntimeError(f"no editor is connected to {self.key}")
        return connected[-1]

    def _record(self, message: str) -> None:
        log.info("onlyoffice double [%s]: %s", self.key, message)
        self.errors.append(message)

    @property
    def calls(self) -> list[Call]:
        """The WOPI calls made for this document key."""
        return [c for c in self._client.calls if c.document_key == self.key]

    # -- content ------------------------------------------------------------------------

    async def load(self, user: EditorUser | None = None) -> bytes | None:
        """What the converter does when the first editor opens the document
        (client-behavior §2.4): the forgotten file if any, nothing if the stored Size is 0
        (the blank template is used), else GetFile with retries. None on failure; a failure
        is cached, so later loads of this key fail at once without GetFile (§17)."""
        if self.loaded:
            return self.content
        user = self._default_user(user)
        if self._cached_failure():
            return None
        forgotten = self._store.forgotten.pop(self.key, None)
        if forgotten is not None:
            self.content, self.loaded = forgotten, True
            self.changed = self.from_forgotten = True  # re-saved when this session ends
            return self.content
        size = self.common_info.get("Size")
        if size == 0 and not isinstance(size, bool):
            self.content, self.loaded = blank_template(self.file_type), True
            return self.content
        info = self.common_info
        if truthy(info.get("FileUrl")) or truthy(info.get("TemplateSource")):
            self._record("FileUrl/TemplateSource downloads are not simulated")
            return None
        content = await get_file(
            self._client,
            self._settings,
            wopi_src=user.wopi_src,
            token=user.access_token,
            session_id=None,  # the converter has no user context (client-behavior §17)
            document_key=self.key,
            record=self._record,
        )
        if content is not None:
            self.content, self.loaded = content, True
        elif self._settings.cache_failed_opens:
            self.failed_open = FailedOpen(
                reason=self.errors[-1] if self.errors else "GetFile failed",
                version=info.get("Version"),
                last_modified_time=info.get("LastModifiedTime"),
            )
        return content

    def _cached_failure(self) -> bool:
        """DS keeps a failed open in its task row: the editor gets the error at once, with
        no new GetFile, until the cache is dropped (file changed, or expire.files passed)."""
        failed = self.failed_open
        if failed is None:
            return False
        settings = self._settings
        if not settings.cache_failed_opens or failed.expired(settings.failed_open_expiry):
            self.failed_open = None
            return False
        self._record(f"the open failed before ({failed.reason}): DS's cached error, no GetFile")
        return True

    def edit(self, user: EditorUser | None, content: bytes, *, notify_page: bool = True) -> None:
        """A user changed the document; `content` is what DS would assemble now. An open
        editor page of that user then posts Edit_Notification (if enabled)."""
        user = self._default_user(user)
        if user.mode == "view":
            raise ValueError(f"user {user.user_id} has the document in view mode")
        if not self.loaded:
            raise RuntimeError("the document is not loaded yet: await session.load() first")
        self.content = content
        self.changed = True
        self.last_change_user = user
        if notify_page:
            user.signals.append("change")

    async def insert_image(self, user: EditorUser, url: str) -> InsertedImage:
        """Action_InsertGraphic reached `user`'s editor: DS downloads the URL server side;
        an image goes into the document, a change like any other (client-behavior §10)."""
        image = await download_image(url, user.user_id, self._settings)
        if image.inserted and (user.mode == "view" or not self.loaded):
            image.error = "the document is not open for editing"
        self.inserted_images.append(image)
        if image.inserted:
            mark = f"\n[image {image.sha256[:12]}, {len(image.data)} bytes, by {user.user_id}]"
            self.edit(user, (self.content or b"") + mark.encode())
        else:
            self._record(f"image not inserted: {image.error} ({url})")
        return image

    # -- saving -------------------------------------------------------------------------

    async def _put_file(
        self, author: EditorUser, *, modified: bool, autosave: bool, exit_save: bool
    ) -> Call | None:
        """PutFile through the author's callback (WOPISrc + token), the lock id and
        X-LOOL-WOPI-* (§5.2); only if SupportsUpdate or canEdit in the common info.
        X-WOPI-Editors names the last changer even when someone else pressed Save
        (processWopiPutFile gets userLastChangeId)."""
        info = self.common_info
        if not (truthy(info.get("SupportsUpdate")) or can_edit(info)):
            self._record("PutFile not sent: SupportsUpdate and canEdit are false")
            return None
        call = await put_file(
            self._client,
            self._settings,
            wopi_src=author.wopi_src,
            token=author.access_token,
            content=self.content or b"",
            file_type=self.file_type,
            lock_id=self.lock_id,
            editor=(self.last_change_user or author).user_id,
            session_id=None,  # save PutFiles carry no X-WOPI-SessionId (client-behavior §17)
            flags={"IsModifiedByUser": modified, "IsAutosave": autosave, "IsExitSave": exit_save},
            timestamp=self.last_modified_time if truthy(info.get("LastModifiedTime")) else None,
            document_key=self.key,
        )
        if call.ok:
            stamp = json_string(call, "LastModifiedTime")
            if stamp:  # DS writes a "modified marker" and echoes it on the next PutFile
                self.last_modified_time = stamp
                self._move_callback_to_end(author)
        return call

    async def force_save(self, user: EditorUser | None = None, *, autosave: bool = False) -> bool:
        """Force-save while the document stays open: `user` pressed Save (with `forcesave`),
        or the auto-assembly timer when `autosave` or no user is given. The Save button's
        PutFile goes through the presser's callback, the timer's through the last changer's
        (commandSfcCallback's callbackUserIndex, client-behavior §17). Without unsaved
        changes DS sends nothing and this returns False; a failed PutFile is recorded and
        returns False."""
        if not self.changed:
            self._record("force-save: no changes, nothing sent")
            return False
        if user is not None and not autosave:
            author = user
        else:
            author = self.last_change_user or self._default_user(None)
        call = await self._put_file(author, modified=True, autosave=autosave, exit_save=False)
        if call is None or not call.ok:
            self._record(f"force-save failed: {call.status if call else 'not sent'}")
            return False
        self.changed = False
        self.from_forgotten = False
        return True

    async def close(self, user: EditorUser | None = None, *, on_purpose: bool = True) -> None:
        """The user's editor disconnects. When the last one leaves an edit session: final
        save (if changed) through the last changer's callback, then Unlock through the last
        leaver's; or Unlock alone (client-behavior §5.1, §6, §17).
        `on_purpose=False` (tab closed, network lost) waits save_timeout_delay first."""
        user = self._default_user(user)
        user.connected = False
        user.closed_on_purpose = user.closed_on_purpose or on_purpose
        if self.connected_users:
            return
        self.last_leaver = user
        if self.is_view:
            self.ended = True
            return
        if not self.changed:
            await self._unlock(user)  # cleanDocumentOnExitNoChanges: last leaver's token
            self.ended = True  # the cached copy survives; see open_editor's cache check
            return
        if not user.closed_on_purpose:
            await asyncio.sleep(self._settings.save_timeout_delay)
        author = self.last_change_user or user
        call = await self._put_file(author, modified=True, autosave=False, exit_save=True)
        if call is None or not call.ok:
            self._record(
                f"final save failed ({call.status if call else 'not sent'}): kept as a "
                "forgotten file for the next opening"
            )
            self._store.forgotten[self.key] = self.content or b""
        await self._unlock(user)  # the last leaver, not the save author (§17)
        self.ended = True
        self._store.sessions.pop(self.key, None)  # DS clears its cache after the exit save

    async def _lock_call(self, override: str, user: EditorUser, session_id: str | None) -> Call:
        return await lock_operation(
            self._client,
            self._settings,
            override,
            wopi_src=user.wopi_src,
            token=user.access_token,
            lock_id=self.lock_id,
            session_id=session_id,
            document_key=self.key,
        )

    async def _unlock(self, user: EditorUser) -> bool:
        """wopiClient.unlock: only with SupportsLocks, never for a view entry."""
        if user.mode == "view" or not truthy(self.common_info.get("SupportsLocks")):
            return False
        call = await self._lock_call("UNLOCK", user, None)  # no SessionId (§17)
        if not call.ok:
            self._record(f"Unlock failed: {call.status}")
        return call.ok

    async def refresh_lock(self) -> bool:
        """One tick of DS's global refreshWopiLock timer for this document: REFRESH_LOCK
        through the last callback entry (`last_user`) and no X-WOPI-SessionId
        (client-behavior §6, §17).
        Skipped (False) without a connected edit user that has an access_token_ttl."""
        editing = [u for u in self.connected_users if u.mode != "view" and u.access_token_ttl]
        if self.ended or self.is_view or not editing:
            return False
        if not truthy(self.common_info.get("SupportsLocks")):
            return False
        call = await self._lock_call("REFRESH_LOCK", self.last_user, None)
        if not call.ok:
            self._record(f"RefreshLock failed: {call.status}")
        return call.ok

    async def reconnect(self, user: EditorUser) -> bool:
        """The editor's websocket comes back ("restore", client-behavior §2.3): in edit mode
        DS sends Lock again with the stored lock id; a failure is a restore error (4010)."""
        user.connected = True
        self.ended = False
        if user.mode == "view" or not truthy(self.common_info.get("SupportsLocks")):
            return True
        call = await self._lock_call("LOCK", user, user.user_session_id)
        if not call.ok:
            self._record(f"Restore error. Wopi lock error ({call.status}); code 4010")
        return call.ok

    # -- save as / rename ---------------------------------------------------------------

    async def save_as(self, user: EditorUser | None, name_or_ext: str) -> dict[str, Any] | None:
        """ "Save copy as": PutRelativeFile in suggested mode with the user's token, no lock
        (client-behavior §5.3). `name_or_ext` is a full name or ".ext". Returns the
        response JSON, or None (recorded) on failure."""
        user = self._default_user(user)
        info = self.common_info
        if not (
            (truthy(info.get("SupportsUpdate")) or truthy(info.get("UserCanWrite")))
            and not truthy(info.get("UserCanNotWriteRelative"))
        ):
            self._record("Save copy as is hidden in the editor (UserCanNotWriteRelative)")
            return None
        ext = name_or_ext.rpartition(".")[2].lower() if "." in name_or_ext else self.file_type
        content = self.content or b""
        if ext != self.file_type:
            content = convert_bytes(content, self.file_type, ext)
        return await put_relative_file(
            self._client,
            self._settings,
            wopi_src=user.wopi_src,
            token=user.access_token,
            content=content,
            suggested_ext=f".{ext}",
            suggested_target=None if name_or_ext.startswith(".") else name_or_ext,
            conversion=False,
            session_id=None,  # PUT_RELATIVE carries no X-WOPI-SessionId (client-behavior §17)
            document_key=self.key,
            record=self._record,
        )

    async def rename(self, user: EditorUser | None, name: str) -> str | None:
        """The editor's rename UI: RenameFile with the lock id and UTF-7 X-WOPI-RequestedName
        cut to FileNameMaxLength (default 255); only with SupportsRename (client-behavior
        §5.4). Returns the new `Name` or None (recorded)."""
        user = self._default_user(user)
        info = self.common_info
        if self.is_view or not truthy(info.get("SupportsRename")):
            self._record("RenameFile not sent: SupportsRename is false")
            return None
        max_length = info.get("FileNameMaxLength") or 255
        name = name[: int(max_length)]
        call = await rename_file(
            self._client,
            self._settings,
            wopi_src=user.wopi_src,
            token=user.access_token,
            lock_id=self.lock_id,
            name=name,
            session_id=None,  # RENAME_FILE carries no X-WOPI-SessionId (client-behavior §17)
            document_key=self.key,
        )
        new_name = json_string(call, "Name") if call.ok else None
        if new_name is None:
            # An empty body reaches DS as "" and JSON.parse fails (spec §5.6).
            self._record(f"RenameFile failed: {call.status} {call.response_body[:200]!r}")
        return new_name

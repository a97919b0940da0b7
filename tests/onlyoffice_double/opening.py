"""`POST /hosting/wopi/{type}/{mode}`: wopiClient.getEditorHtml step by step
(client-behavior §2.1): CheckFileInfo, blank-template PutFile, canEdit, document key and
cache check, Lock (failure → forced view mode), then the editor page."""

from __future__ import annotations

import copy
import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from .editor import editor_config, make_jwt, render_editor
from .formats import blank_template
from .jsutil import deep_merge, parse_int, sanitize_doc_id, truthy
from .operations import check_file_info, json_string, lock_operation, put_file
from .session import DocumentSession, SessionStore
from .settings import Settings
from .users import EditorUser, can_edit
from .wopi_calls import Call, WopiClient

log = logging.getLogger("onlyoffice_double")
FILE_INFO_BLOCK_LIST = ("FileUrl",)  # wopi.fileInfoBlockList
FORCESAVE_CONFIG: dict[str, Any] = {"editorConfig": {"customization": {"forcesave": True}}}


class OpenError(Exception):
    """Any failure that makes DS render the "could not be loaded" panel."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class EditorPage:
    """One host-page POST and what the double did with it. The HTTP answer is always 200."""

    document_type: str
    mode: str  # the route's mode
    query: dict[str, Any]
    html: str = ""
    key: str | None = None
    session: DocumentSession | None = None
    user: EditorUser | None = None
    error: str | None = None  # why the error panel is shown
    upstream_status: int | None = None  # DS's params.statusCode (ignored by the page)
    config: dict[str, Any] | None = None
    calls: list[Call] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def forced_view_mode(self) -> bool:
        return self.user is not None and self.user.forced_view_mode


def js_str(value: Any) -> str:
    """`${value}` in a JavaScript template literal."""
    if value is None:
        return "undefined"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def file_type_of(file_info: dict[str, Any]) -> str:
    """getFileTypeByInfo: extension of BaseFileName, FileExtension (minus its first char)
    wins, lower-cased."""
    name = file_info.get("BaseFileName")
    file_type = ""
    if truthy(name):
        name = str(name)
        file_type = name[name.rfind(".") + 1 :]
    if truthy(file_info.get("FileExtension")):
        file_type = str(file_info["FileExtension"])[1:]
    return file_type.lower()


def create_doc_id(wopi_src: str, mode: str, file_info: dict[str, Any]) -> str:
    """client-behavior §3 (also forces SupportsRename off in view mode, like DS)."""
    file_id = wopi_src[wopi_src.rfind("/") + 1 :]
    if mode != "view":
        doc_id = file_id
    else:
        file_info["SupportsRename"] = False
        stamp = file_info.get("LastModifiedTime")
        version = stamp if truthy(stamp) else file_info.get("Version")
        doc_id = f"view.{file_id}.{js_str(version)}"
    return sanitize_doc_id(doc_id)


def single(query: dict[str, Any], name: str) -> str | None:
    """A query value as express gives it: a string, or an array when repeated."""
    value = query.get(name)
    if isinstance(value, list):
        raise OpenError(f"query parameter {name!r} was given {len(value)} times")
    return value


class EditorOpener:
    """Runs the host-page POST for the double."""

    def __init__(self, client: WopiClient, settings: Settings, store: SessionStore) -> None:
        self.client = client
        self.settings = settings
        self.store = store

    async def open(
        self, document_type: str, mode: str, query: dict[str, Any], body: dict[str, str]
    ) -> EditorPage:
        page = EditorPage(document_type=document_type, mode=mode, query=query)
        first_call = len(self.client.calls)
        file_info: dict[str, Any] = {}
        user_auth: dict[str, Any] = {}
        try:
            file_info, user_auth = await self._open(page, document_type, mode, query, body)
        except OpenError as err:
            page.error, page.upstream_status = str(err), err.status
            file_info = {}
        except Exception as err:  # DS catches everything and renders the error panel
            log.exception("onlyoffice double: opening failed")
            page.error = f"{type(err).__name__}: {err}"
            file_info = {}
        page.calls = self.client.calls[first_call:]
        for call in page.calls:
            call.document_key = call.document_key or page.key
        token = make_jwt({"key": page.key, "fileInfo": file_info}) if page.ok else None
        page.html = render_editor(
            settings=self.settings,
            file_info=file_info,
            key=page.key,
            document_type=document_type,
            user_auth=user_auth,
            query=query,
            config=page.config,
            token=token,
        )
        return page

    async def _open(
        self,
        page: EditorPage,
        document_type: str,
        mode: str,
        query: dict[str, Any],
        body: dict[str, str],
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        wopi_src = single(query, "wopisrc")
        if not wopi_src:
            raise OpenError("no wopisrc in the query")  # wopiSrc.substring → TypeError
        usid = single(query, "usid") or str(uuid.uuid4())
        sc = single(query, "sc")
        lang, ui = single(query, "lang"), single(query, "ui")
        token = body.get("access_token") or ""
        ttl = parse_int(body.get("access_token_ttl"))
        raw_config = body.get("docs_api_config")
        try:
            docs_api_config = json.loads(raw_config) if raw_config else {}
        except ValueError as err:
            raise OpenError(f"docs_api_config is not JSON: {err}") from err
        if not isinstance(docs_api_config, dict):
            docs_api_config = {}
        if self.settings.forcesave:  # the knob stands in for a host sending this config
            docs_api_config = deep_merge(FORCESAVE_CONFIG, docs_api_config)

        file_info = await self.check_file_info(wopi_src, token, sc, usid)
        file_type = file_type_of(file_info)
        await self.replace_empty_file(file_info, wopi_src, token, usid, file_type, lang, ui)
        user = EditorUser(
            index=0,
            wopi_src=wopi_src,
            access_token=token,
            access_token_ttl=ttl,
            user_session_id=usid,
            mode=mode,
            forced_view_mode=False,
            file_info=file_info,
            query=query,
        )
        if not can_edit(file_info):
            user.mode, user.forced_view_mode = "view", True
        session = await self.prepare(page, wopi_src, file_info, user, file_type, document_type)
        user.index = len(session.users) + 1
        session.add_user(user)
        page.session, page.user = session, user
        page_info = {k: v for k, v in file_info.items() if k not in FILE_INFO_BLOCK_LIST}
        user_auth = user.user_auth()
        page.config = editor_config(
            file_info=page_info,
            key=session.key,
            document_type=document_type,
            user_auth=user_auth,
            query=query,
            docs_api_config=docs_api_config,
            token="",
        )
        customization = page.config["editorConfig"].get("customization") or {}
        user.forcesave = user.mode != "view" and truthy(customization.get("forcesave"))
        return page_info, user_auth

    async def check_file_info(
        self, wopi_src: str, token: str, sc: str | None, usid: str
    ) -> dict[str, Any]:
        """wopiClient.checkFileInfo: signed GET, X-WOPI-SessionContext if `sc`."""
        call = await check_file_info(
            self.client,
            self.settings,
            wopi_src=wopi_src,
            token=token,
            session_id=usid,
            session_context=sc or None,
        )
        if not call.ok:
            raise OpenError(f"CheckFileInfo failed: {call.status} {call.error or ''}", call.status)
        try:
            file_info = call.json()
        except ValueError as err:
            raise OpenError(f"CheckFileInfo answered invalid JSON: {err}") from err
        if not isinstance(file_info, dict):
            raise OpenError("CheckFileInfo answered JSON that is not an object")
        return file_info

    async def replace_empty_file(
        self,
        file_info: dict[str, Any],
        wopi_src: str,
        token: str,
        usid: str,
        file_type: str,
        lang: str | None,
        ui: str | None,
    ) -> None:
        """checkAndReplaceEmptyFile (since 8.2): a 0-byte file gets DS's blank template via
        PutFile without X-WOPI-Lock, before any Lock and in any mode."""
        size = file_info.get("Size")
        if not (isinstance(size, (int, float)) and not isinstance(size, bool) and size == 0):
            return
        if not file_type:
            return
        if file_type not in self.settings.template_exts:
            # lstat(new/<locale>/new.<type>) throws and the whole page fails.
            raise OpenError(f"DS has no blank template new.{file_type}")
        if not (truthy(file_info.get("SupportsUpdate")) or can_edit(file_info)):
            return  # putFile logs a warning and sends nothing
        template = blank_template(file_type)
        user_id = file_info.get("UserId")
        call = await put_file(
            self.client,
            self.settings,
            wopi_src=wopi_src,
            token=token,
            content=template,
            file_type=file_type,
            lock_id=None,  # lockId undefined: axios drops the header
            editor=None if user_id is None else js_str(user_id),
            session_id=usid,
            flags={"IsModifiedByUser": False, "IsAutosave": False, "IsExitSave": False},
            timestamp=None,
            document_key=None,
        )
        if not call.ok:
            log.info("onlyoffice double: blank template PutFile failed: %s", call.status)
            return
        file_info["Size"] = len(template)
        stamp = json_string(call, "LastModifiedTime")
        if stamp:
            file_info["LastModifiedTime"] = stamp

    async def prepare(
        self,
        page: EditorPage,
        wopi_src: str,
        file_info: dict[str, Any],
        user: EditorUser,
        file_type: str,
        document_type: str,
    ) -> DocumentSession:
        """prepareDocumentForEditing: key, cache check, preOpen (+ Lock); a failed Lock in
        edit mode retries once in view mode (9.1+)."""
        retried = False
        while True:
            key = create_doc_id(wopi_src, user.mode, file_info)
            page.key = key
            session = self.session_for(key, wopi_src, file_info, file_type, document_type)
            if user.mode == "view":
                return session
            ok, status = await self.lock(session, file_info, user)
            if ok:
                return session
            if retried:
                raise OpenError(f"Lock failed: {status}", status)
            user.mode, user.forced_view_mode, retried = "view", True, True

    def session_for(
        self,
        key: str,
        wopi_src: str,
        file_info: dict[str, Any],
        file_type: str,
        document_type: str,
    ) -> DocumentSession:
        """checkAndInvalidateCache + preOpen's common info. Sessions are found by key alone:
        a WOPISrc with another host or base path but the same last segment joins the same
        session, lock id and callback list (client-behavior §3, §17).
        Like DS, the cache is checked only once the last editor left (its unlock marker):
        a Version or LastModifiedTime other than the cached CheckFileInfo's (which a failed
        open recorded too) drops the cached copy and any cached failed open."""
        session = self.store.sessions.get(key)
        if session is not None and session.ended:
            cached = session.common_info
            if cached.get("Version") != file_info.get("Version") or cached.get(
                "LastModifiedTime"
            ) != file_info.get("LastModifiedTime"):
                session = None  # the file changed since: drop DS's cached copy
        if session is None:
            session = DocumentSession(
                key=key,
                wopi_src=wopi_src,
                file_type=file_type,
                document_type=document_type,
                common_info=copy.deepcopy(file_info),
                client=self.client,
                settings=self.settings,
                store=self.store,
            )
            self.store.sessions[key] = session
        return session

    async def lock(
        self, session: DocumentSession, file_info: dict[str, Any], user: EditorUser
    ) -> tuple[bool, int | None]:
        """wopiClient.lock('LOCK', …): only with SupportsLocks (this user's CheckFileInfo);
        the session's lock id through this user's own WOPISrc and token, with their
        X-WOPI-SessionId (client-behavior §17)."""
        if not truthy(file_info.get("SupportsLocks")):
            return True, None
        call = await lock_operation(
            self.client,
            self.settings,
            "LOCK",
            wopi_src=user.wopi_src,
            token=user.access_token,
            lock_id=session.lock_id,
            session_id=user.user_session_id,
            document_key=session.key,
        )
        return call.ok, call.status

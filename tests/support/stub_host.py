"""A WOPI host stub for the double's own tests: it answers like a well-behaved host and
records every request as it arrived (URL, token, headers, body), so that a test can check
what the double sends without a Jupyter server. Also what those tests share: the type of the
double's factory, a fetch that never raises, and the opening (and loading) of report.docx
on the stub."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from onlyoffice_double import DocumentSession, OnlyOfficeDouble
from onlyoffice_double.opening import EditorPage
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPResponse

Factory = Callable[..., OnlyOfficeDouble]


async def fetch(url: str, **kwargs: Any) -> HTTPResponse:
    return await AsyncHTTPClient().fetch(url, raise_error=False, **kwargs)


@dataclass
class Seen:
    """One request as the stub host received it."""

    op: str
    url: str  # the full URL as requested (what the proof covers)
    token: str  # the decoded access_token query value
    headers: dict[str, str]
    body: bytes


@dataclass
class StubHost:
    """Answers WOPI like a well-behaved host and records every request."""

    port: int = 0
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # id → (name, bytes)
    info: dict[str, Any] = field(default_factory=dict)  # extra CheckFileInfo fields
    fail: dict[str, int] = field(default_factory=dict)  # operation → status to answer
    seen: list[Seen] = field(default_factory=list)
    stamp: int = 0

    def wopi_src(self, file_id: str, base: str = "") -> str:
        """`base` "/other/base" is a second base path reaching the same files."""
        return f"http://127.0.0.1:{self.port}{base}/wopi/files/{file_id}"

    def ops(self) -> list[str]:
        return [s.op for s in self.seen]


class StubHandler(web.RequestHandler):
    def initialize(self, stub: StubHost) -> None:
        self.stub = stub

    def check_xsrf_cookie(self) -> None:
        pass

    def _op(self, contents: str | None) -> str:
        override = self.request.headers.get("X-WOPI-Override", "")
        if self.request.method == "GET":
            return "GetFile" if contents else "CheckFileInfo"
        if contents:
            return "PutFile"
        names = {
            "LOCK": "Lock",
            "REFRESH_LOCK": "RefreshLock",
            "UNLOCK": "Unlock",
            "PUT_RELATIVE": "PutRelativeFile",
            "RENAME_FILE": "RenameFile",
        }
        return names.get(override, override)

    def _answer(self, file_id: str, contents: str | None) -> None:
        stub, op = self.stub, self._op(contents)
        token = self.get_query_argument("access_token", "")
        stub.seen.append(
            Seen(
                op,
                f"http://127.0.0.1:{stub.port}{self.request.uri}",
                token,
                dict(self.request.headers.get_all()),
                self.request.body or b"",
            )
        )
        name, data = stub.files[file_id]
        if op in stub.fail:
            self.set_status(stub.fail[op])
            self.finish()
        elif op == "CheckFileInfo":
            info = {
                "BaseFileName": name,
                "Size": len(data),
                "Version": f"v{stub.stamp}",
                "LastModifiedTime": f"2026-01-01T00:00:{stub.stamp:02d}.0000000Z",
                "UserId": f"user-{token[:4]}",
                "UserFriendlyName": "Stub User",
                "UserCanWrite": True,
                "SupportsLocks": True,
                "SupportsUpdate": True,
                "SupportsRename": True,
                "UserCanRename": True,
                "PostMessageOrigin": "http://lab.example/",
                "ClosePostMessage": True,
                "EditModePostMessage": True,
                "EditNotificationPostMessage": True,
            }
            self.finish({**info, **stub.info})
        elif op == "GetFile":
            self.finish(data)
        elif op == "PutFile":
            stub.stamp += 1
            stub.files[file_id] = (name, self.request.body)
            self.finish({"LastModifiedTime": f"2026-01-01T00:00:{stub.stamp:02d}.0000000Z"})
        elif op == "PutRelativeFile":
            target = self.request.headers["X-WOPI-SuggestedTarget"].encode().decode("utf-7")
            new_name = name.rpartition(".")[0] + target if target.startswith(".") else target
            self.finish({"Name": new_name, "Url": "u", "HostEditUrl": f"http://lab/{new_name}"})
        elif op == "RenameFile":
            requested = self.request.headers["X-WOPI-RequestedName"].encode().decode("utf-7")
            self.finish({"Name": requested})
        else:
            self.finish()

    def get(self, file_id: str, contents: str | None = None) -> None:
        self._answer(file_id, contents)

    def post(self, file_id: str, contents: str | None = None) -> None:
        self._answer(file_id, contents)


async def open_report(onlyoffice: OnlyOfficeDouble, stub: StubHost) -> EditorPage:
    """The double opens report.docx ("hello", file id abc) on the stub host, as a user would."""
    stub.files["abc"] = ("report.docx", b"hello")
    return await onlyoffice.open(stub.wopi_src("abc"), "token", 4102444800000)


async def loaded_report(double: OnlyOfficeDouble, stub: StubHost) -> DocumentSession:
    """open_report, then DS loads the document (GetFile); its session."""
    page = await open_report(double, stub)
    assert page.session is not None
    await page.session.load()
    return page.session


async def reopen(double: OnlyOfficeDouble, stub: StubHost, **query: str) -> EditorPage:
    """A host-page POST for report.docx ("hello", file id abc); the editor connects and DS
    loads the document."""
    stub.files.setdefault("abc", ("report.docx", b"hello"))
    page = await double.open(stub.wopi_src("abc"), "token", 4102444800000, **query)
    assert page.ok and page.session is not None and page.user is not None
    await page.session.load(page.user)
    return page

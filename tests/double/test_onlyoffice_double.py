"""Self-tests of the ONLYOFFICE client double (tests/onlyoffice_double): its discovery, its
signatures, its conversion endpoint and its WOPI call sequences, checked against a small
recording WOPI host stub; then one end-to-end flow against the real Jupyter server."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from onlyoffice_double import Call, DocumentSession, EditorUser, OnlyOfficeDouble
from onlyoffice_double.formats import blank_template, convert_bytes
from onlyoffice_double.jsutil import utf7_encode
from onlyoffice_double.opening import EditorPage
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPResponse
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from jupyter_wopi.onlyoffice.discovery import DiscoveryError, build_action_url, parse_discovery
from jupyter_wopi.wopi.proof_keys import (
    ProofKeys,
    ProofResult,
    parse_timestamp,
    timestamp_is_fresh,
    unix_seconds_from_ticks,
    verify_proof,
)

pytest_plugins = ("onlyoffice_double.fixtures",)

Factory = Callable[..., OnlyOfficeDouble]


async def fetch(url: str, **kwargs: Any) -> HTTPResponse:
    return await AsyncHTTPClient().fetch(url, raise_error=False, **kwargs)


async def get_discovery(double: OnlyOfficeDouble, **headers: str) -> HTTPResponse:
    return await fetch(double.discovery_url, headers=headers)


# --------------------------------------------------------------------------- a WOPI host stub


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


@pytest.fixture
def stub(jp_asyncio_loop: asyncio.AbstractEventLoop) -> Iterator[StubHost]:
    host = StubHost()
    route = r"(?:/other/base)?/wopi/files/([^/]+)(/contents)?"
    app = web.Application([(route, StubHandler, {"stub": host})])
    sockets = bind_sockets(0, "127.0.0.1")
    host.port = sockets[0].getsockname()[1]
    server = HTTPServer(app)
    server.add_sockets(sockets)
    yield host
    server.stop()


def host_keys(double: OnlyOfficeDouble) -> ProofKeys:
    attrs = double.proof_key_attributes()
    assert attrs is not None
    keys = ProofKeys.from_discovery_attributes(attrs)
    assert keys is not None
    return keys


def check_proof(keys: ProofKeys, seen: Seen) -> ProofResult:
    ts = parse_timestamp(seen.headers.get("X-Wopi-Timestamp"))
    assert ts is not None
    return verify_proof(
        keys,
        seen.token,
        seen.url,
        ts,
        seen.headers.get("X-Wopi-Proof"),
        seen.headers.get("X-Wopi-Proofold"),
    )


# --------------------------------------------------------------------------- discovery


async def open_report(onlyoffice: OnlyOfficeDouble, stub: StubHost) -> EditorPage:
    """The double opens report.docx ("hello", file id abc) on the stub host, as a user would."""
    stub.files["abc"] = ("report.docx", b"hello")
    return await onlyoffice.open(stub.wopi_src("abc"), "token", 4102444800000)


async def test_discovery_parses_with_the_host_parser(onlyoffice: OnlyOfficeDouble) -> None:
    response = await get_discovery(onlyoffice)
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    discovery = parse_discovery(response.body)
    assert discovery.net_zone == "external-http"
    assert [a.name for a in discovery.actions_for("docx")] == [
        "view",
        "embedview",
        "mobileView",
        "edit",
        "mobileEdit",
        "editnew",
    ]
    assert [a.name for a in discovery.actions_for("odt")] == [
        "view",
        "embedview",
        "mobileView",
        "edit",
        "mobileEdit",
    ]
    for ext, target in (("doc", "docx"), ("xls", "xlsx"), ("ppt", "pptx")):
        names = [a.name for a in discovery.actions_for(ext)]
        assert names == ["view", "embedview", "mobileView", "convert"], ext
        convert = discovery.find(ext, "convert")
        assert convert is not None and convert.targetext == target
        assert convert.requires == {"update"}
    assert [a.name for a in discovery.actions_for("pdf")] == [
        "view",
        "embedview",
        "mobileView",
        "edit",
        "formsubmit",
        "mobileEdit",
    ]
    for ext in ("xlsx", "pptx", "ods", "odp", "txt", "csv"):
        assert discovery.find(ext, "edit") is not None, ext

    edit = discovery.find("docx", "edit")
    assert edit is not None and edit.default and edit.requires == {"locks", "update"}
    assert edit.urlsrc == (
        f"{onlyoffice.url}/hosting/wopi/word/edit?<rs=DC_LLCC&><dchat=DISABLE_CHAT&>"
        "<embed=EMBEDDED&><fs=FULLSCREEN&><hid=HOST_SESSION_ID&><rec=RECORDING&>"
        "<sc=SESSION_CONTEXT&><thm=THEME_ID&><ui=UI_LLCC&><wopisrc=WOPI_SOURCE&>&"
    )
    embed = discovery.find("xlsx", "embedview")
    assert embed is not None and "/hosting/wopi/cell/view?embed=1&<rs=" in embed.urlsrc
    assert discovery.favicon_for(edit) == (
        f"{onlyoffice.url}/web-apps/apps/documenteditor/main/resources/img/favicon.ico"
    )
    app_names = [app.name for app in discovery.apps]
    assert app_names[:4] == ["Word", "Excel", "PowerPoint", "Pdf"]
    assert "application/vnd.openxmlformats-officedocument.wordprocessingml.document" in app_names
    assert app_names[-1] == "Capabilities"

    # proof-key: what the double signs with; the Docker default has value == oldvalue
    assert discovery.proof_key == onlyoffice.proof_key_attributes()
    assert discovery.proof_key is not None
    assert discovery.proof_key["value"] == discovery.proof_key["oldvalue"]
    assert discovery.proof_key["exponent"] == "AQAB"

    url = build_action_url(edit.urlsrc, wopi_src="http://j/wopi/files/abc", ui_lang="de-DE")
    wopisrc = "http%3A%2F%2Fj%2Fwopi%2Ffiles%2Fabc"
    assert url == f"{onlyoffice.url}/hosting/wopi/word/edit?ui=de-DE&wopisrc={wopisrc}"


async def test_discovery_base_url_follows_forwarded_headers_or_public_url(
    onlyoffice_factory: Factory,
) -> None:
    double = onlyoffice_factory()
    forwarded = await get_discovery(
        double,
        **{
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "office.example",
            "X-Forwarded-Prefix": "/oo",
        },
    )
    edit = parse_discovery(forwarded.body).find("docx", "edit")
    assert edit is not None
    assert edit.urlsrc.startswith("https://office.example/oo/hosting/wopi/word/edit?<rs=")
    by_host = parse_discovery((await get_discovery(double, Host="ds.internal:8080")).body)
    edit = by_host.find("docx", "edit")
    assert edit is not None and edit.urlsrc.startswith("http://ds.internal:8080/hosting/")

    configured = onlyoffice_factory(public_url="https://docs.example.com")
    edit = parse_discovery((await get_discovery(configured, Host="x")).body).find("docx", "edit")
    assert edit is not None and edit.urlsrc.startswith("https://docs.example.com/hosting/wopi/")


async def test_discovery_knobs(onlyoffice_factory: Factory) -> None:
    disabled = onlyoffice_factory(wopi_enabled=False)
    assert (await get_discovery(disabled)).code == 404
    assert (await fetch(f"{disabled.url}/hosting/capabilities")).code == 404
    post = await fetch(
        disabled.action_url("word", "edit", "http://h/wopi/files/x"), method="POST", body=""
    )
    assert post.code == 404

    no_keys = onlyoffice_factory(proof_keys=False)
    assert parse_discovery((await get_discovery(no_keys)).body).proof_key is None

    failing = onlyoffice_factory(fail_discovery=503)
    assert (await get_discovery(failing)).code == 503
    failing.settings.fail_discovery = "malformed"
    with pytest.raises(DiscoveryError):
        parse_discovery((await get_discovery(failing)).body)
    failing.settings.fail_discovery = None
    assert (await get_discovery(failing)).code == 200

    capabilities = json.loads((await fetch(f"{no_keys.url}/hosting/capabilities")).body)
    assert capabilities["convert-to"] == {"available": True, "endpoint": "/lool/convert-to"}


async def test_get_on_the_editor_route_is_404(onlyoffice: OnlyOfficeDouble) -> None:
    response = await fetch(onlyoffice.action_url("word", "edit", "http://h/wopi/files/x"))
    assert response.code == 404


# --------------------------------------------------------------------------- signatures


async def test_every_request_is_signed_like_ds(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    stub.files["abc"] = ("report.docx", b"hello")
    token = "tok/en+with=special é"  # percent-encoded in the URL, raw in the proof
    page = await onlyoffice.open(stub.wopi_src("abc"), token, 4102444800000, sc="ctx-1")
    assert page.ok and page.session is not None
    await page.session.load()
    keys = host_keys(onlyoffice)
    assert stub.ops() == ["CheckFileInfo", "Lock", "GetFile"]
    for seen in stub.seen:
        assert seen.token == token
        assert "access_token=tok%2Fen%2Bwith%3Dspecial%20%C3%A9" in seen.url
        assert check_proof(keys, seen) is ProofResult.VALID_CURRENT, seen.op
        ts = parse_timestamp(seen.headers["X-Wopi-Timestamp"])
        assert ts is not None and timestamp_is_fresh(ts, unix_seconds_from_ticks(ts) + 1)
        assert seen.headers["User-Agent"] == "Node.js/6.13"
        assert seen.headers["X-Wopi-Clientversion"] == "9.3.1.1"
        uuid.UUID(seen.headers["X-Wopi-Correlationid"])
    # X-WOPI-SessionId on the page-time CheckFileInfo and Lock, not on GetFile (§17)
    usid = page.user.user_session_id  # type: ignore[union-attr]
    assert [s.headers.get("X-Wopi-Sessionid") for s in stub.seen] == [usid, usid, None]
    assert stub.seen[0].headers["X-Wopi-Sessioncontext"] == "ctx-1"
    assert "X-Wopi-Sessioncontext" not in stub.seen[1].headers
    assert stub.seen[2].headers["X-Wopi-Maxexpectedsize"] == "104857600"
    # the double's own record matches what arrived
    assert [c.operation for c in onlyoffice.calls] == stub.ops()
    assert onlyoffice.calls[0].url == stub.wopi_src("abc")
    assert "access_token" not in onlyoffice.calls[0].url


async def test_proofs_after_rotate_keys(onlyoffice: OnlyOfficeDouble, stub: StubHost) -> None:
    stub.files["abc"] = ("report.docx", b"hello")
    before = host_keys(onlyoffice)
    onlyoffice.rotate_keys()
    after = host_keys(onlyoffice)
    attrs = onlyoffice.proof_key_attributes()
    assert attrs is not None and attrs["value"] != attrs["oldvalue"]
    page = await onlyoffice.open(stub.wopi_src("abc"), "token", 4102444800000, mode="view")
    assert page.ok
    seen = stub.seen[-1]
    assert seen.headers["X-Wopi-Proof"] != seen.headers["X-Wopi-Proofold"]
    assert check_proof(after, seen) is ProofResult.VALID_CURRENT
    # a host with the pre-rotation discovery: ProofOld verifies with its "current" key
    assert check_proof(before, seen) is ProofResult.VALID_CURRENT
    # and a key only known as "old": Proof verifies with the old key
    only_old = ProofKeys(current=before.current, old=after.current)
    stale_view = ProofKeys(current=None, old=after.current)
    assert check_proof(only_old, seen) is ProofResult.VALID_CURRENT
    assert check_proof(stale_view, seen) is ProofResult.VALID_OLD_ONLY


async def test_tamper_knobs_break_proofs(onlyoffice_factory: Factory, stub: StubHost) -> None:
    stub.files["abc"] = ("report.docx", b"hello")
    double = onlyoffice_factory()
    keys = host_keys(double)
    double.tamper.forge_proof = double.tamper.forge_proof_old = True
    await double.open(stub.wopi_src("abc"), "token", 4102444800000, mode="view")
    assert check_proof(keys, stub.seen[-1]) is ProofResult.INVALID

    double.tamper.forge_proof = double.tamper.forge_proof_old = False
    double.tamper.timestamp_offset_s = -21 * 60
    await double.open(stub.wopi_src("abc"), "token", 4102444800000, mode="view")
    ts = parse_timestamp(stub.seen[-1].headers["X-Wopi-Timestamp"])
    assert ts is not None and not timestamp_is_fresh(ts, unix_seconds_from_ticks(ts) + 21 * 60)
    assert check_proof(keys, stub.seen[-1]) is ProofResult.VALID_CURRENT  # signed, but stale

    unsigned = onlyoffice_factory(proof_keys=False)
    await unsigned.open(stub.wopi_src("abc"), "token", 4102444800000, mode="view")
    headers = stub.seen[-1].headers
    assert "X-Wopi-Proof" not in headers and "X-Wopi-Proofold" not in headers
    assert "X-Wopi-Timestamp" in headers


# --------------------------------------------------------------------------- convert-to


async def post_multipart(url: str, parts: list[tuple[str, str | None, bytes]]) -> HTTPResponse:
    boundary = "double-boundary"
    chunks = []
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        chunks.append(
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
        )
    body = b"".join(chunks) + f"--{boundary}--\r\n".encode()
    return await fetch(
        url,
        method="POST",
        body=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )


async def test_convert_to(onlyoffice: OnlyOfficeDouble) -> None:
    data = b"\xd0\xcf\x11\xe0 old word file"
    for flavour in ("cool", "lool"):
        response = await post_multipart(
            f"{onlyoffice.url}/{flavour}/convert-to/docx", [("data", "report.doc", data)]
        )
        assert response.code == 200
        assert response.body == convert_bytes(data, "doc", "docx")
        assert response.body.startswith(b"CONVERTED doc->docx\n")
        assert response.headers["Content-Disposition"] == "inline; filename=report.docx"
        assert response.headers["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
    by_field = await post_multipart(
        f"{onlyoffice.url}/cool/convert-to",
        [("file", "sheet.xls", b"x"), ("format", None, b"pdf")],
    )
    assert by_field.code == 200 and by_field.body.startswith(b"CONVERTED xls->pdf\n")
    unknown = await post_multipart(
        f"{onlyoffice.url}/cool/convert-to/xlsx", [("data", "report.doc", data)]
    )
    assert unknown.code == 400 and unknown.body == b""
    no_file = await post_multipart(f"{onlyoffice.url}/cool/convert-to/pdf", [("x", None, b"1")])
    assert no_file.code == 400


# --------------------------------------------------------------------------- call sequences


async def test_blank_file_gets_the_template_before_lock(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    stub.files["new"] = ("new.docx", b"")
    page = await onlyoffice.open(stub.wopi_src("new"), "token", 4102444800000)
    assert page.ok and page.session is not None
    assert stub.ops() == ["CheckFileInfo", "PutFile", "Lock"]
    put = stub.seen[1]
    assert "X-Wopi-Lock" not in put.headers
    assert not any(h.startswith("X-Lool-Wopi") for h in put.headers)
    assert put.body == blank_template("docx") == stub.files["new"][1]
    assert page.session.common_info["Size"] == len(blank_template("docx"))
    assert await page.session.load() == blank_template("docx")

    stub.files["empty"] = ("notes.txt", b"")  # DS has no new.txt template: error panel
    failed = await onlyoffice.open(stub.wopi_src("empty"), "token", 4102444800000)
    assert not failed.ok and "Sorry, editor could not be loaded" in failed.html


async def test_check_file_info_failure_renders_the_error_panel_with_200(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    stub.files["abc"] = ("report.docx", b"hello")
    stub.fail["CheckFileInfo"] = 401
    response = await fetch(
        onlyoffice.action_url("word", "edit", stub.wopi_src("abc")),
        method="POST",
        body=urlencode({"access_token": "t", "access_token_ttl": "1"}),
    )
    assert response.code == 200
    assert b"Sorry, editor could not be loaded" in response.body
    assert onlyoffice.last_page.upstream_status == 401
    assert stub.ops() == ["CheckFileInfo"]


async def test_lock_failure_falls_back_to_view_mode(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    stub.fail["Lock"] = 409
    page = await open_report(onlyoffice, stub)
    assert page.ok and page.forced_view_mode and page.user is not None
    assert page.user.mode == "view"
    assert page.key == "view.abc.2026-01-01T00_00_00.0000000Z"
    assert page.config is not None and page.config["editorConfig"]["mode"] == "view"
    assert stub.ops() == ["CheckFileInfo", "Lock"]


async def test_getfile_is_retried_three_times(onlyoffice: OnlyOfficeDouble, stub: StubHost) -> None:
    stub.fail["GetFile"] = 500
    page = await open_report(onlyoffice, stub)
    assert page.session is not None
    assert await page.session.load() is None
    gets = [s for s in stub.seen if s.op == "GetFile"]
    assert len(gets) == 3
    assert len({s.headers["X-Wopi-Timestamp"] for s in gets}) == 1  # same signed headers


async def reopen(double: OnlyOfficeDouble, stub: StubHost, **query: str) -> EditorPage:
    """A host-page POST for report.docx ("hello", file id abc); the editor connects and DS
    loads the document."""
    stub.files.setdefault("abc", ("report.docx", b"hello"))
    page = await double.open(stub.wopi_src("abc"), "token", 4102444800000, **query)
    assert page.ok and page.session is not None and page.user is not None
    await page.session.load(page.user)
    return page


@pytest.mark.parametrize("changed", ["Version", "LastModifiedTime"])
async def test_a_failed_open_is_cached_until_the_file_changes(
    onlyoffice: OnlyOfficeDouble, stub: StubHost, changed: str
) -> None:
    """client-behavior §17: after a failed GetFile, later opens of the unchanged file fail
    at once with no GetFile, until CheckFileInfo shows another Version or
    LastModifiedTime (compared once the failed editor left, like any cache check, §2.1)."""
    stub.fail["GetFile"] = 500
    first = await reopen(onlyoffice, stub)
    session, user = first.session, first.user
    assert session is not None and user is not None and not session.loaded
    assert stub.ops() == ["CheckFileInfo", "Lock", "GetFile", "GetFile", "GetFile"]
    failed = onlyoffice.failed_opens["abc"]
    assert (failed.version, failed.last_modified_time) == ("v0", "2026-01-01T00:00:00.0000000Z")
    assert failed.reason == "GetFile: download failed, the editor shows an error"
    await session.close(user)  # the user closes the broken editor: Unlock

    del stub.fail["GetFile"]  # the host could serve the file now, but DS does not ask
    stub.seen.clear()
    second = await reopen(onlyoffice, stub)
    assert second.session is session and not session.loaded
    assert session.errors[-1].startswith("the open failed before (GetFile: download failed")
    await session.close(second.user)
    assert stub.ops() == ["CheckFileInfo", "Lock", "Unlock"]  # no GetFile

    stub.seen.clear()
    stub.info[changed] = "changed"  # same bytes, new Version or LastModifiedTime
    third = await reopen(onlyoffice, stub)
    assert third.session is not session and third.session is not None
    assert third.session.content == b"hello"
    assert stub.ops() == ["CheckFileInfo", "Lock", "GetFile"]
    assert onlyoffice.failed_opens == {}


async def test_a_co_editor_joining_a_failed_open_gets_the_error_without_getfile(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    """While the failed editor is still open DS writes no unlock marker, so even a new
    Version does not drop the cached failure (checkAndInvalidateCache, §2.1)."""
    stub.fail["GetFile"] = 404
    first = await reopen(onlyoffice, stub)
    del stub.fail["GetFile"]
    stub.info["Version"] = "v-new"
    stub.seen.clear()
    second = await reopen(onlyoffice, stub)
    assert second.session is first.session and second.session is not None
    assert not second.session.loaded and stub.ops() == ["CheckFileInfo", "Lock"]


async def test_failed_open_cache_expiry_view_mode_and_off_switch(
    onlyoffice_factory: Factory, stub: StubHost
) -> None:
    # A conversion error ("limits": larger than maxDownloadBytes) is cached too, under the
    # view key in view mode; after expire.files (24 h) DS downloads again.
    small = onlyoffice_factory(max_download_bytes=3)
    page = await reopen(small, stub, mode="view")
    assert page.key == "view.abc.2026-01-01T00_00_00.0000000Z"
    assert list(small.failed_opens) == [page.key]
    await reopen(small, stub, mode="view")
    assert stub.ops() == ["CheckFileInfo", "GetFile", "CheckFileInfo"]
    small.failed_opens[page.key].at -= 86_400
    await reopen(small, stub, mode="view")
    assert stub.ops()[3:] == ["CheckFileInfo", "GetFile"]

    # cache_failed_opens=False: every open tries GetFile again (the pre-§17 double).
    stub.seen.clear()
    stub.fail["GetFile"] = 500
    retrying = onlyoffice_factory(cache_failed_opens=False, download_attempt_max=1)
    first = await reopen(retrying, stub)
    await reopen(retrying, stub)
    assert stub.ops() == ["CheckFileInfo", "Lock", "GetFile", "CheckFileInfo", "Lock", "GetFile"]
    assert first.session is not None and retrying.failed_opens == {}


async def post_page_event(double: OnlyOfficeDouble, user: EditorUser, kind: str) -> None:
    """What the editor page's buttons send (`beacon(kind)` in editor.html)."""
    event = json.dumps({"kind": kind, "usid": user.user_session_id})
    reply = await fetch(f"{double.url}/__double/events", method="POST", body=event)
    assert reply.code == 204


async def test_the_save_button_force_saves_only_with_forcesave(
    onlyoffice_factory: Factory, stub: StubHost
) -> None:
    """client-behavior §5.1: the editor's Save button sends a PutFile only when
    customization.forcesave is on (the host's docs_api_config, or the `forcesave` knob)."""
    plain = onlyoffice_factory()
    page = await reopen(plain, stub)
    assert page.user is not None and page.session is not None and not page.user.forcesave
    await post_page_event(plain, page.user, "edit")
    await post_page_event(plain, page.user, "save")  # handled before the 204: nothing sent
    assert page.session.changed and "PutFile" not in stub.ops()

    forcesave = '{"editorConfig": {"customization": {"forcesave": true}}}'
    by_host = await reopen(plain, stub, docs_api_config=forcesave)
    assert by_host.user is not None and by_host.user.forcesave

    stub.seen.clear()
    knob = onlyoffice_factory(forcesave=True)
    page = await reopen(knob, stub)
    assert page.user is not None and page.session is not None and page.user.forcesave
    assert page.config is not None
    assert page.config["editorConfig"]["customization"]["forcesave"] is True
    await post_page_event(knob, page.user, "edit")
    await post_page_event(knob, page.user, "save")
    for _ in range(500):
        if not page.session.changed:
            break
        await asyncio.sleep(0.01)
    assert stub.ops() == ["CheckFileInfo", "Lock", "GetFile", "PutFile"]
    put = stub.seen[-1]
    assert put.headers["X-Lool-Wopi-Ismodifiedbyuser"] == "true"
    assert "X-Lool-Wopi-Isautosave" not in put.headers  # the button, not the timer
    assert stub.files["abc"][1] == page.session.content != b"hello"


async def test_save_headers_and_close(onlyoffice: OnlyOfficeDouble, stub: StubHost) -> None:
    stub.files["abc"] = ("report.docx", b"hello")
    page = await onlyoffice.open(stub.wopi_src("abc"), "token-a", 4102444800000)
    session, user = page.session, page.user
    assert session is not None and user is not None
    await session.load()
    session.edit(user, b"v1")
    assert await session.force_save(autosave=True)
    session.edit(user, b"v2")
    await session.close(user)
    assert stub.ops() == ["CheckFileInfo", "Lock", "GetFile", "PutFile", "PutFile", "Unlock"]
    first, final = stub.seen[3].headers, stub.seen[4].headers
    assert first["X-Wopi-Lock"] == "abc" and first["X-Wopi-Editors"] == "user-toke"
    assert first["X-Lool-Wopi-Ismodifiedbyuser"] == "true"
    assert first["X-Lool-Wopi-Isautosave"] == "true"
    assert "X-Lool-Wopi-Isexitsave" not in first
    assert first["X-Lool-Wopi-Timestamp"] == "2026-01-01T00:00:00.0000000Z"
    assert first["Content-Length"] == "2"
    assert first["Content-Type"].startswith("application/vnd.openxmlformats")
    assert final["X-Lool-Wopi-Isexitsave"] == "true" and "X-Lool-Wopi-Isautosave" not in final
    assert final["X-Lool-Wopi-Timestamp"] == "2026-01-01T00:00:01.0000000Z"  # from PutFile
    assert stub.files["abc"][1] == b"v2"
    assert "abc" not in onlyoffice.sessions


async def test_failed_final_save_becomes_a_forgotten_file(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    page = await open_report(onlyoffice, stub)
    assert page.session is not None
    await page.session.load()
    page.session.edit(None, b"lost?")
    stub.fail["PutFile"] = 409
    await page.session.close()  # never raises
    assert stub.ops()[-2:] == ["PutFile", "Unlock"]
    assert onlyoffice.forgotten == {"abc": b"lost?"}
    assert any("forgotten" in e for e in page.session.errors)

    del stub.fail["PutFile"]
    again = await onlyoffice.open(stub.wopi_src("abc"), "token", 4102444800000)
    assert again.session is not None and again.session is not page.session
    assert await again.session.load() == b"lost?"  # no GetFile: the forgotten file
    await again.session.close()
    assert stub.ops()[-4:] == ["CheckFileInfo", "Lock", "PutFile", "Unlock"]
    assert stub.files["abc"][1] == b"lost?" and not onlyoffice.forgotten


async def test_co_editing_shares_one_session_and_lock(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    stub.files["abc"] = ("report.docx", b"hello")
    first = await onlyoffice.open(stub.wopi_src("abc"), "alice-token", 4102444800000)
    second = await onlyoffice.open(stub.wopi_src("abc"), "bob-token", 4102444800000)
    session = first.session
    assert session is not None and second.session is session
    assert [u.user_id for u in session.users] == ["user-alic", "user-bob-"]
    assert stub.ops() == ["CheckFileInfo", "Lock", "CheckFileInfo", "Lock"]
    assert {s.headers["X-Wopi-Lock"] for s in stub.seen if s.op == "Lock"} == {"abc"}

    assert await session.refresh_lock()
    refresh = stub.seen[-1]
    assert refresh.op == "RefreshLock" and refresh.token == "bob-token"
    assert "X-Wopi-Sessionid" not in refresh.headers

    await session.load()
    session.edit(first.user, b"by alice")
    await session.close(first.user)
    assert stub.ops()[-1] == "GetFile"  # bob is still editing
    await session.close(second.user)
    assert stub.ops()[-2:] == ["PutFile", "Unlock"]
    put, unlock = stub.seen[-2], stub.seen[-1]
    assert put.token == "alice-token" and put.headers["X-Wopi-Editors"] == "user-alic"
    assert unlock.token == "bob-token"  # the last leaver's entry (client-behavior §17)


async def test_wopisrc_base_path_is_not_part_of_the_document_key(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    """client-behavior §3, §17: the key is the last path segment of WOPISrc, so a second
    WOPISrc that differs only in its base path joins the same session and lock, and its
    user's LOCK goes through that user's own WOPISrc and token."""
    stub.files["abc"] = ("report.docx", b"hello")
    other_src = stub.wopi_src("abc", base="/other/base")
    first = await onlyoffice.open(stub.wopi_src("abc"), "alice-token", 4102444800000)
    second = await onlyoffice.open(other_src, "bob-token", 4102444800000)
    assert first.session is not None and second.session is first.session
    assert first.key == second.key == "abc" and list(onlyoffice.sessions) == ["abc"]
    assert first.session.callbacks == [first.user, second.user]
    lock = stub.seen[3]
    assert (lock.op, lock.token, lock.headers["X-Wopi-Lock"]) == ("Lock", "bob-token", "abc")
    assert lock.url.startswith(other_src + "?access_token=")


async def test_refresh_lock_timer_and_reconnect(
    onlyoffice_factory: Factory, stub: StubHost
) -> None:
    stub.files["abc"] = ("report.docx", b"hello")
    double = onlyoffice_factory(refresh_lock_interval=0.05)
    page = await double.open(stub.wopi_src("abc"), "token", 4102444800000)
    assert page.session is not None and page.user is not None
    await asyncio.sleep(0.3)
    refreshes = [s for s in stub.seen if s.op == "RefreshLock"]
    assert len(refreshes) >= 2 and refreshes[0].headers["X-Wopi-Lock"] == "abc"
    stub.fail["Lock"] = 409
    assert not await page.session.reconnect(page.user)
    assert stub.ops()[-1] == "Lock" and "code 4010" in page.session.errors[-1]


async def test_close_without_changes_unlocks_and_keeps_the_cache(
    onlyoffice: OnlyOfficeDouble, stub: StubHost
) -> None:
    page = await open_report(onlyoffice, stub)
    assert page.session is not None
    await page.session.load()
    await page.session.close()
    assert stub.ops() == ["CheckFileInfo", "Lock", "GetFile", "Unlock"]
    again = await onlyoffice.open(stub.wopi_src("abc"), "token", 4102444800000)
    assert again.session is page.session and again.session is not None
    assert await again.session.load() == b"hello"
    assert stub.ops()[4:] == ["CheckFileInfo", "Lock"]  # same Version: DS's cache, no GetFile


async def test_save_as_and_rename(onlyoffice: OnlyOfficeDouble, stub: StubHost) -> None:
    page = await open_report(onlyoffice, stub)
    session = page.session
    assert session is not None
    await session.load()
    answer = await session.save_as(None, "Bericht für Jörg.pdf")
    assert answer is not None and answer["Name"] == "Bericht für Jörg.pdf"
    relative = stub.seen[-1]
    assert relative.headers["X-Wopi-Suggestedtarget"] == utf7_encode("Bericht für Jörg.pdf")
    assert relative.headers["X-Wopi-Suggestedtarget"].startswith("Bericht+ACA-f")
    assert "X-Wopi-Lock" not in relative.headers and "X-Wopi-Fileconversion" not in relative.headers
    assert relative.headers["Content-Type"] == "application/pdf"
    assert relative.body == convert_bytes(b"hello", "docx", "pdf")

    assert await session.rename(None, "a+b " + "x" * 300) == "a+b " + "x" * 251
    rename = stub.seen[-1]
    assert rename.op == "RenameFile" and rename.headers["X-Wopi-Lock"] == "abc"
    assert rename.headers["X-Wopi-Requestedname"].startswith("a+-b+ACA-xxx")


async def test_convert_and_edit(onlyoffice: OnlyOfficeDouble, stub: StubHost) -> None:
    stub.files["old"] = ("legacy.doc", b"binary")
    wopisrc = quote(stub.wopi_src("old"), safe="")
    url = f"{onlyoffice.url}/hosting/wopi/convert-and-edit/doc/docx?wopisrc={wopisrc}"
    form = {"access_token": "t", "access_token_ttl": "0"}
    refused = await fetch(url, method="POST", body=urlencode(form))
    assert refused.code == 200 and b"var statusHandler = null" in refused.body
    assert stub.seen == []

    page = await fetch(
        url, method="POST", body=urlencode({"access_token": "t", "access_token_ttl": "99"})
    )
    assert page.code == 200 and b"Converting your file so you can edit it" in page.body
    (job,) = onlyoffice.conversions.values()
    await job.wait()
    assert stub.ops() == ["CheckFileInfo", "GetFile"]
    status = json.loads((await fetch(job.status_handler)).body)
    assert status == {
        "endConvert": True,
        "fileUrl": "http://lab/legacy.docx",
        "fileName": "legacy.docx",
    }
    relative = stub.seen[-1]
    assert relative.op == "PutRelativeFile"
    assert relative.headers["X-Wopi-Suggestedtarget"] == ".docx"
    assert relative.headers["X-Wopi-Fileconversion"] == "true"
    assert "X-Wopi-Sessionid" not in relative.headers  # client-behavior §17
    assert relative.body == convert_bytes(b"binary", "doc", "docx")
    query = parse_qs(urlsplit(job.status_handler).query)
    assert query["WOPISrc"] == [stub.wopi_src("old")] and query["targetext"] == ["docx"]


async def test_page_events_and_signals(onlyoffice: OnlyOfficeDouble, stub: StubHost) -> None:
    page = await open_report(onlyoffice, stub)
    assert page.user is not None and page.session is not None
    usid = page.user.user_session_id
    assert f'"userSessionId": "{usid}"'.encode() in page.html.encode()
    assert '"PostMessageOrigin": "http://lab.example/"' in page.html
    await page.session.load()
    page.session.edit(page.user, b"x")
    signals = await fetch(f"{onlyoffice.url}/__double/signals?usid={usid}")
    assert json.loads(signals.body) == ["change"]
    event = {"kind": "received", "usid": usid, "message": {"MessageId": "Blur_Focus"}}
    reply = await fetch(f"{onlyoffice.url}/__double/events", method="POST", body=json.dumps(event))
    assert reply.code == 204
    seen = await onlyoffice.wait_for_event("received", timeout=1)
    assert seen.message == {"MessageId": "Blur_Focus"} and page.user.events == [seen]


# --------------------------------------------------------------------------- end to end


@pytest.fixture
def host_knows_onlyoffice() -> bool:
    """Parametrized by the end-to-end test: configure JUPYTER_WOPI_ONLYOFFICE_URL or not."""
    return False


@pytest.fixture
def jp_server_config(
    jp_server_config: dict[str, Any], host_knows_onlyoffice: bool, request: pytest.FixtureRequest
) -> dict[str, Any]:
    if host_knows_onlyoffice:  # then the host fetches discovery and checks every proof
        double: OnlyOfficeDouble = request.getfixturevalue("onlyoffice")
        jp_server_config["JupyterWopi"]["onlyoffice_url"] = double.url + "/"
    return jp_server_config


@pytest.mark.parametrize("host_knows_onlyoffice", [False, True], ids=["no-discovery", "signed"])
async def test_end_to_end_against_jupyter(
    onlyoffice: OnlyOfficeDouble,
    open_session: Any,
    jp_root_dir: Path,
    host_knows_onlyoffice: bool,
) -> None:
    doc = await open_session("e2e.docx", b"original bytes")
    action_url = (
        f"{onlyoffice.url}/hosting/wopi/word/edit?wopisrc={quote(doc['wopi_src'], safe='')}"
    )
    if host_knows_onlyoffice:  # the host built the action URL from the double's discovery
        assert onlyoffice.discovery_requests and doc["action"] == "edit"
        action_url = doc["action_url"]
    response = await fetch(
        action_url,
        method="POST",
        body=urlencode(
            {"access_token": doc["access_token"], "access_token_ttl": doc["access_token_ttl"]}
        ),
    )
    assert response.code == 200
    page = onlyoffice.last_page
    assert page.ok, page.error
    session, user = page.session, page.user
    assert session is not None and user is not None and user.mode == "edit"
    assert session.key == doc["file_id"] and session.lock_id == doc["file_id"]

    assert await session.load() == b"original bytes"
    session.edit(user, b"edited bytes")
    assert await session.force_save()
    await session.close(user)

    assert (jp_root_dir / "e2e.docx").read_bytes() == b"edited bytes"
    assert onlyoffice.operations() == ["CheckFileInfo", "Lock", "GetFile", "PutFile", "Unlock"]
    assert [c.status for c in onlyoffice.calls] == [200] * 5, onlyoffice.calls
    assert session.errors == []

    if host_knows_onlyoffice:  # the host really checks: a forged proof is refused (500)
        onlyoffice.tamper.forge_proof = onlyoffice.tamper.forge_proof_old = True
        forged = await onlyoffice.open(doc["wopi_src"], doc["access_token"], 1)
        assert not forged.ok and forged.upstream_status == 500


# ------------------------------------------------ several users in one session, end to end

# The host fetches the double's discovery and checks every proof (see jp_server_config).
SIGNED = pytest.mark.parametrize("host_knows_onlyoffice", [True], ids=["signed"])


async def join(
    double: OnlyOfficeDouble, doc: dict[str, Any], wopi_src: str | None = None
) -> tuple[DocumentSession, EditorUser]:
    """One user's host-page form POST with the token the lab API minted for them."""
    page = await double.open(
        wopi_src or doc["wopi_src"], doc["access_token"], doc["access_token_ttl"]
    )
    assert page.ok, page.error
    assert page.session is not None and page.user is not None and page.user.mode == "edit"
    return page.session, page.user


def whose(calls: list[Call], **tokens: str) -> list[tuple[str, str]]:
    """(operation, name of the user whose token it carried) for each call."""
    names = {token: name for name, token in tokens.items()}
    return [(c.operation, names.get(c.access_token, "?")) for c in calls]


def all_200(calls: list[Call]) -> bool:
    return [c.status for c in calls] == [200] * len(calls)


async def test_users_on_two_wopisrc_hosts_share_one_session(
    onlyoffice: OnlyOfficeDouble, open_session: Any
) -> None:
    """client-behavior §17, items 1-3 and 9: one session per key whatever the WOPISrc host;
    each user's WOPISrc + token is kept as their callback, in joining order; the later
    opener's LOCK and every call go through the WOPISrc its token was minted for."""
    alice = await open_session("shared/plan.docx", b"plan v1")
    bob = await open_session("shared/plan.docx")
    assert alice["file_id"] == bob["file_id"] and alice["access_token"] != bob["access_token"]
    bob_src = alice["wopi_src"].replace("//localhost:", "//127.0.0.1:")
    assert bob_src != alice["wopi_src"]  # another host name for the same server

    session, user_a = await join(onlyoffice, alice)
    same, user_b = await join(onlyoffice, bob, bob_src)
    assert same is session and list(onlyoffice.sessions) == [alice["file_id"]]
    assert session.key == session.lock_id == alice["file_id"]
    assert session.callbacks == [user_a, user_b]
    assert [(u.wopi_src, u.access_token) for u in session.callbacks] == [
        (alice["wopi_src"], alice["access_token"]),
        (bob_src, bob["access_token"]),
    ]
    assert await session.load(user_a) == b"plan v1"

    tokens = {"alice": alice["access_token"], "bob": bob["access_token"]}
    assert whose(onlyoffice.calls, **tokens) == [
        ("CheckFileInfo", "alice"),
        ("Lock", "alice"),
        ("CheckFileInfo", "bob"),
        ("Lock", "bob"),
        ("GetFile", "alice"),
    ]
    bobs_lock = onlyoffice.calls[3]
    assert bobs_lock.url == bob_src and bobs_lock.header("X-WOPI-Lock") == alice["file_id"]
    source = {alice["access_token"]: alice["wopi_src"], bob["access_token"]: bob_src}
    assert all(c.url.removesuffix("/contents") == source[c.access_token] for c in onlyoffice.calls)
    assert all_200(onlyoffice.calls), onlyoffice.calls


@SIGNED
async def test_force_save_goes_through_the_user_who_pressed_save(
    onlyoffice: OnlyOfficeDouble, open_session: Any, jp_root_dir: Path
) -> None:
    """client-behavior §17, item 4: the Save button's PutFile uses the presser's callback
    (X-WOPI-Editors still names the last changer); the auto-assembly timer's uses the
    last changer's."""
    alice = await open_session("minutes.docx", b"draft")
    bob = await open_session("minutes.docx")
    session, user_a = await join(onlyoffice, alice)
    _, user_b = await join(onlyoffice, bob)
    await session.load(user_a)

    session.edit(user_b, b"bob's wording")
    assert await session.force_save(user_a)  # alice presses Save after bob's change
    pressed = onlyoffice.calls[-1]
    assert (pressed.operation, pressed.access_token) == ("PutFile", alice["access_token"])
    assert pressed.header("X-WOPI-Editors") == user_b.user_id
    assert pressed.header("X-LOOL-WOPI-IsAutosave") is None
    assert (jp_root_dir / "minutes.docx").read_bytes() == b"bob's wording"

    session.edit(user_b, b"bob's second wording")
    assert await session.force_save(autosave=True)  # the timer: no user
    timer = onlyoffice.calls[-1]
    assert (timer.operation, timer.access_token) == ("PutFile", bob["access_token"])
    assert timer.header("X-LOOL-WOPI-IsAutosave") == "true"
    assert (jp_root_dir / "minutes.docx").read_bytes() == b"bob's second wording"
    assert all_200(onlyoffice.calls), onlyoffice.calls


@SIGNED
async def test_put_file_answer_moves_its_user_to_the_end_of_the_callbacks(
    onlyoffice: OnlyOfficeDouble, open_session: Any
) -> None:
    """client-behavior §17, items 5-6: REFRESH_LOCK uses the last callback (the last
    joiner), until a PutFile answered with LastModifiedTime moves its user there."""
    alice = await open_session("budget.docx", b"v1")
    bob = await open_session("budget.docx")
    session, user_a = await join(onlyoffice, alice)
    _, user_b = await join(onlyoffice, bob)
    await session.load(user_a)
    assert await session.refresh_lock()  # through bob, who joined last

    session.edit(user_a, b"v2")
    assert await session.force_save(user_a)
    put = onlyoffice.calls[-1]
    assert put.operation == "PutFile" and put.json()["LastModifiedTime"]
    assert session.callbacks == [user_b, user_a] and session.last_user is user_a
    assert await session.refresh_lock()  # now through alice

    refreshes = [c for c in onlyoffice.calls if c.operation == "RefreshLock"]
    tokens = {"alice": alice["access_token"], "bob": bob["access_token"]}
    assert whose(refreshes, **tokens) == [("RefreshLock", "bob"), ("RefreshLock", "alice")]
    assert [c.header("X-WOPI-SessionId") for c in refreshes] == [None, None]
    assert all_200(onlyoffice.calls), onlyoffice.calls


@SIGNED
async def test_unlock_goes_through_the_user_who_left_last(
    onlyoffice: OnlyOfficeDouble, open_session: Any, jp_root_dir: Path
) -> None:
    """client-behavior §17, item 7: the exit save goes through the last changer, UNLOCK
    through the last leaver; without changes UNLOCK is the last leaver's too."""
    alice = await open_session("notes.docx", b"notes")
    bob = await open_session("notes.docx")
    tokens = {"alice": alice["access_token"], "bob": bob["access_token"]}
    session, user_a = await join(onlyoffice, alice)
    _, user_b = await join(onlyoffice, bob)
    await session.load(user_a)
    session.edit(user_a, b"alice's notes")
    await session.close(user_a)
    await session.close(user_b)  # bob leaves last
    assert whose(onlyoffice.calls[-2:], **tokens) == [("PutFile", "alice"), ("Unlock", "bob")]
    assert onlyoffice.calls[-2].header("X-LOOL-WOPI-IsExitSave") == "true"
    assert (jp_root_dir / "notes.docx").read_bytes() == b"alice's notes"

    session, user_a = await join(onlyoffice, alice)  # a new session: the cache was cleared
    _, user_b = await join(onlyoffice, bob)
    await session.close(user_b)
    await session.close(user_a)  # alice leaves last, bob is the last callback
    assert whose(onlyoffice.calls[-1:], **tokens) == [("Unlock", "alice")]
    assert all_200(onlyoffice.calls), onlyoffice.calls


@SIGNED
async def test_x_wopi_session_id_only_on_open_lock_and_blank_template(
    onlyoffice: OnlyOfficeDouble, open_session: Any, jp_root_dir: Path
) -> None:
    """client-behavior §17, item 8: X-WOPI-SessionId on the page-time CheckFileInfo, LOCK
    (open and restore) and the blank-template PutFile; absent on GetFile, save PutFiles,
    REFRESH_LOCK, RENAME_FILE, PUT_RELATIVE and UNLOCK."""
    doc = await open_session("Untitled.docx", b"")
    session, user = await join(onlyoffice, doc)
    await session.load(user)
    session.edit(user, b"first draft")
    assert await session.force_save(user)
    assert await session.refresh_lock()
    assert await session.rename(user, "Plan") == "Plan"
    assert await session.save_as(user, "Plan copy.docx") is not None
    assert await session.reconnect(user)
    session.edit(user, b"second draft")
    await session.close(user)

    usid = user.user_session_id
    assert [(c.operation, c.header("X-WOPI-SessionId")) for c in onlyoffice.calls] == [
        ("CheckFileInfo", usid),
        ("PutFile", usid),  # the blank template
        ("Lock", usid),
        ("GetFile", None),
        ("PutFile", None),  # force-save
        ("RefreshLock", None),
        ("RenameFile", None),
        ("PutRelativeFile", None),
        ("Lock", usid),  # restore
        ("PutFile", None),  # exit save
        ("Unlock", None),
    ]
    assert all_200(onlyoffice.calls), onlyoffice.calls
    assert (jp_root_dir / "Plan.docx").read_bytes() == b"second draft"
    assert (jp_root_dir / "Plan copy.docx").read_bytes() == b"first draft"

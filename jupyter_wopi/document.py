"""`Document`: an office file shown from a notebook. This module runs in kernels, so it imports
the standard library only (and jupyter_core's paths, lazily): `import jupyter_wopi` stays cheap.

Displayed, a Document is a MIME bundle: `application/vnd.jupyter-wopi.document+json` for the
lab extension's renderer (the path as written, and the file's path on the server that
serves it; the renderer falls back to the notebook's folder), an HTML link to the standalone
editor page `wopi/open/<path>` for other frontends, nbconvert and previews, and plain text.
`Document.open()` displays a one-time request to open it in a tab, `Document.insert_image()`
one to insert an image into its open editor."""

from __future__ import annotations

import html
import importlib
import json
import os
import socket
import stat
import sys
import time
import uuid
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePath
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from .figures import image_to_insert

MIME_TYPE = "application/vnd.jupyter-wopi.document+json"
OPEN_MIME_TYPE = "application/vnd.jupyter-wopi.open+json"  # Document.open()
INSERT_IMAGE_MIME_TYPE = "application/vnd.jupyter-wopi.insert-image+json"  # .insert_image()
OPEN_GRACE = 120.0  # seconds after .open() during which a wait for its editor makes sense
DEFAULT_HEIGHT = 480  # pixels: a spreadsheet's first screen, or a page's upper half
RUNTIME_FILE_MAX_BYTES = 64 * 1024  # a server's runtime file is a few hundred bytes
REQUEST_TIMEOUT = 10.0  # seconds for one question to the server: it runs on this machine

Mode = Literal["view", "edit"]


@dataclass(frozen=True)
class ServerInfo:
    """A running Jupyter server, from the file it leaves in Jupyter's runtime folder."""

    root_dir: str
    base_url: str  # "/" or "/user/alice/"
    url: str = ""  # the server's own URL, base_url included
    token: str = ""


def running_servers() -> list[ServerInfo]:
    """The Jupyter servers of this user on this machine (their `jpserver-*.json` files).
    Only the user's own regular files count: anything else in the runtime folder (a FIFO, a
    symlink, another user's file, a huge or broken file) is no server and is skipped."""
    try:
        from jupyter_core.paths import jupyter_runtime_dir
    except ImportError:  # a kernel without Jupyter's packages: no links to guess
        return []
    found = []
    for info_file in sorted(Path(jupyter_runtime_dir()).glob("jpserver-*.json")):
        raw = _read_own_file(info_file)
        if raw is None:
            continue
        try:
            info = json.loads(raw)
            found.append(
                ServerInfo(
                    str(info["root_dir"]),
                    str(info.get("base_url") or "/"),
                    str(info.get("url") or ""),
                    str(info.get("token") or ""),
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # a file being written, or not a server's
    return found


def _read_own_file(path: Path) -> bytes | None:
    """The bytes of `path` when it is a small regular file of this user, else None. Opened
    without blocking (a FIFO would wait for a writer) and without following a symlink, then
    checked on the open descriptor, so what is checked is what is read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError:  # a symlink (ELOOP), gone since the listing, or not readable
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > RUNTIME_FILE_MAX_BYTES:
            return None
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return None  # planted by another user: its URL and token are not to be trusted
        chunks: list[bytes] = []
        size = 0
        while size <= RUNTIME_FILE_MAX_BYTES:  # the size may have grown since fstat
            chunk = os.read(fd, RUNTIME_FILE_MAX_BYTES + 1 - size)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        return None
    except OSError:
        return None
    finally:
        os.close(fd)


def _where(url: str, *, bound: bool = False) -> tuple[str, str, int, str] | None:
    """Scheme, host, port and base path of an http(s) URL, None for any other. `bound`: the
    URL a server was told to listen on (`JUPYTERHUB_SERVICE_URL`), with its host as
    jupyter_server writes it into its runtime file: the machine's name for a wildcard
    address, "localhost" for none."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return None
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:  # a port out of range
        return None
    host = parts.hostname or ""
    if bound and host in ("0.0.0.0", "::"):
        host = socket.gethostname().lower()
    elif bound and not host:
        host = "localhost"
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return scheme, host, port, path


def is_hub_server(url: str) -> bool:
    """Whether `url` (from a runtime file) is the JupyterHub single-user server that started
    this kernel: the server whose URL the hub gave it in `JUPYTERHUB_SERVICE_URL`, which a
    kernel inherits. Only that server may be sent the hub's API token."""
    service_url = os.environ.get("JUPYTERHUB_SERVICE_URL", "")
    where = _where(url)
    return bool(service_url) and where is not None and where == _where(service_url, bound=True)


def token_for(server: ServerInfo) -> str:
    """The token to ask `server` with: its own, or for this user's single-user server on the
    hub (whose runtime file may have none) `$JUPYTERHUB_API_TOKEN`; else none."""
    if server.token:
        return server.token
    return os.environ.get("JUPYTERHUB_API_TOKEN", "") if is_hub_server(server.url) else ""


def server_path(file: str, servers: list[ServerInfo]) -> tuple[ServerInfo, str] | None:
    """The server that serves `file` (an absolute path) and the file's path there, "/"-
    separated; the server with the deepest root wins (servers rooted in subfolders)."""
    best: tuple[int, ServerInfo, str] | None = None
    for server in servers:
        root = os.path.realpath(os.path.expanduser(server.root_dir))
        try:
            relative = os.path.relpath(file, root)
        except ValueError:  # another drive (Windows)
            continue
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            continue
        if best is None or len(root) > best[0]:
            best = (len(root), server, PurePath(relative).as_posix())
    return None if best is None else best[1:]


@dataclass(frozen=True)
class Version:
    """One kept version of a document: bytes the file held until a save, a restore or an
    outside change replaced them (or that an editor first loaded). `kind` says what made
    them ("save", "restore", "conflict", "loaded", "external"), `author` whose change they
    carry ("" when unknown), `co_editors` the others editing with them."""

    id: str
    created_at: datetime  # when these bytes were made (saved, restored, first seen), aware
    size: int
    sha256: str
    kind: str
    author: str
    co_editors: tuple[str, ...]
    file_id: str = ""  # the server's id of the file this is a version of
    name: str = ""  # that file's name

    def __repr__(self) -> str:
        made = self.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        of = f" of {self.name}" if self.name else ""
        return f"<Version {self.id}{of}, {made}, {_size_text(self.size)}, {self.made_by}>"

    @property
    def made_by(self) -> str:
        """What made these bytes, in words: "saved by Ada", "changed outside the editor"."""
        verb = _KIND_WORDS.get(self.kind, self.kind)
        by = f" by {self.author}" if self.author else ""
        with_them = f" with {', '.join(self.co_editors)}" if self.co_editors else ""
        return f"{verb}{by}{with_them}"

    @classmethod
    def _from_json(cls, item: dict[str, Any], name: str) -> Version:
        return cls(
            id=str(item["id"]),
            created_at=datetime.fromtimestamp(float(item["created_at"]), timezone.utc),
            size=int(item["size"]),
            sha256=str(item["sha256"]),
            kind=str(item["kind"]),
            author=str(item.get("author") or ""),
            co_editors=tuple(str(other) for other in item.get("co_editors") or ()),
            file_id=str(item["file_id"]),
            name=name,
        )


_KIND_WORDS = {
    "save": "saved",
    "restore": "restored",
    "conflict": "a conflicting save",
    "loaded": "as opened",
    "external": "changed outside the editor",
}


def _size_text(size: int) -> str:
    """`size` bytes in words, in the decimal units file browsers use: 12.4 kB."""
    if size < 1000:
        return f"{size} bytes" if size != 1 else "1 byte"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1000
        if value < 999.95 or unit == "TB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


class NotOpenWarning(UserWarning):
    """`wait_saved` found no editor with the file open: there was no save to wait for."""


class Document:
    """An office document (docx, xlsx, pptx...) shown in the notebook's output in ONLYOFFICE
    Docs, read-only by default.

    `path`: as the code that wrote the file named it, relative to the kernel's working
    folder (the notebook's folder) or absolute. `height`: of the inline view, in pixels or
    any CSS length. `mode`: "view" (the default) or "edit"."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        height: int | str = DEFAULT_HEIGHT,
        mode: Mode = "view",
    ) -> None:
        if mode not in ("view", "edit"):
            raise ValueError(f'mode must be "view" or "edit", not {mode!r}.')
        if isinstance(height, bool) or not isinstance(height, (int, str)):
            raise TypeError(f"height must be pixels (an int) or a CSS length, not {height!r}.")
        self.path = os.fspath(path)
        self.height = height
        self.mode: Mode = mode

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    @property
    def absolute_path(self) -> str:
        return os.path.realpath(os.path.expanduser(self.path))

    def __repr__(self) -> str:
        options = "" if self.mode == "view" else f", mode={self.mode!r}"
        return f"Document({self.path!r}{options})"

    def editor_url(self, servers: list[ServerInfo] | None = None) -> str | None:
        """The standalone editor page of this file on the Jupyter server that serves it
        (`<base_url>wopi/open/<path>`), None when no running server serves it."""
        return self._editor_url(self._served(servers)[0], self.mode)

    def _served(
        self, servers: list[ServerInfo] | None = None
    ) -> tuple[tuple[ServerInfo, str] | None, bool]:
        """The server that serves the file and the file's path there (None when none does),
        and whether any server runs at all."""
        known = running_servers() if servers is None else servers
        return server_path(self.absolute_path, known), bool(known)

    @staticmethod
    def _editor_url(found: tuple[ServerInfo, str] | None, mode: Mode | None) -> str | None:
        if found is None:
            return None
        server, relative = found
        query = "?action=view" if mode == "view" else ""  # the page's default: edit
        return f"{server.base_url.rstrip('/')}/wopi/open/{quote(relative)}{query}"

    # -- opening it in a tab -------------------------------------------------------------

    def open(self) -> None:
        """Open the file in an ONLYOFFICE tab of the lab running this notebook, as a
        double-click in the file browser would. Frontends without jupyter_wopi's lab
        extension show a link to the editor page instead; outside IPython it is printed.
        FileNotFoundError when there is no such file."""
        if not os.path.isfile(self.absolute_path):
            raise FileNotFoundError(f"{self.path}: no such file, so it cannot be opened.")
        found, any_server = self._served()
        display = _ipython_display()
        if display is None:
            print(self._open_text(found))
            return
        # Displayed once with a request the lab carries out, then at once replaced by a
        # plain record: a saved notebook, opened later, must not open tabs by itself.
        request = self._open_bundle(found, any_server, uuid.uuid4().hex)
        handle = display(request, raw=True, display_id=True)
        handle.update(self._open_bundle(found, any_server, None), raw=True)
        _OPEN_REQUESTS[self.absolute_path] = time.time()

    def _open_bundle(
        self, found: tuple[ServerInfo, str] | None, any_server: bool, request: str | None
    ) -> Any:
        data = self._file_data(found, any_server)
        if request is not None:
            data["request"] = request
        url, text = self._editor_url(found, None), self._open_text(found)
        link = (
            f'<p><a href="{html.escape(url)}" target="_blank" rel="noopener">Open '
            f"{html.escape(self.name)} in ONLYOFFICE Docs</a></p>"
            if url
            else f"<p>{html.escape(text)}</p>"
        )
        return {OPEN_MIME_TYPE: data, "text/html": link, "text/plain": text}

    def _open_text(self, found: tuple[ServerInfo, str] | None) -> str:
        url = self._editor_url(found, None)
        if url is None:
            return (
                f"{self.path}: no running Jupyter server of this user serves it; open it from "
                "JupyterLab's file browser."
            )
        return f"Open {self.name} in ONLYOFFICE Docs: {url} (on this Jupyter server)"

    # -- inserting an image into its open editor ----------------------------------------

    def insert_image(
        self,
        image: Any,
        *,
        timeout: float = 30,
        servers: list[ServerInfo] | None = None,
    ) -> None:
        """Insert an image into this document where its editor's cursor is, in the lab
        running this notebook (as ONLYOFFICE's Image → From Storage does): a matplotlib
        figure, PNG/JPEG/GIF/BMP bytes, or an image file's path. The document must be open
        for editing; right after `.open()` this waits up to `timeout` seconds for its
        editor. RuntimeError with a sentence when no editor has it open."""
        display = _ipython_display()
        if display is None:
            raise RuntimeError(
                f"insert_image needs a notebook in JupyterLab: the lab puts the image into the "
                f"editor of {self.name}. Run it in a notebook cell."
            )
        server, relative = self._asked(servers, "its editor", "the document's tab")
        self._wait_for_editor(server, relative, timeout)
        served = None
        if isinstance(image, (str, os.PathLike)):
            found = server_path(os.path.realpath(os.fspath(image)), [server])
            served = found[1] if found is not None else None
        source = image_to_insert(image, served)
        issued = self._ask(
            server,
            f"{_api(server)}/images",
            method="POST",
            payload={**source.body, "document": relative},
            answer_is="an image URL",
        )
        request = self._insert_bundle(server, relative, source.name, issued, uuid.uuid4().hex)
        handle = display(request, raw=True, display_id=True)
        # At once replaced by a record without the URL: a saved notebook inserts nothing.
        handle.update(self._insert_bundle(server, relative, source.name, issued, None), raw=True)

    def _wait_for_editor(self, server: ServerInfo, relative: str, timeout: float) -> None:
        """Return once an editor has the file open (its lock); when this kernel has just
        asked the lab to open it, wait for that editor up to `timeout` seconds."""
        waiting = self._just_asked_to_open()
        deadline = time.monotonic() + (timeout if waiting else 0)
        url = f"{_api(server)}/files?path={quote(relative)}"
        while not self._ask(server, url).get("lock"):
            if time.monotonic() >= deadline:
                again = f"Document({PurePath(self.path).as_posix()!r}).open()"
                raise RuntimeError(
                    (
                        f"{self.path} was asked to open, but no editor had it open within "
                        f"{timeout:g} s, so the image was not inserted: check its tab, then "
                        "insert the image again."
                    )
                    if waiting
                    else (
                        f"{self.path} is not open for editing in ONLYOFFICE, so the image "
                        f"cannot be inserted: open it first ({again} or a double-click in the "
                        "file browser), then insert the image again."
                    )
                )
            time.sleep(0.25)

    def _insert_bundle(
        self,
        server: ServerInfo,
        relative: str,
        name: str,
        issued: dict[str, Any],
        request: str | None,
    ) -> Any:
        image: dict[str, Any] = {
            "name": name,
            "size": issued.get("size", 0),
            "content_type": issued.get("content_type", ""),
        }
        if request is not None:
            image["url"] = issued.get("url", "")
        data = {**self._file_data((server, relative), True), "request": request, "image": image}
        text = (
            f"{name} was sent to the ONLYOFFICE editor of {self.name} (JupyterLab with "
            "jupyter_wopi inserts it)."
        )
        return {
            INSERT_IMAGE_MIME_TYPE: data,
            "text/plain": text,
            "text/html": f"<p>{html.escape(text)}</p>",
        }

    # -- what the editor did: the server's file status --------------------------------------

    def status(self, servers: list[ServerInfo] | None = None) -> dict[str, Any]:
        """The file's status on the Jupyter server that serves it (`api/wopi/files?path=`):
        its lock, the editor's last save, conflict copies. RuntimeError with a sentence when
        no running server serves it or the server cannot be asked."""
        server, relative = self._asked(servers, "the editor's saves", "the save status")
        return self._ask(server, f"{_api(server)}/files?path={quote(relative)}")

    def _asked(
        self, servers: list[ServerInfo] | None, what: str, instead: str
    ) -> tuple[ServerInfo, str]:
        """The server to ask about `what` and the file's path there; RuntimeError with a
        sentence when no running server serves the file or it has no http(s) address
        (`instead`: what the document's tab shows in its place)."""
        found = self._served(servers)[0]
        if found is None or not found[0].url:
            raise RuntimeError(
                f"No running Jupyter server of this user serves {self.path}, so {what} "
                "cannot be looked up: run this in a kernel of the Jupyter server that "
                "serves the file."
            )
        server = found[0]
        if _where(server.url) is None:
            raise RuntimeError(
                f"The Jupyter server that serves {self.path} is at {server.url}, not an http(s) "
                f"address, so this kernel cannot ask it about {what}: watch {instead} in the "
                "document's tab instead."
            )
        return found

    def _ask(
        self,
        server: ServerInfo,
        url: str,
        *,
        method: str = "GET",
        answer_is: str = "a file's status",
        unknown: str = "",
        payload: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """`url` of `server` asked as JSON (a POST sends `payload`, else `{}`); `answer_is`:
        what the JSON object was to be, for the sentence when it is something else
        (`unknown`: `_call`)."""
        body = json.dumps(payload or {}).encode() if method == "POST" else None
        raw = self._call(server, url, method=method, body=body, unknown=unknown)
        try:
            answer = json.loads(raw)
        except ValueError as err:
            raise RuntimeError(
                f"The Jupyter server at {server.url} did not answer with JSON when asked about "
                f"{self.path}: it may not be a Jupyter server with jupyter_wopi."
            ) from err
        if not isinstance(answer, dict):
            raise RuntimeError(
                f"The Jupyter server at {server.url} answered with something other than "
                f"{answer_is}."
            )
        return answer

    def _call(
        self,
        server: ServerInfo,
        url: str,
        *,
        method: str = "GET",
        body: bytes | None = None,
        unknown: str = "",
    ) -> bytes:
        """The body of `url` of `server`'s answer; every failure a sentence naming the file
        as written (never its absolute path: these messages end up in saved notebooks).
        `unknown`: what a 404 without jupyter_wopi's sentence means (a page for an address
        the server does not route), when not that the server lacks the route."""
        from http.client import HTTPException  # only when asked: imports stay cheap
        from urllib.error import HTTPError, URLError
        from urllib.request import HTTPRedirectHandler, ProxyHandler, Request, build_opener

        class NoRedirect(HTTPRedirectHandler):
            # A redirect would carry the token to wherever the answer points.
            def redirect_request(self, *_: Any) -> None:
                return None

        request = Request(url, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        token = token_for(server)
        if token:
            request.add_unredirected_header("Authorization", f"token {token}")
        # No proxy: the server runs on this machine, and a proxy would see the token.
        opener = build_opener(ProxyHandler({}), NoRedirect())
        where = f"The Jupyter server at {server.url}"
        try:
            with opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return bytes(response.read())
        except HTTPError as err:
            raise RuntimeError(self._refusal(where, err.code, err.read(), unknown)) from err
        except (URLError, OSError, HTTPException) as err:
            reason = err.reason if isinstance(err, URLError) else err
            if isinstance(reason, TimeoutError):
                raise RuntimeError(
                    f"{where} did not answer within {REQUEST_TIMEOUT:g} s when asked about "
                    f"{self.path}: it may be busy; try again."
                ) from err
            raise RuntimeError(
                f"{where} cannot be asked about {self.path} ({reason}): check that it is "
                "still running."
            ) from err

    def _refusal(self, where: str, code: int, body: bytes, unknown: str = "") -> str:
        try:
            detail = str(json.loads(body)["message"])
        except (ValueError, KeyError, TypeError):
            detail = body.decode("utf-8", "replace").strip()
            if code == 404:  # a page, not jupyter_wopi's sentence: the address is not routed
                detail = unknown or (
                    "no such address (its jupyter_wopi may be older than this kernel's, or "
                    "not enabled)"
                )
        detail = detail[:300] or "no reason given"
        message = f"{where} answered HTTP {code} when asked about {self.path}: {detail}"
        message = message if message.endswith((".", "!", "?")) else message + "."
        # Jupyter's own refusal of the token says only "Forbidden"; jupyter_wopi's (a file
        # read-only on disk, a team folder this user may only read) says why in a sentence.
        if code == 401 or (code == 403 and detail.rstrip(".").lower() in _NO_REASON):
            return (
                f"{message} This kernel has no token that server accepts: run it in a kernel "
                "of the Jupyter server that serves the file."
            )
        return message

    @property
    def saved_at(self) -> datetime | None:
        """When the editor last saved to this file (None: not since the server knows it)."""
        return _saved_at(self.status())

    @property
    def locked_by(self) -> str | None:
        """Who has the file open for editing in ONLYOFFICE, None when nobody has."""
        lock = self.status().get("lock")
        return str(lock["holder_name"]) if lock else None

    def wait_saved(
        self, timeout: float = 120, servers: list[ServerInfo] | None = None, poll: float = 1.0
    ) -> datetime | None:
        """Wait until the editor's next save reaches the file, or until nobody has it open
        any more (ONLYOFFICE saves when the last editor closes it); returns the time of the
        last save. ONLYOFFICE writes on its own save (Save button, Ctrl+S in the editor) and on
        close, not on every keystroke. Right after `.open()` (a notebook run with Run All),
        this waits for the editor to open first. When nobody has the file open and the
        editor has not saved it since it was asked to open, it returns at once with a
        `NotOpenWarning` saying so. TimeoutError after `timeout` seconds."""
        since = datetime.now(timezone.utc)
        deadline = time.monotonic() + timeout
        opening = self._just_asked_to_open()
        told = False
        while True:
            status = self.status(servers)
            saved, lock = _saved_at(status), status.get("lock")
            if saved is not None and saved >= since:
                return saved
            if lock is not None:  # the editor asked for is there: its leaving ends a wait
                opening = False
                _OPEN_REQUESTS.pop(self.absolute_path, None)
            if lock is None and not opening:
                self._warn_if_never_saved(saved)
                return saved
            if time.monotonic() >= deadline:
                raise TimeoutError(self._not_saved(status, timeout))
            if not told:
                told = True
                print(
                    f"Waiting for the editor's save of {self.name} (up to {timeout:g} s): save it "
                    "in ONLYOFFICE (its Save button or Ctrl+S) or close it. Interrupt the kernel "
                    "to stop waiting.",
                    flush=True,
                )
            time.sleep(poll)

    def _just_asked_to_open(self) -> bool:
        """Whether this kernel asked the lab to open the file moments ago (`.open()`)."""
        asked = _OPEN_REQUESTS.get(self.absolute_path)
        return asked is not None and time.time() - asked < OPEN_GRACE

    def _warn_if_never_saved(self, saved: datetime | None) -> None:
        asked = _OPEN_REQUESTS.get(self.absolute_path)
        if saved is not None and (asked is None or saved.timestamp() >= asked):
            return  # saved by the editor since it was opened (and closed since): nothing to say
        again = f"Document({PurePath(self.path).as_posix()!r}).open()"
        warnings.warn(
            NotOpenWarning(
                f"{self.path} is not open in ONLYOFFICE, so there was no save to wait for: "
                f"open it ({again} or a double-click in the file browser), edit and save it, "
                "then wait again."
            ),
            stacklevel=3,
        )

    def _not_saved(self, status: dict[str, Any], timeout: float) -> str:
        lock = status.get("lock")
        if lock is None:
            return (
                f"{self.path} was asked to open, but no editor had it open within {timeout:g} "
                "s: check its tab in the lab, then wait again."
            )
        return (
            f"{self.path} is open in ONLYOFFICE ({lock['holder_name']}) and was not saved "
            f"within {timeout:g} s: save in the editor (its Save button or Ctrl+S), or close it."
        )

    # -- version history: the bytes saves and restores replaced --------------------------

    @property
    def versions(self) -> list[Version]:
        """The file's kept versions on the Jupyter server that serves it, newest first: the
        bytes each editor's save, restore or outside change replaced, and those an editor
        loaded. RuntimeError with a sentence when no running server serves it or the server
        refuses."""
        return self._versions(None)[2]

    def read(self, version: Version | str | int, servers: list[ServerInfo] | None = None) -> bytes:
        """The bytes of one version of the file (a `Version` of `versions`, or its id)."""
        server, file_id, version_id, unknown = self._version_of(version, servers)
        url = f"{_api(server)}/versions/{file_id}/{version_id}"
        return self._call(server, url, unknown=unknown)

    def restore(
        self, version: Version | str | int, servers: list[ServerInfo] | None = None
    ) -> Version | None:
        """Put the bytes of `version` (a `Version` of `versions`, or its id) back into the
        file; an editor that has it open is asked to reload. Returns the version the replaced
        bytes became (None when the server kept none: they were a version already)."""
        server, file_id, version_id, unknown = self._version_of(version, servers)
        url = f"{_api(server)}/versions/{file_id}/{version_id}/restore"
        answer = self._ask(
            server, url, method="POST", answer_is="a restore's result", unknown=unknown
        )
        kept = answer.get("kept")
        name = PurePath(str(answer.get("path") or self.path)).name
        return self._parsed(server, [kept], name)[0] if kept else None

    def _versions(self, servers: list[ServerInfo] | None) -> tuple[ServerInfo, str, list[Version]]:
        """The server asked, the file's id there and its versions."""
        server, relative = self._asked(servers, "its versions", "the version history")
        listed = self._ask(
            server,
            f"{_api(server)}/versions?path={quote(relative)}",
            answer_is="a list of versions",
        )
        try:
            file_id, name = str(listed["file_id"]), str(listed["name"])
        except KeyError as err:
            raise RuntimeError(_not_versions(server, self.path)) from err
        return server, file_id, self._parsed(server, listed.get("versions"), name)

    def _parsed(self, server: ServerInfo, listed: Any, name: str) -> list[Version]:
        try:
            return [Version._from_json(item, name) for item in listed]
        except (KeyError, TypeError, ValueError, OverflowError) as err:
            raise RuntimeError(_not_versions(server, self.path)) from err

    def _version_of(
        self, version: Version | str | int, servers: list[ServerInfo] | None
    ) -> tuple[ServerInfo, str, str, str]:
        """The server, the file id and the version id to ask for `version` (quoted for a
        URL), and what a 404 without a sentence means; ValueError when it is a version of
        another file."""
        if isinstance(version, bool) or not isinstance(version, (Version, str, int)):
            raise TypeError(f"version must be a Version or its id, not {version!r}.")
        server, file_id, _ = self._versions(servers)
        if isinstance(version, Version) and version.file_id != file_id:
            raise ValueError(
                f"{version!r} is a version of another file, not of {self.path}: read it with "
                "the Document of that file."
            )
        version_id = version.id if isinstance(version, Version) else str(version)
        unknown = f"it has no version {version_id!r}"  # an id the server's routes cannot take
        return server, quote(file_id, safe=""), quote(version_id, safe=""), unknown

    def _file_data(self, found: tuple[ServerInfo, str] | None, any_server: bool) -> dict[str, Any]:
        """Where the file is, for the lab's renderer: the path as written (taken relative to
        the notebook's folder) and, when a running server serves it, its path there. No
        absolute paths of the kernel's machine: outputs are saved in shared notebooks."""
        data: dict[str, Any] = {"path": PurePath(self.path).as_posix()}
        if found is not None:
            data["server_path"] = found[1]
        elif any_server:
            data["outside_root"] = True  # servers run, but none has the file under its root
        return data

    def _repr_mimebundle_(self, **_: Any) -> dict[str, Any]:
        exists = os.path.isfile(self.absolute_path)
        found, any_server = self._served()
        data = {**self._file_data(found, any_server), "height": self.height, "mode": self.mode}
        data["exists"] = exists
        return {
            MIME_TYPE: data,
            "text/html": self._html(exists, found),
            "text/plain": repr(self) + ("" if exists else "  (no such file)"),
        }

    def _html(self, exists: bool, found: tuple[ServerInfo, str] | None) -> str:
        name = html.escape(self.name)
        if not exists:
            return f"<p>{html.escape(self.path)}: no such file.</p>"
        url = self._editor_url(found, self.mode)
        verb = "View" if self.mode == "view" else "Edit"
        if url is None:
            return (
                f"<p>{name} (open it from JupyterLab's file browser to {verb.lower()} it in "
                "ONLYOFFICE Docs)</p>"
            )
        return (
            f'<p><a href="{html.escape(url)}" target="_blank" rel="noopener">'
            f"{verb} {name} in ONLYOFFICE Docs</a></p>"
        )


def _ipython_display() -> Any:
    """IPython's `display` when this runs in an IPython kernel or shell, else None. Looked
    up, not imported: a plain Python process must not pay for importing IPython."""
    ipython = sys.modules.get("IPython")
    if ipython is None or ipython.get_ipython() is None:
        return None
    return importlib.import_module("IPython.display").display


_NO_REASON = {"forbidden", "unauthorized", "no reason given"}
# The files this kernel asked the lab to open, and when (monotonic): insert_image waits.
_OPEN_REQUESTS: dict[str, float] = {}


def _api(server: ServerInfo) -> str:
    """The base URL of jupyter_wopi's lab API on `server`."""
    return f"{server.url.rstrip('/')}/api/wopi"


def _not_versions(server: ServerInfo, path: str) -> str:
    return (
        f"The Jupyter server at {server.url} answered with something other than a list of "
        f"versions when asked about {path}: its jupyter_wopi may be of another release."
    )


def _saved_at(status: dict[str, Any]) -> datetime | None:
    """When the editor last saved the file; ONLYOFFICE's blank template written into a new,
    empty file is nobody's save."""
    save = status.get("last_save")
    if not save or save.get("reason") == "template":
        return None
    return datetime.fromtimestamp(float(save["saved_at"]), timezone.utc)

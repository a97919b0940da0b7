"""Shared fixtures: a real Jupyter server (pytest-jupyter) with jupyter_wopi enabled, under a
non-root base_url, and a small WOPI client that talks to it like ONLYOFFICE does (no
Jupyter credentials, only the access token)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from support.postgres_cluster import PostgresCluster, throwaway_cluster
from tornado.httpclient import AsyncHTTPClient, HTTPResponse

pytest_plugins = ("pytest_jupyter.jupyter_server", "support.team_service_fixtures")


@pytest.fixture
def jp_server_config(tmp_path: Path) -> dict[str, Any]:
    return {
        "ServerApp": {
            "jpserver_extensions": {
                "jupyter_wopi": True,
                "jupyter_server_terminals": False,
            },
            "allow_unauthenticated_access": False,
        },
        "JupyterWopi": {"state_dir": str(tmp_path / "wopi-state")},
        # Deleting removes: send2trash would move the file into the user's real trash.
        "FileContentsManager": {"delete_to_trash": False},
    }


def trash_folders(near: Path) -> dict[Path, Path]:
    """The trash folders send2trash may move a file under `near` into, each with the folder
    its entries' paths are relative to: the user's trash (under XDG_DATA_HOME) and, for a
    file system other than the home's, the trash at the top of that file system."""
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    top = near.resolve()
    while not os.path.ismount(top) and top != top.parent:
        top = top.parent
    uid = str(os.getuid())
    return {data_home / "Trash": data_home, top / ".Trash" / uid: top, top / f".Trash-{uid}": top}


def trashed(folders: dict[Path, Path]) -> dict[Path, Path]:
    """The entries (.trashinfo files) of these trash folders, with where each came from."""
    entries = {}
    for folder, top in folders.items():
        for info in (folder / "info").glob("*.trashinfo"):
            try:
                lines = info.read_text(errors="replace").splitlines()
            except OSError:  # emptied meanwhile
                continue
            origin = next((unquote(line[5:]) for line in lines if line.startswith("Path=")), "")
            entries[info] = top / origin  # an absolute origin stays as it is
    return entries


@pytest.fixture(scope="session", autouse=True)
def real_trash_untouched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The tests delete nothing into the user's trash: every server they start turns
    `delete_to_trash` off. Fails the run, naming them, when files from this run's folders
    (its base temporary folder, which holds every server root but the unprivileged test's,
    and this checkout) landed there; other test runs on the machine may trash their own."""
    base = tmp_path_factory.getbasetemp().resolve()
    ours = (base, Path(__file__).resolve().parents[1])
    folders = trash_folders(base)
    before = set(trashed(folders))
    yield
    new = {
        info: origin
        for info, origin in trashed(folders).items()
        if info not in before and any(origin.is_relative_to(folder) for folder in ours)
    }
    if new:
        listed = "\n".join(
            sorted(f"  {origin} (in {info.parent.parent})" for info, origin in new.items())
        )
        pytest.fail(
            f"the tests moved {len(new)} file(s) into the real trash (delete_to_trash must be "
            f"off in every test server):\n{listed}",
            pytrace=False,
        )


class WopiClient:
    """Calls WOPI routes the way ONLYOFFICE does: plain HTTP with `?access_token=`."""

    def __init__(self, base: str) -> None:
        self.base = base  # http://127.0.0.1:port/<base_url>
        self.http = AsyncHTTPClient()

    async def request(
        self,
        method: str,
        url: str,
        token: str | None,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> HTTPResponse:
        if token is not None:
            url += ("&" if "?" in url else "?") + f"access_token={token}"
        if method == "POST" and body is None:
            body = b""
        return await self.http.fetch(
            url,
            method=method,
            headers=headers or {},
            body=body,
            raise_error=False,
            request_timeout=120,
        )

    def file_url(self, file_id: str) -> str:
        return f"{self.base}wopi/files/{file_id}"

    async def check_file_info(self, file_id: str, token: str) -> HTTPResponse:
        return await self.request("GET", self.file_url(file_id), token)

    async def get_file(self, file_id: str, token: str, **headers: str) -> HTTPResponse:
        return await self.request("GET", self.file_url(file_id) + "/contents", token, headers)

    async def put_file(
        self, file_id: str, token: str, body: bytes, lock: str | None = None, **extra: str
    ) -> HTTPResponse:
        headers = {"X-WOPI-Override": "PUT", **extra}
        if lock is not None:
            headers["X-WOPI-Lock"] = lock
        return await self.request(
            "POST", self.file_url(file_id) + "/contents", token, headers, body
        )

    async def override(
        self, file_id: str, token: str, op: str, body: bytes = b"", **headers: str
    ) -> HTTPResponse:
        all_headers = {
            "X-WOPI-Override": op,
            **{k.replace("_", "-"): v for k, v in headers.items()},
        }
        return await self.request("POST", self.file_url(file_id), token, all_headers, body)


@pytest.fixture
def wopi(jp_fetch: Any, jp_http_port: int, jp_base_url: str) -> WopiClient:
    """(Depends on jp_fetch so that the server is listening.)"""
    return WopiClient(f"http://localhost:{jp_http_port}{jp_base_url}")


Session = dict[str, Any]


@pytest.fixture
def open_session(jp_fetch: Any, jp_root_dir: Path) -> Callable[..., Any]:
    """Create a file (if content is given) and open a WOPI session on it through the lab API."""

    async def _open(path: str, content: bytes | None = None, action: str = "edit") -> Session:
        if content is not None:
            target = jp_root_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        response = await jp_fetch(
            "api",
            "wopi",
            "sessions",
            method="POST",
            body=json.dumps({"path": path, "action": action}),
        )
        return json.loads(response.body)  # type: ignore[no-any-return]

    return _open


def headers_of(response: HTTPResponse) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.get_all()}


@contextlib.contextmanager
def mounted(folder: Path, kind: str, size: str, why: str) -> Iterator[Path]:
    """A file system of its own at `folder` (made here): a tmpfs, a ramfs (no extended
    attributes; `size` is not enforced), or an ext4 image on a loop device. Needs root (CI
    runs as root); skipped, saying `why` it was wanted, where mounting is not permitted."""
    folder.mkdir()
    if kind == "tmpfs":
        command = ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)]
    elif kind == "ramfs":
        command = ["mount", "-t", "ramfs", "-o", "mode=0755", "ramfs", str(folder)]
    else:
        image = folder.with_name(folder.name + ".ext4")
        made = subprocess.run(
            ["sh", "-c", f'truncate -s {size} "$0" && mkfs.ext4 -q "$0"', str(image)],
            capture_output=True,
            text=True,
        )
        if made.returncode != 0:
            pytest.skip(f"cannot make an ext4 image {why}: {made.stderr.strip()}")
        command = ["mount", "-o", "loop", str(image), str(folder)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a {kind} {why}: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=False)


@pytest.fixture
def small_disk(jp_root_dir: Path) -> Iterator[Path]:
    """`small/` in the server root: a 256 KiB tmpfs, to fill a disk for real."""
    with mounted(jp_root_dir / "small", "tmpfs", "256k", "to fill a disk") as folder:
        yield folder


def resize_disk(folder: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(folder)], check=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A PostgreSQL server for the session (tests/support/postgres_cluster.py)."""
    yield from throwaway_cluster()


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> str:
    """The URL of a new, empty PostgreSQL database."""
    return postgres_cluster.new_database()

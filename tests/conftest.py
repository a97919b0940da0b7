"""Shared fixtures: a real Jupyter server (pytest-jupyter) with jupyter_wopi enabled, under a
non-root base_url, and a small WOPI client that talks to it like ONLYOFFICE does (no
Jupyter credentials, only the access token)."""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

# The helpers' asserts report their values as the tests' own do: registered before any import.
pytest.register_assert_rewrite("support")

from support.disks import mounted  # noqa: E402
from support.postgres_cluster import PostgresCluster, throwaway_cluster  # noqa: E402
from support.raw_http import RawConnection, target  # noqa: E402
from support.wopi_client import WopiClient  # noqa: E402

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


RawPost = Callable[..., Awaitable[RawConnection]]


@pytest.fixture
def raw_post(jp_http_port: int, jp_base_url: str) -> RawPost:
    """`await raw_post(doc, headers, suffix="")`: the head of a WOPI POST to the session's file
    (its `suffix`: "/contents" for PutFile) sent on a hand-driven connection
    (support/raw_http.py), which it returns; the body, if any, is the test's to send."""

    async def post(doc: Session, headers: dict[str, str], suffix: str = "") -> RawConnection:
        raw = await RawConnection.open(jp_http_port)
        await raw.head("POST", target(jp_base_url, doc, suffix), headers)
        return raw

    return post


@pytest.fixture
def small_disk(jp_root_dir: Path) -> Iterator[Path]:
    """`small/` in the server root: a 256 KiB tmpfs, to fill a disk for real."""
    with mounted(jp_root_dir / "small", "tmpfs", "256k", "to fill a disk") as folder:
        yield folder


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A PostgreSQL server for the session (tests/support/postgres_cluster.py)."""
    yield from throwaway_cluster()


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> str:
    """The URL of a new, empty PostgreSQL database."""
    return postgres_cluster.new_database()

"""The state folder stays private, and a state the host cannot use is explained, in the log
and to the lab, with the file and the fix (issue 9 §12, §14)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support.wopi_client import WopiClient
from tornado.httpclient import HTTPClientError

STATE_FILES = ["state.sqlite3", "token_secret"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "wopi-state"


@pytest.fixture
def prepare_state() -> Callable[[Path], None]:
    """What is in the state folder before the server starts; tests parametrize this."""
    return lambda folder: None


@pytest.fixture
def jp_server_config(
    jp_server_config: dict[str, Any],
    state_dir: Path,
    prepare_state: Callable[[Path], None],
    capfd: pytest.CaptureFixture[str],  # capturing before the server starts: its log
) -> dict[str, Any]:
    prepare_state(state_dir)
    return jp_server_config


def loose_state(folder: Path) -> None:
    """A state folder made by hand (or by an older release) readable by everybody."""
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    (folder / "token_secret").write_bytes(os.urandom(32))
    (folder / "token_secret").chmod(0o644)
    (folder / "state.sqlite3").touch(mode=0o644)
    (folder / "state.sqlite3").chmod(0o644)


@pytest.mark.parametrize("prepare_state", [loose_state, lambda folder: None], ids=["loose", "new"])
async def test_the_state_folder_and_every_state_file_are_private(
    open_session: Any, wopi: WopiClient, state_dir: Path
) -> None:
    doc = await open_session("a.docx", b"x")
    await wopi.override(doc["file_id"], doc["access_token"], "LOCK", X_WOPI_Lock="L")  # writes
    assert mode(state_dir) == 0o700
    names = sorted(p.name for p in state_dir.iterdir())
    for name in STATE_FILES:
        assert name in names
    for path in state_dir.iterdir():  # the databases, their -wal and -shm files, the secret
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path.name
    assert mode(state_dir / "versions") == 0o700  # the versions' bytes
    assert {"state.sqlite3-wal", "state.sqlite3-shm"} <= set(names)


def damaged_database(folder: Path) -> None:
    folder.mkdir(mode=0o700)
    (folder / "state.sqlite3").write_bytes(b"this is not a database, it was overwritten" * 100)


def damaged_secret(folder: Path) -> None:
    folder.mkdir(mode=0o700)
    (folder / "token_secret").write_bytes(b"short")


def secret_is_a_folder(folder: Path) -> None:
    (folder / "token_secret").mkdir(parents=True)


@pytest.mark.parametrize(
    ("prepare_state", "file", "fix"),
    [
        (damaged_database, "state.sqlite3", "move it aside (mv "),
        (damaged_secret, "token_secret", "Delete it and restart Jupyter"),
        (secret_is_a_folder, "token_secret", "or delete it to make a new one"),
    ],
    ids=["database", "secret", "unreadable-secret"],
)
async def test_a_state_the_host_cannot_use_is_explained_to_the_lab_and_the_log(
    jp_fetch: Any,
    jp_root_dir: Path,
    state_dir: Path,
    capfd: pytest.CaptureFixture[str],
    file: str,
    fix: str,
    wopi: WopiClient,
) -> None:
    (jp_root_dir / "a.docx").write_bytes(b"x")
    for route, method, body in (
        (("api", "wopi", "sessions"), "POST", json.dumps({"path": "a.docx"})),
        (("api", "wopi", "status"), "GET", None),
        (("wopi", "open", "a.docx"), "GET", None),
    ):
        with pytest.raises(HTTPClientError) as err:
            await jp_fetch(*route, method=method, body=body)
        assert err.value.code == 503, route
        message = json.loads(err.value.response.body)["message"]  # type: ignore[union-attr]
        assert str(state_dir / file) in message and fix in message, message
    log = capfd.readouterr().err
    [logged] = [line for line in log.splitlines() if "jupyter_wopi cannot start" in line]
    assert str(state_dir / file) in logged and fix in logged
    # ONLYOFFICE's calls get a bare 503 (the paths are for signed-in users only).
    answer = await wopi.check_file_info("0" * 36, "x" * 60)
    assert answer.code == 503 and str(state_dir) not in answer.body.decode()
    # The lab API still requires a Jupyter login.
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("api", "wopi", "status", headers={"Authorization": ""})
    assert err.value.code in (401, 403)


async def test_a_secret_left_half_made_is_never_empty(state_dir: Path) -> None:
    from jupyter_wopi.state.folder import token_secret

    state_dir.mkdir()
    first = token_secret(state_dir / "token_secret")
    assert len(first) == 32 and token_secret(state_dir / "token_secret") == first
    assert sorted(p.name for p in state_dir.iterdir()) == ["token_secret"]  # no temp left

"""Two Jupyter servers serving one folder with their state in one PostgreSQL database, and
requests alternating between them with no sticky sessions (issue 10 §4): every WOPI rule
holds as with one server, and tokens and file ids are the same whichever answers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from alternating_proxy import alternating_proxy
from postgres_cluster import PostgresCluster
from server_process import BASE_URL, JupyterServerProcess, free_port
from test_validator import GROUPS, RUNNER, run_validator

RACERS = 12


def start_all(servers: list[JupyterServerProcess]) -> None:
    """Start the servers at the same moment (a start-up race is part of what is tested)."""
    with ThreadPoolExecutor(len(servers)) as pool:
        list(pool.map(lambda server: server.start(), servers))


def twin_servers(
    workdir: Path, state: dict[str, str], wopi_base: str = ""
) -> list[JupyterServerProcess]:
    root = workdir / "shared-folder"
    root.mkdir(exist_ok=True)
    return [
        JupyterServerProcess(
            workdir / name,
            extra_config={
                "JupyterWopi": {**state, **({"base_url": wopi_base} if wopi_base else {})}
            },
            root=root,
        )
        for name in ("a", "b")
    ]


@pytest.fixture(scope="module")
def behind_proxy(
    postgres_cluster: PostgresCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[list[JupyterServerProcess], list[str]]]:
    """Two servers on one database behind an alternating proxy, which is what their WOPISrc
    names (JUPYTER_WOPI_BASE_URL), so that ONLYOFFICE's calls alternate between them."""
    port = free_port()
    servers = twin_servers(
        tmp_path_factory.mktemp("twins"),
        {"state_url": postgres_cluster.new_database()},
        f"http://127.0.0.1:{port}{BASE_URL}",
    )
    start_all(servers)
    try:
        backends = [f"http://127.0.0.1:{server.port}" for server in servers]
        with alternating_proxy(port, backends) as served:
            yield servers, served
    finally:
        for server in servers:
            server.stop()


@pytest.mark.skipif(
    not RUNNER.is_file(),
    reason=f"WOPI validator not found at {RUNNER} (it comes with ../shared, not this repository)",
)
@pytest.mark.parametrize("group", GROUPS)
def test_validator_group_with_requests_alternating_between_two_processes(
    behind_proxy: tuple[list[JupyterServerProcess], list[str]], group: str, tmp_path: Path
) -> None:
    (first, second), served = behind_proxy
    run_validator(first, group, tmp_path)
    assert {f"http://127.0.0.1:{s.port}" for s in (first, second)} <= set(served)


def wopi_call(
    server: JupyterServerProcess, session: dict[str, Any], **headers: str
) -> requests.Response:
    return requests.post(
        server.url(f"wopi/files/{session['file_id']}"),
        params={"access_token": session["access_token"]},
        headers=headers,
        timeout=30,
    )


def test_editors_racing_for_one_file_through_two_processes_get_one_lock(
    postgres_url: str, tmp_path: Path
) -> None:
    servers = twin_servers(tmp_path, {"state_url": postgres_url})
    start_all(servers)
    try:
        (servers[0].root / "race.docx").write_bytes(b"content")
        session = servers[0].open_session("race.docx")
        # The other process knows the file by the same id, and accepts the first's token.
        assert servers[1].open_session("race.docx")["file_id"] == session["file_id"]
        start = threading.Barrier(RACERS)

        def lock(n: int) -> requests.Response:
            start.wait()
            return wopi_call(
                servers[n % 2], session, **{"X-WOPI-Override": "LOCK", "X-WOPI-Lock": f"editor-{n}"}
            )

        with ThreadPoolExecutor(RACERS) as pool:
            answers = list(pool.map(lock, range(RACERS)))
        codes = sorted(answer.status_code for answer in answers)
        assert codes == [200] + [409] * (RACERS - 1), codes
        [winner] = [n for n, answer in enumerate(answers) if answer.status_code == 200]
        assert {a.headers["X-WOPI-Lock"] for a in answers if a.status_code == 409} == {
            f"editor-{winner}"
        }
        for server in servers:  # both see the one lock
            get = wopi_call(server, session, **{"X-WOPI-Override": "GET_LOCK"})
            assert get.headers["X-WOPI-Lock"] == f"editor-{winner}"
    finally:
        for server in servers:
            server.stop()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_servers_starting_together_on_a_fresh_state_agree_on_file_ids(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path
) -> None:
    """Two servers started at the same moment on a new state (one state folder, or one
    database) both start, and give a file one id (it used to fail: UNIQUE constraint failed:
    Files.ino, while both indexed the tree)."""
    if backend == "postgresql":
        state = {"state_url": request.getfixturevalue("postgres_url")}
    else:
        state = {"state_dir": str(tmp_path / "shared-state")}
    servers = twin_servers(tmp_path, state)
    for n in range(50):
        (tmp_path / "shared-folder" / f"doc-{n}.docx").write_bytes(b"x")
    start_all(servers)
    try:
        with ThreadPoolExecutor(2) as pool:
            sessions = list(pool.map(lambda s: s.open_session("doc-7.docx"), servers))
        assert sessions[0]["file_id"] == sessions[1]["file_id"]
        for server in servers:
            assert "Traceback" not in server.log_path.read_text(), server.log_tail()
            status = requests.get(server.url("api/wopi/locks"), headers=server.auth(), timeout=30)
            assert status.status_code == 200 and json.loads(status.text) == {"locks": []}
    finally:
        for server in servers:
            server.stop()

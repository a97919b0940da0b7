"""Two Jupyter servers serving one folder with their state in one PostgreSQL database, and
requests alternating between them with no sticky sessions (issue 10 §4): every WOPI rule
holds as with one server, and tokens and file ids are the same whichever answers."""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from support.alternating_proxy import alternating_proxy
from support.images import png
from support.postgres_cluster import PostgresCluster
from support.server_process import BASE_URL, JupyterServerProcess, free_port
from support.validator import GROUPS, needs_validator, run_validator

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


@needs_validator
@pytest.mark.parametrize("group", GROUPS)
def test_validator_group_with_requests_alternating_between_two_processes(
    behind_proxy: tuple[list[JupyterServerProcess], list[str]], group: str, tmp_path: Path
) -> None:
    (first, second), served = behind_proxy
    run_validator(first, group, tmp_path)
    assert {f"http://127.0.0.1:{s.port}" for s in (first, second)} <= set(served)


@contextlib.contextmanager
def file_changed_elsewhere(postgres_url: str, file_id: str) -> Iterator[Any]:
    """Another process's transaction holding the file's per-file advisory lock, as while it
    changes that file's lock; it ends with `.commit()` on what this yields."""
    import psycopg

    with psycopg.connect(postgres_url) as other:
        other.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (file_id,))
        yield other


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
            return servers[n % 2].wopi_post(
                session, **{"X-WOPI-Override": "LOCK", "X-WOPI-Lock": f"editor-{n}"}
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
            get = server.wopi_post(session, **{"X-WOPI-Override": "GET_LOCK"})
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


def test_a_save_waits_while_another_process_changes_that_files_lock(
    postgres_url: str, tmp_path: Path
) -> None:
    """A PutFile's lock check and replacement, and a Lock, take turns with another process
    that is changing the same file's lock (here: holding its per-file advisory lock)."""
    server = JupyterServerProcess(
        tmp_path, extra_config={"JupyterWopi": {"state_url": postgres_url}}
    )
    with server:
        (server.root / "turns.docx").write_bytes(b"v1")
        session = server.open_session("turns.docx")
        fid = session["file_id"]
        assert server.wopi_post(session, **{"X-WOPI-Override": "LOCK", "X-WOPI-Lock": fid}).ok
        with file_changed_elsewhere(postgres_url, fid) as other, ThreadPoolExecutor(2) as pool:
            put = {"X-WOPI-Override": "PUT", "X-WOPI-Lock": fid}
            save = pool.submit(server.wopi_post, session, "/contents", b"v2", **put)
            lock = pool.submit(
                server.wopi_post,
                session,
                **{"X-WOPI-Override": "REFRESH_LOCK", "X-WOPI-Lock": fid},
            )
            time.sleep(1.0)
            assert not save.done() and not lock.done()  # waiting for the other transaction
            assert (server.root / "turns.docx").read_bytes() == b"v1"
            other.commit()  # the other process is done with the file
            assert save.result().status_code == 200 and lock.result().status_code == 200
        assert (server.root / "turns.docx").read_bytes() == b"v2"
        # Save As over it takes its turn too (it replaces the file and its id follows).
        assert server.wopi_post(session, **{"X-WOPI-Override": "UNLOCK", "X-WOPI-Lock": fid}).ok
        (server.root / "other.docx").write_bytes(b"other")
        source = server.open_session("other.docx")
        with file_changed_elsewhere(postgres_url, fid) as other, ThreadPoolExecutor(1) as pool:
            save_as = pool.submit(
                server.wopi_post,
                source,
                "",
                b"v3",
                **{
                    "X-WOPI-Override": "PUT_RELATIVE",
                    "X-WOPI-RelativeTarget": "turns.docx",
                    "X-WOPI-OverwriteRelativeTarget": "true",
                },
            )
            time.sleep(1.0)
            assert not save_as.done()
            other.commit()
            assert save_as.result().status_code == 200, save_as.result().text
        assert (server.root / "turns.docx").read_bytes() == b"v3"


def test_an_image_url_issued_by_one_process_is_served_by_either_counted_once(
    behind_proxy: tuple[list[JupyterServerProcess], list[str]],
) -> None:
    """ONLYOFFICE downloads an image URL from whichever process its address reaches: the
    capability lives in the shared state, and its download budget is counted across both."""
    (first, second), served = behind_proxy
    (first.root / "chart.png").write_bytes(png(b"on disk"))
    figure = png(b"a notebook output")
    for body, expected in (
        ({"data": base64.b64encode(figure).decode(), "name": "fig"}, figure),
        ({"path": "chart.png"}, png(b"on disk")),
    ):
        issued = requests.post(
            first.url("api/wopi/images"), headers=first.auth(), json=body, timeout=30
        )
        assert issued.ok, issued.text
        url = issued.json()["url"]
        before = len(served)
        downloads = [requests.get(url, timeout=30) for _ in range(4)]
        assert [d.status_code for d in downloads] == [200, 200, 200, 404]
        assert all(d.content == expected for d in downloads[:3])
        backends = {f"http://127.0.0.1:{s.port}" for s in (first, second)}
        assert set(served[before:]) == backends  # both processes answered some of them

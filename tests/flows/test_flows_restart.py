"""The restart flow: Jupyter is restarted while a document is open in ONLYOFFICE, and the
next save still lands. The server is a real subprocess (support/server_process.py)
configured with the ONLYOFFICE double, which runs in a background thread on its own event
loop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from onlyoffice_double import OnlyOfficeDouble
from onlyoffice_double.fixtures import TEST_KNOBS
from support.documents import office_file
from support.loop_thread import LoopThread
from support.server_process import JupyterServerProcess


@pytest.fixture
def double_thread() -> Iterator[tuple[OnlyOfficeDouble, LoopThread]]:
    """A running double served by a LoopThread (its outgoing WOPI calls run there too)."""
    runner = LoopThread()
    double = OnlyOfficeDouble(**TEST_KNOBS)
    runner.run(double.start())  # binds in the thread's loop
    yield double, runner
    runner.run(double.stop())
    runner.close()


def test_restart_while_a_document_is_open(
    tmp_path: Path, double_thread: tuple[OnlyOfficeDouble, LoopThread]
) -> None:
    double, runner = double_thread
    server = JupyterServerProcess(
        tmp_path,
        extra_config={
            "JupyterWopi": {
                "state_dir": str(tmp_path / "wopi-state"),
                "onlyoffice_url": double.url + "/",
            }
        },
    )
    original, edited = office_file("docx", "Before restart"), office_file("docx", "After")
    (server.root / "restart.docx").write_bytes(original)
    with server:
        doc = server.open_session("restart.docx")
        assert doc["action"] == "edit" and doc["action_url"].startswith(double.url)
        form = {"access_token": doc["access_token"], "access_token_ttl": doc["access_token_ttl"]}
        assert requests.post(doc["action_url"], data=form, timeout=60).status_code == 200
        page = double.last_page
        assert page.ok, page.error
        session, user = page.session, page.user
        assert session is not None and user is not None and user.mode == "edit"
        assert runner.run(session.load(user)) == original
        session.edit(user, edited)

        pid = server.proc.pid if server.proc else None
        server.restart()
        assert server.proc is not None and server.proc.pid != pid

        assert runner.run(session.force_save(user)), session.errors
        runner.run(session.close(user))
        log = server.log_tail()

    assert (server.root / "restart.docx").read_bytes() == edited
    assert double.operations() == ["CheckFileInfo", "Lock", "GetFile", "PutFile", "Unlock"]
    assert [c.status for c in double.calls] == [200] * 5, (double.calls, log)
    assert session.errors == []

"""A Jupyter server whose contents manager keeps files elsewhere (S3, a database): jupyter_wopi
says so once at start, in the log and to the lab, and the server goes on serving everything
else (issue 23 §10)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support.contents_elsewhere import ElsewhereContentsManager
from support.wopi_client import WopiClient
from tornado.httpclient import HTTPClientError

from jupyter_wopi.errors import StartupError
from jupyter_wopi.files.ids import FileResolver

MANAGER = f"{ElsewhereContentsManager.__module__}.{ElsewhereContentsManager.__qualname__}"
SAID = f"Jupyter server keeps files in {MANAGER}; jupyter_wopi needs files on disk"


@pytest.fixture
def jp_server_config(
    jp_server_config: dict[str, Any],
    capfd: pytest.CaptureFixture[str],  # capturing before the server starts: its log
) -> dict[str, Any]:
    jp_server_config["ServerApp"]["contents_manager_class"] = MANAGER
    return jp_server_config


async def refusal(jp_fetch: Any, *route: str, **request: Any) -> str:
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(*route, **request)
    assert err.value.code == 503, route
    assert err.value.response is not None
    return str(json.loads(err.value.response.body)["message"])


async def test_a_server_keeping_files_elsewhere_is_told_at_start_and_in_the_lab(
    jp_fetch: Any,
    jp_root_dir: Path,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    wopi: WopiClient,
) -> None:
    (jp_root_dir / "report.docx").write_bytes(b"x")
    # What an office tab asks first, and what it shows: the sentence, with what to do.
    message = await refusal(
        jp_fetch, "api", "wopi", "sessions", method="POST", body=json.dumps({"path": "report.docx"})
    )
    assert message.startswith(f"This {SAID}"), message
    assert "c.ServerApp.contents_manager_class" in message
    assert "jupyter server extension disable jupyter_wopi" in message
    # The doctor and the lab's other routes say the same, never a traceback or a 500.
    assert await refusal(jp_fetch, "api", "wopi", "status") == message
    status = await refusal(jp_fetch, "api", "wopi", "files", params={"path": "report.docx"})
    assert status == message
    # ONLYOFFICE's calls get a bare 503 (it has no Jupyter login to be told more).
    answer = await wopi.check_file_info("0" * 36, "x" * 60)
    assert answer.code == 503 and MANAGER not in answer.body.decode()

    # The rest of the server works: the extension neither crashed it nor failed to load.
    listing = json.loads((await jp_fetch("api", "contents", "")).body)
    assert [item["name"] for item in listing["content"]] == ["report.docx"]
    assert not (tmp_path / "wopi-state").exists()  # no state opened for a host that cannot serve

    log = capfd.readouterr().err
    said = [line for line in log.splitlines() if SAID in line]
    assert len(said) == 1, log  # once, at start, not at each request
    assert f"jupyter_wopi: this {SAID}" in said[0]
    assert "Traceback" not in log and "jupyter_wopi cannot start" not in log


def test_the_resolver_refuses_a_manager_keeping_files_elsewhere() -> None:
    """Whoever builds a host on such a manager (settings.build_host) gets the sentence as a
    StartupError, which the extension and the team service answer with, not a TypeError."""
    with pytest.raises(StartupError, match=f"^This {SAID}"):
        FileResolver(ElsewhereContentsManager(), index=None)  # type: ignore[arg-type]

"""The host's discovery cache: fetched once, served stale while ONLYOFFICE fails, rebased
onto the browser-facing URL when fetched internally (spec §2.1, §2.6)."""

from __future__ import annotations

from typing import Any

import pytest
from support.wopi_client import WopiClient

pytest_plugins = ("onlyoffice_double.fixtures",)


@pytest.fixture
def ttl() -> int:
    return 3600


@pytest.fixture
def jp_server_config(
    jp_server_config: dict[str, Any], ttl: int, request: pytest.FixtureRequest
) -> dict[str, Any]:
    double = request.getfixturevalue("onlyoffice")
    wopi = jp_server_config["JupyterWopi"]
    wopi["onlyoffice_internal_url"] = double.url + "/"
    wopi["onlyoffice_url"] = "https://office.example.com/"  # what the browser uses
    wopi["discovery_ttl"] = ttl
    return jp_server_config


async def signed_calls(onlyoffice: Any, doc: dict[str, Any]) -> list[int]:
    page = await onlyoffice.open(doc["wopi_src"], doc["access_token"], doc["access_token_ttl"])
    assert page.session is not None
    await page.session.load()
    return [call.status for call in onlyoffice.calls]


async def test_discovery_is_fetched_once_and_rebased(
    open_session: Any, onlyoffice: Any, wopi: WopiClient
) -> None:
    doc = await open_session("a.docx", b"content")
    assert doc["action_url"].startswith("https://office.example.com/hosting/wopi/word/edit?")
    assert doc["onlyoffice_origin"] == "https://office.example.com"
    assert doc["favicon_url"].startswith("https://office.example.com/")
    assert await signed_calls(onlyoffice, doc) == [200, 200, 200]  # CheckFileInfo, Lock, GetFile
    await open_session("a.docx")
    assert len(onlyoffice.discovery_requests) == 1


@pytest.mark.parametrize("ttl", [0])
async def test_last_good_discovery_is_served_while_onlyoffice_fails(
    open_session: Any, onlyoffice: Any
) -> None:
    doc = await open_session("b.docx", b"content")
    onlyoffice.settings.fail_discovery = 503
    assert await signed_calls(onlyoffice, doc) == [200, 200, 200]  # proofs still checked
    assert len(onlyoffice.discovery_requests) > 1  # it did try again every time (ttl 0)
    onlyoffice.tamper.forge_proof = onlyoffice.tamper.forge_proof_old = True
    onlyoffice.clear_calls()
    forged = await onlyoffice.open(doc["wopi_src"], doc["access_token"], doc["access_token_ttl"])
    assert forged.upstream_status == 500  # the stale keys still reject forgeries

"""The connection doctor gives a correct verdict for each hop, with each hop working and
with each broken (issue #3 §6), through the API and the `jupyter wopi doctor` command."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from support.server_process import free_port

from jupyter_wopi.cli import main as cli_main

pytest_plugins = ("onlyoffice_double.fixtures",)

# scenario → (double knobs or None for "no double", the verdict expected for each hop)
SCENARIOS: dict[str, tuple[dict[str, Any] | None, dict[str, str]]] = {
    "working": (
        {},
        {
            "settings": "ok",
            "jupyter → onlyoffice": "ok",
            "onlyoffice → jupyter": "ok",
            "proof keys": "ok",
        },
    ),
    "not-configured": (None, {"settings": "error"}),
    "onlyoffice-unreachable": (
        None,
        {"settings": "ok", "jupyter → onlyoffice": "error", "onlyoffice → jupyter": "skipped"},
    ),
    "wopi-disabled": ({"wopi_enabled": False}, {"jupyter → onlyoffice": "error"}),
    "jupyter-unreachable": (
        {},
        {"jupyter → onlyoffice": "ok", "onlyoffice → jupyter": "error", "proof keys": "skipped"},
    ),
    "forged-proofs": ({}, {"onlyoffice → jupyter": "ok", "proof keys": "error"}),
    "no-proof-keys": (
        {"proof_keys": False},
        {"onlyoffice → jupyter": "ok", "proof keys": "warning"},
    ),
}
MESSAGES = {
    "not-configured": "ONLYOFFICE Docs is not configured: enter the ONLYOFFICE Docs address",
    "onlyoffice-unreachable": "Cannot reach ONLYOFFICE",
    "wopi-disabled": "WOPI is disabled",
    "jupyter-unreachable": "ONLYOFFICE cannot reach this Jupyter server at http://127.0.0.1:",
    "forged-proofs": "signature does not match",
    "no-proof-keys": "publishes no proof key",
}


@pytest.fixture(params=list(SCENARIOS))
def scenario(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def jp_server_config(
    jp_server_config: dict[str, Any], scenario: str, request: pytest.FixtureRequest
) -> dict[str, Any]:
    knobs, _ = SCENARIOS[scenario]
    wopi = jp_server_config["JupyterWopi"]
    if knobs is not None:
        double = request.getfixturevalue("onlyoffice_factory")(**knobs)
        request.node.onlyoffice_double = double
        wopi["onlyoffice_url"] = double.url + "/"
        if scenario == "forged-proofs":
            double.tamper.forge_proof = double.tamper.forge_proof_old = True
    elif scenario == "onlyoffice-unreachable":
        wopi["onlyoffice_url"] = f"http://127.0.0.1:{free_port()}/"
    if scenario == "jupyter-unreachable":
        wopi["base_url"] = request.node.wrong_base = f"http://127.0.0.1:{free_port()}/a%40b/"
    return jp_server_config


async def test_status_api_verdicts(jp_fetch: Any, scenario: str) -> None:
    response = await jp_fetch("api", "wopi", "status")
    result = json.loads(response.body)
    verdicts = {check["hop"]: check["verdict"] for check in result["checks"]}
    _, expected = SCENARIOS[scenario]
    assert {hop: verdicts.get(hop) for hop in expected} == expected, result
    assert result["ok"] == all(v in ("ok", "warning") for v in verdicts.values())
    assert result["ok"] is (scenario in ("working", "no-proof-keys"))
    if scenario in MESSAGES:
        assert MESSAGES[scenario] in json.dumps(result, ensure_ascii=False)


@pytest.mark.parametrize("scenario", ["jupyter-unreachable"])
async def test_a_wrong_base_url_is_one_sentence_with_the_address_that_works(
    jp_fetch: Any,
    jp_http_port: int,
    jp_base_url: str,
    request: pytest.FixtureRequest,
    scenario: str,
) -> None:
    """ONLYOFFICE (the double, on this machine) cannot reach the configured base: the doctor
    probes this server's own address, which it does reach, and offers it; the other causes
    wait behind "More"."""
    result = json.loads((await jp_fetch("api", "wopi", "status")).body)
    [check] = [c for c in result["checks"] if c["hop"] == "onlyoffice → jupyter"]
    wrong = request.node.wrong_base
    assert check["message"] == f"ONLYOFFICE cannot reach this Jupyter server at {wrong}."
    own = f"http://localhost:{jp_http_port}{jp_base_url}"
    assert (check["setting"], check["suggestion"]) == ("base_url", own)
    assert check["fix"] == (
        f"ONLYOFFICE reaches it at {own}: set c.JupyterWopi.base_url in Jupyter's "
        "configuration to that."
    )
    assert any("ALLOW_PRIVATE_IP_ADDRESS=true" in cause for cause in check["more"])
    assert not any("TLS" in cause for cause in check["more"])  # http: no certificate
    # The Settings dialog shows the verdict beside the field it is about.
    connection = json.loads((await jp_fetch("api", "wopi", "connection")).body)
    shown = {a["name"]: a["last_check"] for a in connection["addresses"]}
    assert shown["base_url"]["verdict"] == "error"
    assert shown["base_url"]["suggestion"] == own
    assert shown["onlyoffice_url"]["verdict"] == "ok"  # Jupyter fetched discovery there


@pytest.mark.parametrize("scenario", ["working"])
async def test_status_streams_progress(jp_fetch: Any, scenario: str) -> None:
    response = await jp_fetch("api", "wopi", "status", params={"progress": "1"})
    lines = [json.loads(line) for line in response.body.decode().splitlines()]
    progress = [line["progress"] for line in lines if "progress" in line]
    assert progress[0] == "Reading the settings" and len(progress) >= 3
    assert lines[-1]["result"]["ok"] is True


@pytest.mark.parametrize("scenario", ["working", "jupyter-unreachable"])
async def test_doctor_command(
    jp_fetch: Any,
    jp_http_port: int,
    jp_base_url: str,
    jp_serverapp: Any,
    scenario: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"http://localhost:{jp_http_port}{jp_base_url}"
    token = jp_serverapp.identity_provider.token
    code = await asyncio.to_thread(cli_main, ["doctor", "--url", url, "--token", token])
    out = capsys.readouterr().out
    assert "… Jupyter → ONLYOFFICE" in out  # progress while it runs
    if scenario == "working":
        assert code == 0 and "Verdict: all hops work." in out
    else:
        assert code == 1 and "✘ onlyoffice → jupyter: ONLYOFFICE cannot reach" in out
        assert "    → ONLYOFFICE reaches it at http://localhost:" in out  # the likely fix
        assert "    · ONLYOFFICE refuses private addresses" in out  # and the other causes


@pytest.mark.parametrize("scenario", ["working"])
async def test_doctor_does_not_trust_a_cached_discovery(
    jp_fetch: Any, open_session: Any, request: pytest.FixtureRequest, scenario: str
) -> None:
    await open_session("warm.docx", b"x")  # the host now holds a good discovery
    await request.node.onlyoffice_double.stop()  # then ONLYOFFICE goes away
    result = json.loads((await jp_fetch("api", "wopi", "status")).body)
    verdicts = {check["hop"]: check["verdict"] for check in result["checks"]}
    assert verdicts["jupyter → onlyoffice"] == "error", result
    assert "Cannot reach ONLYOFFICE" in json.dumps(result)


@pytest.mark.parametrize(
    ("path", "token", "expected"),
    [
        ("nothing-here/", "right", "the server extension is not enabled or failed to load"),
        ("", "wrong", "pass its token with --token"),
    ],
)
async def test_doctor_explains_a_refusal_in_a_sentence(
    jp_fetch: Any,
    jp_http_port: int,
    jp_base_url: str,
    jp_serverapp: Any,
    capsys: pytest.CaptureFixture[str],
    path: str,
    token: str,
    expected: str,
) -> None:
    url = f"http://localhost:{jp_http_port}{jp_base_url}{path}"
    real = jp_serverapp.identity_provider.token if token == "right" else "not-the-token"
    code = await asyncio.to_thread(cli_main, ["doctor", "--url", url, "--token", real])
    err = capsys.readouterr().err
    assert code == 2 and expected in err
    assert "<" not in err  # no HTML page

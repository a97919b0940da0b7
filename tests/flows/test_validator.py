"""Microsoft's WOPI validator test cases (Python runner in ../shared/wopi-validator, beside
the checkout) against a real Jupyter server. Every case of the required groups must PASS: a
SKIP (for example because a prerequisite failed) counts as a failure. The validator is not
part of this repository: without it, every test here is skipped with the reason."""

from __future__ import annotations

import http.server
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.http_thread import serving
from support.server_process import JupyterServerProcess
from support.validator import GROUPS, VALIDATOR, needs_validator, run_validator

pytestmark = needs_validator  # skipped, saying why, without the validator


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServerProcess]:
    with JupyterServerProcess(tmp_path_factory.mktemp("validator")) as srv:
        yield srv


@pytest.mark.parametrize("group", GROUPS)
def test_validator_group(server: JupyterServerProcess, group: str, tmp_path: Path) -> None:
    run_validator(server, group, tmp_path)


@pytest.fixture
def validator_discovery() -> Iterator[str]:
    """Serves the validator's discovery.xml (its proof keys) as a stand-in ONLYOFFICE."""
    body = (VALIDATOR / "data" / "discovery.xml").read_bytes()

    class Discovery(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path.startswith("/hosting/discovery") else 404)
            self.send_header("Content-Type", "text/xml")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), Discovery)) as httpd:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"


def test_validator_proof_keys(validator_discovery: str, tmp_path: Path) -> None:
    config = {
        "JupyterWopi": {
            "state_dir": str(tmp_path / "state"),
            "onlyoffice_url": validator_discovery,
            "proof_keys": "require",
        }
    }
    with JupyterServerProcess(tmp_path, extra_config=config) as server:
        # Not empty: with a discovery configured, sessions refuse empty files of types that
        # have no blank template (editnew), as ONLYOFFICE cannot open those.
        run_validator(server, "ProofKeys", tmp_path, "--proof-keys", content=b"x")

"""Does an installed jupyter_wopi work as users get it? Run by the Python of the environment
it was installed into (tools/check_wheel.sh does, with no Node.js on PATH): both extensions
are listed as enabled and OK, and a real Jupyter server serves both halves: the lab page
loads the lab extension's files, and the server extension answers its connection check.
Exits 1 with what failed; prints one line per check that passed."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

PACKAGE = "jupyter_wopi"
LAB_EXTENSION = "jupyter-wopi"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class SmokeFailure(Exception):
    """A check failed: the message says which and what was seen."""


def jupyter(*args: str) -> str:
    """`jupyter <args>` of this environment, its output (stdout and stderr)."""
    done = subprocess.run(
        [sys.executable, "-m", "jupyter", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return ANSI.sub("", done.stdout + done.stderr)  # its colours around "enabled" and "OK"


def check_listed(version: str) -> None:
    servers = jupyter("server", "extension", "list")
    for wanted in (f"{PACKAGE} enabled", f"{PACKAGE} {version} OK"):
        if not re.search(rf"^\s*{re.escape(wanted)}\s*$", servers, re.M):
            raise SmokeFailure(f"`jupyter server extension list` shows no {wanted}:\n{servers}")
    print(f"ok: jupyter server extension list: {PACKAGE} enabled, {version} OK")
    labs = jupyter("labextension", "list")
    line = rf"^\s*{LAB_EXTENSION} v{re.escape(version)} enabled\s+OK \(python, {PACKAGE}\)"
    if not re.search(line, labs, re.M):
        raise SmokeFailure(
            f"`jupyter labextension list` shows no {LAB_EXTENSION} v{version} enabled OK:\n{labs}"
        )
    print(f"ok: jupyter labextension list: {LAB_EXTENSION} v{version} enabled OK (python)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def check_served(workdir: Path) -> None:
    """A Jupyter server of this environment, with its own config, data and runtime folders
    (none of the user's), serves the lab extension and the server extension's routes."""
    root = workdir / "root"
    root.mkdir()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(workdir / "config"),
        "JUPYTER_DATA_DIR": str(workdir / "data"),
        "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"),
    }
    env = {k: v for k, v in env.items() if not k.startswith("JUPYTER_WOPI_")}
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}/"
    log_path = workdir / "server.log"
    args = [
        sys.executable,
        "-m",
        "jupyter_server",
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--JupyterWopi.state_dir={workdir / 'wopi-state'}",
    ]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not _answers(base + "api/status", token):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SmokeFailure(f"the Jupyter server did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
        _check_lab(base, token)
        _check_server_extension(base, token, log_path)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _answers(url: str, token: str) -> bool:
    try:
        return fetch(url, token)[0] == 200
    except OSError:  # not listening yet (URLError is an OSError)
        return False


def _check_lab(base: str, token: str) -> None:
    status, page = fetch(base + "lab", token)
    if status != 200:
        raise SmokeFailure(f"GET /lab answered {status}")
    match = re.search(rb'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S)
    if match is None:
        raise SmokeFailure("GET /lab has no page config (jupyter-config-data)")
    federated = json.loads(match.group(1)).get("federated_extensions", [])
    ours = [ext for ext in federated if ext.get("name") == LAB_EXTENSION]
    if not ours:
        names = [ext.get("name") for ext in federated]
        raise SmokeFailure(f"the lab page does not load {LAB_EXTENSION}; it loads {names}")
    entry = f"lab/extensions/{LAB_EXTENSION}/{ours[0]['load']}"
    status, script = fetch(base + entry, token)
    if status != 200 or not script:
        raise SmokeFailure(f"GET /{entry} answered {status} with {len(script)} bytes")
    print(f"ok: the lab page loads {LAB_EXTENSION} (/{entry}, {len(script)} bytes)")


def _check_server_extension(base: str, token: str, log_path: Path) -> None:
    status, body = fetch(base + "api/wopi/connection", token)
    if status != 200:
        raise SmokeFailure(
            f"GET /api/wopi/connection answered {status}: {body[:300]!r}\n{log_path.read_text()}"
        )
    json.loads(body)
    log = log_path.read_text()
    if "jupyter_wopi: WOPI host ready" not in log:
        raise SmokeFailure(f"the server's log does not say the WOPI host is ready:\n{log}")
    print("ok: the server extension answers api/wopi/connection; its log says the host is ready")


def main() -> int:
    import jupyter_wopi  # the installed copy: this tool runs outside the checkout

    version = jupyter_wopi.__version__
    print(f"{PACKAGE} {version} from {Path(jupyter_wopi.__file__).parent}")
    if shutil.which("node") is not None:
        print(f"note: node is on PATH ({shutil.which('node')}); the wheel must not need it")
    workdir = Path(tempfile.mkdtemp(prefix="jupyter-wopi-smoke-"))
    try:
        check_listed(version)
        check_served(workdir)
    except SmokeFailure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("wheel smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

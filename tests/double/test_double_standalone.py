"""The ONLYOFFICE client double run on its own (`python -m tests.onlyoffice_double`), as
docs/contributor.md tells contributors to start it: it serves discovery with a proof key on
the port it was given, says what to set, and stops cleanly on Ctrl+C (SIGINT)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
START_S = 30.0  # importing tornado and making an RSA key on a busy 2-core machine
STOP_S = 5.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fetch_discovery(url: str, proc: subprocess.Popen[str]) -> bytes:
    """Discovery once the double answers (it prints its banner once it listens)."""
    deadline = time.monotonic() + START_S
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body: bytes = response.read()
                return body
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_standalone_double_serves_discovery_and_stops_on_sigint() -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.onlyoffice_double", "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = fetch_discovery(f"http://127.0.0.1:{port}/hosting/discovery", proc)
        proof_key = ET.fromstring(body).find("proof-key")
        assert proof_key is not None
        assert proof_key.get("value") and proof_key.get("modulus") and proof_key.get("exponent")
        edit = ET.fromstring(body).find(".//action[@name='edit'][@ext='docx']")
        assert edit is not None
        assert edit.get("urlsrc", "").startswith(f"http://127.0.0.1:{port}/hosting/wopi/word/")

        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=STOP_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, output
    assert f"JUPYTER_WOPI_ONLYOFFICE_URL=http://127.0.0.1:{port}/ jupyter lab" in output
    assert "a test double, not an editor" in output
    assert "Save, Ctrl+S" in output  # the page saves on Ctrl+S, as ONLYOFFICE does
    assert "Traceback" not in output
    assert output.rstrip().endswith("onlyoffice double: stopped")


def test_readme_and_contributor_guide_start_the_double_the_same_way() -> None:
    """One one-line start, the same in both documents, and the lab line the banner prints
    (its default port)."""
    start = "python -m tests.onlyoffice_double "
    lab = "JUPYTER_WOPI_ONLYOFFICE_URL=http://127.0.0.1:8090/ jupyter lab"
    for doc in ("README.md", "docs/contributor.md"):
        text = (REPO / doc).read_text(encoding="utf-8")
        lines = [line.strip() for line in text.splitlines()]
        assert any(line.startswith(start) for line in lines), doc
        assert any(line.startswith(lab) for line in lines), doc
        assert "from onlyoffice_double import" not in text, doc  # no other way to start it

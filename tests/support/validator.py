"""Microsoft's WOPI validator (its Python runner in ../shared/wopi-validator, beside the
checkout): where it is, the groups every server must pass, and one group's run against a
`jupyter server` subprocess, every case of it a PASS."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .server_process import REPO, JupyterServerProcess

VALIDATOR = REPO.parent / "shared" / "wopi-validator"
RUNNER = VALIDATOR / "wopi_validate.py"
GROUPS = [
    "CheckFileInfoSchema",
    "BaseWopiViewing",
    "Locks",
    "GetLock",
    "ExtendedLockLength",
    "EditFlows",
    "FileVersion",
    "PutUserInfo",
    "PutRelativeFile",
    "RenameFileIfCreateChildFileIsNotSupported",
]


# Skipped before any fixture runs, so that nothing reads the validator's files when it is absent.
needs_validator = pytest.mark.skipif(
    not RUNNER.is_file(),
    reason=f"WOPI validator not found at {RUNNER} (it comes with ../shared, not this repository)",
)


def temp_files(folder: Path) -> set[str]:
    return {p.name for p in folder.glob(".~jupyter_wopi.*")}


def run_validator(
    server: JupyterServerProcess, group: str, tmp_path: Path, *extra: str, content: bytes = b""
) -> None:
    # One test file per group in the root, so groups cannot disturb each other.
    name = f"{group}.wopitest"
    (server.root / name).write_bytes(content)
    session = server.open_session(name)
    assert session["mode"] == "edit"
    before = temp_files(server.root)
    out = tmp_path / "out.json"
    command = [
        sys.executable,
        str(RUNNER),
        "--wopisrc",
        session["wopi_src"],
        "--token",
        session["access_token"],
        "--group",
        group,
        "--json",
        str(out),
        "-v",
        *extra,
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    print(run.stdout, run.stderr, sep="\n")  # shown by pytest when the test fails
    assert out.is_file(), f"validator wrote no results (exit {run.returncode}):\n{run.stderr}"
    results = json.loads(out.read_text())["results"]
    not_passed = [
        f"{r['status']} {r['testcase']}: {r['message']} {' | '.join(r['errors'])}"
        for r in results
        if r["status"] != "PASS"
    ]
    assert results, f"validator ran no test case of {group}"
    assert not not_passed, f"{group}:\n" + "\n".join(not_passed)
    assert run.returncode == 0, run.stdout[-3000:]
    leaked = temp_files(server.root) - before
    assert not leaked, f"{group} left upload temp files behind: {sorted(leaked)}"

"""Start-up cost of jupyter_wopi on a large tree (issue 10 §6): the file-id index is built
lazily, so a Jupyter server starts as fast with the extension as without it, however many
files it serves; a file moved while the server was stopped is found when it is asked for.

    python benchmarks/bench_wopi.py --startup [--tree-files 500000 --tree-folders 10000]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import requests
from support.server_process import OTHER_EXTENSIONS, JupyterServerProcess

POLL = 0.01  # seconds between readiness checks


def make_tree(root: Path, files: int, folders: int) -> Path:
    """`folders` folders (100 per parent) holding `files` empty files in all; returns the
    deepest-listed file's folder, for the moved-file lookup."""
    per_folder = max(1, files // folders)
    last = root
    for n in range(folders):
        folder = root / f"group-{n // 100:03d}" / f"folder-{n % 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        for m in range(per_folder):
            os.close(os.open(folder / f"file-{m:03d}.txt", os.O_CREAT | os.O_WRONLY, 0o644))
        last = folder
    return last


def ready_after(server: JupyterServerProcess) -> float:
    started = time.perf_counter()
    server.start(timeout=120, poll_interval=POLL)
    return time.perf_counter() - started


def measure(workdir: Path, files: int, folders: int, rounds: int) -> list[tuple[str, float, str]]:
    root = workdir / "tree"
    print(f"making {files} files in {folders} folders…", file=sys.stderr, flush=True)
    started = time.perf_counter()
    deep = make_tree(root, files, folders)
    print(f"  made in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    (deep / "report.docx").write_bytes(b"report")
    extensions = dict.fromkeys(OTHER_EXTENSIONS, False)
    servers = {
        "with jupyter_wopi": JupyterServerProcess(workdir / "with", root=root),
        "without": JupyterServerProcess(
            workdir / "without",
            root=root,
            extra_config={
                "ServerApp": {"jpserver_extensions": {**extensions, "jupyter_wopi": False}}
            },
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in servers}
    for round_no in range(-1, rounds):  # round -1 warms the page cache and is not counted
        for name, server in list(servers.items())[:: -1 if round_no % 2 else 1]:
            seconds = ready_after(server)
            server.stop()
            print(f"round {round_no}: {name}: ready in {seconds:.3f} s", file=sys.stderr)
            if round_no >= 0:
                times[name].append(seconds)
    overhead = statistics.median(times["with jupyter_wopi"]) - statistics.median(times["without"])

    # A file moved while the server was stopped: found at the first request for it.
    server = servers["with jupyter_wopi"]
    server.start(timeout=120)
    relative = (deep / "report.docx").relative_to(root).as_posix()
    session = server.open_session(relative)
    server.stop()
    # Deeper than every other folder: the walk for it reads the whole tree first.
    moved = root / "group-050" / "folder-50" / "moved"
    moved.mkdir()
    os.rename(deep / "report.docx", moved / "report.docx")
    server.start(timeout=120)
    started = time.perf_counter()
    info = requests.get(
        server.url(f"wopi/files/{session['file_id']}"),
        params={"access_token": session["access_token"]},
        timeout=120,
    )
    lookup = time.perf_counter() - started
    server.stop()
    assert info.status_code == 200 and info.json()["BaseFileName"] == "report.docx", info.text
    for name, values in times.items():
        print(
            f"start-up {name:<18} median {statistics.median(values):.3f} s "
            f"(min {min(values):.3f}, max {max(values):.3f})"
        )
    print(f"first request for a file moved while stopped: {lookup:.3f} s (walked the tree)")
    return [(f"start-up overhead, {files} files (s)", overhead, "<= 0.3")]

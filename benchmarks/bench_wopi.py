"""Benchmark of jupyter_wopi's WOPI routes against Jupyter's own routes (the issue's targets).

Starts one real Jupyter server (tests/server_process.py) on 127.0.0.1 and, round by round,
alternates every WOPI operation with its Jupyter counterpart on that same server, so both
sides of each ratio see the same machine state. Prints medians with min/max and a PASS/FAIL
line per target. Linux only (server memory is read from /proc; resetting the peak needs the
right to write /proc/<pid>/clear_refs, e.g. root or the server's own user).

    python benchmarks/bench_wopi.py [--size-mb 200] [--rounds 5] [--strict]
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.server_process import JupyterServerProcess

MB = 1_000_000  # throughput unit
MIB = 1 << 20  # memory unit and client chunk size
TIMEOUT = 600


class ServerMemory:
    """Peak-RSS growth of the server process across one operation."""

    def __init__(self, pid: int) -> None:
        self.proc = Path(f"/proc/{pid}")

    def _kib(self, key: str) -> int:
        line = next(x for x in (self.proc / "status").read_text().splitlines() if x.startswith(key))
        return int(line.split()[1])

    def measure(self, operation: Callable[[], None]) -> tuple[float, float]:
        """(seconds, MiB by which VmHWM after exceeds VmRSS before)."""
        (self.proc / "clear_refs").write_text("5")  # VmHWM := current VmRSS
        rss_before = self._kib("VmRSS:")
        start = time.perf_counter()
        operation()
        elapsed = time.perf_counter() - start
        return elapsed, (self._kib("VmHWM:") - rss_before) / 1024


class Results:
    def __init__(self) -> None:
        self.values: dict[str, list[float]] = {}
        self.units: dict[str, str] = {}

    def add(self, name: str, unit: str, *values: float) -> None:
        self.values.setdefault(name, []).extend(values)
        self.units[name] = unit

    def median(self, name: str) -> float:
        return statistics.median(self.values[name])

    def table(self) -> str:
        rows = [f"{'name':<46}{'median':>10}{'min':>10}{'max':>10}  unit  (n)"]
        for name, vals in self.values.items():
            rows.append(f"{name:<46}{statistics.median(vals):>10.3f}{min(vals):>10.3f}"
                        f"{max(vals):>10.3f}  {self.units[name]}  ({len(vals)})")  # fmt: skip
        return "\n".join(rows)


def download(session: requests.Session, url: str, headers: dict[str, str], size: int) -> None:
    with session.get(url, headers=headers, stream=True, timeout=TIMEOUT) as response:
        response.raise_for_status()
        received = sum(len(chunk) for chunk in response.iter_content(MIB))
    if received != size:
        raise RuntimeError(f"{url}: received {received} bytes, expected {size}")


def check_saved(response: requests.Response, path: Path, size: int) -> None:
    response.raise_for_status()
    if path.stat().st_size != size:
        raise RuntimeError(f"{path} has {path.stat().st_size} bytes after the save, not {size}")


def latency_round(sessions: list[requests.Session], url: str, headers: dict[str, str],
                  per_client: int) -> list[float]:  # fmt: skip
    """Each of len(sessions) threads sends `per_client` sequential GETs; all latencies in s."""

    def client(session: requests.Session) -> list[float]:
        latencies = []
        for _ in range(per_client):
            start = time.perf_counter()
            session.get(url, headers=headers, timeout=TIMEOUT).raise_for_status()
            latencies.append(time.perf_counter() - start)
        return latencies

    with ThreadPoolExecutor(len(sessions)) as pool:
        return [x for latencies in pool.map(client, sessions) for x in latencies]


def run(args: argparse.Namespace, workdir: Path) -> list[tuple[str, float, str, bool]]:
    size = args.size_mb * MB
    server = JupyterServerProcess(workdir)
    data = os.urandom(size)
    for name in ("big.bin", "put_wopi.bin", "put_contents.bin"):
        (server.root / name).write_bytes(data)
    (server.root / "small.docx").write_bytes(os.urandom(10_000))
    contents_body = b'{"type":"file","format":"base64","content":"%s"}' % base64.b64encode(data)
    del data

    results = Results()
    with server:
        assert server.proc is not None
        memory = ServerMemory(server.proc.pid)
        auth = server.auth()
        wopi = {n: server.open_session(n) for n in ("big.bin", "put_wopi.bin", "small.docx")}

        def wopi_url(name: str, contents: bool = False) -> str:
            suffix = "/contents" if contents else ""
            token = quote(wopi[name]["access_token"], safe="")
            return f"{server.base}wopi/files/{wopi[name]['file_id']}{suffix}?access_token={token}"

        session = requests.Session()
        lock = {"X-WOPI-Lock": "bench-lock"}
        session.post(wopi_url("put_wopi.bin"), headers={"X-WOPI-Override": "LOCK", **lock},
                     timeout=TIMEOUT).raise_for_status()  # fmt: skip

        def wopi_put() -> None:
            with open(server.root / "big.bin", "rb") as body:  # streamed, Content-Length set
                response = session.post(wopi_url("put_wopi.bin", contents=True), data=body,
                                        headers={"X-WOPI-Override": "PUT", **lock},
                                        timeout=TIMEOUT)  # fmt: skip
            check_saved(response, server.root / "put_wopi.bin", size)

        def contents_put() -> None:
            response = session.put(server.url("api/contents/put_contents.bin"), data=contents_body,
                                   headers={**auth, "Content-Type": "application/json"},
                                   timeout=TIMEOUT)  # fmt: skip
            check_saved(response, server.root / "put_contents.bin", size)

        transfers: list[tuple[str, str, Callable[[], None]]] = [
            ("GetFile WOPI", "get", lambda: download(session, wopi_url("big.bin", True), {}, size)),
            ("GetFile Jupyter files/", "get",
             lambda: download(session, server.url("files/big.bin"), auth, size)),
            ("PutFile WOPI", "put", wopi_put),
            ("PutFile Jupyter contents API", "put", contents_put),
        ]  # fmt: skip
        for round_no in range(-1, args.rounds):  # round -1 warms up and is not recorded
            for pair in (transfers[0:2], transfers[2:4]):
                for name, kind, operation in pair[:: -1 if round_no % 2 else 1]:
                    seconds, growth = memory.measure(operation)
                    print(f"round {round_no}: {name}: {seconds:.3f} s, +{growth:.1f} MiB",
                          file=sys.stderr)  # fmt: skip
                    if round_no >= 0:
                        if kind == "get":
                            results.add(f"{name} throughput", "MB/s", size / MB / seconds)
                        else:
                            results.add(f"{name} time", "s", seconds)
                        results.add(f"{name} peak RSS growth", "MiB", growth)

        sessions = [requests.Session() for _ in range(args.clients)]
        latency_sides = [
            ("CheckFileInfo WOPI", wopi_url("small.docx"), {}),
            ("Jupyter api/contents?content=0", server.url("api/contents/small.docx?content=0"),
             auth),
        ]  # fmt: skip
        for round_no in range(-1, args.latency_rounds):
            for name, url, headers in latency_sides[:: -1 if round_no % 2 else 1]:
                latencies = latency_round(sessions, url, headers, args.requests)
                print(f"round {round_no}: {name}: median {statistics.median(latencies) * 1e3:.2f}"
                      " ms", file=sys.stderr)  # fmt: skip
                if round_no >= 0:
                    results.add(f"{name} latency x{args.clients}", "ms",
                                *(x * 1e3 for x in latencies))  # fmt: skip

    print(results.table())
    lat = f"latency x{args.clients}"
    peak = max(max(results.values[f"{op} WOPI peak RSS growth"]) for op in ("GetFile", "PutFile"))
    return [
        ("GetFile throughput WOPI / Jupyter files/",
         results.median("GetFile WOPI throughput")
         / results.median("GetFile Jupyter files/ throughput"), ">= 1.4", True),
        ("PutFile speed-up WOPI vs contents API",
         results.median("PutFile Jupyter contents API time") / results.median("PutFile WOPI time"),
         ">= 6", True),
        ("WOPI transfer peak RSS growth (worst) MiB", peak, "<= 16", False),
        (f"CheckFileInfo {lat} / contents?content=0",
         results.median(f"CheckFileInfo WOPI {lat}")
         / results.median(f"Jupyter api/contents?content=0 {lat}"), "<= 0.8", False),
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=200, help="transfer size, 10^6 bytes")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of transfers")
    parser.add_argument("--latency-rounds", type=int, default=5, help="rounds of latency tests")
    parser.add_argument("--clients", type=int, default=16, help="concurrent latency clients")
    parser.add_argument("--requests", type=int, default=50, help="requests per client per round")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target fails")
    args = parser.parse_args()
    import jupyter_server
    import tornado

    print(f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"tornado {tornado.version}, jupyter_server {jupyter_server.__version__}; "
          f"{args.size_mb} MB x {args.rounds} rounds; latency {args.clients} clients x "
          f"{args.requests} requests x {args.latency_rounds} rounds")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="jupyter-wopi-bench-") as tmp:
        targets = run(args, Path(tmp))
    failed = 0
    for name, value, target, higher_is_better in targets:
        bound = float(target.split()[1])
        ok = value >= bound if higher_is_better else value <= bound
        failed += not ok
        print(f"{name:<46}{value:>8.2f}  target {target:<7} {'PASS' if ok else 'FAIL'}")
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())

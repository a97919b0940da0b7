"""Benchmark of jupyter_wopi's WOPI routes against Jupyter's own routes (the issue's targets).

Starts one real Jupyter server (tests/support/server_process.py) on 127.0.0.1 and measures
GetFile, PutFile and CheckFileInfo in turn. Within each, rounds alternate the WOPI operation
with its Jupyter counterpart on that same server, so both sides of a ratio see the same machine
state. Prints medians with min/max and a PASS/FAIL line per target. Linux only: server memory is
read from /proc, and resetting the peak needs the right to write /proc/<pid>/clear_refs
(root or the server's own user).

Every WOPI request carries a valid ONLYOFFICE proof (X-WOPI-Proof) that the server checks,
as in production. The host's state is in SQLite, then in a throwaway PostgreSQL cluster
(tests/support/postgres_cluster.py), one after the other in one run
(`--state sqlite|postgresql` measures only one; without Debian's postgresql, only SQLite is
measured, saying so).

    python benchmarks/bench_wopi.py [--size-mb 200] [--rounds 5] [--state both] [--strict]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from urllib.parse import quote, urlsplit

import jupyter_server
import requests
import tornado

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import startup
from proofs import ProofSigner
from support.postgres_cluster import PostgresCluster
from support.postgres_cluster import missing_prerequisite as postgres_missing
from support.server_process import BASE_URL, JupyterServerProcess, free_port

MB = 1_000_000  # throughput unit
MIB = 1 << 20  # download chunk size
TIMEOUT = 600
TICKS = os.sysconf("SC_CLK_TCK")


class ServerProbe:
    """Wall time, server CPU time and server peak-RSS growth across one operation."""

    def __init__(self, pid: int) -> None:
        self.proc = Path(f"/proc/{pid}")

    def _kib(self, key: str) -> int:
        line = next(x for x in (self.proc / "status").read_text().splitlines() if x.startswith(key))
        return int(line.split()[1])

    def cpu(self) -> float:
        """User + system seconds of all the server's threads."""
        fields = (self.proc / "stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def measure(self, operation: Callable[[], None]) -> tuple[float, float, float]:
        """(seconds, server CPU seconds, MiB by which VmHWM after exceeds VmRSS before)."""
        (self.proc / "clear_refs").write_text("5")  # VmHWM := current VmRSS
        rss_before, cpu_before = self._kib("VmRSS:"), self.cpu()
        start = time.perf_counter()
        operation()
        elapsed = time.perf_counter() - start
        return elapsed, self.cpu() - cpu_before, (self._kib("VmHWM:") - rss_before) / 1024


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
            rows.append(
                f"{name:<46}{statistics.median(vals):>10.3f}{min(vals):>10.3f}"
                f"{max(vals):>10.3f}  {self.units[name]}  ({len(vals)})"
            )
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


def requests_clients(
    url: str, headers: dict[str, str], clients: int, per_client: int
) -> list[float]:
    """`clients` threads, each with its own requests.Session, send `per_client` GETs each."""

    def client(_: int) -> list[float]:
        latencies = []
        with requests.Session() as session:
            for _ in range(per_client):
                start = time.perf_counter()
                session.get(url, headers=headers, timeout=TIMEOUT).raise_for_status()
                latencies.append(time.perf_counter() - start)
        return latencies

    with ThreadPoolExecutor(clients) as pool:
        return [x for latencies in pool.map(client, range(clients)) for x in latencies]


def raw_clients(url: str, headers: dict[str, str], clients: int, per_client: int) -> list[float]:
    """The same load from `clients` keep-alive HTTP/1.1 connections on one asyncio loop,
    with ~0.1 ms of client CPU per request (requests needs ~1 ms and holds the GIL)."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {target} HTTP/1.1", f"Host: {parts.netloc}", *map(": ".join, headers.items())]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()

    async def client() -> list[float]:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        latencies = []
        try:
            for _ in range(per_client):
                start = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = re.search(rb"\r\ncontent-length: *(\d+)", head, re.IGNORECASE)
                if not head.startswith(b"HTTP/1.1 200 ") or length is None:
                    raise RuntimeError(f"{url}: unexpected answer {head[:200]!r}")
                await reader.readexactly(int(length[1]))
                latencies.append(time.perf_counter() - start)
        finally:
            writer.close()
        return latencies

    async def main() -> list[list[float]]:
        return await asyncio.gather(*(client() for _ in range(clients)))

    return [x for latencies in asyncio.run(main()) for x in latencies]


IMAGE_MB = 20  # the largest image inserted by default (image_max_bytes: 20 MiB)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHECK_FILE_INFO_TARGET = "<= 0.5"  # on either state: the shared one costs no more
CONTENTS_HEAD = b'{"type":"file","format":"base64","content":"'
PREFIX = 6  # bytes of each upload that differ from round to round: 8 base64 characters


class Uploads:
    """The bytes of each PutFile round, WOPI's and the contents API's body for the same
    bytes: the random data under a prefix of its own (the round's number), so that every save
    replaces different bytes (a host need not keep a version of bytes it already has). Built
    before the clock starts; the base64 body is patched, not encoded again."""

    def __init__(self, data: bytes) -> None:
        self.base = data
        self.base_body = b'%s%s"}' % (CONTENTS_HEAD, base64.b64encode(data))
        self.data, self.body = data, self.base_body

    def next(self, round_no: int) -> None:
        prefix = (round_no + 2).to_bytes(PREFIX, "big")  # never the files' first bytes
        start = len(CONTENTS_HEAD)
        self.data = prefix + self.base[PREFIX:]
        self.body = b"".join(
            (CONTENTS_HEAD, base64.b64encode(prefix), self.base_body[start + PREFIX * 4 // 3 :])
        )


class VersionCheck:
    """Whether keeping versions copies bytes. Around each WOPI PutFile: the inode of the file
    it replaces, and the blobs new in the versions folder after it, each either that inode (a
    hard link: nothing copied) or a copy (its size counted as copied). At the end, every blob
    that is no replaced inode is a copy: a GetFile of bytes not kept yet copies them as they
    stream, by design."""

    def __init__(self, folder: Path, file: Path) -> None:
        self.folder, self.file = folder, file  # the file the PutFiles replace
        self.saves = self.linked = self.missing = 0
        self.copied = 0  # bytes, by PutFiles
        self._replaced: set[tuple[int, int]] = set()
        self._known: set[str] = set()

    def blobs(self, partial: bool = False) -> dict[str, os.stat_result]:
        """The blobs in the versions folder (`partial`: the copies being made instead)."""
        suffix = ".partial" if partial else ".blob"
        if not self.folder.is_dir():
            return {}
        return {
            entry.name: entry.stat(follow_symlinks=False)
            for entry in os.scandir(self.folder)
            if entry.name.endswith(suffix) and entry.is_file(follow_symlinks=False)
        }

    def settle(self, seconds: float = 10) -> None:
        """Wait until no copy is being made (a GetFile's copy is kept after its last byte)."""
        deadline = time.monotonic() + seconds
        while self.blobs(partial=True) and time.monotonic() < deadline:
            time.sleep(0.02)

    def before(self, name: str) -> None:
        if name == "PutFile WOPI":
            self.settle()
            info = self.file.stat()
            self._replaced.add((info.st_dev, info.st_ino))
            self._known = set(self.blobs())

    def after(self, name: str) -> None:
        if name != "PutFile WOPI":
            self.settle()
            return
        new = [info for blob, info in self.blobs().items() if blob not in self._known]
        self.saves += 1
        self.missing += not new
        for info in new:
            if (info.st_dev, info.st_ino) in self._replaced:
                self.linked += 1
            else:
                self.copied += info.st_size

    def summary(self) -> str:
        blobs = self.blobs()
        inodes = {(i.st_dev, i.st_ino): i.st_blocks * 512 for i in blobs.values()}
        copies = [i.st_size for i in blobs.values() if (i.st_dev, i.st_ino) not in self._replaced]
        held = sum(i.st_size for i in blobs.values())
        return (
            f"versions: {self.saves} WOPI PutFiles, {self.linked} kept as the replaced file's "
            f"own inode (hard link), {self.missing} without a new version, "
            f"{self.copied / MB:.1f} MB copied; versions folder: {len(blobs)} blobs holding "
            f"{held / MB:.1f} MB in {sum(inodes.values()) / MB:.1f} MB of disk, of which "
            f"{len(copies)} {'copy' if len(copies) == 1 else 'copies'} "
            f"({sum(copies) / MB:.1f} MB: GetFile's loaded bytes)"
        )


def run(
    args: argparse.Namespace, workdir: Path, signer: ProofSigner, state: str, state_url: str
) -> list[tuple[str, float, str]]:
    size = args.size_mb * MB
    port = free_port()
    versions_dir = workdir / "wopi-state" / "versions"  # on the served files' file system
    settings = {
        "state_dir": str(workdir / "wopi-state"),
        "versions": args.versions == "on",  # on by default
        "versions_dir": str(versions_dir),
        "onlyoffice_url": signer.serve(),
        "proof_keys": "require",
        "base_url": f"http://127.0.0.1:{port}{BASE_URL}",
        **({"state_url": state_url} if state_url else {}),
    }
    server = JupyterServerProcess(workdir, extra_config={"JupyterWopi": settings})
    server.port = port
    data = os.urandom(size)
    for name in ("big.docx", "put_wopi.docx", "put_contents.bin"):
        (server.root / name).write_bytes(data)
    (server.root / "small.docx").write_bytes(os.urandom(10_000))
    # An image ONLYOFFICE downloads from an image URL (issue 22): as large as the default
    # image_max_bytes allows, streamed from the workspace at each download.
    image_size = IMAGE_MB * MB
    (server.root / "chart.png").write_bytes(PNG_SIGNATURE + os.urandom(image_size - 8))
    # Both upload bodies are prepared in memory and sent with one sendall: a file object would
    # go out in urllib3's 16 KiB blocks and make the client, not the server, the bottleneck.
    uploads = Uploads(data)
    versions = VersionCheck(versions_dir, server.root / "put_wopi.docx")

    results = Results()
    with server:
        assert server.proc is not None
        probe = ServerProbe(server.proc.pid)
        auth = server.auth()
        wopi = {n: server.open_session(n) for n in ("big.docx", "put_wopi.docx", "small.docx")}

        def wopi_url(name: str, contents: bool = False) -> str:
            suffix = "/contents" if contents else ""
            token = quote(wopi[name]["access_token"], safe="")
            return f"{server.base}wopi/files/{wopi[name]['file_id']}{suffix}?access_token={token}"

        def proofs(name: str, contents: bool = False) -> dict[str, str]:
            return signer.headers(wopi[name]["access_token"], wopi_url(name, contents))

        session = requests.Session()
        lock = {"X-WOPI-Lock": "bench-lock"}
        session.post(
            wopi_url("put_wopi.docx"),
            headers={"X-WOPI-Override": "LOCK", **lock, **proofs("put_wopi.docx")},
            timeout=TIMEOUT,
        ).raise_for_status()

        def wopi_put() -> None:
            response = session.post(
                wopi_url("put_wopi.docx", contents=True),
                data=uploads.data,
                headers={"X-WOPI-Override": "PUT", **lock, **proofs("put_wopi.docx", True)},
                timeout=TIMEOUT,
            )
            check_saved(response, server.root / "put_wopi.docx", size)

        def contents_put() -> None:
            response = session.put(
                server.url("api/contents/put_contents.bin"),
                data=uploads.body,
                headers={**auth, "Content-Type": "application/json"},
                timeout=TIMEOUT,
            )
            check_saved(response, server.root / "put_contents.bin", size)

        def get_wopi() -> None:
            download(session, wopi_url("big.docx", True), proofs("big.docx", True), size)

        get_files = partial(download, session, server.url("files/big.docx"), auth, size)

        def get_image() -> None:
            download(session, image_urls.pop(), {}, image_size)  # no login, as ONLYOFFICE

        get_image_files = partial(
            download, session, server.url("files/chart.png"), auth, image_size
        )
        transfers: list[tuple[str, Callable[[], None]]] = [
            ("GetFile WOPI", get_wopi),
            ("GetFile Jupyter files/", get_files),
            ("PutFile WOPI", wopi_put),
            ("PutFile Jupyter contents API", contents_put),
            ("Image URL download", get_image),
            ("Image Jupyter files/", get_image_files),
        ]
        image_urls = [  # one URL a round (each allows a few downloads), issued before timing
            session.post(
                server.url("api/wopi/images"), json={"path": "chart.png"}, headers=auth
            ).json()["url"]
            for _ in range(args.rounds + 1)
        ]
        # GetFile rounds, then PutFile rounds, then image downloads
        for pair in (transfers[0:2], transfers[2:4], transfers[4:6]):
            for round_no in range(-1, args.rounds):  # round -1 warms up and is not recorded
                if pair[0][0] == "PutFile WOPI":
                    uploads.next(round_no)
                for name, operation in pair[:: -1 if round_no % 2 else 1]:
                    versions.before(name)
                    seconds, cpu, growth = probe.measure(operation)
                    versions.after(name)
                    print(
                        f"round {round_no}: {name}: {seconds:.3f} s, server CPU {cpu:.2f} s, "
                        f"+{growth:.1f} MiB",
                        file=sys.stderr,
                    )
                    if round_no >= 0:
                        if name.startswith("GetFile"):
                            results.add(f"{name} throughput", "MB/s", size / MB / seconds)
                        elif name.startswith("Image"):
                            results.add(f"{name} throughput", "MB/s", IMAGE_MB / seconds)
                        else:
                            results.add(f"{name} time", "s", seconds)
                        results.add(f"{name} server CPU", "s", cpu)
                        results.add(f"{name} peak RSS growth", "MiB", growth)

        clients = raw_clients if args.client == "raw" else requests_clients
        for round_no in range(-1, args.latency_rounds):
            latency_sides = [
                ("CheckFileInfo WOPI", wopi_url("small.docx"), proofs("small.docx")),
                (
                    "Jupyter contents?content=0",
                    server.url("api/contents/small.docx?content=0"),
                    auth,
                ),
            ]
            for name, url, headers in latency_sides[:: -1 if round_no % 2 else 1]:
                cpu_before = probe.cpu()
                latencies = clients(url, headers, args.clients, args.requests)
                cpu_ms = (probe.cpu() - cpu_before) / len(latencies) * 1e3
                print(
                    f"round {round_no}: {name}: median {statistics.median(latencies) * 1e3:.2f}"
                    f" ms, server CPU {cpu_ms:.2f} ms/request",
                    file=sys.stderr,
                )
                if round_no >= 0:
                    results.add(
                        f"{name} latency x{args.clients}", "ms", *(x * 1e3 for x in latencies)
                    )
                    results.add(f"{name} server CPU/request", "ms", cpu_ms)

    print(f"\n-- state in {state}\n{results.table()}")
    if args.versions == "on":
        print(versions.summary())
    m, lat = results.median, f"latency x{args.clients}"
    get_ratio = m("GetFile WOPI throughput") / m("GetFile Jupyter files/ throughput")
    put_ratio = m("PutFile Jupyter contents API time") / m("PutFile WOPI time")
    peak = max(
        max(results.values[f"{op} peak RSS growth"])
        for op in ("GetFile WOPI", "PutFile WOPI", "Image URL download")
    )
    image_ratio = m("Image URL download throughput") / m("Image Jupyter files/ throughput")
    linked_share = versions.linked / versions.saves
    lat_ratio = m(f"CheckFileInfo WOPI {lat}") / m(f"Jupyter contents?content=0 {lat}")
    targets = [
        ("GetFile throughput WOPI / Jupyter files/", get_ratio, ">= 1.4"),
        ("PutFile speed-up WOPI vs contents API", put_ratio, ">= 6"),
        ("WOPI transfer peak RSS growth, worst (MiB)", peak, "<= 16"),
        (f"CheckFileInfo {lat} / contents?content=0", lat_ratio, CHECK_FILE_INFO_TARGET),
        ("Image URL download / Jupyter files/ (issue 22)", image_ratio, ">= 0.8"),
    ]
    if args.versions == "on":
        targets[2:2] = [
            ("PutFile speed-up, versions on (issue 21)", put_ratio, ">= 10"),
            ("PutFiles whose version is the replaced inode (share)", linked_share, ">= 1"),
            ("Bytes copied to keep PutFile's versions (MB)", versions.copied / MB, "<= 0"),
        ]
    return [(f"{name} [{state}]", value, target) for name, value, target in targets]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=200, help="transfer size, 10^6 bytes")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of transfers")
    parser.add_argument("--latency-rounds", type=int, default=5, help="rounds of latency tests")
    parser.add_argument("--clients", type=int, default=16, help="concurrent latency clients")
    parser.add_argument("--requests", type=int, default=50, help="requests per client per round")
    parser.add_argument(
        "--client",
        choices=("raw", "requests"),
        default="raw",
        help="latency client: asyncio keep-alive connections, or a thread "
        "with a requests.Session per client",
    )
    parser.add_argument(
        "--state",
        choices=("both", "sqlite", "postgresql"),
        default="both",
        help="where the host keeps its state: SQLite files, a local PostgreSQL started for the "
        "run (Debian's postgresql package), or each in turn",
    )
    parser.add_argument(
        "--versions",
        choices=("on", "off"),
        default="on",
        help="whether the host keeps versions (on by default, as in the server): off measures "
        "PutFile without them, for their cost",
    )
    parser.add_argument(
        "--startup",
        action="store_true",
        help="measure instead the start-up cost on a large tree (see startup.py)",
    )
    parser.add_argument("--tree-files", type=int, default=500_000, help="files, --startup")
    parser.add_argument("--tree-folders", type=int, default=10_000, help="folders, --startup")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target fails")
    args = parser.parse_args()
    if args.startup:
        with tempfile.TemporaryDirectory(prefix="jupyter-wopi-bench-") as tmp:
            return report(
                startup.measure(Path(tmp), args.tree_files, args.tree_folders, args.rounds),
                args.strict,
            )
    print(
        f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"tornado {tornado.version}, jupyter_server {jupyter_server.__version__}; "
        f"{args.size_mb} MB x {args.rounds} rounds; latency: {args.client} client, "
        f"{args.clients} x {args.requests} requests x {args.latency_rounds} rounds; "
        f"state in {args.state}; versions {args.versions}; proof keys checked on every WOPI "
        "request"
    )
    signer = ProofSigner()
    targets = []
    try:
        for state in states(args.state):
            with tempfile.TemporaryDirectory(prefix="jupyter-wopi-bench-") as tmp:
                if state == "sqlite":
                    targets += run(args, Path(tmp), signer, state, "")
                    continue
                cluster = PostgresCluster()
                try:
                    cluster.start()
                    targets += run(args, Path(tmp), signer, state, cluster.new_database())
                finally:
                    cluster.stop()
    finally:
        signer.close()
    return report(targets, args.strict)


def states(wanted: str) -> list[str]:
    """The states to measure; PostgreSQL is left out, saying why, where it is missing."""
    if wanted != "both":
        return [wanted]
    missing = postgres_missing()
    if missing is not None:
        print(f"PostgreSQL not measured: {missing}")
        return ["sqlite"]
    return ["sqlite", "postgresql"]


def report(targets: list[tuple[str, float, str]], strict: bool) -> int:
    """A PASS/FAIL line per target; the exit code."""
    failed = 0
    for name, value, target in targets:
        bound = float(target.split()[1])
        ok = value >= bound if target.startswith(">=") else value <= bound
        failed += not ok
        print(f"{name:<60}{value:>8.2f}  target {target:<7} {'PASS' if ok else 'FAIL'}")
    return 1 if failed and strict else 0


if __name__ == "__main__":
    sys.exit(main())

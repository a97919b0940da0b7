"""Probe documents for the connection doctor: a WOPI id that exists only in memory, so
ONLYOFFICE can be asked to open it and we can watch its CheckFileInfo arrive."""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field

PROBE_PREFIX = "jupyter-wopi-probe-"
PROBE_NAME = "jupyter-wopi-probe.docx"
PROBE_LIFETIME = 120.0


@dataclass
class Probe:
    file_id: str
    created: float = field(default_factory=time.monotonic)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    proof_error: str | None = None  # None: the CheckFileInfo's proof was accepted


class ProbeRegistry:
    def __init__(self) -> None:
        self._probes: dict[str, Probe] = {}

    def create(self) -> Probe:
        now = time.monotonic()
        for stale in [k for k, p in self._probes.items() if now - p.created > PROBE_LIFETIME]:
            del self._probes[stale]
        probe = Probe(PROBE_PREFIX + secrets.token_hex(16))
        self._probes[probe.file_id] = probe
        return probe

    def get(self, file_id: str) -> Probe | None:
        return self._probes.get(file_id)

    def discard(self, probe: Probe) -> None:
        self._probes.pop(probe.file_id, None)

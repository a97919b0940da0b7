"""The connection doctor: checks every hop between the three parties and names the setting
that fixes each failure (used by `GET api/wopi/status` and `jupyter wopi doctor`)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from ..onlyoffice.discovery import build_action_url, rebase_url
from ..onlyoffice.discovery_client import OnlyOfficeUnavailable
from ..onlyoffice.proof_check import ProofPolicy
from ..wire import ConnectionCheck
from ..wopi.tokens import TokenClaims
from .services import WopiHost

Verdict = Literal["ok", "warning", "error", "skipped"]
PROBE_TIMEOUT = 20.0


@dataclass(frozen=True)
class Check:
    hop: str
    verdict: Verdict
    message: str

    def as_dict(self) -> ConnectionCheck:
        return ConnectionCheck(hop=self.hop, verdict=self.verdict, message=self.message)


def unreachable_causes(base: str) -> str:
    return (
        f"ONLYOFFICE cannot reach JUPYTER_WOPI_BASE_URL={base}. Likely causes: the address is "
        "not reachable from the ONLYOFFICE server (wrong base URL, Docker network, firewall: "
        "set JUPYTER_WOPI_BASE_URL to Jupyter's address as ONLYOFFICE sees it); DNS does not "
        "resolve it there; ONLYOFFICE refuses private addresses (Docker: "
        "ALLOW_PRIVATE_IP_ADDRESS=true) or its IP filter denies the host; or it does not "
        "trust Jupyter's TLS certificate (USE_UNAUTHORIZED_STORAGE=true or NODE_EXTRA_CA_CERTS)."
    )


async def diagnose(host: WopiHost, progress: Callable[[str], None]) -> list[Check]:
    checks: list[Check] = []
    discovery_client = host.discovery
    progress("Reading the settings")
    if not discovery_client.configured:
        return [Check("settings", "error", discovery_client.not_configured)]
    checks.append(
        Check(
            "settings",
            "ok",
            (
                f"ONLYOFFICE for the browser: {discovery_client.public_url}; for Jupyter: "
                f"{discovery_client.internal_url}; Jupyter for ONLYOFFICE: {host.wopi_base}"
            ),
        )
    )

    progress(f"Jupyter → ONLYOFFICE: fetching {discovery_client.discovery_url}")
    try:
        discovery = await discovery_client.get(force=True, stale_ok=False)
        keys = await discovery_client.proof_keys()
    except OnlyOfficeUnavailable as err:
        checks.append(Check("jupyter → onlyoffice", "error", str(err)))
        return [*checks, *_skipped("onlyoffice → jupyter", "proof keys")]
    view = discovery.find("docx", "view")
    if view is None:
        checks.append(
            Check(
                "jupyter → onlyoffice",
                "error",
                "ONLYOFFICE's discovery offers no view action for .docx.",
            )
        )
        return [*checks, *_skipped("onlyoffice → jupyter", "proof keys")]
    checks.append(
        Check(
            "jupyter → onlyoffice",
            "ok",
            (
                f"Discovery answered with {len(discovery.extensions())} file types; WOPI is "
                f"enabled and {'publishes proof keys' if keys else 'publishes NO proof keys'}."
            ),
        )
    )

    progress(f"ONLYOFFICE → Jupyter: asking ONLYOFFICE to open a probe at {host.wopi_base}")
    probe = host.probes.create()
    try:
        checks.append(await _probe_round_trip(host, view.urlsrc, probe.file_id))
        arrived = probe.arrived.is_set()
    finally:
        host.probes.discard(probe)
    if not arrived:
        return [*checks, *_skipped("proof keys")]
    policy = host.proofs.policy
    if probe.proof_error:
        checks.append(Check("proof keys", "error", probe.proof_error))
    elif keys is None:
        verdict: Verdict = "error" if policy is ProofPolicy.REQUIRE else "warning"
        checks.append(
            Check(
                "proof keys",
                verdict,
                (
                    "ONLYOFFICE publishes no proof key, so its requests are unsigned and accepted "
                    "unchecked (JUPYTER_WOPI_PROOF_KEYS=auto). Configure wopi.privateKey/publicKey "
                    "(and the *Old pair) in ONLYOFFICE's local.json."
                ),
            )
        )
    elif policy is ProofPolicy.OFF:
        checks.append(
            Check(
                "proof keys", "warning", "JUPYTER_WOPI_PROOF_KEYS=off: signatures are not checked."
            )
        )
    else:
        checks.append(Check("proof keys", "ok", "The probe's signature is valid."))
    return checks


def _skipped(*hops: str) -> list[Check]:
    return [Check(hop, "skipped", "Not checked: an earlier hop failed.") for hop in hops]


async def _probe_round_trip(host: WopiHost, urlsrc: str, probe_id: str) -> Check:
    """POST a view action for the probe, as the browser would, and wait for ONLYOFFICE's
    CheckFileInfo to reach us."""
    client = host.discovery
    claims = TokenClaims(
        probe_id, "jupyter-wopi-doctor", "Connection doctor", False, int((time.time() + 600) * 1000)
    )
    action_url = build_action_url(urlsrc, wopi_src=host.wopi_src(probe_id))
    # We are not the browser: post to ONLYOFFICE's address as Jupyter reaches it.
    action_url = rebase_url(action_url, client.public_url, client.internal_url)
    form = urlencode(
        {"access_token": host.signer.mint(claims), "access_token_ttl": str(claims.expires_ms)}
    )
    probe = host.probes.get(probe_id)
    assert probe is not None
    try:
        await AsyncHTTPClient().fetch(
            action_url, method="POST", body=form, request_timeout=PROBE_TIMEOUT
        )
        await asyncio.wait_for(probe.arrived.wait(), timeout=2.0)
    except HTTPClientError as err:
        if probe.arrived.is_set():
            return Check("onlyoffice → jupyter", "ok", "ONLYOFFICE reached Jupyter.")
        return Check(
            "onlyoffice → jupyter",
            "error",
            (f"ONLYOFFICE's editor page answered HTTP {err.code} for {action_url}."),
        )
    except (OSError, asyncio.TimeoutError):
        if not probe.arrived.is_set():
            return Check("onlyoffice → jupyter", "error", unreachable_causes(host.wopi_base))
    return Check("onlyoffice → jupyter", "ok", f"ONLYOFFICE reached Jupyter at {host.wopi_base}.")
